/**
 * "When there is a compound yoke there is always a principal yoke" (MODEL.md §6): which open
 * issue to put first, with its reasons, and around it the united front: who stands with the
 * line, what they set aside, and whose support is steady enough to lead.
 *
 * An issue's place rests on its own facts only: the marks of importance on it, its own opinion
 * groups, and the blocking marks around it. Nothing another issue does (its votes, its analysis,
 * the marks on it) moves this issue's figures or reasons.
 */
import type { AnalysisFact, EndorsementFact, MemberFact, Millis, ModelFacts } from './facts.js';
import type { ModelSettings } from './settings.js';
import { embraceOfVersion, massesAnswersTo, type ConstituencyEmbrace, type EmbraceStatus, type GroupEmbrace } from './embrace.js';
import { constituencyIndexOf, currentLineVersion, groupIndexOf, latestAnalysis, massMembersJoinedBy, openIssuesAt, publishedVersions } from './lookups.js';
import { compareText, countOf, formatCount, formatPercent, groupNamed } from './wording.js';

/** A constituency's swings are read only over versions with at least this many of its responders. */
export const waveringMinResponders = 5;

/** The label of the members who declared no constituency, when breadth is measured over constituencies. */
export const undeclaredConstituency = 'no constituency declared';

export interface BreadthGroup {
  /** The opinion group's id, or the constituency's name. */
  groupId: string;
  size: number;
  marked: number;
  /** (marked + 1)/(size + 2): the group's smoothed probability of marking the issue important. */
  probability: number;
  /** More than half of the group marked it. */
  mostly: boolean;
}

export interface BreadthFigure {
  /** Π over the groups of (marked + 1)/(size + 2): group-informed consensus that the issue matters. */
  value: number;
  /** value^(1/groups): the typical group's probability, comparable whatever the number of groups. */
  perGroupMean: number;
  /** 'opinion groups': the issue's own latest analysis; 'constituencies': the issue has none yet. */
  over: 'opinion groups' | 'constituencies';
  groups: BreadthGroup[];
  /** The issue's own latest analysis, whose groups are used; null when it has none. */
  analysisId: string | null;
  how: string;
}

export interface IntensityFigure {
  /** Share of the members of role member joined by t who marked the issue important; null with none. */
  value: number | null;
  marked: number;
  members: number;
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
  /** (breadth per group + intensity) / 2, in [0, 1]: orders issues that block as many open issues. */
  score: number;
  breadth: BreadthFigure;
  intensity: IntensityFigure;
  blocking: BlockingFigure;
  /** Plain sentences, blocking first. */
  reasons: string[];
}

export interface PrincipalContradiction {
  at: Millis;
  principal: PrincipalCandidate | null;
  ranking: PrincipalCandidate[];
  how: string;
}

/**
 * The open issues at t ranked, each with its reasons. Blocking comes first: an issue that
 * (transitively) blocks more open issues ranks above one that blocks fewer, whatever their
 * popularity. Among issues that block as many, the score orders them: the mean of breadth (the
 * typical group's probability of marking the issue important, over the issue's own opinion
 * groups) and intensity (the share of members who marked it). Then the title.
 */
export function principalContradiction(facts: ModelFacts, at: Millis, _settings: ModelSettings): PrincipalContradiction {
  const open = openIssuesAt(facts, at);
  const openIds = new Set(open.map((i) => i.id));
  const titleOf = new Map(open.map((i) => [i.id, i.title]));
  const titles = (ids: readonly string[]): string =>
    ids
      .map((id) => titleOf.get(id) ?? id)
      .sort(compareText)
      .join(', ');
  // The masses at t: the leadership's own marks are not intensity, nor their numbers its denominator.
  const joined = massMembersJoinedBy(facts, at);
  const joinedIds = idsOf(joined);

  const markedBy = new Map<string, Set<string>>();
  for (const mark of facts.importance) {
    if (mark.at > at || !openIds.has(mark.issueId) || !joinedIds.has(mark.memberId)) continue;
    const set = markedBy.get(mark.issueId);
    if (set) set.add(mark.memberId);
    else markedBy.set(mark.issueId, new Set([mark.memberId]));
  }

  const blocked = new Map<string, string[]>();
  const blockers = new Map<string, string[]>();
  for (const b of facts.blocks) {
    if (!openIds.has(b.blocker) || !openIds.has(b.blocked) || b.blocker === b.blocked) continue;
    blocked.set(b.blocker, [...(blocked.get(b.blocker) ?? []), b.blocked]);
    blockers.set(b.blocked, [...(blockers.get(b.blocked) ?? []), b.blocker]);
  }
  const constituencies = constituencyGroups(joined);

  const candidates = open.map((issue) => {
    const marked = markedBy.get(issue.id) ?? new Set<string>();
    const analysis = latestAnalysis(facts, issue.id, at);
    const breadth = breadthOf(marked, analysis, constituencies);
    const intensity = intensityOf(marked, joined.length);
    const blocks = reachable(issue.id, blocked);
    const blockedBy = [...new Set(blockers.get(issue.id) ?? [])].sort(compareText);
    const blocking: BlockingFigure = {
      value: blocks.length,
      blocks,
      blockedBy,
      how: blocks.length === 0 ? 'Blocks no other open issue' : `Blocks ${countOf(blocks.length, 'open issue')}: ${titles(blocks)}`,
    };
    const score = (breadth.perGroupMean + (intensity.value ?? 0)) / 2;
    const reasons: string[] = [];
    if (blocks.length > 0) reasons.push(blocking.how);
    reasons.push(breadth.how, intensity.how);
    if (blockedBy.length > 0) reasons.push(`Waits on ${titles(blockedBy)}, which must be resolved first`);
    return { issueId: issue.id, title: issue.title, rank: 0, score, breadth, intensity, blocking, reasons };
  });
  candidates.sort((a, b) => b.blocking.value - a.blocking.value || b.score - a.score || compareText(a.title, b.title) || compareText(a.issueId, b.issueId));
  candidates.forEach((c, index) => (c.rank = index + 1));
  const principal = candidates[0] ?? null;
  return {
    at,
    principal,
    ranking: candidates,
    how:
      'Issues that must be resolved before more other open issues come first, whatever their popularity; ' +
      'among those that block as many, the one more opinion groups and more members marked important comes first.',
  };
}

const constituencySizes = new WeakMap<readonly MemberFact[], Map<string, number>>();

/** Members per declared constituency, per members array. */
function constituencySizesOf(members: readonly MemberFact[]): Map<string, number> {
  let sizes = constituencySizes.get(members);
  if (!sizes) {
    sizes = new Map();
    for (const m of members) if (m.constituency !== null) sizes.set(m.constituency, (sizes.get(m.constituency) ?? 0) + 1);
    constituencySizes.set(members, sizes);
  }
  return sizes;
}

const idSets = new WeakMap<readonly MemberFact[], ReadonlySet<string>>();

/** The members' ids as a set, per members array. */
function idsOf(members: readonly MemberFact[]): ReadonlySet<string> {
  let ids = idSets.get(members);
  if (!ids) idSets.set(members, (ids = new Set(members.map((m) => m.id))));
  return ids;
}

/** The members joined by t by constituency, those who declared none together, in name order. */
const constituencyGroupsOf = new WeakMap<readonly MemberFact[], { id: string; members: string[] }[]>();

function constituencyGroups(joined: readonly MemberFact[]): { id: string; members: string[] }[] {
  const kept = constituencyGroupsOf.get(joined);
  if (kept) return kept;
  const groups = constituencyGroupsFrom(joined);
  constituencyGroupsOf.set(joined, groups);
  return groups;
}

function constituencyGroupsFrom(joined: readonly MemberFact[]): { id: string; members: string[] }[] {
  const by = new Map<string, string[]>();
  for (const m of joined) {
    const name = m.constituency ?? undeclaredConstituency;
    const list = by.get(name);
    if (list) list.push(m.id);
    else by.set(name, [m.id]);
  }
  return [...by.entries()].sort(([a], [b]) => compareText(a, b)).map(([id, members]) => ({ id, members }));
}

function breadthOf(marked: ReadonlySet<string>, analysis: AnalysisFact | null, constituencies: readonly { id: string; members: string[] }[]): BreadthFigure {
  const over: BreadthFigure['over'] = analysis ? 'opinion groups' : 'constituencies';
  const groups = analysis ? analysis.groups : constituencies;
  // Marks are few and groups large: each marking member counted in their group.
  const groupOf = groupIndexOf(groups);
  const counts = new Map<string, number>();
  for (const m of marked) for (const g of groupOf.get(m) ?? []) counts.set(g, (counts.get(g) ?? 0) + 1);
  const perGroup = groups.map((g) => {
    const count = counts.get(g.id) ?? 0;
    return { groupId: g.id, size: g.members.length, marked: count, probability: (count + 1) / (g.members.length + 2), mostly: count * 2 > g.members.length };
  });
  const value = perGroup.reduce((product, g) => product * g.probability, 1);
  const perGroupMean = perGroup.length > 0 ? value ** (1 / perGroup.length) : 0;
  return { value, perGroupMean, over, groups: perGroup, analysisId: analysis?.id ?? null, how: breadthSentence(perGroup, over) };
}

/** "3 of 4 opinion groups mostly marked it important", with the range of shares when it helps. */
function breadthSentence(groups: readonly BreadthGroup[], over: BreadthFigure['over']): string {
  const singular = over === 'opinion groups' ? 'opinion group' : 'constituency';
  const plural = over === 'opinion groups' ? 'opinion groups' : 'constituencies';
  if (groups.length === 0) return over === 'opinion groups' ? 'Its analysis has no opinion groups yet' : 'No members yet to mark it important';
  const shares = groups.map((g) => (g.size > 0 ? g.marked / g.size : 0));
  const low = percentInWords(Math.min(...shares));
  const high = percentInWords(Math.max(...shares));
  const range = low === high ? `${low} of each ${singular}` : `between ${low} and ${high} of each ${singular}`;
  const mostly = groups.filter((g) => g.mostly).length;
  if (groups.length === 1) return `${mostly === 1 ? 'Mostly' : 'Not mostly'} marked important in its only ${singular} (${low})`;
  if (mostly === 0) return `No ${singular} mostly marked it important (${range})`;
  return `${mostly} of ${groups.length} ${plural} mostly marked it important (${range})`;
}

function intensityOf(marked: ReadonlySet<string>, members: number): IntensityFigure {
  const value = members > 0 ? marked.size / members : null;
  return {
    value,
    marked: marked.size,
    members,
    how:
      value === null
        ? 'No members yet to mark it important'
        : marked.size === 0
          ? 'No member has marked it important yet'
          : `Marked important by ${formatCount(marked.size)} of ${countOf(members, 'member')} (${percentInWords(value)})`,
  };
}

/** A whole percentage, never 0 % for some nor 100 % for not all: `under 1 %`, `over 99 %`. */
export function percentInWords(share: number): string {
  if (share > 0 && share < 0.005) return 'under 1 %';
  if (share < 1 && share >= 0.995) return 'over 99 %';
  return formatPercent(share);
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
  /** Of all members of role member joined by t. */
  share: number;
  /** Of the members who declared a constituency: what "at least an equal share" is measured on. */
  declaredShare: number;
  standing: 'mass' | 'minority';
  /** Embrace rate of the current version (null with no responder). */
  rate: number | null;
  /** Responders to the current version here, and how many are needed before the rate is judged. */
  responders: number;
  needed: number;
  status: EmbraceStatus | null;
  inBloc: boolean;
  /** The rate of each published version with responders in this constituency, oldest first. */
  rates: { lineVersionId: string; number: number; rate: number; responders: number }[];
  /** Population standard deviation of the rates of versions with at least 5 responders here; null under two such versions. */
  volatility: number | null;
  wavering: boolean;
  /** Two or more versions had responders here, but fewer than two had 5 or more: too few to tell whether it wavers. */
  tooFewToTell: boolean;
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
  const now = new Map(embrace?.constituencies.map((c) => [c.constituency, c]) ?? []);

  const joined = massMembersJoinedBy(facts, at);
  const sizes = constituencySizesOf(joined);
  const declared = [...sizes.values()].reduce((a, b) => a + b, 0);
  const history = constituencyRates(facts, issueId, at);

  const constituencies: FrontConstituency[] = [...sizes.entries()]
    .sort(([a], [b]) => compareText(a, b))
    .map(([constituency, members]) => {
      const rates = history.get(constituency) ?? [];
      const heard = rates.filter((r) => r.responders >= waveringMinResponders);
      const volatility = heard.length >= 2 ? standardDeviation(heard.map((r) => r.rate)) : null;
      const wavering = volatility !== null && volatility > settings.waveringVolatility;
      return {
        constituency,
        members,
        share: members / joined.length,
        declaredShare: members / declared,
        // at least an equal share: members/declared ≥ 1/n, compared in whole numbers
        standing: members * sizes.size >= declared ? 'mass' : 'minority',
        rate: now.get(constituency)?.rate ?? null,
        responders: now.get(constituency)?.responders ?? 0,
        needed: now.get(constituency)?.needed ?? 0,
        status: now.get(constituency)?.status ?? null,
        inBloc: inBloc.has(constituency),
        rates,
        volatility,
        wavering,
        tooFewToTell: rates.length >= 2 && heard.length < 2,
        steady: inBloc.has(constituency) && volatility !== null && !wavering,
      };
    });
  const wavering = constituencies.filter((c) => c.wavering).map((c) => c.constituency);
  const tooFew = constituencies.filter((c) => c.tooFewToTell).map((c) => c.constituency);
  const steady = constituencies.filter((c) => c.steady).map((c) => c.constituency);
  const setAside = analysis?.divisive ?? [];
  const blocNames = [...blocGroups.map((g) => groupNamed(analysis?.groups ?? [], g.groupId)), ...blocConstituencies.map((c) => c.constituency)];
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
          `steady: ${steady.length > 0 ? steady.join(', ') : 'none'}; wavering: ${wavering.length > 0 ? wavering.join(', ') : 'none'}` +
          (tooFew.length > 0 ? `; too few to tell (under ${waveringMinResponders} responders in a version): ${tooFew.join(', ')}` : ''),
  };
}

/** Per constituency, the embrace rate of each of the issue's versions published by t (with responders there), oldest first. */
function constituencyRates(facts: ModelFacts, issueId: string, at: Millis): Map<string, FrontConstituency['rates']> {
  const versions = publishedVersions(facts, issueId, at);
  const constituencyOf = constituencyIndexOf(facts.members);
  const latest = new Map<string, EndorsementFact>();
  for (const e of versions.flatMap((v) => massesAnswersTo(facts, v.id))) {
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
  const rates = new Map<string, FrontConstituency['rates']>();
  for (const [constituency, byVersion] of tallies) {
    rates.set(
      constituency,
      versions.flatMap((v) => {
        const tally = byVersion.get(v.id);
        return tally ? [{ lineVersionId: v.id, number: v.number, rate: tally.embraced / tally.responders, responders: tally.responders }] : [];
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
