/**
 * Representative statements per opinion group: Pol.is's selection (repness.clj) on the group's
 * tallies against the other groups' combined tallies. One Pol.is quirk is fixed: the "best agree"
 * statement keeps the agree label (Pol.is relabels it by rat > rdt and can call it "disagree").
 */
import type { GroupTallies } from './tallies.js';
import { proportionTest, smoothedRate, twoProportionTest, Z_90 } from './proportions.js';

/** Why a statement represents a group, with the figures of its side (agree or disagree). */
export interface RepresentativeStatement {
  readonly column: number;
  readonly direction: 'agree' | 'disagree';
  /** Members of the group who voted that way, and who voted at all (passes included). */
  readonly successes: number;
  readonly trials: number;
  /** Smoothed rate in the group, (s+1)/(n+2), and its one-proportion z. */
  readonly probability: number;
  readonly probabilityTest: number;
  /** Rate in the group over rate in the other groups, and the two-proportion z. */
  readonly representativeness: number;
  readonly representativenessTest: number;
}

interface Figures {
  na: number;
  nd: number;
  ns: number;
  pa: number;
  pd: number;
  pat: number;
  pdt: number;
  ra: number;
  rd: number;
  rat: number;
  rdt: number;
}

function figuresOf(tallies: GroupTallies, group: number, column: number): Figures {
  const m = tallies.statementCount;
  let oa = 0;
  let od = 0;
  let os = 0;
  for (let g = 0; g < tallies.groupCount; g++) {
    if (g === group) continue;
    oa += tallies.agree[g * m + column]!;
    od += tallies.disagree[g * m + column]!;
    os += tallies.seen[g * m + column]!;
  }
  const na = tallies.agree[group * m + column]!;
  const nd = tallies.disagree[group * m + column]!;
  const ns = tallies.seen[group * m + column]!;
  const pa = smoothedRate(na, ns);
  const pd = smoothedRate(nd, ns);
  return {
    na,
    nd,
    ns,
    pa,
    pd,
    pat: proportionTest(na, ns),
    pdt: proportionTest(nd, ns),
    ra: pa / smoothedRate(oa, os),
    rd: pd / smoothedRate(od, os),
    rat: twoProportionTest(na, ns, oa, os),
    rdt: twoProportionTest(nd, ns, od, os),
  };
}

function asRepresentative(column: number, f: Figures, direction: 'agree' | 'disagree'): RepresentativeStatement {
  return direction === 'agree'
    ? { column, direction, successes: f.na, trials: f.ns, probability: f.pa, probabilityTest: f.pat, representativeness: f.ra, representativenessTest: f.rat }
    : { column, direction, successes: f.nd, trials: f.ns, probability: f.pd, probabilityTest: f.pdt, representativeness: f.rd, representativenessTest: f.rdt };
}

function metricOf(s: RepresentativeStatement): number {
  return s.representativeness * s.representativenessTest * s.probability * s.probabilityTest;
}

/**
 * Pol.is's select-rep-comments for one group, scanning active statements in column order:
 * statements significant on both tests (z > 1.2816), ranked by r·z_r·p·z_p, with the best
 * agree statement first; at most `count`, agrees before disagrees. When none is significant, the
 * best agree statement alone, else the one with the highest two-proportion z.
 */
export function representativeStatementsOf(tallies: GroupTallies, group: number, active: Uint8Array, count: number): RepresentativeStatement[] {
  const sufficient: { column: number; f: Figures }[] = [];
  let best: { column: number; f: Figures } | null = null;
  let bestAgree: { column: number; f: Figures } | null = null;
  for (let column = 0; column < tallies.statementCount; column++) {
    if (active[column] === 0) continue;
    const f = figuresOf(tallies, group, column);
    if ((f.rat > Z_90 && f.pat > Z_90) || (f.rdt > Z_90 && f.pdt > Z_90)) sufficient.push({ column, f });
    if (sufficient.length === 0 && (best === null || Math.max(f.rat, f.rdt) > Math.max(best.f.rat, best.f.rdt))) best = { column, f };
    if (f.na === 0 && f.nd === 0) continue;
    let replace: boolean;
    if (bestAgree !== null && bestAgree.f.ra > 1) replace = f.ra * f.rat * f.pa * f.pat > bestAgree.f.ra * bestAgree.f.rat * bestAgree.f.pa * bestAgree.f.pat;
    else if (bestAgree !== null) replace = f.pa * f.pat > bestAgree.f.pa * bestAgree.f.pat;
    else replace = f.pat > Z_90 || (f.ra > 1 && f.pa > 0.5);
    if (replace) bestAgree = { column, f };
  }
  const labelled = (entry: { column: number; f: Figures }): RepresentativeStatement =>
    asRepresentative(entry.column, entry.f, entry.f.rat > entry.f.rdt ? 'agree' : 'disagree');
  if (sufficient.length === 0) {
    if (bestAgree !== null) return [asRepresentative(bestAgree.column, bestAgree.f, 'agree')];
    return best !== null ? [labelled(best)] : [];
  }
  const rest = sufficient
    .filter((entry) => bestAgree === null || entry.column !== bestAgree.column)
    .map(labelled)
    .map((statement, index) => ({ statement, index }))
    .sort((a, b) => metricOf(b.statement) - metricOf(a.statement) || a.index - b.index)
    .map((entry) => entry.statement);
  const top = (bestAgree !== null ? [asRepresentative(bestAgree.column, bestAgree.f, 'agree'), ...rest] : rest).slice(0, count);
  return [...top.filter((s) => s.direction === 'agree'), ...top.filter((s) => s.direction === 'disagree')];
}
