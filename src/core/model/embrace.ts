/**
 * Propagation (MODEL.md §2): how far the masses embrace a published line version, overall, in
 * every opinion group and in every constituency, against the targets before moving on.
 */
import type { AnalysisFact, EndorsementFact, LineVersionFact, Millis, ModelFacts } from './facts.js';
import type { ModelSettings } from './settings.js';
import type { EndorsementKind } from '../vocabulary.js';
import { latestAnalysis } from './lookups.js';
import { compareText, formatPercent } from './wording.js';

/** embraced / responders; rate null with no responder. */
export interface EmbraceCount {
  embraced: number;
  responders: number;
  rate: number | null;
}

/** A group or constituency with no responder is reported as such, never as failing. */
export type EmbraceStatus = 'meets' | 'below' | 'no-responders';

export interface GroupEmbrace extends EmbraceCount {
  groupId: string;
  members: number;
  /** Against groupEmbraceTarget. */
  status: EmbraceStatus;
}

export interface ConstituencyEmbrace extends EmbraceCount {
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
  overall: EmbraceCount;
  groups: GroupEmbrace[];
  constituencies: ConstituencyEmbrace[];
  /** Overall ≥ embraceTarget and every group with responders ≥ groupEmbraceTarget. */
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

export function embraceStatus(count: EmbraceCount, target: number): EmbraceStatus {
  if (count.rate === null) return 'no-responders';
  return count.rate >= target ? 'meets' : 'below';
}

/** The embrace of one version at t, with groups from the issue's latest analysis at t. Null for an unknown version. */
export function embraceRateAt(facts: ModelFacts, lineVersionId: string, at: Millis, settings: ModelSettings): Embrace | null {
  const version = facts.lines.find((v) => v.id === lineVersionId);
  if (!version) return null;
  return embraceOfVersion(facts, version, latestAnalysis(facts, version.issueId, at), at, settings);
}

/** The embrace of `version` at t with the groups of `analysis`. */
export function embraceOfVersion(facts: ModelFacts, version: LineVersionFact, analysis: AnalysisFact | null, at: Millis, settings: ModelSettings): Embrace {
  const answers = answersAt(facts.endorsements, version.id, at);
  const overall = embraceCount(answers);
  const groups: GroupEmbrace[] = (analysis?.groups ?? []).map((g) => {
    const count = embraceCount(answers, g.members);
    return { groupId: g.id, members: g.members.length, ...count, status: embraceStatus(count, settings.groupEmbraceTarget) };
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
      return { constituency, ...count, status: embraceStatus(count, settings.embraceTarget) };
    });

  const shortfalls: string[] = [];
  if (overall.rate === null) shortfalls.push('no responders yet');
  else if (overall.rate < settings.embraceTarget) shortfalls.push(`overall ${describe(overall)} is below the target ${formatPercent(settings.embraceTarget)}`);
  for (const g of groups) if (g.status === 'below') shortfalls.push(`group ${g.groupId}: ${describe(g)} is below the group target ${formatPercent(settings.groupEmbraceTarget)}`);
  const meetsTarget = shortfalls.length === 0;
  const silent = groups.filter((g) => g.status === 'no-responders').map((g) => g.groupId);
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
      (silent.length > 0 ? `; no responders in group ${silent.join(', ')}` : '') +
      (meetsTarget ? ': meets the targets' : `: ${shortfalls.join('; ')}`),
  };
}

/** `55 % (11 of 20)`. */
function describe(count: EmbraceCount): string {
  return `${formatPercent(count.rate ?? 0)} (${count.embraced} of ${count.responders})`;
}
