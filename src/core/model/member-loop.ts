/**
 * Closing the loop for one member: what became of what they said and did. From the masses, to
 * the masses: a member who voted or wrote should see which claims took their statements up and
 * how practice judged those claims; a member who reported should see whether their report
 * counted against the claim. Facts carry ids, not texts; the caller joins statement texts.
 */
import type { ActFact, LineVersionFact, Millis, ModelFacts } from './facts.js';
import { ledgerOf } from './ledger.js';
import type { Verdict } from '../vocabulary.js';
import { compareVersions } from './lookups.js';
import { refutedClaimsAt } from './quality.js';
import { countOf } from './wording.js';

/** A report on a claim, without its author: only the member who filed it sees it as theirs. */
export interface ClaimTest {
  reportId: string;
  at: Millis;
  verdict: Verdict | null;
}

export interface CitingClaim {
  issueId: string;
  lineVersionId: string;
  versionNumber: number;
  claimId: string;
  text: string;
  /** The claim belongs to the issue's current version. */
  current: boolean;
  /** Reports that named this claim. */
  tests: ClaimTest[];
}

export interface StatementFate {
  statementId: string;
  issueId: string;
  wrote: boolean;
  voted: boolean;
  /** The statement an organiser merged this one into, as a duplicate; null when it stands on its own. */
  mergedInto: string | null;
  /** Claims of every published version (current and past) that cite the statement, or the statement it was merged into. */
  citedBy: CitingClaim[];
}

/** Where the claim a report tested stands now: refuted or standing in the current version, or withdrawn from it. */
export type ClaimStanding = 'refuted' | 'standing' | 'withdrawn';

export interface ReportFate {
  reportId: string;
  issueId: string;
  at: Millis;
  verdict: Verdict | null;
  claim: { claimId: string; text: string; lineVersionId: string; versionNumber: number } | null;
  /** Null when the report names no claim (or one never published). */
  claimNow: ClaimStanding | null;
  /** Claims that cite the report as their basis. */
  citedBy: CitingClaim[];
}

export interface MemberLoop {
  memberId: string;
  at: Millis;
  statements: StatementFate[];
  reports: ReportFate[];
  how: string;
}

/**
 * What became of a member's statements, votes and reports, as the facts stand at `at` (all of
 * them by default). `mergedInto` names the statements merged as duplicates and the statement each
 * now lives in: a merged statement's fate shows where it went, and the claims citing that one.
 */
export function whatBecameOf(facts: ModelFacts, memberId: string, at: Millis = Infinity, mergedInto: ReadonlyMap<string, string> = new Map()): MemberLoop {
  const versions = facts.lines.filter((v) => v.publishedAt <= at).sort(compareVersions);
  // versions are in publication order, so the last one seen per issue is its current version
  const currentOf = new Map<string, LineVersionFact>();
  for (const v of versions) currentOf.set(v.issueId, v);
  const currentIds = new Set([...currentOf.values()].map((v) => v.id));

  const testsOf = new Map<string, ClaimTest[]>();
  for (const r of facts.reports) {
    if (r.at > at || r.claimId === null) continue;
    testsOf.set(r.claimId, [...(testsOf.get(r.claimId) ?? []), { reportId: r.id, at: r.at, verdict: r.verdict }]);
  }
  const citing = new Map<string, CitingClaim[]>();
  const claimById = new Map<string, { version: LineVersionFact; text: string }>();
  for (const v of versions) {
    for (const claim of v.claims) {
      claimById.set(claim.id, { version: v, text: claim.text });
      const entry: CitingClaim = {
        issueId: v.issueId,
        lineVersionId: v.id,
        versionNumber: v.number,
        claimId: claim.id,
        text: claim.text,
        current: currentIds.has(v.id),
        tests: testsOf.get(claim.id) ?? [],
      };
      for (const cite of claim.cites) {
        if (cite.kind === 'analysis') continue;
        const key = `${cite.kind}\u0000${cite.ref}`;
        const list = citing.get(key);
        if (list) list.push(entry);
        else citing.set(key, [entry]);
      }
    }
  }

  const statements = new Map<string, StatementFate>();
  for (const act of actsOfMember(facts, memberId)) {
    // A vote carried over by a merge is the duplicate's, which the member's own vote stands for (mergedInto).
    if (act.memberId !== memberId || act.at > at || act.statementId === null || act.kind === 'endorsement' || (act.carriedFrom ?? null) !== null) continue;
    let fate = statements.get(act.statementId);
    if (!fate) {
      const into = mergedInto.get(act.statementId) ?? null;
      const own = citing.get(`statement\u0000${act.statementId}`) ?? [];
      const inherited = into === null ? [] : (citing.get(`statement\u0000${into}`) ?? []).filter((c) => !own.some((o) => o.claimId === c.claimId));
      fate = { statementId: act.statementId, issueId: act.issueId, wrote: false, voted: false, mergedInto: into, citedBy: [...own, ...inherited] };
      statements.set(act.statementId, fate);
    }
    if (act.kind === 'statement') fate.wrote = true;
    else fate.voted = true;
  }

  const refutedByIssue = new Map<string, Set<string>>();
  const refutedTexts = (issueId: string): Set<string> => {
    let texts = refutedByIssue.get(issueId);
    if (!texts) refutedByIssue.set(issueId, (texts = new Set(refutedClaimsAt(facts, issueId, at).claims.map((c) => c.text))));
    return texts;
  };
  const reports: ReportFate[] = facts.reports
    .filter((r) => r.memberId === memberId && r.at <= at)
    .sort((a, b) => a.at - b.at)
    .map((r) => {
      const tested = r.claimId === null ? undefined : claimById.get(r.claimId);
      let claimNow: ClaimStanding | null = null;
      if (tested) {
        const current = currentOf.get(tested.version.issueId);
        const stillThere = current?.claims.some((c) => c.text === tested.text) ?? false;
        claimNow = !stillThere ? 'withdrawn' : refutedTexts(tested.version.issueId).has(tested.text) ? 'refuted' : 'standing';
      }
      return {
        reportId: r.id,
        issueId: r.issueId,
        at: r.at,
        verdict: r.verdict,
        claim:
          tested && r.claimId !== null
            ? { claimId: r.claimId, text: tested.text, lineVersionId: tested.version.id, versionNumber: tested.version.number }
            : null,
        claimNow,
        citedBy: citing.get(`report\u0000${r.id}`) ?? [],
      };
    });

  const fates = [...statements.values()];
  const taken = fates.filter((f) => f.citedBy.length > 0).length;
  return {
    memberId,
    at,
    statements: fates,
    reports,
    how:
      `${taken} of the ${countOf(fates.length, 'statement')} you wrote or voted on cited by a claim; ` +
      `${reports.filter((r) => r.claimNow === 'refuted').length} of your ${countOf(reports.length, 'report')} tested a claim that stands refuted now`,
  };
}

/** Every act of the member (carried and repeated votes included), in the facts' order. */
export function actsOfMember(facts: ModelFacts, memberId: string): readonly ActFact[] {
  return ledgerOf(facts).actsOf.get(memberId) ?? [];
}
