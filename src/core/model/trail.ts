/**
 * An issue's dot moving over time: its health at every instant something happened to it, and
 * at the instants where decay alone carries it across a character boundary. Computed in one
 * walk over the issue's facts (O(facts), not O(facts) per instant), so the qualitative changes
 * of MODEL.md §4 can be found for every issue of an organisation.
 */
import type { ActFact, IssueFact, MemberFact, Millis, ModelFacts, ReportFact } from './facts.js';
import type { ModelSettings } from './settings.js';
import { characterOf, decay, practiceSufficiencyFor, type Character } from './health.js';
import { actKey, compareVersions, reportKey, roleAt } from './lookups.js';
import { ledgerOf, type PracticeLedger } from './ledger.js';
import { DAY_MS } from './time.js';

export interface HealthPoint {
  at: Millis;
  /** L */
  pureLogic: number;
  /** P */
  practice: number;
  /** P₀ */
  practiceSufficiency: number;
  l: number;
  pi: number;
  character: Character;
  /** What moved the dot: the issue opening, its facts, the membership (P₀), or decay alone. */
  cause: 'opened' | 'facts' | 'membership' | 'decay';
}

type TrailEvent =
  | { at: Millis; kind: 'act'; act: ActFact }
  | { at: Millis; kind: 'report'; report: ReportFact }
  | { at: Millis; kind: 'analysis' | 'opened' }
  | { at: Millis; kind: 'membership'; delta: number }
  | { at: Millis; kind: 'line'; claims: number };

interface MemberState {
  keys: Set<string>;
  apart: number;
  last: Millis;
  engagement: number;
}

/** The instants the masses counted by P₀ grow or shrink: a member of role member joins, or a member's role turns to or from member. */
const membershipByMembers = new WeakMap<readonly MemberFact[], TrailEvent[]>();

function membershipEvents(facts: ModelFacts): TrailEvent[] {
  const kept = membershipByMembers.get(facts.members);
  if (kept) return kept;
  const events: TrailEvent[] = [];
  for (const m of facts.members) {
    if (roleAt(m, m.joinedAt) === 'member') events.push({ at: m.joinedAt, kind: 'membership', delta: 1 });
    const changes = [...new Set((m.roles ?? []).map((p) => p.from).filter((from) => from > m.joinedAt))];
    for (const at of changes) {
      const delta = (roleAt(m, at) === 'member' ? 1 : 0) - (roleAt(m, at - 1) === 'member' ? 1 : 0);
      if (delta !== 0) events.push({ at, kind: 'membership', delta });
    }
  }
  events.sort((a, b) => a.at - b.at);
  membershipByMembers.set(facts.members, events);
  return events;
}

/**
 * The issue's health points from its opening up to `until` (inclusive) and before its
 * resolution, oldest first. Invariant: each point equals `issueHealthAt(facts, issueId, point.at)`
 * up to rounding; between two points the character does not change.
 */
export function issueHealthTrail(facts: ModelFacts, issueId: string, until: Millis, settings: ModelSettings): HealthPoint[] {
  const upTo = walkedUpTo(facts, issueId, until, settings);
  if (!upTo) return [];
  // Between two events the walk found the crossings already; after the last one, those up to `end`.
  return [...upTo.walk.points.slice(0, upTo.before), ...upTo.tail()];
}

/**
 * The points of the issue's trail up to `until` where its character changes, each after the point
 * before it: the pairs `issueHealthTrail` would show turning, without the points in between
 * (a busy issue's trail has a point per act).
 */
export function issueCharacterTurns(facts: ModelFacts, issueId: string, until: Millis, settings: ModelSettings): HealthPoint[] {
  const upTo = walkedUpTo(facts, issueId, until, settings);
  if (!upTo) return [];
  const points = upTo.walk.points;
  const out: HealthPoint[] = [];
  const add = (p: HealthPoint) => {
    if (out[out.length - 1] !== p) out.push(p);
  };
  for (const i of upTo.walk.turns) {
    if (i >= upTo.before) break;
    add(points[i - 1]!);
    add(points[i]!);
  }
  // After the last event walked, decay alone may turn it before `end`.
  let before = points[upTo.before - 1];
  for (const c of upTo.tail()) {
    if (before !== undefined && c.character !== before.character) {
      add(before);
      add(c);
    }
    before = c;
  }
  return out;
}

/**
 * The issue's walk up to `until` (inclusive) and before its resolution: how many of its points
 * come before that end, and the instants decay alone crosses a boundary after the last event
 * walked, up to the end (none when an event comes after the end).
 */
function walkedUpTo(
  facts: ModelFacts,
  issueId: string,
  until: Millis,
  settings: ModelSettings,
): { walk: TrailWalk; before: number; tail: () => HealthPoint[] } | null {
  const issue = facts.issues.find((i) => i.id === issueId);
  if (!issue) return null;
  const walk = trailWalkOf(facts, issue, settings);
  const end = Math.min(until + 1, issue.resolvedAt ?? Infinity); // exclusive
  const points = walk.points;
  let before = points.length;
  while (before > 0 && points[before - 1]!.at >= end) before -= 1;
  const last = points[before - 1];
  const tail = () => (last !== undefined && end > walk.lastEventAt ? decayCrossings(last, end, settings) : []);
  return { walk, before, tail };
}

/**
 * One walk over an issue's facts in time order, kept per (facts, issue, settings) and continued
 * as the facts grow (acts arriving at or after the last instant walked); anything else (a new
 * report, line version, analysis or member) walks anew.
 */
class TrailWalk {
  readonly points: HealthPoint[] = [];
  /** The indices of the points whose character differs from the point before. */
  readonly turns: number[] = [];
  lastEventAt = -Infinity;
  private readonly members = new Map<string, MemberState>();
  /** Per (member, claim): the instant of the report counted for it. */
  private readonly reported = new Map<string, Millis>();
  private pureLogic = 0;
  private practice = 0;
  private practiceAt: Millis | null = null;
  private masses = 0;
  private sufficiency: number;
  private last: HealthPoint | null = null;
  /** The issue's acts walked, and the events other than acts (merged in by instant). */
  private actsRead = 0;
  private readonly others: TrailEvent[];
  private othersRead = 0;
  private readonly end: Millis;

  constructor(
    readonly facts: ModelFacts,
    private readonly issue: IssueFact,
    private readonly settings: ModelSettings,
    private readonly issueActs: readonly ActFact[],
  ) {
    const split = ledgerOf(facts).split;
    const others: TrailEvent[] = [{ at: issue.openedAt, kind: 'opened' }];
    for (const r of split.reports) if (r.issueId === issue.id) others.push({ at: r.at, kind: 'report', report: r });
    for (const v of facts.lines.filter((v) => v.issueId === issue.id).sort(compareVersions))
      others.push({ at: v.publishedAt, kind: 'line', claims: v.claims.length });
    for (const a of facts.analyses) if (a.issueId === issue.id) others.push({ at: a.at, kind: 'analysis' });
    others.push(...membershipEvents(facts));
    others.sort((a, b) => a.at - b.at); // stable: versions published together stay in number order
    this.others = others;
    this.sufficiency = practiceSufficiencyFor(0, settings).value;
    this.end = issue.resolvedAt ?? Infinity;
  }

  /** Whether the walk can take the facts as they are now: the same issue, settings and facts but for acts appended. */
  follows(facts: ModelFacts, issue: IssueFact, issueActs: readonly ActFact[]): boolean {
    const f = this.facts;
    if (issue !== this.issue || issueActs !== this.issueActs || f.lines !== facts.lines || f.analyses !== facts.analyses || f.members !== facts.members)
      return false;
    if (ledgerOf(f).split.reports !== ledgerOf(facts).split.reports) return false;
    const next = issueActs[this.actsRead];
    return next === undefined || next.at > this.lastEventAt;
  }

  private push(point: HealthPoint): void {
    const before = this.points[this.points.length - 1];
    if (before !== undefined && before.character !== point.character) this.turns.push(this.points.length);
    this.points.push(point);
  }

  /** Walks the events not walked yet. */
  extend(): void {
    const { halfLifeDays, fullConsultationActs, reportWeight, logicSufficiency, beta } = this.settings;
    const acts = this.issueActs;
    const others = this.others;
    const pointAt = (at: Millis, cause: HealthPoint['cause']): HealthPoint => {
      const l = this.pureLogic / logicSufficiency;
      const pi = this.practice / this.sufficiency;
      return {
        at,
        pureLogic: this.pureLogic,
        practice: this.practice,
        practiceSufficiency: this.sufficiency,
        l,
        pi,
        character: characterOf(l, pi, beta),
        cause,
      };
    };
    const nextAt = (): Millis => Math.min(acts[this.actsRead]?.at ?? Infinity, others[this.othersRead]?.at ?? Infinity);
    for (let t = nextAt(); t < this.end && t !== Infinity; t = nextAt()) {
      // Crossings are computed from the latest point, crossings included, so none is found twice.
      if (this.last !== null) {
        const crossings = decayCrossings(this.last, t, this.settings);
        for (const c of crossings) this.push(c);
        this.last = crossings[crossings.length - 1] ?? this.last;
      }
      if (this.practiceAt !== null) this.practice *= decay(t - this.practiceAt, halfLifeDays);
      this.practiceAt = t;
      let moved = false;
      let opened = false;
      let membership = false;
      for (; this.othersRead < others.length && others[this.othersRead]!.at === t; this.othersRead += 1) {
        const e = others[this.othersRead]!;
        switch (e.kind) {
          case 'report': {
            // The member's latest report on the claim replaces the one before: counted once, dated anew.
            const key = reportKey(e.report);
            const before = this.reported.get(key);
            if (before !== undefined) this.practice -= reportWeight * decay(t - before, halfLifeDays);
            this.reported.set(key, t);
            this.practice = Math.max(0, this.practice + reportWeight);
            moved = true;
            break;
          }
          case 'line':
            this.pureLogic = e.claims;
            moved = true;
            break;
          case 'analysis':
            moved = true;
            break;
          case 'opened':
            opened = true;
            break;
          case 'membership': {
            this.masses += e.delta;
            const next = Math.max(this.settings.practiceSufficiencyFloor, this.settings.practiceSufficiencyShare * this.masses);
            if (next !== this.sufficiency) membership = true;
            this.sufficiency = next;
            break;
          }
          case 'act':
            break;
        }
      }
      for (; this.actsRead < acts.length && acts[this.actsRead]!.at === t; this.actsRead += 1) {
        const act = acts[this.actsRead]!;
        let s = this.members.get(act.memberId);
        if (s) this.practice -= s.engagement * decay(t - s.last, halfLifeDays);
        else this.members.set(act.memberId, (s = { keys: new Set(), apart: 0, last: t, engagement: 0 }));
        const key = actKey(act);
        if (key === null) s.apart += 1;
        else s.keys.add(key);
        s.last = t;
        s.engagement = Math.min(1, (s.keys.size + s.apart) / fullConsultationActs);
        this.practice = Math.max(0, this.practice + s.engagement);
        moved = true;
      }
      this.lastEventAt = t;
      if (t >= this.issue.openedAt && (moved || opened || membership)) {
        this.last = pointAt(t, opened ? 'opened' : moved ? 'facts' : 'membership');
        this.push(this.last);
      }
    }
  }
}

const trailWalks = new WeakMap<PracticeLedger, Map<string, TrailWalk>>();

function trailWalkOf(facts: ModelFacts, issue: IssueFact, settings: ModelSettings): TrailWalk {
  const ledger = ledgerOf(facts);
  const issueActs = ledger.issues.get(issue.id)?.acts ?? [];
  let walks = trailWalks.get(ledger);
  if (!walks) trailWalks.set(ledger, (walks = new Map()));
  const key = `${issue.id}\u0000${JSON.stringify(settings)}`;
  let walk = walks.get(key);
  if (!walk || !walk.follows(facts, issue, issueActs)) {
    if (walks.size > 256) walks.clear();
    walks.set(key, (walk = new TrailWalk(facts, issue, settings, issueActs)));
  }
  walk.extend();
  return walk;
}

/**
 * The instants in (from.at, before) where decay alone changes the character, with ℓ and P₀
 * held. π falls as 2^(−Δ/h), so it meets each boundary (β·ℓ, ℓ/β and, for ℓ < 1, 1) at
 * Δ = h·log2(π/boundary); the point is placed at the first whole millisecond on the far side.
 */
function decayCrossings(from: HealthPoint, before: Millis, settings: ModelSettings): HealthPoint[] {
  const { halfLifeDays, beta } = settings;
  if (halfLifeDays === Infinity || from.pi <= 0) return [];
  const boundaries = [beta * from.l, from.l / beta, 1].filter((b) => b > 0 && b <= from.pi);
  const instants = boundaries.map((b) => from.at + Math.max(1, Math.ceil(halfLifeDays * DAY_MS * Math.log2(from.pi / b)))).sort((a, b) => a - b);
  const points: HealthPoint[] = [];
  let character = from.character;
  let lastAt = from.at;
  for (const instant of instants) {
    // One millisecond later as well, in case rounding left the first instant exactly on the boundary.
    for (const at of [instant, instant + 1]) {
      if (at >= before || at <= lastAt) continue;
      const shrink = decay(at - from.at, halfLifeDays);
      const pi = from.pi * shrink;
      const next = characterOf(from.l, pi, beta);
      if (next === character) continue;
      points.push({ ...from, at, practice: from.practice * shrink, pi, character: next, cause: 'decay' });
      character = next;
      lastAt = at;
      break;
    }
  }
  return points;
}

/**
 * The trail as a chart draws it: at most one point a day (the day's last), besides every point
 * where the character changes and the one just before it, and the first and last points. Between
 * two points kept the character still does not change, and the dot ends where the issue stands.
 * An organisation's busy issue has a point per act; a year of them is a few hundred points.
 */
export function trailByDay(points: readonly HealthPoint[]): HealthPoint[] {
  const kept: HealthPoint[] = [];
  const dayOf = (p: HealthPoint) => Math.floor(p.at / DAY_MS);
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    const before = points[i - 1];
    const after = points[i + 1];
    const first = before === undefined;
    const last = after === undefined;
    const turns = before !== undefined && before.character !== p.character;
    const turnsNext = after !== undefined && after.character !== p.character;
    const lastOfDay = after === undefined || dayOf(after) !== dayOf(p);
    if (first || last || turns || turnsNext || lastOfDay) kept.push(p);
  }
  return kept;
}
