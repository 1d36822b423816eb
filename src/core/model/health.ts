/**
 * The two aspects of a line (MODEL.md §3): pure logic L and practice P, normalised by the
 * organisation's sufficiency levels into ℓ and π, and the character their proportion gives.
 * Every figure carries how it was computed, so the UI can show
 * "P = 4.2 = 3.1 from 12 members + 1.1 from 1 report".
 */
import type { Millis, ModelFacts } from './facts.js';
import type { ModelSettings } from './settings.js';
import { latestReportsAt, massMembersCountAt, openIssuesAt, reportsOfIssue } from './lookups.js';
import { addToTally, ledgerOf, newTally, type ActTally, type PracticeLedger, type PracticeSplit } from './ledger.js';
import { DAY_MS } from './time.js';
import { countOf, formatNumber } from './wording.js';

export const characters = ['fool', 'left-communist', 'empiricist', 'correct'] as const;
export type Character = (typeof characters)[number];

/**
 * decay(Δ) = 2^(−Δ/h), h in days. With h = Infinity practice never fades (the essay's model).
 * Invariant: Δ ≥ 0 (callers only decay facts at or before t), so the result is in (0, 1].
 */
export function decay(deltaMs: number, halfLifeDays: number): number {
  if (halfLifeDays === Infinity) return 1;
  return 2 ** (-deltaMs / (halfLifeDays * DAY_MS));
}

/** π/ℓ, with ℓ = 0 counting as ∞ (MODEL.md §3): a line with no logic has all its practice unconcentrated. */
export function practicePerLogic(l: number, pi: number): number {
  return l === 0 ? Infinity : pi / l;
}

/**
 * The character of a line from ℓ = L/L₀ and π = P/P₀ (MODEL.md §3): fool when both fall short,
 * else left-communist when π/ℓ < 1/β, empiricist when π/ℓ > β, correct otherwise. The band's
 * edges are correct. Compared as β·π < ℓ and π > β·ℓ, which is the same for ℓ, β > 0 and exact
 * for β = 2, so the boundary π/ℓ = 1/β is never lost to rounding; ℓ = 0 with π > 0 is empiricist.
 */
export function characterOf(l: number, pi: number, beta: number): Character {
  if (l < 1 && pi < 1) return 'fool';
  if (beta * pi < l) return 'left-communist';
  if (pi > beta * l) return 'empiricist';
  return 'correct';
}

/** Why `characterOf(l, pi, beta)` is what it is, in words. */
export function characterReason(l: number, pi: number, beta: number): string {
  const character = characterOf(l, pi, beta);
  const ratio = `π/ℓ = ${formatNumber(practicePerLogic(l, pi))}`;
  switch (character) {
    case 'fool':
      return `ℓ = ${formatNumber(l)} < 1 and π = ${formatNumber(pi)} < 1: fool`;
    case 'left-communist':
      return `${ratio} < 1/β = ${formatNumber(1 / beta)}: left-communist`;
    case 'empiricist':
      return `${ratio} > β = ${formatNumber(beta)}: empiricist`;
    case 'correct':
      return `${ratio} within [1/β, β] = [${formatNumber(1 / beta)}, ${formatNumber(beta)}]: correct`;
  }
}

/** L: claims in the current line version, per issue counted. */
export interface PureLogicFigure {
  value: number;
  how: string;
  terms: { versions: { issueId: string; lineVersionId: string; number: number; claims: number }[]; issues: number };
}

/** One member's term of P on one issue. */
export interface MemberPractice {
  memberId: string;
  issueId: string;
  /** acts_m = statementsVotedOn + statementsWritten + endorsements + actions. */
  acts: number;
  /** Distinct statements voted on: a changed vote counts once, a pass is a vote. */
  statementsVotedOn: number;
  statementsWritten: number;
  /** Line versions answered: once per version, however often the answer changed. */
  endorsements: number;
  /** Actions taken part in, once per action. */
  actions: number;
  /** last_m: the member's latest act (changed votes and answers included). */
  lastActAt: Millis;
  /** min(1, acts_m / k). */
  engagement: number;
  /** decay(t − last_m) · engagement. */
  weight: number;
}

/** One report's term of P: α · decay(t − t_r), t_r the member's latest report on the claim. */
export interface ReportPractice {
  reportId: string;
  issueId: string;
  at: Millis;
  weight: number;
}

/** The leadership's own activity on the issues up to t: shown apart, never practice. */
export interface LeadershipActivity {
  acts: number;
  reports: number;
  /** Organisers and admins who acted or reported. */
  members: number;
}

export interface PracticeTerms {
  at: Millis;
  members: MemberPractice[];
  reports: ReportPractice[];
  leadership: LeadershipActivity;
}

/** P with its two sums: members' terms and reports' terms. */
export interface PracticeFigure {
  value: number;
  how: string;
  terms: {
    /** Member terms counted (a member counts once per issue). */
    memberTerms: number;
    /** Distinct members among them. */
    members: number;
    memberWeight: number;
    reports: number;
    reportWeight: number;
    halfLifeDays: number;
    fullConsultationActs: number;
    reportWeightAlpha: number;
    /** Not in P: the leadership's own acts and reports. */
    leadership: LeadershipActivity;
  };
}

/** P₀ = max(floor, share × members of role member joined by t). */
export interface PracticeSufficiencyFigure {
  value: number;
  how: string;
  terms: { floor: number; share: number; membersJoined: number; basis: 'floor' | 'share' };
}

/** The health of an issue (issueId) or of the organisation (issueId null) at one instant. */
export interface Health {
  issueId: string | null;
  at: Millis;
  pureLogic: PureLogicFigure;
  practice: PracticeFigure;
  /** L₀. */
  logicSufficiency: number;
  practiceSufficiency: PracticeSufficiencyFigure;
  /** ℓ = L / L₀. */
  l: number;
  /** π = P / P₀. */
  pi: number;
  /** π/ℓ, Infinity when ℓ = 0. */
  practicePerLogic: number;
  character: Character;
  how: string;
}

/**
 * Every member's and report's term of P at t on the given issues (ledger.ts: the leadership's
 * acts and reports, carried and repeated votes are not in the masses' practice). Acts and reports
 * at exactly t count. Each act counts once by its key (a statement voted on, a version answered,
 * an action), its latest instance giving last_m; each member's reports count once per claim,
 * dated at the latest.
 */
function talliesAt(ledger: PracticeLedger, issueIds: ReadonlySet<string>, at: Millis): ActTally[] {
  const tallies: ActTally[] = [];
  for (const issueId of issueIds) {
    const issue = ledger.issues.get(issueId);
    if (!issue) continue;
    // At or after the issue's latest act, its tallies are the ledger's: no act to walk.
    const latest = issue.acts.length ? issue.acts[issue.acts.length - 1]!.at : -Infinity;
    if (at >= latest) {
      for (const t of issue.tallies.values()) tallies.push(t);
      continue;
    }
    const own = new Map<string, ActTally>();
    for (const act of issue.acts) {
      if (act.at > at) break;
      let tally = own.get(act.memberId);
      if (!tally) own.set(act.memberId, (tally = newTally(act.memberId, act.issueId, act.at)));
      addToTally(tally, act);
    }
    for (const t of own.values()) tallies.push(t);
  }
  return tallies;
}

function countedActs(t: ActTally): number {
  const { vote, statement, endorsement, action } = t.counted;
  return vote + statement + endorsement + action;
}

/** The leadership's own activity on the issues up to t. */
function leadershipAt(ledger: PracticeLedger, issueIds: ReadonlySet<string>, at: Millis): LeadershipActivity {
  const leaders = new Set<string>();
  let acts = 0;
  let reports = 0;
  if (at >= ledger.latestLeadershipAct) {
    for (const issueId of issueIds) {
      const issue = ledger.issues.get(issueId);
      if (!issue) continue;
      acts += issue.leadershipActs;
      for (const m of issue.leaders) leaders.add(m);
    }
  } else {
    for (const a of ledger.split.leadershipActs) {
      if (a.at > at || !issueIds.has(a.issueId)) continue;
      acts += 1;
      leaders.add(a.memberId);
    }
  }
  for (const r of ledger.split.leadershipReports) {
    if (r.at > at || !issueIds.has(r.issueId)) continue;
    reports += 1;
    leaders.add(r.memberId);
  }
  return { acts, reports, members: leaders.size };
}

function reportTermsAt(split: PracticeSplit, issueIds: ReadonlySet<string>, at: Millis, settings: ModelSettings): ReportPractice[] {
  const reports = issueIds.size === 1 ? reportsOfIssue(split.reports, [...issueIds][0]!) : split.reports;
  return latestReportsAt(reports, at, (r) => issueIds.has(r.issueId)).map((r) => ({
    reportId: r.id,
    issueId: r.issueId,
    at: r.at,
    weight: settings.reportWeight * decay(at - r.at, settings.halfLifeDays),
  }));
}

export function practiceTerms(facts: ModelFacts, issueIds: ReadonlySet<string>, at: Millis, settings: ModelSettings): PracticeTerms {
  const ledger = ledgerOf(facts);
  const members: MemberPractice[] = [];
  for (const t of talliesAt(ledger, issueIds, at)) {
    const { vote, statement, endorsement, action } = t.counted;
    const acts = vote + statement + endorsement + action;
    const engagement = Math.min(1, acts / settings.fullConsultationActs);
    members.push({
      memberId: t.memberId,
      issueId: t.issueId,
      acts,
      statementsVotedOn: vote,
      statementsWritten: statement,
      endorsements: endorsement,
      actions: action,
      lastActAt: t.last,
      engagement,
      weight: decay(at - t.last, settings.halfLifeDays) * engagement,
    });
  }
  return { at, members, reports: reportTermsAt(ledger.split, issueIds, at, settings), leadership: leadershipAt(ledger, issueIds, at) };
}

/**
 * Σ engagement · decay(t − last) over an issue's member terms, kept as it grows: decay is
 * exponential, so the sum at t is 2^(−(t − A)/h) · Σ engagement · 2^((last − A)/h) for a fixed
 * anchor A, and a changed tally changes one term of the inner sum. Per (issue, h, k).
 */
interface IssueSum {
  anchor: Millis;
  /** Σ engagement · 2^((last − A)/h). */
  sum: number;
  /** The issue's tally changes read (ledger.ts IssueLedger.changes). */
  read: number;
  /** The ledger's log generation it was read from (a trimmed log makes the sum walk its tallies anew). */
  generation: number;
}

const issueSums = new WeakMap<PracticeLedger, Map<string, IssueSum>>();

/** A term's inner value: engagement · 2^((last − A)/h). */
function anchoredTerm(counted: number, last: Millis, anchor: Millis, halfLifeDays: number, k: number): number {
  const engagement = Math.min(1, counted / k);
  return halfLifeDays === Infinity ? engagement : engagement * 2 ** ((last - anchor) / (halfLifeDays * DAY_MS));
}

/** Σ of the member terms of one issue at t ≥ its latest act: its tally count and the sum. */
function memberWeightOf(ledger: PracticeLedger, issueId: string, at: Millis, settings: ModelSettings): number {
  const issue = ledger.issues.get(issueId);
  if (!issue || issue.tallies.size === 0) return 0;
  const { halfLifeDays, fullConsultationActs: k } = settings;
  let sums = issueSums.get(ledger);
  if (!sums) issueSums.set(ledger, (sums = new Map()));
  const key = `${issueId}\u0000${halfLifeDays}\u0000${k}`;
  let entry = sums.get(key);
  const latest = issue.acts[issue.acts.length - 1]!.at;
  // Far from its anchor, the inner terms would overflow: anchor anew.
  const tooFar = entry !== undefined && halfLifeDays !== Infinity && (latest - entry.anchor) / (halfLifeDays * DAY_MS) > 512;
  if (!entry || tooFar || entry.generation !== issue.generation) {
    entry = { anchor: latest, sum: 0, read: issue.changes.length, generation: issue.generation };
    for (const t of issue.tallies.values()) entry.sum += anchoredTerm(countedActs(t), t.last, entry.anchor, halfLifeDays, k);
    issue.keepChanges = true;
    sums.set(key, entry);
  } else {
    for (let i = entry.read; i < issue.changes.length; i++) {
      const c = issue.changes[i]!;
      if (c.countedBefore > 0) entry.sum -= anchoredTerm(c.countedBefore, c.lastBefore, entry.anchor, halfLifeDays, k);
      entry.sum += anchoredTerm(c.counted, c.last, entry.anchor, halfLifeDays, k);
    }
    entry.read = issue.changes.length;
  }
  const weight = halfLifeDays === Infinity ? entry.sum : entry.sum * 2 ** (-(at - entry.anchor) / (halfLifeDays * DAY_MS));
  return Math.max(0, weight);
}

/**
 * P at t on the given issues, the same figure as `practiceFromTerms(practiceTerms(…))`: at or
 * after the issues' latest acts from the kept sums (the cost of the issues, not of their acts);
 * before, from the terms.
 */
export function practiceFigureAt(facts: ModelFacts, issueIds: ReadonlySet<string>, at: Millis, settings: ModelSettings): PracticeFigure {
  const ledger = ledgerOf(facts);
  let memberWeight = 0;
  let memberTerms = 0;
  let issues = 0;
  let walked = false;
  for (const issueId of issueIds) {
    const issue = ledger.issues.get(issueId);
    if (!issue || issue.acts.length === 0) continue;
    if (at >= issue.acts[issue.acts.length - 1]!.at) {
      memberWeight += memberWeightOf(ledger, issueId, at, settings);
      memberTerms += issue.tallies.size;
      issues += 1;
      continue;
    }
    // An issue with acts after t: its terms at t, walked.
    const tallies = talliesAt(ledger, new Set([issueId]), at);
    for (const t of tallies) memberWeight += decay(at - t.last, settings.halfLifeDays) * Math.min(1, countedActs(t) / settings.fullConsultationActs);
    memberTerms += tallies.length;
    if (tallies.length) issues += 1;
    walked = true;
  }
  const members = issues <= 1 ? memberTerms : walked ? new Set(talliesAt(ledger, issueIds, at).map((t) => t.memberId)).size : distinctMembers(ledger, issueIds);
  const reports = reportTermsAt(ledger.split, issueIds, at, settings);
  return practiceFigureOf({ memberWeight, memberTerms, members, issues }, reports, leadershipAt(ledger, issueIds, at), settings);
}

/** Per ledger and set of issues: the members with a term on any of them, counted as the ledger grows. */
const distinctOf = new WeakMap<PracticeLedger, Map<string, { counted: Set<string>; read: number; generation: number }>>();

function distinctMembers(ledger: PracticeLedger, issueIds: ReadonlySet<string>): number {
  let byIssues = distinctOf.get(ledger);
  if (!byIssues) distinctOf.set(ledger, (byIssues = new Map()));
  const key = [...issueIds].sort().join(' ');
  let entry = byIssues.get(key);
  if (!entry || entry.generation !== ledger.firstTermsGeneration) {
    if (byIssues.size > 8) byIssues.clear();
    entry = { counted: new Set(), read: ledger.firstTerms.length, generation: ledger.firstTermsGeneration };
    for (const issueId of issueIds) for (const memberId of ledger.issues.get(issueId)?.tallies.keys() ?? []) entry.counted.add(memberId);
    ledger.keepFirstTerms = true;
    byIssues.set(key, entry);
  } else {
    for (let i = entry.read; i < ledger.firstTerms.length; i++) {
      const t = ledger.firstTerms[i]!;
      if (issueIds.has(t.issueId)) entry.counted.add(t.memberId);
    }
    entry.read = ledger.firstTerms.length;
  }
  return entry.counted.size;
}

/** P from its terms: Σ member weights + Σ report weights. */
export function practiceFromTerms(terms: PracticeTerms, settings: ModelSettings): PracticeFigure {
  let memberWeight = 0;
  for (const m of terms.members) memberWeight += m.weight;
  const members = new Set(terms.members.map((m) => m.memberId)).size;
  const issues = new Set(terms.members.map((m) => m.issueId)).size;
  return practiceFigureOf({ memberWeight, memberTerms: terms.members.length, members, issues }, terms.reports, terms.leadership, settings);
}

/** P and how it was computed, from the sum of the member terms and the report terms. */
function practiceFigureOf(
  terms: { memberWeight: number; memberTerms: number; members: number; issues: number },
  reportTerms: readonly ReportPractice[],
  leadership: LeadershipActivity,
  settings: ModelSettings,
): PracticeFigure {
  const { memberWeight, memberTerms, members: distinct, issues } = terms;
  let reportWeight = 0;
  for (const r of reportTerms) reportWeight += r.weight;
  const value = memberWeight + reportWeight;
  const fromMembers =
    distinct === memberTerms || issues <= 1
      ? countOf(memberTerms, 'member')
      : `${countOf(memberTerms, 'member term')} (${countOf(distinct, 'member')} across ${countOf(issues, 'issue')})`;
  const halfLife = settings.halfLifeDays === Infinity ? 'h = ∞' : `h = ${formatNumber(settings.halfLifeDays)} days`;
  const apart =
    leadership.acts + leadership.reports > 0
      ? `; not counted: the leadership's own ${countOf(leadership.acts, 'act')} and ${countOf(leadership.reports, 'report')}`
      : '';
  return {
    value,
    how:
      `P = ${formatNumber(value)} = ${formatNumber(memberWeight)} from ${fromMembers} + ` +
      `${formatNumber(reportWeight)} from ${countOf(reportTerms.length, 'report')} ` +
      `(k = ${formatNumber(settings.fullConsultationActs)}, α = ${formatNumber(settings.reportWeight)}, ${halfLife})` +
      apart,
    terms: {
      memberTerms,
      members: distinct,
      memberWeight,
      reports: reportTerms.length,
      reportWeight,
      halfLifeDays: settings.halfLifeDays,
      fullConsultationActs: settings.fullConsultationActs,
      reportWeightAlpha: settings.reportWeight,
      leadership,
    },
  };
}

/** P(t) of one issue. */
export function practiceAt(facts: ModelFacts, issueId: string, at: Millis, settings: ModelSettings): PracticeFigure {
  return practiceFigureAt(facts, new Set([issueId]), at, settings);
}

/** L(t) summed over the given issues' current versions (0 for an issue with none). */
export function pureLogicOf(facts: ModelFacts, issueIds: readonly string[], at: Millis): PureLogicFigure {
  const wanted = new Set(issueIds);
  const current = new Map<string, { lineVersionId: string; number: number; publishedAt: Millis; claims: number }>();
  for (const v of facts.lines) {
    if (!wanted.has(v.issueId) || v.publishedAt > at) continue;
    const seen = current.get(v.issueId);
    if (!seen || v.publishedAt > seen.publishedAt || (v.publishedAt === seen.publishedAt && v.number > seen.number)) {
      current.set(v.issueId, { lineVersionId: v.id, number: v.number, publishedAt: v.publishedAt, claims: v.claims.length });
    }
  }
  const versions = [...current.entries()].map(([issueId, v]) => ({ issueId, lineVersionId: v.lineVersionId, number: v.number, claims: v.claims }));
  const value = versions.reduce((sum, v) => sum + v.claims, 0);
  let how: string;
  if (issueIds.length === 1) {
    const only = versions[0];
    how = only ? `L = ${value}: ${countOf(value, 'claim')} in version ${only.number}` : 'L = 0: no line version published yet';
  } else {
    how = `L = ${value}: ${countOf(value, 'claim')} in the current versions of ${countOf(issueIds.length, 'open issue')} (${versions.length} with a line)`;
  }
  return { value, how, terms: { versions, issues: issueIds.length } };
}

/** L(t) of one issue: claims in its latest version published at or before t. */
export function pureLogicAt(facts: ModelFacts, issueId: string, at: Millis): PureLogicFigure {
  return pureLogicOf(facts, [issueId], at);
}

/** P₀ at t = max(floor, share × members of role member joined by t): the leadership is not the masses. */
export function practiceSufficiencyAt(facts: ModelFacts, at: Millis, settings: ModelSettings): PracticeSufficiencyFigure {
  return practiceSufficiencyFor(massMembersCountAt(facts, at), settings);
}

/** P₀ for `membersJoined` members of role member. */
export function practiceSufficiencyFor(membersJoined: number, settings: ModelSettings): PracticeSufficiencyFigure {
  const floor = settings.practiceSufficiencyFloor;
  const share = settings.practiceSufficiencyShare;
  const byShare = share * membersJoined;
  const basis = byShare > floor ? 'share' : 'floor';
  const value = Math.max(floor, byShare);
  return {
    value,
    how: `P₀ = max(${formatNumber(floor)}, ${formatNumber(share * 100)} % of ${countOf(membersJoined, 'member')} of role member joined = ${formatNumber(byShare)}) = ${formatNumber(value)}`,
    terms: { floor, share, membersJoined, basis },
  };
}

/** ℓ, π and the character from the three figures. */
export function healthFromFigures(
  issueId: string | null,
  at: Millis,
  pureLogic: PureLogicFigure,
  practice: PracticeFigure,
  practiceSufficiency: PracticeSufficiencyFigure,
  settings: ModelSettings,
): Health {
  const logicSufficiency = settings.logicSufficiency;
  const l = pureLogic.value / logicSufficiency;
  const pi = practice.value / practiceSufficiency.value;
  return {
    issueId,
    at,
    pureLogic,
    practice,
    logicSufficiency,
    practiceSufficiency,
    l,
    pi,
    practicePerLogic: practicePerLogic(l, pi),
    character: characterOf(l, pi, settings.beta),
    how:
      `ℓ = L/L₀ = ${formatNumber(pureLogic.value)}/${formatNumber(logicSufficiency)} = ${formatNumber(l)}; ` +
      `π = P/P₀ = ${formatNumber(practice.value)}/${formatNumber(practiceSufficiency.value)} = ${formatNumber(pi)}; ` +
      characterReason(l, pi, settings.beta),
  };
}

/** The health of one issue at t (MODEL.md §3). An issue with no facts is a fool: L = P = 0. */
export function issueHealthAt(facts: ModelFacts, issueId: string, at: Millis, settings: ModelSettings): Health {
  return healthFromFigures(
    issueId,
    at,
    pureLogicAt(facts, issueId, at),
    practiceAt(facts, issueId, at, settings),
    practiceSufficiencyAt(facts, at, settings),
    settings,
  );
}

/** The organisation's health at t: L_org and P_org summed over the issues open at t, normalised by the same L₀ and P₀. */
export function organisationHealthAt(facts: ModelFacts, at: Millis, settings: ModelSettings): Health {
  const open = openIssuesAt(facts, at).map((issue) => issue.id);
  const practice = practiceFigureAt(facts, new Set(open), at, settings);
  return healthFromFigures(null, at, pureLogicOf(facts, open, at), practice, practiceSufficiencyAt(facts, at, settings), settings);
}
