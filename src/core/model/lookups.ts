/**
 * Reading the facts as they stood at an instant. Every figure of the model is "at t": a fact
 * counts when it happened at or before t, never after, so a figure can be recomputed for any
 * past instant from the same facts.
 */
import type { AnalysisFact, IssueFact, LineVersionFact, MemberFact, Millis, ModelFacts } from './facts.js';

/** Open at t: opened at or before t and not resolved at or before t. */
export function isOpenAt(issue: IssueFact, at: Millis): boolean {
  return issue.openedAt <= at && (issue.resolvedAt === null || issue.resolvedAt > at);
}

export function openIssuesAt(facts: ModelFacts, at: Millis): IssueFact[] {
  return facts.issues.filter((issue) => isOpenAt(issue, at));
}

export function membersJoinedBy(facts: ModelFacts, at: Millis): MemberFact[] {
  return facts.members.filter((member) => member.joinedAt <= at);
}

/** Orders line versions by publication, then by number (two published in the same millisecond). */
export function compareVersions(a: LineVersionFact, b: LineVersionFact): number {
  return a.publishedAt - b.publishedAt || a.number - b.number;
}

/** The issue's versions published at or before t, oldest first. */
export function publishedVersions(facts: ModelFacts, issueId: string, at: Millis): LineVersionFact[] {
  return facts.lines.filter((v) => v.issueId === issueId && v.publishedAt <= at).sort(compareVersions);
}

/** The issue's line at t: its latest version published at or before t, or null when none is. */
export function currentLineVersion(facts: ModelFacts, issueId: string, at: Millis): LineVersionFact | null {
  let current: LineVersionFact | null = null;
  for (const v of facts.lines) {
    if (v.issueId !== issueId || v.publishedAt > at) continue;
    if (current === null || compareVersions(v, current) > 0) current = v;
  }
  return current;
}

/** The issue's analyses made at or before t, oldest first (equal instants keep the facts' order). */
export function analysesOf(facts: ModelFacts, issueId: string, at: Millis): AnalysisFact[] {
  return facts.analyses.filter((a) => a.issueId === issueId && a.at <= at).sort((a, b) => a.at - b.at);
}

/** The issue's latest analysis at or before t (the later one in the facts' order on a tie). */
export function latestAnalysis(facts: ModelFacts, issueId: string, at: Millis): AnalysisFact | null {
  let latest: AnalysisFact | null = null;
  for (const a of facts.analyses) if (a.issueId === issueId && a.at <= at && (latest === null || a.at >= latest.at)) latest = a;
  return latest;
}

/** The organisation's latest analysis at or before t, of any issue. */
export function latestOrganisationAnalysis(facts: ModelFacts, at: Millis): AnalysisFact | null {
  let latest: AnalysisFact | null = null;
  for (const a of facts.analyses) if (a.at <= at && (latest === null || a.at >= latest.at)) latest = a;
  return latest;
}

/**
 * The facts of one issue only (members, issues, blocks and importance marks kept whole), so
 * that walking every issue costs one pass over the facts instead of one per issue.
 */
export function factsByIssue(facts: ModelFacts): Map<string, ModelFacts> {
  const slices = new Map<string, ModelFacts>();
  const sliceOf = (issueId: string): ModelFacts => {
    let slice = slices.get(issueId);
    if (!slice) {
      slice = { ...facts, acts: [], reports: [], lines: [], endorsements: [], analyses: [] };
      slices.set(issueId, slice);
    }
    return slice;
  };
  for (const issue of facts.issues) sliceOf(issue.id);
  for (const act of facts.acts) sliceOf(act.issueId).acts.push(act);
  for (const report of facts.reports) sliceOf(report.issueId).reports.push(report);
  for (const version of facts.lines) sliceOf(version.issueId).lines.push(version);
  for (const endorsement of facts.endorsements) sliceOf(endorsement.issueId).endorsements.push(endorsement);
  for (const analysis of facts.analyses) sliceOf(analysis.issueId).analyses.push(analysis);
  return slices;
}
