/**
 * The line's history against revisionism (MODEL.md §7): every version with its diff, the
 * practice between it and the one before, and two public marks: "revision without practice"
 * on a version, "drifted from the masses" on the line.
 */
import type { ClaimFact, LineVersionFact, Millis, ModelFacts, ReportFact } from './facts.js';
import { practiceSufficiencyAt } from './health.js';
import { actKey, latestReportsAt, publishedVersions, reportsOfIssue } from './lookups.js';
import { ledgerOf, type PracticeLedger } from './ledger.js';
import { refutedClaimsAt, type RefutedClaimsFigure } from './quality.js';
import { defaultModelSettings, type ModelSettings } from './settings.js';
import { countOf, formatNumber } from './wording.js';

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
  /**
   * The masses' practice on the issue after the previous publication, up to and including this
   * one (MODEL.md §7): acts (each counted once per member by what it is, as in acts_m) and
   * reports (once per member and claim); `practice` is P over them without decay, `pi` = practice / P₀,
   * and `logicAdded` = new or changed claims ÷ L₀. Null for the first version.
   */
  practiceSincePrevious: { acts: number; reports: number; practice: number; pi: number; logicAdded: number } | null;
  /** The practice gained since the previous version is below 1/β of the logic this one adds (π·β < logicAdded). Never on the first version. */
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

/**
 * P gained on the issue in (after, upTo] without decay: Σ over members min(1, acts in the window / k)
 * + α · (member, claim) pairs reported in the window. The leadership's acts and reports are not in it.
 */
function practiceGained(
  facts: ModelFacts,
  issueId: string,
  after: Millis,
  upTo: Millis,
  settings: ModelSettings,
): { acts: number; reports: number; practice: number } {
  const ledger = ledgerOf(facts);
  // A window wholly before the latest act is closed: acts still to come fall after it, so its figure is kept.
  const closed = upTo < ledger.latestAct;
  const key = `${issueId}\u0000${after}\u0000${upTo}\u0000${settings.fullConsultationActs}\u0000${settings.reportWeight}`;
  let kept = gainedOf.get(ledger);
  if (!kept) gainedOf.set(ledger, (kept = { reports: ledger.split.reports, values: new Map() }));
  if (kept.reports !== ledger.split.reports) kept = { reports: ledger.split.reports, values: new Map() };
  gainedOf.set(ledger, kept);
  const known = closed ? kept.values.get(key) : undefined;
  if (known) return known;
  const acts = ledger.issues.get(issueId)?.acts ?? [];
  // The issue's acts are in time order: the window's first act by bisection.
  let lo = 0;
  let hi = acts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (acts[mid]!.at <= after) lo = mid + 1;
    else hi = mid;
  }
  const byMember = new Map<string, { keys: Set<string>; apart: number }>();
  for (let i = lo; i < acts.length && acts[i]!.at <= upTo; i++) {
    const act = acts[i]!;
    let tally = byMember.get(act.memberId);
    if (!tally) byMember.set(act.memberId, (tally = { keys: new Set(), apart: 0 }));
    const key = actKey(act);
    if (key === null) tally.apart += 1;
    else tally.keys.add(key);
  }
  let counted = 0;
  let practice = 0;
  for (const t of byMember.values()) {
    const n = t.keys.size + t.apart;
    counted += n;
    practice += Math.min(1, n / settings.fullConsultationActs);
  }
  const inWindow = (x: { issueId: string; at: Millis }) => x.issueId === issueId && x.at > after && x.at <= upTo;
  const reports = latestReportsAt(reportsOfIssue(ledger.split.reports, issueId), upTo, inWindow).length;
  const gained = { acts: counted, reports, practice: practice + settings.reportWeight * reports };
  if (closed) {
    if (kept.values.size > 4096) kept.values.clear();
    kept.values.set(key, gained);
  }
  return gained;
}

/** Per ledger: the practice gained in closed windows, while the reports are the same. */
const gainedOf = new WeakMap<PracticeLedger, { reports: readonly ReportFact[]; values: Map<string, { acts: number; reports: number; practice: number }> }>();

/** The issue's versions published at or before t, oldest first, with their marks. */
export function lineHistoryAt(facts: ModelFacts, issueId: string, at: Millis, settings: ModelSettings = defaultModelSettings): LineHistory {
  const versions = publishedVersions(facts, issueId, at);
  const records: VersionRecord[] = [];
  let previous: LineVersionFact | null = null;
  for (const version of versions) {
    const diff = claimDiff(previous, version);
    const changed = diff.added.length > 0 || diff.removed.length > 0;
    const change = `+${diff.added.length} −${diff.removed.length} =${diff.kept.length} claims`;
    if (previous === null) {
      records.push({
        lineVersionId: version.id,
        number: version.number,
        publishedAt: version.publishedAt,
        diff,
        practiceSincePrevious: null,
        revisionWithoutPractice: false,
        how: `version ${version.number}: first version, ${countOf(version.claims.length, 'claim')}`,
      });
      previous = version;
      continue;
    }
    const gained = practiceGained(facts, issueId, previous.publishedAt, version.publishedAt, settings);
    const sufficiency = practiceSufficiencyAt(facts, version.publishedAt, settings).value;
    const pi = gained.practice / sufficiency;
    const logicAdded = diff.added.length / settings.logicSufficiency;
    // β·π < ℓ_added is π < ℓ_added/β without a division, as characterOf compares.
    const revisionWithoutPractice = changed && settings.beta * pi < logicAdded;
    records.push({
      lineVersionId: version.id,
      number: version.number,
      publishedAt: version.publishedAt,
      diff,
      practiceSincePrevious: { acts: gained.acts, reports: gained.reports, practice: gained.practice, pi, logicAdded },
      revisionWithoutPractice,
      how:
        `version ${version.number}: ${change} since version ${previous.number}, after ${countOf(gained.acts, 'act')} and ${countOf(gained.reports, 'report')} ` +
        `of the members (practice gained ${formatNumber(pi)} of P₀ = ${formatNumber(sufficiency)}; logic added ${diff.added.length}/${formatNumber(settings.logicSufficiency)} = ${formatNumber(logicAdded)}` +
        (revisionWithoutPractice ? `, more than β = ${formatNumber(settings.beta)} times the practice): revision without practice` : ')'),
    });
    previous = version;
  }
  const refuted = refutedClaimsAt(facts, issueId, at);
  return { issueId, at, versions: records, driftedFromMasses: refuted.value > 0, refuted };
}
