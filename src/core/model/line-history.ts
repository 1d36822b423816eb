/**
 * The line's history against revisionism (MODEL.md §7): every version with its diff, the
 * practice between it and the one before, and two public marks: "revision without practice"
 * on a version, "drifted from the masses" on the line.
 */
import type { ClaimFact, LineVersionFact, Millis, ModelFacts } from './facts.js';
import { publishedVersions } from './lookups.js';
import { refutedClaimsAt, type RefutedClaimsFigure } from './quality.js';
import { countOf } from './wording.js';

/** Claims compared by text: reordering or re-citing a claim changes neither its proposition nor the diff. */
export interface ClaimDiff {
  /** Claims of the newer version whose text the older one lacks. */
  added: ClaimFact[];
  /** Claims of the older version whose text the newer one lacks. */
  removed: ClaimFact[];
  /** Claims of the newer version whose text the older one has. */
  kept: ClaimFact[];
}

export interface VersionRecord {
  lineVersionId: string;
  number: number;
  publishedAt: Millis;
  /** Against the previous version; against nothing (all added) for the first. */
  diff: ClaimDiff;
  /** Acts and reports on the issue after the previous publication, up to and including this one; null for the first. */
  practiceSincePrevious: { acts: number; reports: number } | null;
  /** Its claims differ from the previous version's and no practice came in between. Never on the first version. */
  revisionWithoutPractice: boolean;
  how: string;
}

export interface LineHistory {
  issueId: string;
  at: Millis;
  versions: VersionRecord[];
  /** The current version has at least one refuted claim. */
  driftedFromMasses: boolean;
  refuted: RefutedClaimsFigure;
}

export function claimDiff(previous: LineVersionFact | null, next: LineVersionFact): ClaimDiff {
  const before = new Set(previous?.claims.map((c) => c.text) ?? []);
  const after = new Set(next.claims.map((c) => c.text));
  return {
    added: next.claims.filter((c) => !before.has(c.text)),
    removed: previous?.claims.filter((c) => !after.has(c.text)) ?? [],
    kept: next.claims.filter((c) => before.has(c.text)),
  };
}

/** The issue's versions published at or before t, oldest first, with their marks. */
export function lineHistoryAt(facts: ModelFacts, issueId: string, at: Millis): LineHistory {
  const versions = publishedVersions(facts, issueId, at);
  const practiceInstants = [
    ...facts.acts.filter((a) => a.issueId === issueId && a.at <= at).map((a) => ({ at: a.at, report: false })),
    ...facts.reports.filter((r) => r.issueId === issueId && r.at <= at).map((r) => ({ at: r.at, report: true })),
  ].sort((a, b) => a.at - b.at);
  const records: VersionRecord[] = [];
  let cursor = 0;
  let previous: LineVersionFact | null = null;
  for (const version of versions) {
    // Practice up to the previous publication is behind us; count what came after it, up to this one.
    let acts = 0;
    let reports = 0;
    while (cursor < practiceInstants.length) {
      const p = practiceInstants[cursor];
      if (p === undefined || p.at > version.publishedAt) break;
      if (previous !== null && p.at > previous.publishedAt) {
        if (p.report) reports += 1;
        else acts += 1;
      }
      cursor += 1;
    }
    const diff = claimDiff(previous, version);
    const changed = diff.added.length > 0 || diff.removed.length > 0;
    const revisionWithoutPractice = previous !== null && changed && acts + reports === 0;
    const change = `+${diff.added.length} −${diff.removed.length} =${diff.kept.length} claims`;
    records.push({
      lineVersionId: version.id,
      number: version.number,
      publishedAt: version.publishedAt,
      diff,
      practiceSincePrevious: previous === null ? null : { acts, reports },
      revisionWithoutPractice,
      how:
        previous === null
          ? `version ${version.number}: first version, ${countOf(version.claims.length, 'claim')}`
          : `version ${version.number}: ${change} since version ${previous.number}, after ${countOf(acts, 'act')} and ${countOf(reports, 'report')}` +
            (revisionWithoutPractice ? ': revision without practice' : ''),
    });
    previous = version;
  }
  const refuted = refutedClaimsAt(facts, issueId, at);
  return { issueId, at, versions: records, driftedFromMasses: refuted.value > 0, refuted };
}
