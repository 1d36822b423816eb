/**
 * An issue's dot moving over time: its health at every instant something happened to it, and
 * at the instants where decay alone carries it across a character boundary. Computed in one
 * walk over the issue's facts (O(facts), not O(facts) per instant), so the qualitative changes
 * of MODEL.md §4 can be found for every issue of an organisation.
 */
import type { ActFact, Millis, ModelFacts, ReportFact } from './facts.js';
import type { ModelSettings } from './settings.js';
import { characterOf, decay, practiceSufficiencyFor, type Character } from './health.js';
import { actKey, compareVersions, practiceSplit, reportKey, roleAt } from './lookups.js';
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
function membershipEvents(facts: ModelFacts): TrailEvent[] {
  const events: TrailEvent[] = [];
  for (const m of facts.members) {
    if (roleAt(m, m.joinedAt) === 'member') events.push({ at: m.joinedAt, kind: 'membership', delta: 1 });
    const changes = [...new Set((m.roles ?? []).map((p) => p.from).filter((from) => from > m.joinedAt))];
    for (const at of changes) {
      const delta = (roleAt(m, at) === 'member' ? 1 : 0) - (roleAt(m, at - 1) === 'member' ? 1 : 0);
      if (delta !== 0) events.push({ at, kind: 'membership', delta });
    }
  }
  return events;
}

/**
 * The issue's health points from its opening up to `until` (inclusive) and before its
 * resolution, oldest first. Invariant: each point equals `issueHealthAt(facts, issueId, point.at)`
 * up to rounding; between two points the character does not change.
 */
export function issueHealthTrail(facts: ModelFacts, issueId: string, until: Millis, settings: ModelSettings): HealthPoint[] {
  const issue = facts.issues.find((i) => i.id === issueId);
  if (!issue) return [];
  const end = Math.min(until + 1, issue.resolvedAt ?? Infinity); // exclusive
  const inRange = (t: Millis): boolean => t >= issue.openedAt && t < end;

  const split = practiceSplit(facts);
  const events: TrailEvent[] = [{ at: issue.openedAt, kind: 'opened' }];
  for (const act of split.acts) if (act.issueId === issueId) events.push({ at: act.at, kind: 'act', act });
  for (const r of split.reports) if (r.issueId === issueId) events.push({ at: r.at, kind: 'report', report: r });
  for (const v of facts.lines.filter((v) => v.issueId === issueId).sort(compareVersions)) events.push({ at: v.publishedAt, kind: 'line', claims: v.claims.length });
  for (const a of facts.analyses) if (a.issueId === issueId) events.push({ at: a.at, kind: 'analysis' });
  events.push(...membershipEvents(facts));
  events.sort((a, b) => a.at - b.at); // stable: versions published together stay in number order

  const { halfLifeDays, fullConsultationActs, reportWeight, logicSufficiency, beta } = settings;
  const members = new Map<string, MemberState>();
  /** Per (member, claim): the instant of the report counted for it. */
  const reported = new Map<string, Millis>();
  let pureLogic = 0;
  let practice = 0;
  let practiceAt: Millis | null = null;
  let masses = 0;
  let sufficiency = practiceSufficiencyFor(0, settings).value;
  const points: HealthPoint[] = [];
  let last: HealthPoint | null = null;

  const pointAt = (at: Millis, cause: HealthPoint['cause']): HealthPoint => {
    const l = pureLogic / logicSufficiency;
    const pi = practice / sufficiency;
    return { at, pureLogic, practice, practiceSufficiency: sufficiency, l, pi, character: characterOf(l, pi, beta), cause };
  };
  // Crossings are computed from the latest point, crossings included, so none is found twice.
  const crossUntil = (before: Millis): void => {
    if (last === null) return;
    const crossings = decayCrossings(last, before, settings);
    points.push(...crossings);
    last = crossings[crossings.length - 1] ?? last;
  };
  const advanceTo = (t: Millis): void => {
    if (practiceAt !== null) practice *= decay(t - practiceAt, halfLifeDays);
    practiceAt = t;
  };

  let i = 0;
  while (i < events.length) {
    const t = (events[i] as TrailEvent).at;
    if (t >= end) break;
    crossUntil(t);
    advanceTo(t);
    let moved = false;
    let opened = false;
    let membership = false;
    for (; i < events.length && (events[i] as TrailEvent).at === t; i += 1) {
      const e = events[i] as TrailEvent;
      switch (e.kind) {
        case 'act': {
          const { act } = e;
          let s = members.get(act.memberId);
          if (s) practice -= s.engagement * decay(t - s.last, halfLifeDays);
          else members.set(act.memberId, (s = { keys: new Set(), apart: 0, last: t, engagement: 0 }));
          const key = actKey(act);
          if (key === null) s.apart += 1;
          else s.keys.add(key);
          s.last = t;
          s.engagement = Math.min(1, (s.keys.size + s.apart) / fullConsultationActs);
          practice = Math.max(0, practice + s.engagement);
          moved = true;
          break;
        }
        case 'report': {
          // The member's latest report on the claim replaces the one before: counted once, dated anew.
          const key = reportKey(e.report);
          const before = reported.get(key);
          if (before !== undefined) practice -= reportWeight * decay(t - before, halfLifeDays);
          reported.set(key, t);
          practice = Math.max(0, practice + reportWeight);
          moved = true;
          break;
        }
        case 'line':
          pureLogic = e.claims;
          moved = true;
          break;
        case 'analysis':
          moved = true;
          break;
        case 'opened':
          opened = true;
          break;
        case 'membership': {
          masses += e.delta;
          const next = practiceSufficiencyFor(masses, settings).value;
          if (next !== sufficiency) membership = true;
          sufficiency = next;
          break;
        }
      }
    }
    if (inRange(t) && (moved || opened || membership)) {
      last = pointAt(t, opened ? 'opened' : moved ? 'facts' : 'membership');
      points.push(last);
    }
  }
  crossUntil(end);
  return points;
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
