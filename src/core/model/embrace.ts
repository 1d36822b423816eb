/**
 * Propagation (MODEL.md §2): how far the masses embrace a published line version, overall, in
 * every opinion group and in every constituency, against the targets before moving on. A rate is
 * judged only once enough are heard (MODEL.md §3): 2 of 3 responders in an organisation of 500
 * say nothing of the masses.
 */
import type { AnalysisFact, EndorsementFact, LineVersionFact, MemberFact, Millis, ModelFacts } from './facts.js';
import type { ModelSettings } from './settings.js';
import type { EndorsementKind } from '../vocabulary.js';
import { constituencyIndexOf, constituencyNamesOf, groupIndexOf, latestAnalysis, membersByConstituencyOf, roleAt } from './lookups.js';
import { activeMembersAt, presentActivityAt } from './activity.js';
import { countOf, formatPercent, groupNamed } from './wording.js';

/** Heard enough: at least this many responders… */
export const heardFloor = 5;
/** …and at least this share of the active members in the group, constituency or organisation. */
export const heardShare = 0.1;

/** embraced / responders; rate null with no responder. */
export interface EmbraceCount {
  embraced: number;
  responders: number;
  rate: number | null;
}

/** Responders needed before a rate is judged: max(5, 10 % of the active members in it). */
export interface Hearing {
  /** Active members (an act on any issue within the last h days) in the group, constituency or organisation. */
  active: number;
  needed: number;
}

/**
 * 'not-yet-heard': fewer responders than needed (none included), so the rate is shown with its
 * count but not judged; never reported as failing.
 */
export type EmbraceStatus = 'meets' | 'below' | 'not-yet-heard';

export interface GroupEmbrace extends EmbraceCount, Hearing {
  groupId: string;
  members: number;
  /** Against groupEmbraceTarget. */
  status: EmbraceStatus;
}

export interface ConstituencyEmbrace extends EmbraceCount, Hearing {
  constituency: string;
  /** Against embraceTarget (constituencies have no target of their own; the united front uses the overall one). */
  status: EmbraceStatus;
}

export interface Embrace {
  lineVersionId: string;
  issueId: string;
  at: Millis;
  /** The analysis whose groups were used: the issue's latest at `at`. */
  analysisId: string | null;
  overall: EmbraceCount & Hearing & { status: EmbraceStatus };
  groups: GroupEmbrace[];
  constituencies: ConstituencyEmbrace[];
  /** Overall heard and ≥ embraceTarget, and every heard group ≥ groupEmbraceTarget. */
  meetsTarget: boolean;
  shortfalls: string[];
  how: string;
}

/** Each member's answer to the version at t: their latest endorsement of it (an answer may be changed). */
export function answersAt(endorsements: readonly EndorsementFact[], lineVersionId: string, at: Millis): Map<string, EndorsementKind> {
  const latest = new Map<string, EndorsementFact>();
  for (const e of endorsements) {
    if (e.lineVersionId !== lineVersionId || e.at > at) continue;
    const seen = latest.get(e.memberId);
    if (!seen || e.at >= seen.at) latest.set(e.memberId, e);
  }
  return new Map([...latest].map(([memberId, e]) => [memberId, e.kind]));
}

/** embraced / responders over the given members (all answering members when `among` is absent). */
export function embraceCount(answers: ReadonlyMap<string, EndorsementKind>, among?: Iterable<string>): EmbraceCount {
  let embraced = 0;
  let responders = 0;
  const count = (kind: EndorsementKind | undefined): void => {
    if (kind === undefined) return;
    responders += 1;
    if (kind === 'embrace') embraced += 1;
  };
  if (among === undefined) for (const kind of answers.values()) count(kind);
  else for (const memberId of among) count(answers.get(memberId));
  return { embraced, responders, rate: responders > 0 ? embraced / responders : null };
}

/** Responders needed among `active` active members: max(5, 10 % of them), in whole responders. */
export function respondersNeeded(active: number): number {
  // 10 % compared in whole numbers: needed · 10 ≥ active
  return Math.max(heardFloor, Math.ceil(active / (1 / heardShare)));
}

export function embraceStatus(count: EmbraceCount, needed: number, target: number): EmbraceStatus {
  if (count.rate === null || count.responders < needed) return 'not-yet-heard';
  return count.rate >= target ? 'meets' : 'below';
}

/** The answers of the masses: the leadership's own answers (by role at the time of answering) are not counted. */
export function massesAnswers(facts: ModelFacts): EndorsementFact[] {
  return massesAnswersOf(facts).all;
}

/** The masses' answers to one line version, in the facts' order. */
export function massesAnswersTo(facts: ModelFacts, lineVersionId: string): readonly EndorsementFact[] {
  return massesAnswersOf(facts).byVersion.get(lineVersionId) ?? [];
}

/** Per answers array: the masses' answers, all and by version, while the members are the same. */
const answersByFacts = new WeakMap<
  readonly EndorsementFact[],
  { members: readonly MemberFact[]; all: EndorsementFact[]; byVersion: Map<string, EndorsementFact[]> }
>();

function massesAnswersOf(facts: ModelFacts) {
  const kept = answersByFacts.get(facts.endorsements);
  if (kept && kept.members === facts.members) return kept;
  const byId = new Map(facts.members.map((m) => [m.id, m]));
  const all = facts.endorsements.filter((e) => {
    const member = byId.get(e.memberId);
    return member === undefined || roleAt(member, e.at) === 'member';
  });
  const byVersion = new Map<string, EndorsementFact[]>();
  for (const e of all) {
    const own = byVersion.get(e.lineVersionId);
    if (own) own.push(e);
    else byVersion.set(e.lineVersionId, [e]);
  }
  const value = { members: facts.members, all, byVersion };
  answersByFacts.set(facts.endorsements, value);
  return value;
}

/** The embrace of one version at t, with groups from the issue's latest analysis at t. Null for an unknown version. */
export function embraceRateAt(facts: ModelFacts, lineVersionId: string, at: Millis, settings: ModelSettings): Embrace | null {
  const version = facts.lines.find((v) => v.id === lineVersionId);
  if (!version) return null;
  return embraceOfVersion(facts, version, latestAnalysis(facts, version.issueId, at), at, settings);
}

/** The embrace of `version` at t with the groups of `analysis`. */
export function embraceOfVersion(facts: ModelFacts, version: LineVersionFact, analysis: AnalysisFact | null, at: Millis, settings: ModelSettings): Embrace {
  const answers = answersAt(massesAnswersTo(facts, version.id), version.id, at);
  const active = presentActivityAt(facts, at, settings.halfLifeDays) ? new Set<string>() : activeMembersAt(facts, at, settings);
  // One pass over the active members and one over the answers, each counted in its groups and constituency.
  const groupList = analysis?.groups ?? [];
  const groupOf = groupIndexOf(groupList);
  const constituencyOf = constituencyIndexOf(facts.members);
  const activeIn = new Map<string, number>();
  const answeredIn = new Map<string, { embraced: number; responders: number }>();
  const inGroup = (g: string) => `g\u0000${g}`;
  const inConstituency = (c: string) => `c\u0000${c}`;
  const wheresOf = (memberId: string): string[] => {
    const c = constituencyOf.get(memberId) ?? null;
    const gs = (groupOf.get(memberId) ?? []).map(inGroup);
    return c === null ? gs : [...gs, inConstituency(c)];
  };
  const present = presentActivityAt(facts, at, settings.halfLifeDays);
  if (present) {
    // The present followed forward keeps each group's and constituency's active count.
    for (const g of groupList) activeIn.set(inGroup(g.id), present.sweep.count(present.sweep.watch(g.members)));
    for (const [c, members] of membersByConstituencyOf(facts.members)) activeIn.set(inConstituency(c), present.sweep.count(present.sweep.watch(members)));
  } else for (const memberId of active) for (const where of wheresOf(memberId)) activeIn.set(where, (activeIn.get(where) ?? 0) + 1);
  for (const [memberId, kind] of answers) {
    for (const where of wheresOf(memberId)) {
      let c = answeredIn.get(where);
      if (!c) answeredIn.set(where, (c = { embraced: 0, responders: 0 }));
      c.responders += 1;
      if (kind === 'embrace') c.embraced += 1;
    }
  }
  const countIn = (where: string): EmbraceCount => {
    const c = answeredIn.get(where) ?? { embraced: 0, responders: 0 };
    return { ...c, rate: c.responders > 0 ? c.embraced / c.responders : null };
  };
  const hearingIn = (n: number): Hearing => ({ active: n, needed: respondersNeeded(n) });
  const overallCount = embraceCount(answers);
  const overallHearing = hearingIn(present ? present.sweep.count(null) : active.size);
  const overall = { ...overallCount, ...overallHearing, status: embraceStatus(overallCount, overallHearing.needed, settings.embraceTarget) };
  const groups: GroupEmbrace[] = groupList.map((g) => {
    const count = countIn(inGroup(g.id));
    const hearing = hearingIn(activeIn.get(inGroup(g.id)) ?? 0);
    return { groupId: g.id, members: g.members.length, ...count, ...hearing, status: embraceStatus(count, hearing.needed, settings.groupEmbraceTarget) };
  });
  const constituencies: ConstituencyEmbrace[] = constituencyNamesOf(facts.members).map((constituency) => {
    const count = countIn(inConstituency(constituency));
    const hearing = hearingIn(activeIn.get(inConstituency(constituency)) ?? 0);
    return { constituency, ...count, ...hearing, status: embraceStatus(count, hearing.needed, settings.embraceTarget) };
  });

  const shortfalls: string[] = [];
  if (overall.status === 'not-yet-heard') shortfalls.push(`not yet heard: ${notYetHeard(overall)}`);
  else if (overall.status === 'below') shortfalls.push(`overall ${describe(overall)} is below the target ${formatPercent(settings.embraceTarget)}`);
  for (const g of groups)
    if (g.status === 'below')
      shortfalls.push(
        `${groupNamed(analysis?.groups ?? [], g.groupId)}: ${describe(g)} is below the group target ${formatPercent(settings.groupEmbraceTarget)}`,
      );
  const meetsTarget = shortfalls.length === 0;
  const silent = groups.filter((g) => g.status === 'not-yet-heard').map((g) => groupNamed(analysis?.groups ?? [], g.groupId));
  return {
    lineVersionId: version.id,
    issueId: version.issueId,
    at,
    analysisId: analysis?.id ?? null,
    overall,
    groups,
    constituencies,
    meetsTarget,
    shortfalls,
    how:
      `embraced by ${overall.rate === null ? 'no responder yet' : describe(overall)} overall; ` +
      (groups.length === 0
        ? 'no opinion groups yet'
        : `${groups.filter((g) => g.status === 'meets').length} of ${groups.length} groups meet the group target`) +
      (silent.length > 0 ? `; not yet heard in ${silent.join(', ')}` : '') +
      (meetsTarget ? ': meets the targets' : `: ${shortfalls.join('; ')}`) +
      `; a rate is judged once ${heardFloor} responders or 10 % of the active members in it have answered, whichever is more`,
  };
}

/** `55 % (11 of 20)`. */
function describe(count: EmbraceCount): string {
  return `${formatPercent(count.rate ?? 0)} (${count.embraced} of ${count.responders})`;
}

/** `3 responders of the 50 needed`. */
function notYetHeard(count: EmbraceCount & Hearing): string {
  return `${countOf(count.responders, 'responder')} of the ${count.needed} needed`;
}
