/**
 * The two aspects of a line (MODEL.md §3): pure logic L and practice P, normalised by the
 * organisation's sufficiency levels into ℓ and π, and the character their proportion gives.
 * Every figure carries how it was computed, so the UI can show
 * "P = 4.2 = 3.1 from 12 members + 1.1 from 1 report".
 */
import type { ActFact, Millis, ModelFacts } from './facts.js';
import type { ModelSettings } from './settings.js';
import { actKey, latestReportsAt, massMembersJoinedBy, openIssuesAt, practiceSplit, type PracticeSplit } from './lookups.js';
import { DAY_MS } from './time.js';
import { countOf, formatNumber } from './wording.js';

export const characters = ['fool', 'left-communist', 'empiricist', 'correct'] as const;
export type Character = (typeof characters)[number];

/**
 * decay(Δ) = 2^(−Δ/h), h in days. With h = Infinity practice never fades (the essay's model).
 * Invariant: Δ ≥ 0 (callers only decay facts at or before t), so the result is in (0, 1].
 */
export function decay(deltaMs: number, halfLifeDays: number): number {
  if (halfLifeDays === Infinity) return 1;
  return 2 ** (-deltaMs / (halfLifeDays * DAY_MS));
}

/** π/ℓ, with ℓ = 0 counting as ∞ (MODEL.md §3): a line with no logic has all its practice unconcentrated. */
export function practicePerLogic(l: number, pi: number): number {
  return l === 0 ? Infinity : pi / l;
}

/**
 * The character of a line from ℓ = L/L₀ and π = P/P₀ (MODEL.md §3): fool when both fall short,
 * else left-communist when π/ℓ < 1/β, empiricist when π/ℓ > β, correct otherwise. The band's
 * edges are correct. Compared as β·π < ℓ and π > β·ℓ, which is the same for ℓ, β > 0 and exact
 * for β = 2, so the boundary π/ℓ = 1/β is never lost to rounding; ℓ = 0 with π > 0 is empiricist.
 */
export function characterOf(l: number, pi: number, beta: number): Character {
  if (l < 1 && pi < 1) return 'fool';
  if (beta * pi < l) return 'left-communist';
  if (pi > beta * l) return 'empiricist';
  return 'correct';
}

/** Why `characterOf(l, pi, beta)` is what it is, in words. */
export function characterReason(l: number, pi: number, beta: number): string {
  const character = characterOf(l, pi, beta);
  const ratio = `π/ℓ = ${formatNumber(practicePerLogic(l, pi))}`;
  switch (character) {
    case 'fool':
      return `ℓ = ${formatNumber(l)} < 1 and π = ${formatNumber(pi)} < 1: fool`;
    case 'left-communist':
      return `${ratio} < 1/β = ${formatNumber(1 / beta)}: left-communist`;
    case 'empiricist':
      return `${ratio} > β = ${formatNumber(beta)}: empiricist`;
    case 'correct':
      return `${ratio} within [1/β, β] = [${formatNumber(1 / beta)}, ${formatNumber(beta)}]: correct`;
  }
}

/** L: claims in the current line version, per issue counted. */
export interface PureLogicFigure {
  value: number;
  how: string;
  terms: { versions: { issueId: string; lineVersionId: string; number: number; claims: number }[]; issues: number };
}

/** One member's term of P on one issue. */
export interface MemberPractice {
  memberId: string;
  issueId: string;
  /** acts_m = statementsVotedOn + statementsWritten + endorsements + actions. */
  acts: number;
  /** Distinct statements voted on: a changed vote counts once, a pass is a vote. */
  statementsVotedOn: number;
  statementsWritten: number;
  /** Line versions answered: once per version, however often the answer changed. */
  endorsements: number;
  /** Actions taken part in, once per action. */
  actions: number;
  /** last_m: the member's latest act (changed votes and answers included). */
  lastActAt: Millis;
  /** min(1, acts_m / k). */
  engagement: number;
  /** decay(t − last_m) · engagement. */
  weight: number;
}

/** One report's term of P: α · decay(t − t_r), t_r the member's latest report on the claim. */
export interface ReportPractice {
  reportId: string;
  issueId: string;
  at: Millis;
  weight: number;
}

/** The leadership's own activity on the issues up to t: shown apart, never practice. */
export interface LeadershipActivity {
  acts: number;
  reports: number;
  /** Organisers and admins who acted or reported. */
  members: number;
}

export interface PracticeTerms {
  at: Millis;
  members: MemberPractice[];
  reports: ReportPractice[];
  leadership: LeadershipActivity;
}

/** P with its two sums: members' terms and reports' terms. */
export interface PracticeFigure {
  value: number;
  how: string;
  terms: {
    /** Member terms counted (a member counts once per issue). */
    memberTerms: number;
    /** Distinct members among them. */
    members: number;
    memberWeight: number;
    reports: number;
    reportWeight: number;
    halfLifeDays: number;
    fullConsultationActs: number;
    reportWeightAlpha: number;
    /** Not in P: the leadership's own acts and reports. */
    leadership: LeadershipActivity;
  };
}

/** P₀ = max(floor, share × members of role member joined by t). */
export interface PracticeSufficiencyFigure {
  value: number;
  how: string;
  terms: { floor: number; share: number; membersJoined: number; basis: 'floor' | 'share' };
}

/** The health of an issue (issueId) or of the organisation (issueId null) at one instant. */
export interface Health {
  issueId: string | null;
  at: Millis;
  pureLogic: PureLogicFigure;
  practice: PracticeFigure;
  /** L₀. */
  logicSufficiency: number;
  practiceSufficiency: PracticeSufficiencyFigure;
  /** ℓ = L / L₀. */
  l: number;
  /** π = P / P₀. */
  pi: number;
  /** π/ℓ, Infinity when ℓ = 0. */
  practicePerLogic: number;
  character: Character;
  how: string;
}

/**
 * Every member's and report's term of P at t on the given issues, in one pass over the masses'
 * practice (lookups.ts practiceSplit: the leadership's acts and reports, carried and repeated
 * votes are not in it). Acts and reports at exactly t count. Each act counts once by its key
 * (a statement voted on, a version answered, an action), its latest instance giving last_m;
 * each member's reports count once per claim, dated at the latest.
 */
interface ActTally {
  memberId: string;
  issueId: string;
  keys: Set<string>;
  counted: { vote: number; statement: number; endorsement: number; action: number };
  last: Millis;
}

/** Per (issue, member), in the order of their first act: the acts at or before t on the issues asked for (all: null). */
function tallyActs(acts: readonly ActFact[], issueIds: ReadonlySet<string> | null, at: Millis): Map<string, ActTally> {
  const tallies = new Map<string, ActTally>();
  for (const act of acts) {
    if (act.at > at || (issueIds !== null && !issueIds.has(act.issueId))) continue;
    const tallyKey = `${act.issueId}\u0000${act.memberId}`;
    let tally = tallies.get(tallyKey);
    if (!tally) {
      tally = { memberId: act.memberId, issueId: act.issueId, keys: new Set(), counted: { vote: 0, statement: 0, endorsement: 0, action: 0 }, last: act.at };
      tallies.set(tallyKey, tally);
    }
    tally.last = Math.max(tally.last, act.at);
    const key = actKey(act);
    if (key === null) tally.counted[act.kind] += 1;
    else if (!tally.keys.has(key)) {
      tally.keys.add(key);
      tally.counted[act.kind] += 1;
    }
  }
  return tallies;
}

/**
 * Per split (kept while the facts are): every (issue, member)'s tally over all the masses' acts,
 * and the latest act's instant. At or after it, the tallies at t are these: a request at the
 * present costs the number of (issue, member) pairs, not the number of acts ever made.
 */
const allTallies = new WeakMap<PracticeSplit, { latest: Millis; tallies: Map<string, ActTally> }>();

function talliesAt(split: PracticeSplit, issueIds: ReadonlySet<string>, at: Millis): Iterable<ActTally> {
  let all = allTallies.get(split);
  if (!all) {
    let latest = -Infinity;
    for (const act of split.acts) latest = Math.max(latest, act.at);
    all = { latest, tallies: tallyActs(split.acts, null, Infinity) };
    allTallies.set(split, all);
  }
  if (at < all.latest) return tallyActs(split.acts, issueIds, at).values();
  return [...all.tallies.values()].filter((t) => issueIds.has(t.issueId));
}

export function practiceTerms(facts: ModelFacts, issueIds: ReadonlySet<string>, at: Millis, settings: ModelSettings): PracticeTerms {
  const split = practiceSplit(facts);
  const tallies = talliesAt(split, issueIds, at);
  const members: MemberPractice[] = [];
  for (const t of tallies) {
    const { vote, statement, endorsement, action } = t.counted;
    const acts = vote + statement + endorsement + action;
    const engagement = Math.min(1, acts / settings.fullConsultationActs);
    members.push({
      memberId: t.memberId,
      issueId: t.issueId,
      acts,
      statementsVotedOn: vote,
      statementsWritten: statement,
      endorsements: endorsement,
      actions: action,
      lastActAt: t.last,
      engagement,
      weight: decay(at - t.last, settings.halfLifeDays) * engagement,
    });
  }
  const reports: ReportPractice[] = latestReportsAt(split.reports, at, (r) => issueIds.has(r.issueId)).map((r) => ({
    reportId: r.id,
    issueId: r.issueId,
    at: r.at,
    weight: settings.reportWeight * decay(at - r.at, settings.halfLifeDays),
  }));
  const leaders = new Set<string>();
  let leadershipActs = 0;
  let leadershipReports = 0;
  for (const a of split.leadershipActs) {
    if (a.at > at || !issueIds.has(a.issueId)) continue;
    leadershipActs += 1;
    leaders.add(a.memberId);
  }
  for (const r of split.leadershipReports) {
    if (r.at > at || !issueIds.has(r.issueId)) continue;
    leadershipReports += 1;
    leaders.add(r.memberId);
  }
  return { at, members, reports, leadership: { acts: leadershipActs, reports: leadershipReports, members: leaders.size } };
}

/** P from its terms: Σ member weights + Σ report weights. */
export function practiceFromTerms(terms: PracticeTerms, settings: ModelSettings): PracticeFigure {
  let memberWeight = 0;
  for (const m of terms.members) memberWeight += m.weight;
  let reportWeight = 0;
  for (const r of terms.reports) reportWeight += r.weight;
  const value = memberWeight + reportWeight;
  const distinct = new Set(terms.members.map((m) => m.memberId)).size;
  const issues = new Set(terms.members.map((m) => m.issueId)).size;
  const fromMembers =
    distinct === terms.members.length || issues <= 1
      ? countOf(terms.members.length, 'member')
      : `${countOf(terms.members.length, 'member term')} (${countOf(distinct, 'member')} across ${countOf(issues, 'issue')})`;
  const halfLife = settings.halfLifeDays === Infinity ? 'h = ∞' : `h = ${formatNumber(settings.halfLifeDays)} days`;
  const { leadership } = terms;
  const apart =
    leadership.acts + leadership.reports > 0
      ? `; not counted: the leadership's own ${countOf(leadership.acts, 'act')} and ${countOf(leadership.reports, 'report')}`
      : '';
  return {
    value,
    how:
      `P = ${formatNumber(value)} = ${formatNumber(memberWeight)} from ${fromMembers} + ` +
      `${formatNumber(reportWeight)} from ${countOf(terms.reports.length, 'report')} ` +
      `(k = ${formatNumber(settings.fullConsultationActs)}, α = ${formatNumber(settings.reportWeight)}, ${halfLife})` +
      apart,
    terms: {
      memberTerms: terms.members.length,
      members: distinct,
      memberWeight,
      reports: terms.reports.length,
      reportWeight,
      halfLifeDays: settings.halfLifeDays,
      fullConsultationActs: settings.fullConsultationActs,
      reportWeightAlpha: settings.reportWeight,
      leadership,
    },
  };
}

/** P(t) of one issue. */
export function practiceAt(facts: ModelFacts, issueId: string, at: Millis, settings: ModelSettings): PracticeFigure {
  return practiceFromTerms(practiceTerms(facts, new Set([issueId]), at, settings), settings);
}

/** L(t) summed over the given issues' current versions (0 for an issue with none). */
export function pureLogicOf(facts: ModelFacts, issueIds: readonly string[], at: Millis): PureLogicFigure {
  const wanted = new Set(issueIds);
  const current = new Map<string, { lineVersionId: string; number: number; publishedAt: Millis; claims: number }>();
  for (const v of facts.lines) {
    if (!wanted.has(v.issueId) || v.publishedAt > at) continue;
    const seen = current.get(v.issueId);
    if (!seen || v.publishedAt > seen.publishedAt || (v.publishedAt === seen.publishedAt && v.number > seen.number)) {
      current.set(v.issueId, { lineVersionId: v.id, number: v.number, publishedAt: v.publishedAt, claims: v.claims.length });
    }
  }
  const versions = [...current.entries()].map(([issueId, v]) => ({ issueId, lineVersionId: v.lineVersionId, number: v.number, claims: v.claims }));
  const value = versions.reduce((sum, v) => sum + v.claims, 0);
  let how: string;
  if (issueIds.length === 1) {
    const only = versions[0];
    how = only ? `L = ${value}: ${countOf(value, 'claim')} in version ${only.number}` : 'L = 0: no line version published yet';
  } else {
    how = `L = ${value}: ${countOf(value, 'claim')} in the current versions of ${countOf(issueIds.length, 'open issue')} (${versions.length} with a line)`;
  }
  return { value, how, terms: { versions, issues: issueIds.length } };
}

/** L(t) of one issue: claims in its latest version published at or before t. */
export function pureLogicAt(facts: ModelFacts, issueId: string, at: Millis): PureLogicFigure {
  return pureLogicOf(facts, [issueId], at);
}

/** P₀ at t = max(floor, share × members of role member joined by t): the leadership is not the masses. */
export function practiceSufficiencyAt(facts: ModelFacts, at: Millis, settings: ModelSettings): PracticeSufficiencyFigure {
  return practiceSufficiencyFor(massMembersJoinedBy(facts, at).length, settings);
}

/** P₀ for `membersJoined` members of role member. */
export function practiceSufficiencyFor(membersJoined: number, settings: ModelSettings): PracticeSufficiencyFigure {
  const floor = settings.practiceSufficiencyFloor;
  const share = settings.practiceSufficiencyShare;
  const byShare = share * membersJoined;
  const basis = byShare > floor ? 'share' : 'floor';
  const value = Math.max(floor, byShare);
  return {
    value,
    how: `P₀ = max(${formatNumber(floor)}, ${formatNumber(share * 100)} % of ${countOf(membersJoined, 'member')} of role member joined = ${formatNumber(byShare)}) = ${formatNumber(value)}`,
    terms: { floor, share, membersJoined, basis },
  };
}

/** ℓ, π and the character from the three figures. */
export function healthFromFigures(
  issueId: string | null,
  at: Millis,
  pureLogic: PureLogicFigure,
  practice: PracticeFigure,
  practiceSufficiency: PracticeSufficiencyFigure,
  settings: ModelSettings,
): Health {
  const logicSufficiency = settings.logicSufficiency;
  const l = pureLogic.value / logicSufficiency;
  const pi = practice.value / practiceSufficiency.value;
  return {
    issueId,
    at,
    pureLogic,
    practice,
    logicSufficiency,
    practiceSufficiency,
    l,
    pi,
    practicePerLogic: practicePerLogic(l, pi),
    character: characterOf(l, pi, settings.beta),
    how:
      `ℓ = L/L₀ = ${formatNumber(pureLogic.value)}/${formatNumber(logicSufficiency)} = ${formatNumber(l)}; ` +
      `π = P/P₀ = ${formatNumber(practice.value)}/${formatNumber(practiceSufficiency.value)} = ${formatNumber(pi)}; ` +
      characterReason(l, pi, settings.beta),
  };
}

/** The health of one issue at t (MODEL.md §3). An issue with no facts is a fool: L = P = 0. */
export function issueHealthAt(facts: ModelFacts, issueId: string, at: Millis, settings: ModelSettings): Health {
  return healthFromFigures(issueId, at, pureLogicAt(facts, issueId, at), practiceAt(facts, issueId, at, settings), practiceSufficiencyAt(facts, at, settings), settings);
}

/** The organisation's health at t: L_org and P_org summed over the issues open at t, normalised by the same L₀ and P₀. */
export function organisationHealthAt(facts: ModelFacts, at: Millis, settings: ModelSettings): Health {
  const open = openIssuesAt(facts, at).map((issue) => issue.id);
  const practice = practiceFromTerms(practiceTerms(facts, new Set(open), at, settings), settings);
  return healthFromFigures(null, at, pureLogicOf(facts, open, at), practice, practiceSufficiencyAt(facts, at, settings), settings);
}

