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

export function membersJoinedBy(facts: ModelFacts, at: Millis): readonly MemberFact[] {
  // Once everyone has joined, all of them (the same array, so what is kept per array stays kept).
  if (at >= massesOf(facts.members).lastJoined) return facts.members;
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
  const masses = massesOf(facts.members);
  if (at >= masses.settled) return masses.now;
  return facts.members.filter((member) => member.joinedAt <= at && roleAt(member, at) === 'member');
}

/** How many members are of the masses at t: `massMembersJoinedBy(facts, at).length`, without listing them. */
export function massMembersCountAt(facts: ModelFacts, at: Millis): number {
  const masses = massesOf(facts.members);
  if (at >= masses.settled) return masses.now.length;
  // The count steps at each joining and each change of role: the sum of the steps up to t.
  let lo = 0;
  let hi = masses.steps.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (masses.steps[mid]!.at <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? 0 : masses.steps[lo - 1]!.count;
}

/**
 * Per members array: the masses once every joining and change of role is past (`settled` is the
 * latest of them), and the count after each instant something changed, ascending.
 */
const massesByMembers = new WeakMap<
  readonly MemberFact[],
  { settled: Millis; lastJoined: Millis; now: MemberFact[]; steps: { at: Millis; count: number }[] }
>();

function massesOf(members: readonly MemberFact[]) {
  let masses = massesByMembers.get(members);
  if (masses) return masses;
  let settled = -Infinity;
  let lastJoined = -Infinity;
  const deltas: { at: Millis; delta: number }[] = [];
  for (const m of members) {
    settled = Math.max(settled, m.joinedAt, ...(m.roles ?? []).map((p) => p.from));
    lastJoined = Math.max(lastJoined, m.joinedAt);
    if (roleAt(m, m.joinedAt) === 'member') deltas.push({ at: m.joinedAt, delta: 1 });
    for (const from of new Set((m.roles ?? []).map((p) => p.from).filter((from) => from > m.joinedAt))) {
      const delta = (roleAt(m, from) === 'member' ? 1 : 0) - (roleAt(m, from - 1) === 'member' ? 1 : 0);
      if (delta !== 0) deltas.push({ at: from, delta });
    }
  }
  deltas.sort((a, b) => a.at - b.at);
  const steps: { at: Millis; count: number }[] = [];
  let count = 0;
  for (const d of deltas) {
    count += d.delta;
    if (steps.length && steps[steps.length - 1]!.at === d.at) steps[steps.length - 1]!.count = count;
    else steps.push({ at: d.at, count });
  }
  const now = members.filter((member) => roleAt(member, Infinity) === 'member');
  masses = { settled, lastJoined, now, steps };
  massesByMembers.set(members, masses);
  return masses;
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

/** Per list of groups: each member's groups. */
const groupIndexes = new WeakMap<readonly { id: string; members: readonly string[] }[], Map<string, string[]>>();

export function groupIndexOf(groups: readonly { id: string; members: readonly string[] }[]): Map<string, string[]> {
  let index = groupIndexes.get(groups);
  if (index) return index;
  index = new Map();
  for (const g of groups) {
    for (const m of g.members) {
      const own = index.get(m);
      if (own) own.push(g.id);
      else index.set(m, [g.id]);
    }
  }
  groupIndexes.set(groups, index);
  return index;
}

const constituencyIndexes = new WeakMap<readonly MemberFact[], Map<string, string | null>>();

/** Each member's constituency, per members array. */
export function constituencyIndexOf(members: readonly MemberFact[]): Map<string, string | null> {
  let index = constituencyIndexes.get(members);
  if (!index) constituencyIndexes.set(members, (index = new Map(members.map((m) => [m.id, m.constituency]))));
  return index;
}

const constituencyNames = new WeakMap<readonly MemberFact[], string[]>();

/** The constituencies members declared, in name order, per members array. */
export function constituencyNamesOf(members: readonly MemberFact[]): string[] {
  let names = constituencyNames.get(members);
  if (!names) {
    names = [...new Set(members.flatMap((m) => (m.constituency === null ? [] : [m.constituency])))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    constituencyNames.set(members, names);
  }
  return names;
}

const byConstituency = new WeakMap<readonly MemberFact[], Map<string, string[]>>();

/** Per declared constituency, its members' ids, per members array. */
export function membersByConstituencyOf(members: readonly MemberFact[]): Map<string, string[]> {
  let by = byConstituency.get(members);
  if (!by) {
    by = new Map();
    for (const m of members) {
      if (m.constituency === null) continue;
      const list = by.get(m.constituency);
      if (list) list.push(m.id);
      else by.set(m.constituency, [m.id]);
    }
    byConstituency.set(members, by);
  }
  return by;
}

const reportsByIssue = new WeakMap<readonly ReportFact[], Map<string, ReportFact[]>>();

/** The reports of one issue, in the reports' order, per reports array. */
export function reportsOfIssue(reports: readonly ReportFact[], issueId: string): readonly ReportFact[] {
  let by = reportsByIssue.get(reports);
  if (!by) {
    by = new Map();
    for (const r of reports) {
      const own = by.get(r.issueId);
      if (own) own.push(r);
      else by.set(r.issueId, [r]);
    }
    reportsByIssue.set(reports, by);
  }
  return by.get(issueId) ?? [];
}
