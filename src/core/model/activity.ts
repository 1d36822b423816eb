/**
 * Who is active (MODEL.md §3): a member of role member with an act or report on any issue within
 * the last h days (ever, with h = ∞). Representativeness and the hearing of an embrace rate are
 * counted among them. At an organisation's size, asking "who is active at t" member by member on
 * every request costs the membership; the present is followed forward instead (`PresentActivity`),
 * as acts arrive and as members fall out of the window, with the counts the figures need.
 */
import type { MemberFact, Millis, ModelFacts } from './facts.js';
import type { ModelSettings } from './settings.js';
import { ledgerOf, memoOnLedger, type PracticeLedger } from './ledger.js';
import { massMembersJoinedBy, roleAt } from './lookups.js';
import { DAY_MS } from './time.js';

/** The active members at t: from the present's sweep at or after where it stands, else member by member. */
export function activeMembersAt(facts: ModelFacts, at: Millis, settings: Pick<ModelSettings, 'halfLifeDays'>): ReadonlySet<string> {
  const ledger = ledgerOf(facts);
  return memoOnLedger(activeSets, ledger, `${at}\u0000${settings.halfLifeDays}`, () => {
    const present = presentActivityAt(facts, at, settings.halfLifeDays);
    if (present) return present.sweep.activeMembers();
    const since = settings.halfLifeDays === Infinity ? -Infinity : at - settings.halfLifeDays * DAY_MS;
    const reported = new Map<string, Millis[]>();
    for (const r of ledger.split.reports) {
      const own = reported.get(r.memberId);
      if (own) own.push(r.at);
      else reported.set(r.memberId, [r.at]);
    }
    for (const own of reported.values()) own.sort((a, b) => a - b);
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
 * The present, followed forward: who is active, and per issue how many active members took part
 * in it, in all ('') and per constituency. Kept per ledger and half-life while the members and
 * reports are the same; a request at or after where it stands moves it on (new acts, members
 * falling out of the window), one before it is answered member by member.
 */
export class PresentActivity {
  readonly sweep: ActivitySweep;
  /** Per issue: active participants, in all ('') and per constituency. */
  readonly participants = new Map<string, Map<string, number>>();
  /** Per constituency ('' for all): active members. */
  readonly active = new Map<string, number>();
  private readonly issuesOf = new Map<string, string[]>();
  private readonly constituencyOf: Map<string, string | null>;
  /** Members of another role than member at some time. */
  private readonly changing: readonly MemberFact[];
  private firstTermsRead: number;
  private readonly firstTermsGeneration: number;

  constructor(
    readonly ledger: PracticeLedger,
    readonly members: readonly MemberFact[],
    readonly reports: readonly unknown[],
    facts: ModelFacts,
    halfLifeDays: number,
  ) {
    this.constituencyOf = new Map(facts.members.map((m) => [m.id, m.constituency]));
    this.changing = facts.members.filter((m) => (m.roles ?? []).some((p) => p.role !== 'member'));
    ledger.keepFirstTerms = true;
    this.firstTermsRead = ledger.firstTerms.length;
    this.firstTermsGeneration = ledger.firstTermsGeneration;
    for (const [issueId, issue] of ledger.issues) for (const memberId of issue.tallies.keys()) this.tookPart(memberId, issueId);
    for (const r of ledger.split.reports) this.tookPart(r.memberId, r.issueId);
    this.sweep = new ActivitySweep(facts, halfLifeDays);
    this.sweep.forgetful = true;
    this.sweep.onChange = (memberId, active) => this.count(memberId, active ? 1 : -1);
  }

  /** Can follow the facts as they are now (the same members and reports, the ledger's log unbroken). */
  follows(facts: ModelFacts): boolean {
    return facts.members === this.members && this.ledger.split.reports === this.reports && this.ledger.firstTermsGeneration === this.firstTermsGeneration;
  }

  /** Moves to t: the (issue, member) pairs the ledger gained since, then the acts up to t. */
  advanceTo(t: Millis): void {
    const log = this.ledger.firstTerms;
    for (; this.firstTermsRead < log.length; this.firstTermsRead++) this.tookPart(log[this.firstTermsRead]!.memberId, log[this.firstTermsRead]!.issueId);
    this.sweep.advanceTo(t);
  }

  private tookPart(memberId: string, issueId: string): void {
    const own = this.issuesOf.get(memberId);
    if (own?.includes(issueId)) return;
    if (own) own.push(issueId);
    else this.issuesOf.set(memberId, [issueId]);
    if (this.sweep?.isActive(memberId)) this.add(issueId, memberId, 1);
  }

  private count(memberId: string, delta: number): void {
    const c = this.constituencyOf.get(memberId) ?? null;
    this.active.set('', (this.active.get('') ?? 0) + delta);
    if (c !== null) this.active.set(c, (this.active.get(c) ?? 0) + delta);
    for (const issueId of this.issuesOf.get(memberId) ?? []) this.add(issueId, memberId, delta);
  }

  private add(issueId: string, memberId: string, delta: number): void {
    let ofIssue = this.participants.get(issueId);
    if (!ofIssue) this.participants.set(issueId, (ofIssue = new Map()));
    ofIssue.set('', (ofIssue.get('') ?? 0) + delta);
    const c = this.constituencyOf.get(memberId) ?? null;
    if (c !== null) ofIssue.set(c, (ofIssue.get(c) ?? 0) + delta);
  }

  /** The members active now whose role is no longer member: counted by the sweep, not by the figures. */
  outOfRole(): { memberId: string; constituency: string | null; issues: readonly string[] }[] {
    const out: { memberId: string; constituency: string | null; issues: readonly string[] }[] = [];
    for (const m of this.changing) {
      if (!this.sweep.isActive(m.id) || roleAt(m, this.sweep.time) === 'member') continue;
      out.push({ memberId: m.id, constituency: m.constituency, issues: this.issuesOf.get(m.id) ?? [] });
    }
    return out;
  }
}

const presents = new WeakMap<PracticeLedger, Map<number, PresentActivity>>();

/**
 * The present's activity moved to t, when t is at or after where it stands and after the latest
 * act (so that the ledger's tallies are who took part by t); null otherwise.
 */
export function presentActivityAt(facts: ModelFacts, at: Millis, halfLifeDays: number): PresentActivity | null {
  const ledger = ledgerOf(facts);
  if (at < ledger.latestAct) return null;
  let byHalfLife = presents.get(ledger);
  if (!byHalfLife) presents.set(ledger, (byHalfLife = new Map()));
  let present = byHalfLife.get(halfLifeDays);
  if (present && present.sweep.time > at) return null;
  if (!present || !present.follows(facts))
    byHalfLife.set(halfLifeDays, (present = new PresentActivity(ledger, facts.members, ledger.split.reports, facts, halfLifeDays)));
  present.advanceTo(at);
  return present;
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
  /** Forget the sets watched now and then (a sweep kept for the present): set by its keeper. */
  forgetful = false;
  /** Told of each member who turns active (true) or inactive (false). */
  onChange: ((memberId: string, active: boolean) => void) | null = null;

  constructor(
    facts: ModelFacts,
    private readonly halfLifeDays: number,
  ) {
    const split = ledgerOf(facts).split;
    this.acts = split.acts;
    this.reports = split.reports.map((r) => ({ at: r.at, memberId: r.memberId })).sort((a, b) => a.at - b.at);
    this.byId = new Map(facts.members.map((m) => [m.id, m]));
    this.changing = facts.members.filter((m) => (m.roles ?? []).some((p) => p.role !== 'member'));
  }

  /** The earlier of the two streams' next items at the cursor (not advanced); undefined at their end. */
  private peek(cursor: { act: number; report: number }): { at: Millis; memberId: string; fromActs: boolean } | undefined {
    const act = this.acts[cursor.act];
    const report = this.reports[cursor.report];
    if (act !== undefined && (report === undefined || act.at <= report.at)) return { at: act.at, memberId: act.memberId, fromActs: true };
    return report === undefined ? undefined : { at: report.at, memberId: report.memberId, fromActs: false };
  }

  advanceTo(t: Millis): void {
    if (t < this.at) throw new RangeError('ActivitySweep: time runs forward only');
    this.at = t;
    for (let x = this.peek(this.next); x !== undefined && x.at <= t; x = this.peek(this.next)) {
      if (x.fromActs) this.next.act += 1;
      else this.next.report += 1;
      const { at, memberId } = x;
      this.last.set(memberId, at);
      const member = this.byId.get(memberId);
      if (member === undefined || member.joinedAt > t || this.active.has(memberId)) continue;
      this.active.add(memberId);
      for (const w of this.watchedOf.get(memberId) ?? []) w.count += 1;
      this.onChange?.(memberId, true);
    }
    if (this.halfLifeDays === Infinity) return;
    const since = t - this.halfLifeDays * DAY_MS;
    // Every instant before `since` was walked above (since ≤ t): the expired cursor never passes the next one.
    for (let x = this.peek(this.expired); x !== undefined && x.at < since; x = this.peek(this.expired)) {
      if (x.fromActs) this.expired.act += 1;
      else this.expired.report += 1;
      const { memberId } = x;
      if ((this.last.get(memberId) ?? Infinity) >= since || !this.active.has(memberId)) continue;
      this.active.delete(memberId);
      for (const w of this.watchedOf.get(memberId) ?? []) w.count -= 1;
      this.onChange?.(memberId, false);
    }
  }

  /** Follow how many of `members` are active (a list is kept as a set, per list); returns the key to `count` them by. */
  watch(key: readonly string[]): object;
  watch(key: object, members: ReadonlySet<string>): object;
  watch(key: object, given?: ReadonlySet<string>): object {
    if (this.watched.has(key)) return key;
    // Sets asked for over a long run (each analysis brings its groups): forget the old ones now and then.
    if (this.forgetful && this.watched.size >= 256) {
      this.watched.clear();
      this.watchedOf.clear();
    }
    const members = given ?? new Set(key as readonly string[]);
    const entry = { members, count: 0 };
    for (const m of members) {
      if (this.active.has(m)) entry.count += 1;
      const own = this.watchedOf.get(m);
      if (own) own.push(entry);
      else this.watchedOf.set(m, [entry]);
    }
    this.watched.set(key, entry);
    return key;
  }

  /** Where the sweep stands. */
  get time(): Millis {
    return this.at;
  }

  isActive(memberId: string): boolean {
    return this.active.has(memberId);
  }

  /** The members active at the sweep's instant, of role member then. */
  activeMembers(): Set<string> {
    const active = new Set(this.active);
    for (const m of this.changing) if (roleAt(m, this.at) !== 'member') active.delete(m.id);
    return active;
  }

  /** Active members among those watched under `key` (all active members: null), of role member at t. */
  count(key: object | null): number {
    const w = key === null ? null : this.watched.get(key);
    if (w === undefined) throw new RangeError('ActivitySweep: count of a set not watched');
    let n = w ? w.count : this.active.size;
    for (const m of this.changing)
      if (this.active.has(m.id) && (w === null || w === undefined || w.members.has(m.id)) && roleAt(m, this.at) !== 'member') n -= 1;
    return n;
  }
}
