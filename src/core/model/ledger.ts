/**
 * The masses' practice, indexed and kept up to date as the facts grow (MODEL.md §3). Every figure
 * of the model can be computed by walking the facts; at an organisation's size (millions of votes)
 * a walk per request is seconds. The ledger walks each act once: it splits the masses' practice
 * from the leadership's (as `practiceSplit` did), and keeps per issue the acts, each (issue,
 * member)'s tally, and per member the instants of their practice, so a figure at the present costs
 * the size of its answer.
 *
 * Growing facts. The facts' arrays are in their canonical order (acts by instant first). The
 * store hands out the same `acts` array grown at its end when every new act comes at or after
 * the last one (the common case: votes arriving now), and a new array otherwise. The ledger of an
 * array extends itself by the acts past what it has read; a new array, a member whose roles
 * changed, or an act dated before the last one read makes a new ledger, walked from the start.
 * Figures at an instant before the latest act walk the facts as before (the oracle the fast
 * paths are tested against).
 */
import type { ActFact, MemberFact, Millis, ModelFacts, ReportFact } from './facts.js';
import { actKey, roleAt } from './lookups.js';

/**
 * The facts split into the masses' practice and the leadership's own activity (MODEL.md §3):
 * - an act or report counts as practice only when its member's role at that instant is member
 *   (a member the facts do not list counts as one);
 * - a vote carried over by a merge is no act, nor is a vote that repeats the member's current
 *   value on the statement (carried votes do set the current value);
 * - the leadership's acts and reports are kept apart, to be shown apart, never as practice.
 * Acts keep the facts' order; deduplication (a statement voted on once, a version answered once,
 * an action once, a report once per member and claim) is by `actKey` and `reportKey`, at t.
 * The arrays grow in place as the facts do (see the ledger).
 */
export interface PracticeSplit {
  acts: ActFact[];
  reports: ReportFact[];
  leadershipActs: ActFact[];
  leadershipReports: ReportFact[];
}

/** One (issue, member)'s acts counted by what they are (acts_m), and the latest act's instant. */
export interface ActTally {
  memberId: string;
  issueId: string;
  keys: Set<string>;
  counted: { vote: number; statement: number; endorsement: number; action: number };
  last: Millis;
}

/** A tally that changed: its count of acts and latest instant before (0 acts: it is new) and after. */
export interface TallyChange {
  countedBefore: number;
  lastBefore: Millis;
  counted: number;
  last: Millis;
}

/** Per issue: the masses' acts in the facts' order, each member's tally, and the leadership's activity. */
export interface IssueLedger {
  acts: ActFact[];
  tallies: Map<string, ActTally>;
  leadershipActs: number;
  leaders: Set<string>;
  /**
   * The tallies' changes since sums over them were first asked for (`keepChanges`), for those
   * sums to follow; trimmed when long, which moves `generation` on (the sums then walk the tallies).
   */
  changes: TallyChange[];
  keepChanges: boolean;
  generation: number;
}

function countedOf(tally: ActTally): number {
  const { vote, statement, endorsement, action } = tally.counted;
  return vote + statement + endorsement + action;
}

/** A tally of the acts counted once by their key (null key: each counts apart). */
export function addToTally(tally: ActTally, act: ActFact): void {
  tally.last = Math.max(tally.last, act.at);
  const key = actKey(act);
  if (key === null) tally.counted[act.kind] += 1;
  else if (!tally.keys.has(key)) {
    tally.keys.add(key);
    tally.counted[act.kind] += 1;
  }
}

export function newTally(memberId: string, issueId: string, at: Millis): ActTally {
  return { memberId, issueId, keys: new Set(), counted: { vote: 0, statement: 0, endorsement: 0, action: 0 }, last: at };
}

export class PracticeLedger {
  readonly split: PracticeSplit = { acts: [], reports: [], leadershipActs: [], leadershipReports: [] };
  /** Grows by one each time the ledger reads more facts: caches built on the ledger compare it. */
  version = 0;
  /** The latest instant of any act read (of anyone), and of the masses' acts. */
  latestAct = -Infinity;
  latestMassAct = -Infinity;
  latestLeadershipAct = -Infinity;
  readonly issues = new Map<string, IssueLedger>();
  /** Per member: the instants of their acts counted as practice, ascending. */
  readonly actTimes = new Map<string, Millis[]>();
  /** Per member: every act of theirs (carried and repeated votes included), in the facts' order. */
  readonly actsOf = new Map<string, ActFact[]>();
  /** The (issue, member) pairs in the order of their first act, once counts over them were asked for (`keepFirstTerms`). */
  readonly firstTerms: { issueId: string; memberId: string }[] = [];
  keepFirstTerms = false;
  firstTermsGeneration = 0;
  /** Acts of the facts read so far. */
  private read = 0;
  private unordered = false;
  private members: readonly MemberFact[] = [];
  private byId = new Map<string, MemberFact>();
  private reports: readonly ReportFact[] | null = null;
  /** Per statement and member: the member's current vote value, to know a repeated vote. */
  private readonly current = new Map<string, Map<string, number>>();

  constructor(readonly acts: readonly ActFact[]) {}

  /**
   * Reads what the facts gained since. False when they changed in a way the ledger cannot
   * follow (an act dated before the last one read, a member's roles changed): walk anew.
   */
  follow(facts: ModelFacts): boolean {
    if (facts.acts !== this.acts || facts.acts.length < this.read) return false;
    let grew = false;
    if (facts.members !== this.members) {
      const byId = new Map(facts.members.map((m) => [m.id, m]));
      for (const [id, before] of this.byId) {
        const now = byId.get(id);
        if (now !== before && (now === undefined || !sameRoles(before, now))) return false;
      }
      for (const [id, now] of byId) if (!this.byId.has(id) && this.actsOf.has(id) && now.roles?.some((p) => p.role !== 'member')) return false;
      this.members = facts.members;
      this.byId = byId;
      grew = true;
    }
    if (facts.acts.length > this.read) {
      const first = facts.acts[this.read]!;
      if (first.at < this.latestAct || this.unordered) return false;
      let ordered = true;
      for (let i = this.read + 1; i < facts.acts.length && ordered; i++) ordered = facts.acts[i]!.at >= facts.acts[i - 1]!.at;
      if (ordered) for (let i = this.read; i < facts.acts.length; i++) this.add(facts.acts[i]!);
      else {
        // Facts not in time order (built by hand): walked in time order, stable, and walked anew when they grow.
        if (this.read > 0) return false;
        this.unordered = true;
        for (const act of [...facts.acts].sort((a, b) => a.at - b.at)) this.add(act);
      }
      this.read = facts.acts.length;
      grew = true;
    }
    if (facts.reports !== this.reports) {
      this.reports = facts.reports;
      this.split.reports = [];
      this.split.leadershipReports = [];
      for (const r of facts.reports) (this.ofMasses(r.memberId, r.at) ? this.split.reports : this.split.leadershipReports).push(r);
      grew = true;
    }
    if (grew) this.version += 1;
    return true;
  }

  private ofMasses(memberId: string, at: Millis): boolean {
    const member = this.byId.get(memberId);
    return member === undefined || roleAt(member, at) === 'member';
  }

  private add(act: ActFact): void {
    this.latestAct = Math.max(this.latestAct, act.at);
    let own = this.actsOf.get(act.memberId);
    if (!own) this.actsOf.set(act.memberId, (own = []));
    own.push(act);
    if (act.kind === 'vote' && act.statementId !== null) {
      // Per statement, per member (no string made per vote: a million votes would keep a million keys).
      let onStatement = this.current.get(act.statementId);
      if (!onStatement) this.current.set(act.statementId, (onStatement = new Map()));
      const before = onStatement.get(act.memberId);
      if (act.value !== undefined) onStatement.set(act.memberId, act.value);
      if ((act.carriedFrom ?? null) !== null || (act.value !== undefined && before === act.value)) return;
    }
    let issue = this.issues.get(act.issueId);
    if (!issue)
      this.issues.set(
        act.issueId,
        (issue = { acts: [], tallies: new Map(), leadershipActs: 0, leaders: new Set(), changes: [], keepChanges: false, generation: 0 }),
      );
    if (!this.ofMasses(act.memberId, act.at)) {
      this.split.leadershipActs.push(act);
      issue.leadershipActs += 1;
      issue.leaders.add(act.memberId);
      this.latestLeadershipAct = Math.max(this.latestLeadershipAct, act.at);
      return;
    }
    this.split.acts.push(act);
    this.latestMassAct = Math.max(this.latestMassAct, act.at);
    issue.acts.push(act);
    let tally = issue.tallies.get(act.memberId);
    if (!tally) {
      issue.tallies.set(act.memberId, (tally = newTally(act.memberId, act.issueId, act.at)));
      if (this.keepFirstTerms) {
        if (this.firstTerms.length > 1_000_000) {
          this.firstTerms.length = 0;
          this.firstTermsGeneration += 1;
        }
        this.firstTerms.push({ issueId: act.issueId, memberId: act.memberId });
      }
    }
    const countedBefore = countedOf(tally);
    const lastBefore = tally.last;
    addToTally(tally, act);
    if (issue.keepChanges) {
      if (issue.changes.length > 2 * issue.tallies.size + 1024) {
        issue.changes = [];
        issue.generation += 1;
      }
      issue.changes.push({ countedBefore, lastBefore, counted: countedOf(tally), last: tally.last });
    }
    const times = this.actTimes.get(act.memberId);
    if (times) times.push(act.at);
    else this.actTimes.set(act.memberId, [act.at]);
  }
}

function sameRoles(a: MemberFact, b: MemberFact): boolean {
  const x = a.roles ?? [];
  const y = b.roles ?? [];
  return a.joinedAt === b.joinedAt && x.length === y.length && x.every((p, i) => p.role === y[i]!.role && p.from === y[i]!.from);
}

const ledgers = new WeakMap<readonly ActFact[], PracticeLedger>();

/** The ledger of the facts, extended by what they gained since it was last read. */
export function ledgerOf(facts: ModelFacts): PracticeLedger {
  let ledger = ledgers.get(facts.acts);
  if (!ledger || !ledger.follow(facts)) {
    ledger = new PracticeLedger(facts.acts);
    ledger.follow(facts);
    ledgers.set(facts.acts, ledger);
  }
  return ledger;
}

export function practiceSplit(facts: ModelFacts): PracticeSplit {
  return ledgerOf(facts).split;
}

/**
 * A value computed from a ledger, kept while the ledger has not grown: `key` tells apart the
 * questions asked of one ledger (an instant, settings).
 */
export function memoOnLedger<T>(
  cache: WeakMap<PracticeLedger, { version: number; values: Map<string, T> }>,
  ledger: PracticeLedger,
  key: string,
  compute: () => T,
): T {
  let entry = cache.get(ledger);
  if (!entry || entry.version !== ledger.version) cache.set(ledger, (entry = { version: ledger.version, values: new Map() }));
  let value = entry.values.get(key);
  if (value === undefined && !entry.values.has(key)) {
    value = compute();
    if (entry.values.size > 64) entry.values.clear();
    entry.values.set(key, value);
  }
  return value as T;
}
