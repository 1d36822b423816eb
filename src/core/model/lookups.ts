/**
 * Reading the facts as they stood at an instant. Every figure of the model is "at t": a fact
 * counts when it happened at or before t, never after, so a figure can be recomputed for any
 * past instant from the same facts.
 */
import type { Role } from '../vocabulary.js';
import type { ActFact, AnalysisFact, IssueFact, LineVersionFact, MemberFact, Millis, ModelFacts, ReportFact } from './facts.js';

/** Open at t: opened at or before t and not resolved at or before t. */
export function isOpenAt(issue: IssueFact, at: Millis): boolean {
  return issue.openedAt <= at && (issue.resolvedAt === null || issue.resolvedAt > at);
}

export function openIssuesAt(facts: ModelFacts, at: Millis): IssueFact[] {
  return facts.issues.filter((issue) => isOpenAt(issue, at));
}

export function membersJoinedBy(facts: ModelFacts, at: Millis): MemberFact[] {
  return facts.members.filter((member) => member.joinedAt <= at);
}

/** The member's role at t: the latest period of their history begun at or before t (the first before it begins). */
export function roleAt(member: MemberFact, at: Millis): Role {
  const roles = member.roles;
  if (roles === undefined || roles.length === 0) return 'member';
  let role = (roles[0] as { role: Role }).role;
  for (const period of roles) {
    if (period.from > at) break;
    role = period.role;
  }
  return role;
}

/** The masses at t (MODEL.md §3): members joined by t whose role at t is member. P₀ counts them. */
export function massMembersJoinedBy(facts: ModelFacts, at: Millis): MemberFact[] {
  return facts.members.filter((member) => member.joinedAt <= at && roleAt(member, at) === 'member');
}

/**
 * The facts split into the masses' practice and the leadership's own activity (MODEL.md §3):
 * - an act or report counts as practice only when its member's role at that instant is member
 *   (a member the facts do not list counts as one);
 * - a vote carried over by a merge is no act, nor is a vote that repeats the member's current
 *   value on the statement (carried votes do set the current value);
 * - the leadership's acts and reports are kept apart, to be shown apart, never as practice.
 * Acts keep the facts' order; deduplication (a statement voted on once, a version answered once,
 * an action once, a report once per member and claim) is by `actKey` and `reportKey`, at t.
 */
export interface PracticeSplit {
  acts: ActFact[];
  reports: ReportFact[];
  leadershipActs: ActFact[];
  leadershipReports: ReportFact[];
}

/** Per acts array: the split, while the members, reports and lengths it was made from are the same. */
const splits = new WeakMap<readonly ActFact[], { members: readonly MemberFact[]; reports: readonly ReportFact[]; acts: number; reported: number; split: PracticeSplit }>();

export function practiceSplit(facts: ModelFacts): PracticeSplit {
  const cached = splits.get(facts.acts);
  if (cached && cached.members === facts.members && cached.reports === facts.reports && cached.acts === facts.acts.length && cached.reported === facts.reports.length) return cached.split;
  const byId = new Map(facts.members.map((m) => [m.id, m]));
  const ofMasses = (memberId: string, at: Millis): boolean => {
    const member = byId.get(memberId);
    return member === undefined || roleAt(member, at) === 'member';
  };
  // Votes in the order they were cast (stable: the log's order on a tie), to know each one's predecessor.
  const noAct = new Set<ActFact>();
  const current = new Map<string, number>();
  const votes = facts.acts.filter((a) => a.kind === 'vote' && a.statementId !== null).sort((a, b) => a.at - b.at);
  for (const vote of votes) {
    const key = `${vote.memberId}\u0000${vote.statementId}`;
    const before = current.get(key);
    if (vote.value !== undefined) current.set(key, vote.value);
    if ((vote.carriedFrom ?? null) !== null || (vote.value !== undefined && before === vote.value)) noAct.add(vote);
  }
  const split: PracticeSplit = { acts: [], reports: [], leadershipActs: [], leadershipReports: [] };
  for (const act of facts.acts) {
    if (noAct.has(act)) continue;
    (ofMasses(act.memberId, act.at) ? split.acts : split.leadershipActs).push(act);
  }
  for (const report of facts.reports) (ofMasses(report.memberId, report.at) ? split.reports : split.leadershipReports).push(report);
  splits.set(facts.acts, { members: facts.members, reports: facts.reports, acts: facts.acts.length, reported: facts.reports.length, split });
  return split;
}

/**
 * What an act counts as in acts_m: a statement voted on (however often the vote changed), a
 * statement written, a line version answered, an action taken part in. Null: the act counts apart
 * (an answer or action the facts do not name).
 */
export function actKey(act: ActFact): string | null {
  switch (act.kind) {
    case 'vote':
      return act.statementId === null ? null : `vote\u0000${act.statementId}`;
    case 'statement':
      return act.statementId === null ? null : `statement\u0000${act.statementId}`;
    case 'endorsement':
      return act.lineVersionId ? `answer\u0000${act.lineVersionId}` : null;
    case 'action':
      return act.actionId ? `action\u0000${act.actionId}` : null;
  }
}

/** A report counts once per member and claim (a report naming no claim: once per member, for "no claim"). */
export function reportKey(report: ReportFact): string {
  return `${report.issueId}\u0000${report.memberId}\u0000${report.claimId ?? ''}`;
}

/** Per (member, claim): the latest of the reports at or before t, so ten identical reports count once, dated at the last. */
export function latestReportsAt(reports: readonly ReportFact[], at: Millis, wanted: (r: ReportFact) => boolean = () => true): ReportFact[] {
  const latest = new Map<string, ReportFact>();
  for (const r of reports) {
    if (r.at > at || !wanted(r)) continue;
    const key = reportKey(r);
    const seen = latest.get(key);
    if (!seen || r.at >= seen.at) latest.set(key, r);
  }
  return [...latest.values()];
}

/** Orders line versions by publication, then by number (two published in the same millisecond). */
export function compareVersions(a: LineVersionFact, b: LineVersionFact): number {
  return a.publishedAt - b.publishedAt || a.number - b.number;
}

/** The issue's versions published at or before t, oldest first. */
export function publishedVersions(facts: ModelFacts, issueId: string, at: Millis): LineVersionFact[] {
  return facts.lines.filter((v) => v.issueId === issueId && v.publishedAt <= at).sort(compareVersions);
}

/** The issue's line at t: its latest version published at or before t, or null when none is. */
export function currentLineVersion(facts: ModelFacts, issueId: string, at: Millis): LineVersionFact | null {
  let current: LineVersionFact | null = null;
  for (const v of facts.lines) {
    if (v.issueId !== issueId || v.publishedAt > at) continue;
    if (current === null || compareVersions(v, current) > 0) current = v;
  }
  return current;
}

/** The issue's analyses made at or before t, oldest first (equal instants keep the facts' order). */
export function analysesOf(facts: ModelFacts, issueId: string, at: Millis): AnalysisFact[] {
  return facts.analyses.filter((a) => a.issueId === issueId && a.at <= at).sort((a, b) => a.at - b.at);
}

/** The issue's latest analysis at or before t (the later one in the facts' order on a tie). */
export function latestAnalysis(facts: ModelFacts, issueId: string, at: Millis): AnalysisFact | null {
  let latest: AnalysisFact | null = null;
  for (const a of facts.analyses) if (a.issueId === issueId && a.at <= at && (latest === null || a.at >= latest.at)) latest = a;
  return latest;
}

/** The organisation's latest analysis at or before t, of any issue. */
export function latestOrganisationAnalysis(facts: ModelFacts, at: Millis): AnalysisFact | null {
  let latest: AnalysisFact | null = null;
  for (const a of facts.analyses) if (a.at <= at && (latest === null || a.at >= latest.at)) latest = a;
  return latest;
}

/**
 * The facts of one issue only (members, issues, blocks and importance marks kept whole), so
 * that walking every issue costs one pass over the facts instead of one per issue.
 */
export function factsByIssue(facts: ModelFacts): Map<string, ModelFacts> {
  const slices = new Map<string, ModelFacts>();
  const sliceOf = (issueId: string): ModelFacts => {
    let slice = slices.get(issueId);
    if (!slice) {
      slice = { ...facts, acts: [], reports: [], lines: [], endorsements: [], analyses: [] };
      slices.set(issueId, slice);
    }
    return slice;
  };
  for (const issue of facts.issues) sliceOf(issue.id);
  for (const act of facts.acts) sliceOf(act.issueId).acts.push(act);
  for (const report of facts.reports) sliceOf(report.issueId).reports.push(report);
  for (const version of facts.lines) sliceOf(version.issueId).lines.push(version);
  for (const endorsement of facts.endorsements) sliceOf(endorsement.issueId).endorsements.push(endorsement);
  for (const analysis of facts.analyses) sliceOf(analysis.issueId).analyses.push(analysis);
  return slices;
}
