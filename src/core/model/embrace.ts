/**
 * Propagation (MODEL.md §2): how far the masses embrace a published line version, overall, in
 * every opinion group and in every constituency, against the targets before moving on. A rate is
 * judged only once enough are heard (MODEL.md §3): 2 of 3 responders in an organisation of 500
 * say nothing of the masses.
 */
import type { AnalysisFact, EndorsementFact, LineVersionFact, MemberFact, Millis, ModelFacts } from './facts.js';
import type { ModelSettings } from './settings.js';
import type { EndorsementKind } from '../vocabulary.js';
import { latestAnalysis, massMembersJoinedBy, roleAt } from './lookups.js';
import { ledgerOf, memoOnLedger, type PracticeLedger } from './ledger.js';
import { DAY_MS } from './time.js';
import { compareText, countOf, formatPercent, groupNamed } from './wording.js';

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

/**
 * The active members at t, as representativeness counts them (MODEL.md §3): members of role
 * member with an act or report on any issue within the last h days (ever, with h = ∞).
 */
export function activeMembersAt(facts: ModelFacts, at: Millis, settings: Pick<ModelSettings, 'halfLifeDays'>): ReadonlySet<string> {
  const ledger = ledgerOf(facts);
  return memoOnLedger(activeSets, ledger, `${at}\u0000${settings.halfLifeDays}`, () => {
    const since = settings.halfLifeDays === Infinity ? -Infinity : at - settings.halfLifeDays * DAY_MS;
    const reported = new Map<string, Millis[]>();
    for (const r of ledger.split.reports) {
      const own = reported.get(r.memberId);
      if (own) own.push(r.at);
      else reported.set(r.memberId, [r.at]);
    }
    const active = new Set<string>();
    for (const m of massMembersJoinedBy(facts, at)) {
      if (practisedWithin(ledger.actTimes.get(m.id), since, at) || practisedWithin(reported.get(m.id), since, at)) active.add(m.id);
    }
    return active;
  });
}

const activeSets = new WeakMap<PracticeLedger, { version: number; values: Map<string, ReadonlySet<string>> }>();

/** Some instant of `times` (ascending) in [since, at]. */
function practisedWithin(times: readonly Millis[] | undefined, since: Millis, at: Millis): boolean {
  if (!times || times.length === 0) return false;
  // The first instant at or after `since`: within when it is at or before t.
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! < since) lo = mid + 1;
    else hi = mid;
  }
  return lo < times.length && times[lo]! <= at;
}

/**
 * Who is active, followed forward in time in one walk over the masses' practice (acts and
 * reports in time order): `advanceTo(t)` makes the counts those of
 * `activeMembersAt(facts, t)`, for t never decreasing. Counts are kept for any sets of members
 * asked for (`count(key)` after `watch(key, members)`), so a step costs the members whose state changed.
 */
export class ActivitySweep {
  /** The masses' acts (in time order) and reports (sorted here), walked as one stream by two cursors. */
  private readonly acts: readonly { at: Millis; memberId: string }[];
  private readonly reports: { at: Millis; memberId: string }[];
  private readonly next = { act: 0, report: 0 };
  private readonly expired = { act: 0, report: 0 };
  private readonly last = new Map<string, Millis>();
  private readonly active = new Set<string>();
  private readonly watched = new Map<object, { members: ReadonlySet<string>; count: number }>();
  /** Per member: the watched sets they are in. */
  private readonly watchedOf = new Map<string, { count: number }[]>();
  /** Members whose role changes after joining: checked at each instant rather than followed. */
  private readonly changing: MemberFact[];
  private readonly byId: Map<string, MemberFact>;
  private at = -Infinity;

  constructor(facts: ModelFacts, private readonly halfLifeDays: number) {
    const split = ledgerOf(facts).split;
    this.acts = split.acts;
    this.reports = split.reports.map((r) => ({ at: r.at, memberId: r.memberId })).sort((a, b) => a.at - b.at);
    this.byId = new Map(facts.members.map((m) => [m.id, m]));
    this.changing = facts.members.filter((m) => (m.roles ?? []).some((p) => p.role !== 'member'));
  }

  /** The earlier of the two streams' instants at the cursor, advancing it; null at the end or past `bound`. */
  private take(cursor: { act: number; report: number }, bound: (at: Millis) => boolean): { at: Millis; memberId: string } | null {
    const act = this.acts[cursor.act];
    const report = this.reports[cursor.report];
    const takeAct = act !== undefined && (report === undefined || act.at <= report.at);
    const x = takeAct ? act : report;
    if (x === undefined || !bound(x.at)) return null;
    if (takeAct) cursor.act += 1;
    else cursor.report += 1;
    return x;
  }

  advanceTo(t: Millis): void {
    if (t < this.at) throw new RangeError('ActivitySweep: time runs forward only');
    this.at = t;
    for (let x = this.take(this.next, (at) => at <= t); x !== null; x = this.take(this.next, (at) => at <= t)) {
      const { at, memberId } = x;
      this.last.set(memberId, at);
      const member = this.byId.get(memberId);
      if (member === undefined || member.joinedAt > t || this.active.has(memberId)) continue;
      this.active.add(memberId);
      for (const w of this.watchedOf.get(memberId) ?? []) w.count += 1;
    }
    if (this.halfLifeDays === Infinity) return;
    const since = t - this.halfLifeDays * DAY_MS;
    const within = (at: Millis) => at < since && (this.expired.act < this.next.act || this.expired.report < this.next.report);
    for (let x = this.take(this.expired, within); x !== null; x = this.take(this.expired, within)) {
      const { memberId } = x;
      if ((this.last.get(memberId) ?? Infinity) >= since || !this.active.has(memberId)) continue;
      this.active.delete(memberId);
      for (const w of this.watchedOf.get(memberId) ?? []) w.count -= 1;
    }
  }

  /** Follow how many of `members` are active. */
  watch(key: object, members: ReadonlySet<string>): void {
    if (this.watched.has(key)) return;
    const entry = { members, count: 0 };
    for (const m of members) {
      if (this.active.has(m)) entry.count += 1;
      const own = this.watchedOf.get(m);
      if (own) own.push(entry);
      else this.watchedOf.set(m, [entry]);
    }
    this.watched.set(key, entry);
  }

  /** Active members among those watched under `key` (all active members: null), of role member at t. */
  count(key: object | null): number {
    const w = key === null ? null : this.watched.get(key);
    let n = w ? w.count : this.active.size;
    for (const m of this.changing) if (this.active.has(m.id) && (w === null || w === undefined || w.members.has(m.id)) && roleAt(m, this.at) !== 'member') n -= 1;
    return n;
  }
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
const answersByFacts = new WeakMap<readonly EndorsementFact[], { members: readonly MemberFact[]; all: EndorsementFact[]; byVersion: Map<string, EndorsementFact[]> }>();

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

function hearingOf(memberIds: Iterable<string>, active: ReadonlySet<string>): Hearing {
  let count = 0;
  for (const id of memberIds) if (active.has(id)) count += 1;
  return { active: count, needed: respondersNeeded(count) };
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
  const active = activeMembersAt(facts, at, settings);
  const overallCount = embraceCount(answers);
  const overallHearing = hearingOf(active, active);
  const overall = { ...overallCount, ...overallHearing, status: embraceStatus(overallCount, overallHearing.needed, settings.embraceTarget) };
  const groups: GroupEmbrace[] = (analysis?.groups ?? []).map((g) => {
    const count = embraceCount(answers, g.members);
    const hearing = hearingOf(g.members, active);
    return { groupId: g.id, members: g.members.length, ...count, ...hearing, status: embraceStatus(count, hearing.needed, settings.groupEmbraceTarget) };
  });
  const byConstituency = new Map<string, string[]>();
  for (const m of facts.members) {
    if (m.constituency === null) continue;
    const list = byConstituency.get(m.constituency);
    if (list) list.push(m.id);
    else byConstituency.set(m.constituency, [m.id]);
  }
  const constituencies: ConstituencyEmbrace[] = [...byConstituency.entries()]
    .sort(([a], [b]) => compareText(a, b))
    .map(([constituency, memberIds]) => {
      const count = embraceCount(answers, memberIds);
      const hearing = hearingOf(memberIds, active);
      return { constituency, ...count, ...hearing, status: embraceStatus(count, hearing.needed, settings.embraceTarget) };
    });

  const shortfalls: string[] = [];
  if (overall.status === 'not-yet-heard') shortfalls.push(`not yet heard: ${notYetHeard(overall)}`);
  else if (overall.status === 'below') shortfalls.push(`overall ${describe(overall)} is below the target ${formatPercent(settings.embraceTarget)}`);
  for (const g of groups) if (g.status === 'below') shortfalls.push(`${groupNamed(analysis?.groups ?? [], g.groupId)}: ${describe(g)} is below the group target ${formatPercent(settings.groupEmbraceTarget)}`);
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
      (groups.length === 0 ? 'no opinion groups yet' : `${groups.filter((g) => g.status === 'meets').length} of ${groups.length} groups meet the group target`) +
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
