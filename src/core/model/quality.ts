/**
 * The quality of a line's two elements (MODEL.md §3 "Quality"): proportion is half of it.
 * Grounding and refuted claims judge the logic; representativeness judges the practice;
 * concentration judges how much of the practice the logic took up.
 */
import type { ClaimFact, Millis, ModelFacts, ReportFact } from './facts.js';
import { analysesOf, currentLineVersion, massMembersJoinedBy, publishedVersions, reportsOfIssue } from './lookups.js';
import { ledgerOf, memoOnLedger, practiceSplit, type PracticeLedger } from './ledger.js';
import { activeMembersAt, presentActivityAt } from './activity.js';
import { defaultModelSettings, type ModelSettings } from './settings.js';
import { compareText, countOf, formatNumber, formatPercent, noTexts, statementNamed, type StatementTexts } from './wording.js';

/** Share of the current version's claims that cite at least one basis; null without claims. */
export interface GroundingFigure {
  value: number | null;
  how: string;
  terms: { grounded: number; claims: number; ungrounded: string[] };
}

export interface RefutedClaim {
  claimId: string;
  text: string;
  /** Statements the claim cites that were in consensus in the analysis the version was published on and are not in the latest one's. */
  lostConsensus: string[];
  /** Verdicts of the reports that tested this claim (or the same claim text in an earlier version): each member's latest, of role member. */
  verdicts: { confirms: number; refutes: number; mixed: number };
  reasons: string[];
}

/** The current version's refuted claims: they go back to gather as seed statements. */
export interface RefutedClaimsFigure {
  value: number;
  how: string;
  claims: RefutedClaim[];
  terms: { claims: number; latestAnalysisId: string | null; lineVersionId: string | null };
}

export interface ConstituencyParticipation {
  constituency: string;
  participants: number;
  members: number;
  rate: number;
  /** rate ÷ the overall rate; null when the overall rate is 0. */
  ratio: number | null;
}

/** participants / active members at t, and per constituency its rate over the overall rate. */
export interface RepresentativenessFigure {
  value: number | null;
  how: string;
  /** activeMembers: members of role member with an act or report on any issue within the last h days. */
  terms: { participants: number; activeMembers: number; halfLifeDays: number };
  constituencies: ConstituencyParticipation[];
  lowest: { constituency: string; ratio: number } | null;
}

/** Share of the latest analysis's consensus ∪ representative statements some current claim cites. */
export interface ConcentrationFigure {
  value: number | null;
  how: string;
  terms: { cited: number; concentrated: number; analysisId: string | null; uncited: string[] };
}

export interface IssueQuality {
  issueId: string;
  at: Millis;
  grounding: GroundingFigure;
  refuted: RefutedClaimsFigure;
  representativeness: RepresentativenessFigure;
  concentration: ConcentrationFigure;
}

export function groundingAt(facts: ModelFacts, issueId: string, at: Millis): GroundingFigure {
  const claims = currentLineVersion(facts, issueId, at)?.claims ?? [];
  const ungrounded = claims.filter((c) => c.cites.length === 0);
  const grounded = claims.length - ungrounded.length;
  if (claims.length === 0) return { value: null, how: 'grounding: no claims yet', terms: { grounded: 0, claims: 0, ungrounded: [] } };
  const value = grounded / claims.length;
  return {
    value,
    how: `grounding = ${grounded}/${claims.length} = ${formatPercent(value)}: ${countOf(grounded, 'claim')} of ${claims.length} cite at least one basis`,
    terms: { grounded, claims: claims.length, ungrounded: ungrounded.map((c) => c.id) },
  };
}

/**
 * Which of the current version's claims practice has refuted at t: a cited statement lost the
 * consensus it had in the analysis the version was published on, or its reports refute more than confirm
 * ('mixed' counts for neither). A report counts for a claim when it names the claim's id, or
 * the id of a claim with the same text in an earlier version: republishing a claim unchanged
 * must not wash its refutations away. Each member of role member counts once per claim, with
 * their latest verdict; the leadership's reports are not practice (MODEL.md §3).
 */
export function refutedClaimsAt(facts: ModelFacts, issueId: string, at: Millis, texts: StatementTexts = noTexts): RefutedClaimsFigure {
  const versions = publishedVersions(facts, issueId, at);
  const current = versions[versions.length - 1] ?? null;
  const analyses = analysesOf(facts, issueId, at);
  const latest = analyses[analyses.length - 1] ?? null;
  const inLatest = new Set(latest?.consensus ?? []);
  // Lost consensus is judged against the analysis the current version stood on when it was
  // published (the concentration its claims came from), not against every passing analysis:
  // early analyses of a half-gathered conversation come and go.
  const basis = current === null ? null : ([...analyses].reverse().find((a) => a.at <= current.publishedAt) ?? null);
  const lost = new Set<string>();
  if (basis !== null && latest !== null && basis !== latest) for (const s of basis.consensus) if (!inLatest.has(s)) lost.add(s);

  const textOfClaim = new Map<string, string>();
  for (const v of versions) for (const c of v.claims) textOfClaim.set(c.id, c.text);
  // The masses' reports, each member's latest on the claim (by its text): ten identical reports are one verdict.
  const latestByMember = new Map<string, { text: string; at: Millis; verdict: NonNullable<ReportFact['verdict']> }>();
  for (const r of reportsOfIssue(practiceSplit(facts).reports, issueId)) {
    if (r.issueId !== issueId || r.at > at || r.claimId === null || r.verdict === null) continue;
    const text = textOfClaim.get(r.claimId);
    if (text === undefined) continue;
    const key = `${r.memberId}\u0000${text}`;
    const seen = latestByMember.get(key);
    if (!seen || r.at >= seen.at) latestByMember.set(key, { text, at: r.at, verdict: r.verdict });
  }
  const verdictsByText = new Map<string, { confirms: number; refutes: number; mixed: number }>();
  for (const { text, verdict } of latestByMember.values()) {
    let tally = verdictsByText.get(text);
    if (!tally) verdictsByText.set(text, (tally = { confirms: 0, refutes: 0, mixed: 0 }));
    tally[verdict] += 1;
  }

  const claims: RefutedClaim[] = [];
  for (const claim of current?.claims ?? []) {
    const lostConsensus = claim.cites.filter((c) => c.kind === 'statement' && lost.has(c.ref)).map((c) => c.ref);
    const verdicts = { ...(verdictsByText.get(claim.text) ?? { confirms: 0, refutes: 0, mixed: 0 }) };
    const reasons: string[] = [];
    if (lostConsensus.length > 0)
      reasons.push(
        `cites ${countOf(lostConsensus.length, 'statement')} that lost consensus: ${lostConsensus.map((id) => statementNamed(id, texts)).join(', ')}`,
      );
    if (verdicts.refutes > verdicts.confirms) reasons.push(`reports refute it ${verdicts.refutes} to ${verdicts.confirms}`);
    if (reasons.length > 0) claims.push({ claimId: claim.id, text: claim.text, lostConsensus, verdicts, reasons });
  }
  const total = current?.claims.length ?? 0;
  return {
    value: claims.length,
    how:
      current === null
        ? 'refuted claims: no line version yet'
        : `${countOf(claims.length, 'claim')} of ${total} refuted` +
          (claims.length > 0 ? `: ${claims.map((c) => `"${c.text}" (${c.reasons.join('; ')})`).join(', ')}` : ''),
    claims,
    terms: { claims: total, latestAnalysisId: latest?.id ?? null, lineVersionId: current?.id ?? null },
  };
}

/**
 * participants / active members at t (MODEL.md §3): the active members are the members of role
 * member with an act or report on any issue within the last h days (all of them, with h = ∞); a
 * participant is one of them with an act or report on this issue up to t. Per declared
 * constituency, its participation rate over the overall rate. The leadership is in neither.
 */
/**
 * At one instant: the active members, in all and per constituency, and per issue those of them
 * who took part, in all ('') and per constituency.
 */
interface Participation {
  active: number;
  constituencies: Map<string, number>;
  byIssue: Map<string, Map<string, number>>;
}

const participationOf = new WeakMap<PracticeLedger, { version: number; values: Map<string, Participation> }>();

/**
 * Every issue's participation at t in one pass over the active members: each active member
 * counts in their constituency, and as a participant on every issue they took part in by t (an
 * act or report on it). At or after the latest act, the ledger's tallies say who took part;
 * before, the practice up to t is walked.
 */
function participationAt(facts: ModelFacts, at: Millis, settings: Pick<ModelSettings, 'halfLifeDays'>): Participation {
  const ledger = ledgerOf(facts);
  return memoOnLedger(participationOf, ledger, `${at}\u0000${settings.halfLifeDays}`, () => {
    const present = presentActivityAt(facts, at, settings.halfLifeDays);
    if (present) {
      // The present's counts, less the members active by their acts as members but of another role now.
      const byIssue = new Map([...present.participants].map(([issueId, counts]) => [issueId, new Map(counts)]));
      const constituencies = new Map([...present.active].filter(([c]) => c !== ''));
      let active = present.active.get('') ?? 0;
      for (const out of present.outOfRole()) {
        active -= 1;
        if (out.constituency !== null) constituencies.set(out.constituency, (constituencies.get(out.constituency) ?? 0) - 1);
        for (const issueId of out.issues) {
          const counts = byIssue.get(issueId);
          if (!counts) continue;
          counts.set('', (counts.get('') ?? 0) - 1);
          if (out.constituency !== null) counts.set(out.constituency, (counts.get(out.constituency) ?? 0) - 1);
        }
      }
      for (const [c, n] of constituencies) if (n <= 0) constituencies.delete(c);
      return { active, byIssue, constituencies };
    }
    const recent = activeMembersAt(facts, at, settings);
    const issuesOf = new Map<string, Set<string>>();
    const tookPart = (memberId: string, issueId: string) => {
      const own = issuesOf.get(memberId);
      if (own) own.add(issueId);
      else issuesOf.set(memberId, new Set([issueId]));
    };
    if (at >= ledger.latestMassAct) {
      for (const [issueId, issue] of ledger.issues) for (const memberId of issue.tallies.keys()) if (recent.has(memberId)) tookPart(memberId, issueId);
    } else {
      for (const act of ledger.split.acts) {
        if (act.at > at) break;
        if (recent.has(act.memberId)) tookPart(act.memberId, act.issueId);
      }
    }
    for (const r of ledger.split.reports) if (r.at <= at && recent.has(r.memberId)) tookPart(r.memberId, r.issueId);
    const byIssue = new Map<string, Map<string, number>>();
    const everyIssue = new Map<string, number>();
    let active = 0;
    for (const m of massMembersJoinedBy(facts, at)) {
      if (!recent.has(m.id)) continue;
      active += 1;
      if (m.constituency !== null) everyIssue.set(m.constituency, (everyIssue.get(m.constituency) ?? 0) + 1);
      for (const issueId of issuesOf.get(m.id) ?? []) {
        let ofIssue = byIssue.get(issueId);
        if (!ofIssue) byIssue.set(issueId, (ofIssue = new Map()));
        ofIssue.set('', (ofIssue.get('') ?? 0) + 1);
        if (m.constituency !== null) ofIssue.set(m.constituency, (ofIssue.get(m.constituency) ?? 0) + 1);
      }
    }
    // Every constituency's active members, on every issue (participants or not).
    return { active, byIssue, constituencies: everyIssue };
  });
}

export function representativenessAt(
  facts: ModelFacts,
  issueId: string,
  at: Millis,
  settings: Pick<ModelSettings, 'halfLifeDays'> = defaultModelSettings,
): RepresentativenessFigure {
  const participation = participationAt(facts, at, settings);
  const ofIssue = participation.byIssue.get(issueId);
  const participants = ofIssue?.get('') ?? 0;
  const active = { length: participation.active };
  const byConstituency = new Map<string, { participants: number; members: number }>();
  for (const [constituency, members] of participation.constituencies)
    byConstituency.set(constituency, { participants: ofIssue?.get(constituency) ?? 0, members });
  const halfLife = settings.halfLifeDays === Infinity ? 'ever' : `in the last ${formatNumber(settings.halfLifeDays)} days`;
  if (active.length === 0) {
    return {
      value: null,
      how: `representativeness: no active members yet (members who took part ${halfLife})`,
      terms: { participants: 0, activeMembers: 0, halfLifeDays: settings.halfLifeDays },
      constituencies: [],
      lowest: null,
    };
  }
  const overall = participants / active.length;
  const constituencies: ConstituencyParticipation[] = [...byConstituency.entries()]
    .map(([constituency, t]) => {
      const rate = t.participants / t.members;
      return { constituency, participants: t.participants, members: t.members, rate, ratio: overall > 0 ? rate / overall : null };
    })
    .sort((a, b) => compareText(a.constituency, b.constituency));
  let lowest: { constituency: string; ratio: number } | null = null;
  for (const c of constituencies)
    if (c.ratio !== null && (lowest === null || c.ratio < lowest.ratio)) lowest = { constituency: c.constituency, ratio: c.ratio };
  return {
    value: overall,
    how:
      `representativeness = ${participants}/${active.length} = ${formatPercent(overall)} of active members (members who took part ${halfLife}) took part in this issue` +
      (lowest ? `; lowest: ${lowest.constituency} at ${formatNumber(lowest.ratio)}× the overall rate` : ''),
    terms: { participants, activeMembers: active.length, halfLifeDays: settings.halfLifeDays },
    constituencies,
    lowest,
  };
}

export function concentrationAt(facts: ModelFacts, issueId: string, at: Millis): ConcentrationFigure {
  const analyses = analysesOf(facts, issueId, at);
  const latest = analyses[analyses.length - 1] ?? null;
  const concentrated = new Set([...(latest?.consensus ?? []), ...(latest?.representative ?? [])]);
  if (latest === null || concentrated.size === 0) {
    return {
      value: null,
      how: latest === null ? 'concentration: no analysis yet' : 'concentration: the latest analysis has no consensus or representative statements',
      terms: { cited: 0, concentrated: 0, analysisId: latest?.id ?? null, uncited: [] },
    };
  }
  const citedStatements = new Set(citedStatementsOf(currentLineVersion(facts, issueId, at)?.claims ?? []));
  const uncited = [...concentrated].filter((s) => !citedStatements.has(s));
  const cited = concentrated.size - uncited.length;
  const value = cited / concentrated.size;
  return {
    value,
    how: `concentration = ${cited}/${concentrated.size} = ${formatPercent(value)} of the latest analysis's consensus and representative statements are cited by a claim`,
    terms: { cited, concentrated: concentrated.size, analysisId: latest.id, uncited },
  };
}

/** Statement ids cited by the claims. */
export function citedStatementsOf(claims: readonly ClaimFact[]): string[] {
  return claims.flatMap((c) => c.cites.filter((cite) => cite.kind === 'statement').map((cite) => cite.ref));
}

export function issueQualityAt(
  facts: ModelFacts,
  issueId: string,
  at: Millis,
  settings: Pick<ModelSettings, 'halfLifeDays'> = defaultModelSettings,
  texts: StatementTexts = noTexts,
): IssueQuality {
  return {
    issueId,
    at,
    grounding: groundingAt(facts, issueId, at),
    refuted: refutedClaimsAt(facts, issueId, at, texts),
    representativeness: representativenessAt(facts, issueId, at, settings),
    concentration: concentrationAt(facts, issueId, at),
  };
}
