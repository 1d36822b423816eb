/**
 * "When there is a compound yoke there is always a principal yoke" (MODEL.md §6): which open
 * issue to put first, with its reasons, and around it the united front: who stands with the
 * line, what they set aside, and whose support is steady enough to lead.
 */
import type { EndorsementFact, Millis, ModelFacts } from './facts.js';
import type { ModelSettings } from './settings.js';
import { embraceOfVersion, type ConstituencyEmbrace, type GroupEmbrace } from './embrace.js';
import { currentLineVersion, latestAnalysis, latestOrganisationAnalysis, membersJoinedBy, openIssuesAt, publishedVersions } from './lookups.js';
import { DAY_MS } from './time.js';
import { compareText, countOf, formatNumber, formatPercent } from './wording.js';

/** Members with an act in this many days count as active for intensity. */
export const activeWindowDays = 90;

export interface BreadthFigure {
  /** Π over opinion groups of (marked + 1)/(size + 2): group-informed consensus that the issue matters. */
  value: number;
  /** value^(1/groups): the typical group's probability, comparable whatever the number of groups. */
  perGroupMean: number;
  groups: { groupId: string; size: number; marked: number; probability: number }[];
  /** The organisation's latest analysis, whose groups are used; null when there is none (the whole membership is then one group). */
  analysisId: string | null;
  how: string;
}

export interface IntensityFigure {
  /** Share of active members who marked the issue important; null with no member at all. */
  value: number | null;
  marked: number;
  active: number;
  /** 'active': members with an act in the last 90 days; 'all': nobody acted, so every member joined counts. */
  basis: 'active' | 'all';
  how: string;
}

export interface BlockingFigure {
  /** Open issues this one blocks, directly or through other open issues (cycles ignored). */
  value: number;
  blocks: string[];
  /** Open issues that block this one directly. */
  blockedBy: string[];
  how: string;
}

export interface PrincipalCandidate {
  issueId: string;
  title: string;
  /** 1 for the principal contradiction. */
  rank: number;
  /** (breadth per group + intensity + blocking share) / 3, in [0, 1]. */
  score: number;
  breadth: BreadthFigure;
  intensity: IntensityFigure;
  blocking: BlockingFigure;
  reasons: string[];
}

export interface PrincipalContradiction {
  at: Millis;
  principal: PrincipalCandidate | null;
  ranking: PrincipalCandidate[];
  how: string;
}

/**
 * The open issues at t ranked by breadth, intensity and blocking, each with its reasons. The
 * score is the mean of three shares in [0, 1]: the typical group's probability of marking the
 * issue important (the geometric mean of breadth's factors), intensity, and the share of the
 * other open issues it blocks. Ties go to more blocking, then more intensity, then the title.
 */
export function principalContradiction(facts: ModelFacts, at: Millis, _settings: ModelSettings): PrincipalContradiction {
  const open = openIssuesAt(facts, at);
  const openIds = new Set(open.map((i) => i.id));
  const titleOf = new Map(open.map((i) => [i.id, i.title]));
  const joined = membersJoinedBy(facts, at);

  const markedBy = new Map<string, Set<string>>();
  for (const mark of facts.importance) {
    if (mark.at > at || !openIds.has(mark.issueId)) continue;
    const set = markedBy.get(mark.issueId);
    if (set) set.add(mark.memberId);
    else markedBy.set(mark.issueId, new Set([mark.memberId]));
  }

  const analysis = latestOrganisationAnalysis(facts, at);
  const groups = analysis ? analysis.groups : [{ id: 'all members', members: joined.map((m) => m.id) }];

  const since = at - activeWindowDays * DAY_MS;
  const activeIds = new Set<string>();
  for (const act of facts.acts) if (act.at > since && act.at <= at) activeIds.add(act.memberId);
  const basis: IntensityFigure['basis'] = activeIds.size > 0 ? 'active' : 'all';
  const active = basis === 'active' ? activeIds : new Set(joined.map((m) => m.id));

  const blocked = new Map<string, string[]>();
  const blockers = new Map<string, string[]>();
  for (const b of facts.blocks) {
    if (!openIds.has(b.blocker) || !openIds.has(b.blocked) || b.blocker === b.blocked) continue;
    blocked.set(b.blocker, [...(blocked.get(b.blocker) ?? []), b.blocked]);
    blockers.set(b.blocked, [...(blockers.get(b.blocked) ?? []), b.blocker]);
  }

  const candidates = open.map((issue) => {
    const marked = markedBy.get(issue.id) ?? new Set<string>();
    const breadth = breadthOf(marked, groups, analysis?.id ?? null);
    const intensity = intensityOf(marked, active, basis);
    const blocks = reachable(issue.id, blocked);
    const blocking: BlockingFigure = {
      value: blocks.length,
      blocks,
      blockedBy: blockers.get(issue.id) ?? [],
      how: `blocks ${countOf(blocks.length, 'open issue')}${blocks.length > 0 ? ': ' + blocks.map((id) => titleOf.get(id) ?? id).join(', ') : ''}`,
    };
    const blockingShare = open.length > 1 ? blocks.length / (open.length - 1) : 0;
    const score = (breadth.perGroupMean + (intensity.value ?? 0) + blockingShare) / 3;
    const reasons: string[] = [];
    if (blocks.length > 0) reasons.push(blocking.how);
    reasons.push(intensity.how, breadth.how);
    if (blocking.blockedBy.length > 0) reasons.push(`is blocked by ${blocking.blockedBy.map((id) => titleOf.get(id) ?? id).join(', ')}`);
    reasons.push(
      `score ${formatNumber(score)} = mean of breadth per group ${formatNumber(breadth.perGroupMean)}, intensity ${formatNumber(intensity.value ?? 0)} and blocking share ${formatNumber(blockingShare)}`,
    );
    return { issueId: issue.id, title: issue.title, rank: 0, score, breadth, intensity, blocking, reasons };
  });
  candidates.sort(
    (a, b) => b.score - a.score || b.blocking.value - a.blocking.value || (b.intensity.value ?? 0) - (a.intensity.value ?? 0) || compareText(a.title, b.title) || compareText(a.issueId, b.issueId),
  );
  candidates.forEach((c, index) => (c.rank = index + 1));
  const principal = candidates[0] ?? null;
  return {
    at,
    principal,
    ranking: candidates,
    how: principal ? `principal contradiction: "${principal.title}": ${principal.reasons.join('; ')}` : 'no open issue',
  };
}

function breadthOf(marked: ReadonlySet<string>, groups: readonly { id: string; members: string[] }[], analysisId: string | null): BreadthFigure {
  const perGroup = groups.map((g) => {
    const count = g.members.filter((m) => marked.has(m)).length;
    return { groupId: g.id, size: g.members.length, marked: count, probability: (count + 1) / (g.members.length + 2) };
  });
  const value = perGroup.reduce((product, g) => product * g.probability, 1);
  const perGroupMean = perGroup.length > 0 ? value ** (1 / perGroup.length) : 0;
  const where = perGroup.map((g) => `${g.marked} of ${g.size} in ${analysisId === null ? g.groupId : `group ${g.groupId}`}`).join(', ');
  return {
    value,
    perGroupMean,
    groups: perGroup,
    analysisId,
    how: `breadth ${formatNumber(value)} = Π (marked + 1)/(size + 2) over ${countOf(perGroup.length, 'opinion group')}: marked important by ${where}`,
  };
}

function intensityOf(marked: ReadonlySet<string>, active: ReadonlySet<string>, basis: IntensityFigure['basis']): IntensityFigure {
  let count = 0;
  for (const m of active) if (marked.has(m)) count += 1;
  const value = active.size > 0 ? count / active.size : null;
  const who = basis === 'active' ? 'active members' : 'members (none acted in the last 90 days)';
  return {
    value,
    marked: count,
    active: active.size,
    basis,
    how: value === null ? 'no members to mark it important' : count === 0 ? `marked important by none of ${active.size} ${who}` : `marked important by ${formatPercent(value)} of ${who} (${count} of ${active.size})`,
  };
}

/** Issues reachable from `start` along blocker → blocked edges, `start` itself excluded (so cycles add nothing). */
function reachable(start: string, edges: ReadonlyMap<string, readonly string[]>): string[] {
  const seen = new Set<string>([start]);
  const order: string[] = [];
  const stack = [...(edges.get(start) ?? [])];
  while (stack.length > 0) {
    const next = stack.pop() as string;
    if (seen.has(next)) continue;
    seen.add(next);
    order.push(next);
    stack.push(...(edges.get(next) ?? []));
  }
  return order.sort(compareText);
}

export interface FrontConstituency {
  constituency: string;
  members: number;
  /** Of all members joined by t. */
  share: number;
  /** Of the members who declared a constituency: what "at least an equal share" is measured on. */
  declaredShare: number;
  standing: 'mass' | 'minority';
  /** Embrace rate of the current version (null with no responder). */
  rate: number | null;
  inBloc: boolean;
  /** The rate of each published version with responders in this constituency, oldest first. */
  rates: { lineVersionId: string; number: number; rate: number }[];
  /** Population standard deviation of `rates`; null under two versions. */
  volatility: number | null;
  wavering: boolean;
  /** In the bloc with a known volatility at or under the threshold. */
  steady: boolean;
}

export interface UnitedFront {
  issueId: string;
  at: Millis;
  lineVersionId: string | null;
  bloc: { groups: GroupEmbrace[]; constituencies: ConstituencyEmbrace[] };
  /** Divisive statements of the issue's latest analysis: set aside while the principal contradiction stands. */
  setAside: string[];
  constituencies: FrontConstituency[];
  wavering: string[];
  steady: string[];
  how: string;
}

/** The united front on an issue at t (MODEL.md §6). */
export function unitedFront(facts: ModelFacts, issueId: string, at: Millis, settings: ModelSettings): UnitedFront {
  const version = currentLineVersion(facts, issueId, at);
  const analysis = latestAnalysis(facts, issueId, at);
  const embrace = version ? embraceOfVersion(facts, version, analysis, at, settings) : null;
  const blocGroups = embrace?.groups.filter((g) => g.status === 'meets') ?? [];
  const blocConstituencies = embrace?.constituencies.filter((c) => c.status === 'meets') ?? [];
  const inBloc = new Set(blocConstituencies.map((c) => c.constituency));
  const rateNow = new Map(embrace?.constituencies.map((c) => [c.constituency, c.rate]) ?? []);

  const joined = membersJoinedBy(facts, at);
  const sizes = new Map<string, number>();
  for (const m of joined) if (m.constituency !== null) sizes.set(m.constituency, (sizes.get(m.constituency) ?? 0) + 1);
  const declared = [...sizes.values()].reduce((a, b) => a + b, 0);
  const history = constituencyRates(facts, issueId, at);

  const constituencies: FrontConstituency[] = [...sizes.entries()]
    .sort(([a], [b]) => compareText(a, b))
    .map(([constituency, members]) => {
      const rates = history.get(constituency) ?? [];
      const volatility = rates.length >= 2 ? standardDeviation(rates.map((r) => r.rate)) : null;
      const wavering = volatility !== null && volatility > settings.waveringVolatility;
      return {
        constituency,
        members,
        share: members / joined.length,
        declaredShare: members / declared,
        // at least an equal share: members/declared ≥ 1/n, compared in whole numbers
        standing: members * sizes.size >= declared ? 'mass' : 'minority',
        rate: rateNow.get(constituency) ?? null,
        inBloc: inBloc.has(constituency),
        rates,
        volatility,
        wavering,
        steady: inBloc.has(constituency) && volatility !== null && !wavering,
      };
    });
  const wavering = constituencies.filter((c) => c.wavering).map((c) => c.constituency);
  const steady = constituencies.filter((c) => c.steady).map((c) => c.constituency);
  const setAside = analysis?.divisive ?? [];
  const blocNames = [...blocGroups.map((g) => `group ${g.groupId}`), ...blocConstituencies.map((c) => c.constituency)];
  return {
    issueId,
    at,
    lineVersionId: version?.id ?? null,
    bloc: { groups: blocGroups, constituencies: blocConstituencies },
    setAside,
    constituencies,
    wavering,
    steady,
    how:
      version === null
        ? 'no line version yet: no bloc'
        : `bloc: ${blocNames.length > 0 ? blocNames.join(', ') : 'nobody yet'} (embrace of version ${version.number} at or above target); ` +
          `${countOf(setAside.length, 'divisive statement')} set aside; ` +
          `steady: ${steady.length > 0 ? steady.join(', ') : 'none'}; wavering: ${wavering.length > 0 ? wavering.join(', ') : 'none'}`,
  };
}

/** Per constituency, the embrace rate of each of the issue's versions published by t (with responders there), oldest first. */
function constituencyRates(facts: ModelFacts, issueId: string, at: Millis): Map<string, { lineVersionId: string; number: number; rate: number }[]> {
  const versions = publishedVersions(facts, issueId, at);
  const constituencyOf = new Map(facts.members.map((m) => [m.id, m.constituency]));
  const latest = new Map<string, EndorsementFact>();
  for (const e of facts.endorsements) {
    if (e.issueId !== issueId || e.at > at) continue;
    const key = `${e.lineVersionId}\u0000${e.memberId}`;
    const seen = latest.get(key);
    if (!seen || e.at >= seen.at) latest.set(key, e);
  }
  const tallies = new Map<string, Map<string, { embraced: number; responders: number }>>();
  for (const e of latest.values()) {
    const constituency = constituencyOf.get(e.memberId);
    if (constituency === undefined || constituency === null) continue;
    let byVersion = tallies.get(constituency);
    if (!byVersion) tallies.set(constituency, (byVersion = new Map()));
    let tally = byVersion.get(e.lineVersionId);
    if (!tally) byVersion.set(e.lineVersionId, (tally = { embraced: 0, responders: 0 }));
    tally.responders += 1;
    if (e.kind === 'embrace') tally.embraced += 1;
  }
  const rates = new Map<string, { lineVersionId: string; number: number; rate: number }[]>();
  for (const [constituency, byVersion] of tallies) {
    rates.set(
      constituency,
      versions.flatMap((v) => {
        const tally = byVersion.get(v.id);
        return tally ? [{ lineVersionId: v.id, number: v.number, rate: tally.embraced / tally.responders }] : [];
      }),
    );
  }
  return rates;
}

/** Population standard deviation: the rates are the whole series, not a sample of it. */
export function standardDeviation(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length);
}
