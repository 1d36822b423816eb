/**
 * Quantity and quality (MODEL.md §4): quantities move all the time; only some moves change a
 * thing's character, and only those are announced. A statement entering or leaving consensus,
 * a group's majority flipping, a group dividing in two or two merging, an issue's character
 * changing, a version's embrace crossing its target. Every other move is not announced.
 */
import type { AnalysisFact, EndorsementFact, IssueFact, LineVersionFact, Millis, ModelFacts } from './facts.js';
import type { ModelSettings } from './settings.js';
import type { EndorsementKind } from '../vocabulary.js';
import type { Character } from './health.js';
import { analysesOf, compareVersions } from './lookups.js';
import { issueCharacterTurns, type HealthPoint } from './trail.js';
import { characterLabel, compareText, formatPercent, groupNamed, noTexts, statementNamed, type StatementTexts } from './wording.js';
export type { StatementTexts } from './wording.js';
import { ActivitySweep, activeMembersAt } from './activity.js';
import { massesAnswersTo, respondersNeeded } from './embrace.js';
import { ledgerOf, type PracticeLedger } from './ledger.js';

/** How many members are active at t (MODEL.md §3), of all members (null) or of those listed. */
export type ActiveCount = (at: Millis, members: readonly string[] | null) => number;

/** Active members counted at each instant asked, from `activeMembersAt`. */
function activeCountOf(facts: ModelFacts, settings: ModelSettings): ActiveCount {
  return (at, members) => {
    const active = activeMembersAt(facts, at, settings);
    if (members === null) return active.size;
    let n = 0;
    for (const m of members) if (active.has(m)) n += 1;
    return n;
  };
}

const memberSets = new WeakMap<readonly string[], ReadonlySet<string>>();

interface KeptCrossings {
  changes: QualitativeChange[];
  holds(facts: ModelFacts, c: { version: LineVersionFact; analyses: readonly AnalysisFact[] }, until: Millis): boolean;
}

const crossingsByLedger = new WeakMap<PracticeLedger, Map<string, KeptCrossings>>();

function keptCrossingsOf(ledger: PracticeLedger): Map<string, KeptCrossings> {
  let kept = crossingsByLedger.get(ledger);
  if (!kept) crossingsByLedger.set(ledger, (kept = new Map()));
  if (kept.size > 1024) kept.clear();
  return kept;
}

/**
 * A version's crossings stay what they were while its answers, its issue's analyses and the
 * members are the same, every step was at or before `until` then and is now, and the acts that
 * came since all come after its last step (who was active at a step is fixed by then).
 */
function keptCrossings(
  facts: ModelFacts,
  c: { version: LineVersionFact; analyses: readonly AnalysisFact[] },
  until: Millis,
  changes: QualitativeChange[],
): KeptCrossings {
  const answers = massesAnswersTo(facts, c.version.id);
  const analysesKey = c.analyses.map((a) => a.id).join(' ');
  let lastStep = -Infinity;
  for (const x of [...c.analyses, ...answers]) lastStep = Math.max(lastStep, x.at);
  const members = facts.members;
  const actsRead = facts.acts.length;
  const allStepsIn = lastStep <= until;
  return {
    changes,
    holds(now, d, untilNow) {
      if (!allStepsIn || untilNow < lastStep || now.members !== members || massesAnswersTo(now, d.version.id) !== answers) return false;
      if (d.analyses.map((a) => a.id).join(' ') !== analysesKey) return false;
      const firstNew = now.acts[actsRead];
      return firstNew === undefined || firstNew.at > lastStep;
    },
  };
}

/** The answers to `asked`, in its order: one walk forward in time over the practice. */
function activeCountsAt(facts: ModelFacts, settings: ModelSettings, asked: readonly { at: Millis; members: readonly string[] | null }[]): number[] {
  const order = asked.map((_, i) => i).sort((a, b) => asked[a]!.at - asked[b]!.at || a - b);
  const sweep = new ActivitySweep(facts, settings.halfLifeDays);
  for (const q of asked) {
    if (q.members === null || memberSets.has(q.members)) continue;
    memberSets.set(q.members, new Set(q.members));
  }
  for (const q of asked) if (q.members !== null) sweep.watch(q.members, memberSets.get(q.members)!);
  const answers = new Array<number>(asked.length);
  for (const i of order) {
    const q = asked[i]!;
    sweep.advanceTo(q.at);
    answers[i] = sweep.count(q.members);
  }
  return answers;
}

export const qualitativeChangeTypes = [
  'consensus-gained',
  'consensus-lost',
  'majority-flipped',
  'group-divided',
  'groups-merged',
  'character-changed',
  'embrace-crossed',
] as const;
export type QualitativeChangeType = (typeof qualitativeChangeTypes)[number];

interface Between {
  analysisId: string;
  previousAnalysisId: string;
}

interface ChangeOf<T extends QualitativeChangeType, D> {
  at: Millis;
  issueId: string;
  type: T;
  detail: D;
  description: string;
}

export type QualitativeChange =
  | ChangeOf<'consensus-gained' | 'consensus-lost', Between & { statementId: string }>
  | ChangeOf<'majority-flipped', Between & { statementId: string; groupId: string; previousGroupId: string; from: Side; to: Side }>
  | ChangeOf<'group-divided', Between & { previousGroupId: string; into: [string, string]; shares: [number, number] }>
  | ChangeOf<'groups-merged', Between & { groupId: string; from: string[] }>
  | ChangeOf<'character-changed', { from: Character; to: Character; l: number; pi: number; cause: HealthPoint['cause'] }>
  | ChangeOf<
      'embrace-crossed',
      {
        lineVersionId: string;
        scope: 'overall' | 'group';
        groupId: string | null;
        direction: 'above' | 'below';
        embraced: number;
        responders: number;
        rate: number;
        target: number;
      }
    >;

export type Side = 'agree' | 'disagree';

/** A group's majority on a statement: more than half of its votes (passes are votes), or none. */
export function groupMajority(votes: { agree: number; disagree: number; pass: number } | undefined): Side | null {
  if (!votes) return null;
  const total = votes.agree + votes.disagree + votes.pass;
  if (2 * votes.agree > total) return 'agree';
  if (2 * votes.disagree > total) return 'disagree';
  return null;
}

/** A group's share of an old group's members needed for "divided into two". */
export const divisionShare = 0.3;

export interface GroupLineage {
  /** Each new group with the old group holding most of its members (null when none holds any). */
  matches: { groupId: string; previousGroupId: string | null; shared: number }[];
  /** Old groups whose members now sit mostly in two new groups, each holding ≥ 30 % of them. */
  divisions: { previousGroupId: string; into: [string, string]; shares: [number, number] }[];
  /** New groups that hold the majority of two or more old groups. */
  merges: { groupId: string; from: string[] }[];
}

/** Groups matched across two analyses by member overlap ("one divides into two"). Ties go to the group listed first. */
export function groupLineage(previous: AnalysisFact, next: AnalysisFact): GroupLineage {
  const oldGroupOf = membershipIndex(previous);
  const newGroupOf = membershipIndex(next);
  const matches = next.groups.map((g) => {
    const shared = tally(g.members, oldGroupOf);
    const best = strongest(
      shared,
      previous.groups.map((o) => o.id),
    );
    return { groupId: g.id, previousGroupId: best[0]?.id ?? null, shared: best[0]?.count ?? 0 };
  });
  const divisions: GroupLineage['divisions'] = [];
  const homes = new Map<string, string[]>();
  for (const old of previous.groups) {
    const size = old.members.length;
    if (size === 0) continue;
    const ranked = strongest(
      tally(old.members, newGroupOf),
      next.groups.map((g) => g.id),
    );
    const [first, second] = ranked;
    if (first && second && second.count >= divisionShare * size) {
      divisions.push({ previousGroupId: old.id, into: [first.id, second.id], shares: [first.count / size, second.count / size] });
    }
    if (first && 2 * first.count > size) homes.set(first.id, [...(homes.get(first.id) ?? []), old.id]);
  }
  const merges = next.groups.flatMap((g) => {
    const from = homes.get(g.id) ?? [];
    return from.length >= 2 ? [{ groupId: g.id, from }] : [];
  });
  return { matches, divisions, merges };
}

function membershipIndex(analysis: AnalysisFact): Map<string, string> {
  const groupOf = new Map<string, string>();
  for (const g of analysis.groups) for (const m of g.members) groupOf.set(m, g.id);
  return groupOf;
}

function tally(members: readonly string[], groupOf: ReadonlyMap<string, string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of members) {
    const g = groupOf.get(m);
    if (g !== undefined) counts.set(g, (counts.get(g) ?? 0) + 1);
  }
  return counts;
}

/** Groups by count, most first; equal counts keep `order`. */
function strongest(counts: ReadonlyMap<string, number>, order: readonly string[]): { id: string; count: number }[] {
  return order
    .map((id, index) => ({ id, index, count: counts.get(id) ?? 0 }))
    .filter((g) => g.count > 0)
    .sort((a, b) => b.count - a.count || a.index - b.index)
    .map(({ id, count }) => ({ id, count }));
}

/** How every group of the analysis votes on a statement in its consensus, in words. */
function consensusStance(analysis: AnalysisFact, statementId: string): string {
  const first = analysis.groups[0];
  const side = first ? groupMajority(analysis.groupVotes[statementId]?.[first.id]) : null;
  return side === 'agree' ? 'agrees with' : side === 'disagree' ? 'rejects' : 'votes alike on';
}

/**
 * What changed in kind between two consecutive analyses of an issue, at the newer one's instant.
 * Consensus is the analyses' own (every group agrees, MODEL.md §3), as the facts carry it.
 */
export function analysisChanges(issue: IssueFact, previous: AnalysisFact, next: AnalysisFact, texts: StatementTexts = noTexts): QualitativeChange[] {
  const between: Between = { analysisId: next.id, previousAnalysisId: previous.id };
  const base = { at: next.at, issueId: issue.id };
  const changes: QualitativeChange[] = [];
  const before = new Set(previous.consensus);
  const after = new Set(next.consensus);
  const named = (statementId: string) => statementNamed(statementId, texts);
  for (const statementId of next.consensus) {
    if (before.has(statementId)) continue;
    const stance = consensusStance(next, statementId);
    changes.push({
      ...base,
      type: 'consensus-gained',
      detail: { ...between, statementId },
      description: `${quote(issue)}: every group now ${stance} ${named(statementId)} (consensus gained)`,
    });
  }
  for (const statementId of previous.consensus) {
    if (after.has(statementId)) continue;
    const stance = consensusStance(previous, statementId);
    changes.push({
      ...base,
      type: 'consensus-lost',
      detail: { ...between, statementId },
      description: `${quote(issue)}: not every group ${stance} ${named(statementId)} any more (consensus lost)`,
    });
  }
  const lineage = groupLineage(previous, next);
  for (const statementId of Object.keys(next.groupVotes).sort(compareText)) {
    for (const match of lineage.matches) {
      if (match.previousGroupId === null) continue;
      const from = groupMajority(previous.groupVotes[statementId]?.[match.previousGroupId]);
      const to = groupMajority(next.groupVotes[statementId]?.[match.groupId]);
      if (from === null || to === null || from === to) continue;
      changes.push({
        ...base,
        type: 'majority-flipped',
        detail: { ...between, statementId, groupId: match.groupId, previousGroupId: match.previousGroupId, from, to },
        description: `${quote(issue)}: ${groupNamed(next.groups, match.groupId)}'s majority on ${named(statementId)} flipped from ${from} to ${to}`,
      });
    }
  }
  for (const d of lineage.divisions) {
    changes.push({
      ...base,
      type: 'group-divided',
      detail: { ...between, ...d },
      description: `${quote(issue)}: ${groupNamed(previous.groups, d.previousGroupId)} divided into two, ${groupNamed(next.groups, d.into[0])} (${formatPercent(d.shares[0])}) and ${groupNamed(next.groups, d.into[1])} (${formatPercent(d.shares[1])})`,
    });
  }
  for (const m of lineage.merges) {
    changes.push({
      ...base,
      type: 'groups-merged',
      detail: { ...between, ...m },
      description: `${quote(issue)}: ${m.from.map((g) => groupNamed(previous.groups, g)).join(' and ')} merged into ${groupNamed(next.groups, m.groupId)}`,
    });
  }
  return changes;
}

/**
 * A change wherever two consecutive points of an issue's trail differ in character, from the
 * first publication of its line on: an issue in its first gathering has no line, so no verdict
 * to change (MODEL.md §3). Characters are named in plain words first, the essay's term second.
 */
export function characterChanges(issue: IssueFact, trail: readonly HealthPoint[], firstPublishedAt: Millis | null = null): QualitativeChange[] {
  const changes: QualitativeChange[] = [];
  if (firstPublishedAt === null) return changes;
  for (let i = 1; i < trail.length; i += 1) {
    const before = trail[i - 1] as HealthPoint;
    const point = trail[i] as HealthPoint;
    if (point.at <= firstPublishedAt || before.character === point.character) continue;
    const why = point.cause === 'decay' ? ', as practice faded' : point.cause === 'membership' ? ', as the membership grew' : '';
    changes.push({
      at: point.at,
      issueId: issue.id,
      type: 'character-changed',
      detail: { from: before.character, to: point.character, l: point.l, pi: point.pi, cause: point.cause },
      description: `${quote(issue)}: the line turned from ${characterLabel(before.character)} to ${characterLabel(point.character)}${why}`,
    });
  }
  return changes;
}

/**
 * The instants at which a version's embrace crosses its target, overall (embraceTarget) or in a
 * group (groupEmbraceTarget) of the issue's latest analysis at that instant. A rate meets its
 * target only once enough are heard (MODEL.md §3: max(5, 10 % of the active members in it) at
 * that instant), so a version (or group) stands below its target until then, and reaching it is
 * announced. Only the masses' answers count. A new analysis brings new groups: their standing is
 * taken as it is then, not announced. `facts` are the organisation's: who is active is
 * organisation-wide.
 */
export function embraceCrossings(
  issue: IssueFact,
  version: LineVersionFact,
  facts: ModelFacts,
  analyses: readonly AnalysisFact[],
  until: Millis,
  settings: ModelSettings,
  activeCount: ActiveCount = activeCountOf(facts, settings),
): QualitativeChange[] {
  const endorsements = massesAnswersTo(facts, version.id);
  type Step = { at: Millis; analysis: AnalysisFact } | { at: Millis; endorsement: EndorsementFact };
  const steps: Step[] = [
    ...analyses.filter((a) => a.issueId === version.issueId && a.at <= until).map((analysis) => ({ at: analysis.at, analysis })),
    ...endorsements.filter((e) => e.at <= until).map((endorsement) => ({ at: endorsement.at, endorsement })),
  ].sort((a, b) => a.at - b.at || Number('endorsement' in a) - Number('endorsement' in b));

  const answers = new Map<string, EndorsementKind>();
  const overall = { embraced: 0, responders: 0 };
  let groupsOf = new Map<string, string[]>();
  let groups = new Map<string, { embraced: number; responders: number; meets: boolean; members: readonly string[] }>();
  let overallMeets = false;
  let groupList: readonly { id: string }[] = [];
  let activeAt = -Infinity;
  const needed = (members: readonly string[] | null): number => respondersNeeded(activeCount(activeAt, members));
  const meets = (c: { embraced: number; responders: number }, target: number, enough: number): boolean =>
    c.responders > 0 && c.responders >= enough && c.embraced / c.responders >= target;
  const changes: QualitativeChange[] = [];
  const announce = (
    at: Millis,
    scope: 'overall' | 'group',
    groupId: string | null,
    c: { embraced: number; responders: number },
    now: boolean,
    target: number,
  ): void => {
    const rate = c.responders > 0 ? c.embraced / c.responders : 0;
    const where = scope === 'overall' || groupId === null ? 'overall' : `in ${groupNamed(groupList, groupId)}`;
    changes.push({
      at,
      issueId: issue.id,
      type: 'embrace-crossed',
      detail: { lineVersionId: version.id, scope, groupId, direction: now ? 'above' : 'below', embraced: c.embraced, responders: c.responders, rate, target },
      description: `${quote(issue)}, version ${version.number}: embrace ${now ? 'reached' : 'fell below'} the ${formatPercent(target)} target ${where} (${c.embraced} of ${c.responders}, ${formatPercent(rate)})`,
    });
  };

  for (let i = 0; i < steps.length;) {
    const at = (steps[i] as Step).at;
    for (; i < steps.length && (steps[i] as Step).at === at; i += 1) {
      const step = steps[i] as Step;
      if ('analysis' in step) {
        groupsOf = new Map();
        groups = new Map();
        activeAt = at;
        groupList = step.analysis.groups;
        for (const g of step.analysis.groups) {
          const count = { embraced: 0, responders: 0, meets: false, members: g.members };
          for (const m of g.members) {
            groupsOf.set(m, [...(groupsOf.get(m) ?? []), g.id]);
            const kind = answers.get(m);
            if (kind === undefined) continue;
            count.responders += 1;
            if (kind === 'embrace') count.embraced += 1;
          }
          count.meets = meets(count, settings.groupEmbraceTarget, needed(g.members));
          groups.set(g.id, count);
        }
        continue;
      }
      const { memberId, kind } = step.endorsement;
      const before = answers.get(memberId);
      answers.set(memberId, kind);
      const counts = [overall, ...(groupsOf.get(memberId) ?? []).flatMap((g) => groups.get(g) ?? [])];
      for (const c of counts) {
        if (before === undefined) c.responders += 1;
        c.embraced += Number(kind === 'embrace') - Number(before === 'embrace');
      }
    }
    activeAt = at;
    const overallNow = meets(overall, settings.embraceTarget, needed(null));
    if (overallNow !== overallMeets) announce(at, 'overall', null, overall, overallNow, settings.embraceTarget);
    overallMeets = overallNow;
    for (const [groupId, c] of groups) {
      const now = meets(c, settings.groupEmbraceTarget, needed(c.members));
      if (now !== c.meets) announce(at, 'group', groupId, c, now, settings.groupEmbraceTarget);
      c.meets = now;
    }
  }
  return changes;
}

/**
 * Every qualitative change of every issue up to `until`, oldest first (then by issue as listed,
 * then by kind). The character is followed through the issue's trail: each instant with an
 * act, report, publication, analysis or a change of P₀, and each instant decay alone crosses a
 * boundary; the first point (the opening) is the baseline and is not announced. Statements are
 * named by their `texts`.
 */
export function qualitativeChanges(facts: ModelFacts, until: Millis, settings: ModelSettings, texts: StatementTexts = noTexts): QualitativeChange[] {
  const changes: QualitativeChange[] = [];
  const crossings: { issue: IssueFact; version: LineVersionFact; analyses: AnalysisFact[] }[] = [];
  const linesOf = new Map<string, LineVersionFact[]>();
  for (const v of facts.lines) linesOf.set(v.issueId, [...(linesOf.get(v.issueId) ?? []), v]);
  for (const issue of facts.issues) {
    const analyses = analysesOf(facts, issue.id, until);
    for (let i = 1; i < analyses.length; i += 1) changes.push(...analysisChanges(issue, analyses[i - 1] as AnalysisFact, analyses[i] as AnalysisFact, texts));
    const published = (linesOf.get(issue.id) ?? []).filter((v) => v.publishedAt <= until).sort(compareVersions);
    // The trail reads the organisation's facts: its walk over them is kept as they grow (a slice would be walked anew).
    // Only where the character turns (the trail between turns keeps it), not the whole trail.
    changes.push(...characterChanges(issue, issueCharacterTurns(facts, issue.id, until, settings), published[0]?.publishedAt ?? null));
    for (const version of published) crossings.push({ issue, version, analyses });
  }
  // Who is active at each instant a crossing is judged, found in one walk forward over the
  // organisation's practice for all versions together: a first pass asks, a second answers.
  // A version's crossings are kept while nothing they rest on changed (see keptCrossings).
  const ledger = ledgerOf(facts);
  const kept = keptCrossingsOf(ledger);
  const settingsKey = JSON.stringify(settings);
  const stale = crossings.map((c) => {
    const entry = kept.get(`${c.version.id}\u0000${settingsKey}`);
    return entry === undefined || !entry.holds(facts, c, until) ? c : null;
  });
  const asked: { at: Millis; members: readonly string[] | null }[] = [];
  for (const c of stale) if (c) embraceCrossings(c.issue, c.version, facts, c.analyses, until, settings, (at, members) => (asked.push({ at, members }), 0));
  const answers = asked.length ? activeCountsAt(facts, settings, asked) : [];
  let next = 0;
  crossings.forEach((c, i) => {
    const key = `${c.version.id}\u0000${settingsKey}`;
    if (!stale[i]) {
      changes.push(...kept.get(key)!.changes);
      return;
    }
    const found = embraceCrossings(c.issue, c.version, facts, c.analyses, until, settings, () => answers[next++]!);
    kept.set(key, keptCrossings(facts, c, until, found));
    changes.push(...found);
  });
  const issueOrder = new Map(facts.issues.map((issue, index) => [issue.id, index]));
  return changes
    .map((change, index) => ({ change, index }))
    .sort(
      (a, b) =>
        a.change.at - b.change.at ||
        (issueOrder.get(a.change.issueId) ?? 0) - (issueOrder.get(b.change.issueId) ?? 0) ||
        qualitativeChangeTypes.indexOf(a.change.type) - qualitativeChangeTypes.indexOf(b.change.type) ||
        a.index - b.index,
    )
    .map(({ change }) => change);
}

function quote(issue: IssueFact): string {
  return `"${issue.title}"`;
}
