/**
 * Why consultation must be continuous (MODEL.md §3 "The forecast"): from t, with no new
 * consultation, practice decays and logic follows its recent trend, so a correct line drifts
 * into left-communism (or, short of logic, into foolishness) by a date the dashboard can name.
 * The same projection runs as a what-if with a consultation plan.
 */
import type { MemberFact, Millis, ModelFacts } from './facts.js';
import type { ModelSettings } from './settings.js';
import { characterOf, decay, issueHealthAt, organisationHealthAt, practiceTerms, pureLogicOf, type Character, type Health } from './health.js';
import { membersJoinedBy, openIssuesAt } from './lookups.js';
import { ledgerOf } from './ledger.js';
import { DAY_MS, HOUR_MS, WEEK_MS, isoDate, isoInstant } from './time.js';
import { characterInWords, characterLabel, characterReasonInWords, characterWords, compareText, countOf, formatDays, formatNumber } from './wording.js';

/** L's recent trend: its rise over the last trendWindowDays, never negative, projected linearly. */
export interface LogicTrend {
  pureLogicThen: number;
  pureLogicNow: number;
  /** max(0, now − then). */
  rise: number;
  windowDays: number;
  /** rise / windowDays, claims per day (0 for an empty window). */
  slopePerDay: number;
  how: string;
}

/** Where a projection starts: the figures at `at`, with P₀ held there. */
export interface ProjectionStart {
  at: Millis;
  pureLogic: number;
  practice: number;
  practiceSufficiency: number;
  trend: LogicTrend;
}

export type Decline = 'left-communist' | 'fool';

export interface Crossing {
  /** The first instant on the hourly grid in a declined character, or null within the horizon. */
  at: Millis | null;
  into: Decline | null;
  /** The line is left-communist or fool already at the start (then `at` is the start). */
  already: boolean;
}

/** The half-lives, in days, whose forecasts span the range (MODEL.md §3): practice fading fast, and slowly. */
export const forecastRangeHalfLivesDays = [90, 365] as const;

/**
 * The days the forecast falls on when practice halves every 90 days (the earliest) and every 365
 * days (the latest), all else as in the forecast. A day is null beyond the horizon.
 */
export interface ForecastRange {
  halfLifeDays: [number, number];
  earliest: string | null;
  latest: string | null;
}

/**
 * An issue in its first gathering: no line version published yet, so no character is judged
 * (MODEL.md §3); what it lacks, in plain words. For the organisation: no open issue has a line.
 */
export interface FirstGathering {
  /** Members who have taken part (a term of P). */
  members: number;
  reports: number;
  how: string;
}

export interface Forecast extends Crossing {
  issueId: string | null;
  from: Millis;
  iso: string | null;
  /** The day of the crossing (UTC), `YYYY-MM-DD`: "consult by" this day. */
  date: string | null;
  range: ForecastRange;
  /** Set while there is no line yet: then there is no crossing and no verdict. */
  gathering: FirstGathering | null;
  start: Health;
  trend: LogicTrend;
  how: string;
}

export interface ConsultationPlan {
  /** N: weeks between consultations (the first is at the start). */
  everyWeeks: number;
  /** M: members fully consulted each time (on each open issue, for the organisation). */
  members: number;
}

export interface WhatIfPoint {
  at: Millis;
  pureLogic: number;
  practice: number;
  l: number;
  pi: number;
  character: Character;
}

export interface WhatIf {
  issueId: string | null;
  from: Millis;
  plan: ConsultationPlan;
  /** One point a week over the horizon, the start included. */
  trail: WhatIfPoint[];
  /** The first instant on the hourly grid whose character is not correct, or null. */
  leavesCorrect: { at: Millis; iso: string; date: string; into: Exclude<Character, 'correct'> } | null;
  rounds: number;
  how: string;
}

/** L at t and at t − trendWindowDays, for an issue or (issueId null) the issues open at each instant. */
export function pureLogicTrend(facts: ModelFacts, issueId: string | null, at: Millis, settings: ModelSettings): LogicTrend {
  const windowDays = settings.trendWindowDays;
  const then = at - windowDays * DAY_MS;
  const logicAt = (t: Millis): number => pureLogicOf(facts, issueId === null ? openIssuesAt(facts, t).map((i) => i.id) : [issueId], t).value;
  const pureLogicNow = logicAt(at);
  const pureLogicThen = logicAt(then);
  const rise = windowDays > 0 ? Math.max(0, pureLogicNow - pureLogicThen) : 0;
  const slopePerDay = windowDays > 0 ? rise / windowDays : 0;
  return {
    pureLogicThen,
    pureLogicNow,
    rise,
    windowDays,
    slopePerDay,
    how: `the line went from ${countOf(pureLogicThen, 'claim')} to ${pureLogicNow} over the last ${countOf(windowDays, 'day')}: projected to grow by ${formatNumber(slopePerDay)} claims a day`,
  };
}

/**
 * L at start + Δ: the trend's rise scaled by Δ/window. Written as rise·(Δ/window) rather than
 * slope·Δ so whole multiples of the window land exactly on whole claims.
 */
export function projectedPureLogic(start: ProjectionStart, deltaMs: number): number {
  const windowMs = start.trend.windowDays * DAY_MS;
  return windowMs > 0 ? start.pureLogic + start.trend.rise * (deltaMs / windowMs) : start.pureLogic;
}

/**
 * The first hour, up to forecastHorizonDays, at which the projection is left-communist or fool:
 * P(t+Δ) = P(t)·2^(−Δ/h), L by its trend, P₀ held. O(hours in the horizon), O(1) per hour.
 */
export function forecastCrossing(start: ProjectionStart, settings: ModelSettings): Crossing {
  const hours = Math.floor((settings.forecastHorizonDays * DAY_MS) / HOUR_MS);
  for (let hour = 0; hour <= hours; hour += 1) {
    const delta = hour * HOUR_MS;
    const l = projectedPureLogic(start, delta) / settings.logicSufficiency;
    const pi = (start.practice * decay(delta, settings.halfLifeDays)) / start.practiceSufficiency;
    const character = characterOf(l, pi, settings.beta);
    if (character === 'left-communist' || character === 'fool') return { at: start.at + delta, into: character, already: hour === 0 };
  }
  return { at: null, into: null, already: false };
}

/** The crossing from a start, with its trend. */
function crossingFrom(start: Health, trend: LogicTrend, settings: ModelSettings): Crossing {
  return forecastCrossing(
    { at: start.at, pureLogic: start.pureLogic.value, practice: start.practice.value, practiceSufficiency: start.practiceSufficiency.value, trend },
    settings,
  );
}

/** No line version yet on the issue (or on any open issue, for the organisation): its first gathering. */
export function firstGatheringOf(start: Health): FirstGathering | null {
  if (start.pureLogic.terms.versions.length > 0) return null;
  const { members, reports } = start.practice.terms;
  const tookPart = members === 1 ? '1 member has taken part' : `${members} members have taken part`;
  const reported = reports > 0 ? ` and ${countOf(reports, 'report')} filed` : '';
  return {
    members,
    reports,
    how: `no line yet: still gathering, ${tookPart}${reported}. Its character is judged once a first line version is published`,
  };
}

/**
 * The forecast from `startAt` (the health at the start under given settings): the crossing with
 * the organisation's half-life, and the range of days that half-lives of 90 and 365 days give.
 * An issue in its first gathering gets no crossing and no verdict, only what it lacks.
 */
function forecastFrom(startAt: (settings: ModelSettings) => Health, trend: LogicTrend, settings: ModelSettings): Forecast {
  const start = startAt(settings);
  const [fast, slow] = forecastRangeHalfLivesDays;
  const gathering = firstGatheringOf(start);
  if (gathering) {
    return {
      at: null,
      into: null,
      already: false,
      issueId: start.issueId,
      from: start.at,
      iso: null,
      date: null,
      range: { halfLifeDays: [fast, slow], earliest: null, latest: null },
      gathering,
      start,
      trend,
      how: gathering.how,
    };
  }
  const crossing = crossingFrom(start, trend, settings);
  const dayWith = (halfLifeDays: number): string | null => {
    const varied = { ...settings, halfLifeDays };
    const at = halfLifeDays === settings.halfLifeDays ? crossing.at : crossingFrom(startAt(varied), trend, varied).at;
    return at === null ? null : isoDate(at);
  };
  const range: ForecastRange = { halfLifeDays: [fast, slow], earliest: dayWith(fast), latest: dayWith(slow) };
  return {
    ...crossing,
    issueId: start.issueId,
    from: start.at,
    iso: crossing.at === null ? null : isoInstant(crossing.at),
    date: crossing.at === null ? null : isoDate(crossing.at),
    range,
    gathering: null,
    start,
    trend,
    how: forecastHow(start, crossing, trend, range, settings),
  };
}

/** How the forecast was computed, in plain words: the assumption, the day, and the range's days. */
function forecastHow(start: Health, crossing: Crossing, trend: LogicTrend, range: ForecastRange, settings: ModelSettings): string {
  const figures = { l: start.l, pi: start.pi, beta: settings.beta, character: start.character };
  if (crossing.already) return `Already ${characterLabel(start.character)} now: ${characterReasonInWords(figures)}`;
  const now = characterInWords(figures);
  const fading = settings.halfLifeDays === Infinity ? 'practice never fades' : `practice halves every ${countOf(settings.halfLifeDays, 'day')}`;
  const growing =
    trend.slopePerDay > 0
      ? `the line grows by ${formatNumber(trend.slopePerDay)} claims a day as it did over the last ${countOf(trend.windowDays, 'day')}`
      : `the line keeps its ${countOf(trend.pureLogicNow, 'claim')}`;
  const assumption = `Now ${now}. With no new consultation ${fading} and ${growing}`;
  const horizon = countOf(settings.forecastHorizonDays, 'day');
  const [fast, slow] = range.halfLifeDays;
  const dayOr = (day: string | null): string => day ?? `not within ${horizon}`;
  const spread = `Were practice to halve every ${countOf(fast, 'day')}, the day would be ${dayOr(range.earliest)}; every ${countOf(slow, 'day')}, ${dayOr(range.latest)}`;
  if (crossing.at === null || crossing.into === null) return `${assumption}: the line turns neither left-communist nor fool within ${horizon}. ${spread}`;
  const inDays = formatDays((crossing.at - start.at) / DAY_MS);
  return `${assumption}: on ${isoDate(crossing.at)}, in ${inDays}, it would be ${characterLabel(crossing.into)}. Consult before then. ${spread}`;
}

export function forecastIssueAt(facts: ModelFacts, issueId: string, from: Millis, settings: ModelSettings): Forecast {
  return forecastFrom((s) => issueHealthAt(facts, issueId, from, s), pureLogicTrend(facts, issueId, from, settings), settings);
}

export function forecastOrganisationAt(facts: ModelFacts, from: Millis, settings: ModelSettings): Forecast {
  return forecastFrom((s) => organisationHealthAt(facts, from, s), pureLogicTrend(facts, null, from, settings), settings);
}

/** One member's place in an issue's consultation queue. */
interface Candidate {
  memberId: string;
  /** The member's term at `updatedAt`. */
  term: number;
  updatedAt: Millis;
  participated: boolean;
  lastActAt: Millis;
}

/** The queue's order: smallest current term first, members who never took part first, then the longest unheard, then by id. */
function consultationOrder(a: Candidate, b: Candidate): number {
  return a.term - b.term || Number(a.participated) - Number(b.participated) || a.lastActAt - b.lastActAt || compareText(a.memberId, b.memberId);
}

/**
 * The members of one issue in the order they would be consulted (consultationOrder). All terms
 * decay alike, so this order holds over time; a consulted member (term 1) goes to the back, behind
 * everyone not yet consulted: nobody is repeated while someone is left. Only the first `reach`
 * members can ever be consulted, so only they are put in order (a membership of 100,000 is not
 * sorted to consult 1,000).
 */
class ConsultationQueue {
  private readonly queue: Candidate[];
  private head = 0;

  constructor(candidates: Candidate[], reach: number) {
    this.queue = reach >= candidates.length ? candidates.sort(consultationOrder) : firstInOrder(candidates, reach);
  }

  get size(): number {
    return this.queue.length - this.head;
  }

  /** Fully consults the next `count` members at `at`; returns how much P rises. */
  consult(count: number, at: Millis, halfLifeDays: number): number {
    let rise = 0;
    for (let n = Math.min(count, this.size); n > 0; n -= 1) {
      const member = this.queue[this.head] as Candidate;
      this.head += 1;
      rise += 1 - member.term * decay(at - member.updatedAt, halfLifeDays);
      this.queue.push({ ...member, term: 1, updatedAt: at, participated: true, lastActAt: at });
    }
    return rise;
  }
}

/**
 * The first `reach` candidates in consultation order, then the rest in any order (they are never
 * reached before the first ones come round again as consulted, behind them): a max-heap of the
 * `reach` smallest, O(n log reach).
 */
function firstInOrder(candidates: Candidate[], reach: number): Candidate[] {
  if (reach <= 0) return candidates;
  const heap: Candidate[] = [];
  const up = (i: number) => {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (consultationOrder(heap[i]!, heap[parent]!) <= 0) return;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  };
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let top = i;
      if (l < heap.length && consultationOrder(heap[l]!, heap[top]!) > 0) top = l;
      if (r < heap.length && consultationOrder(heap[r]!, heap[top]!) > 0) top = r;
      if (top === i) return;
      [heap[i], heap[top]] = [heap[top]!, heap[i]!];
      i = top;
    }
  };
  const rest: Candidate[] = [];
  for (const c of candidates) {
    if (heap.length < reach) {
      heap.push(c);
      up(heap.length - 1);
    } else if (consultationOrder(c, heap[0]!) < 0) {
      rest.push(heap[0]!);
      heap[0] = c;
      down(0);
    } else rest.push(c);
  }
  return [...heap.sort(consultationOrder), ...rest];
}

/**
 * "Consult every N weeks with M members" (MODEL.md §3): from `from`, every N weeks (the first
 * round at `from`) M members are fully consulted on the issue (on each open issue, for the
 * organisation), their terms reset to 1; everything else as in the forecast. Membership and P₀
 * are held at `from`. O(hours in the horizon + members · log members + rounds · M).
 */
export function whatIf(facts: ModelFacts, issueId: string | null, from: Millis, plan: ConsultationPlan, settings: ModelSettings): WhatIf {
  const start = issueId === null ? organisationHealthAt(facts, from, settings) : issueHealthAt(facts, issueId, from, settings);
  const trend = pureLogicTrend(facts, issueId, from, settings);
  const projection: ProjectionStart = {
    at: from,
    pureLogic: start.pureLogic.value,
    practice: start.practice.value,
    practiceSufficiency: start.practiceSufficiency.value,
    trend,
  };
  const issueIds = issueId === null ? openIssuesAt(facts, from).map((i) => i.id) : [issueId];

  const { halfLifeDays } = settings;
  const perRound = Math.max(0, Math.floor(plan.members));
  const period = plan.everyWeeks > 0 && Number.isFinite(plan.everyWeeks) ? plan.everyWeeks * WEEK_MS : Infinity;
  let nextRound = perRound > 0 && period < Infinity ? from : Infinity;
  const hours = Math.floor((settings.forecastHorizonDays * DAY_MS) / HOUR_MS);
  // Rounds within the horizon, the first at the start: no more members than these can be consulted.
  const roundsAhead = nextRound === Infinity ? 0 : Math.floor((hours * HOUR_MS) / period) + 1;
  const queues = consultationQueues(facts, issueIds, from, settings, Math.min(Number.MAX_SAFE_INTEGER, roundsAhead * perRound));
  // P is kept as a value at an anchor instant and decayed from there, so hours do not compound rounding.
  let anchorPractice = start.practice.value;
  let anchorAt = from;
  let rounds = 0;

  const trail: WhatIfPoint[] = [];
  let leavesCorrect: WhatIf['leavesCorrect'] = null;
  for (let hour = 0; hour <= hours; hour += 1) {
    const at = from + hour * HOUR_MS;
    while (nextRound <= at) {
      anchorPractice *= decay(nextRound - anchorAt, halfLifeDays);
      anchorAt = nextRound;
      for (const queue of queues) anchorPractice += queue.consult(perRound, nextRound, halfLifeDays);
      rounds += 1;
      nextRound += period;
    }
    const pureLogic = projectedPureLogic(projection, at - from);
    const practice = anchorPractice * decay(at - anchorAt, halfLifeDays);
    const l = pureLogic / settings.logicSufficiency;
    const pi = practice / projection.practiceSufficiency;
    const character = characterOf(l, pi, settings.beta);
    if (leavesCorrect === null && character !== 'correct') leavesCorrect = { at, iso: isoInstant(at), date: isoDate(at), into: character };
    if (hour % (WEEK_MS / HOUR_MS) === 0) trail.push({ at, pureLogic, practice, l, pi, character });
  }
  const scope = issueId === null ? `each of ${countOf(issueIds.length, 'open issue')}` : 'the issue';
  const plainPlan = `consulting ${countOf(perRound, 'member')} on ${scope} every ${formatNumber(plan.everyWeeks)} weeks`;
  return {
    issueId,
    from,
    plan,
    trail,
    leavesCorrect,
    rounds,
    how:
      leavesCorrect === null
        ? `${plainPlan}, the line keeps ${characterWords.correct.plain} (${characterWords.correct.term}) for ${countOf(settings.forecastHorizonDays, 'day')}`
        : `${plainPlan}, the line leaves proportion on ${leavesCorrect.date}: ${characterLabel(leavesCorrect.into)}`,
  };
}

const idOrderedMembers = new WeakMap<readonly MemberFact[], boolean>();

/** The members come in id order. */
function idOrdered(members: readonly MemberFact[]): boolean {
  let ordered = idOrderedMembers.get(members);
  if (ordered === undefined) {
    ordered = true;
    for (let i = 1; i < members.length && ordered; i++) ordered = compareText(members[i - 1]!.id, members[i]!.id) <= 0;
    idOrderedMembers.set(members, ordered);
  }
  return ordered;
}

/**
 * One queue per issue: the members joined by `from` and anyone who already took part; `reach`:
 * how many can be consulted at most. Members who never took part come first (term 0), by id: when
 * they alone fill the reach, nobody else's term is needed.
 */
function consultationQueues(facts: ModelFacts, issueIds: readonly string[], from: Millis, settings: ModelSettings, reach: number): ConsultationQueue[] {
  const joined = membersJoinedBy(facts, from);
  const ledger = ledgerOf(facts);
  let terms: ReturnType<typeof practiceTerms> | null = null;
  const termsOf = () => (terms ??= practiceTerms(facts, new Set(issueIds), from, settings));
  return issueIds.map((issueId) => {
    const issue = ledger.issues.get(issueId);
    const settled = !issue || issue.acts.length === 0 || from >= issue.acts[issue.acts.length - 1]!.at;
    const tookPart: ReadonlySet<string> | ReadonlyMap<string, unknown> = settled
      ? (issue?.tallies ?? new Map())
      : new Set(
          termsOf()
            .members.filter((m) => m.issueId === issueId)
            .map((m) => m.memberId),
        );
    // Those who never took part are alike but for the id: with the members in id order (as the
    // store gives them), the first `reach` of them are the first found.
    const inOrder = idOrdered(joined);
    const never: Candidate[] = [];
    for (const member of joined) {
      if (tookPart.has(member.id)) continue;
      never.push({ memberId: member.id, term: 0, updatedAt: from, participated: false, lastActAt: -Infinity });
      if (inOrder && never.length === reach) return new ConsultationQueue(never, reach);
    }
    if (reach <= never.length) return new ConsultationQueue(never.sort((a, b) => compareText(a.memberId, b.memberId)).slice(0, reach), reach);
    const candidates = never;
    for (const m of termsOf().members) {
      if (m.issueId === issueId) candidates.push({ memberId: m.memberId, term: m.weight, updatedAt: from, participated: true, lastActAt: m.lastActAt });
    }
    return new ConsultationQueue(candidates, reach);
  });
}
