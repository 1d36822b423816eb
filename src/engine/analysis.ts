/**
 * One analysis of a conversation: from the vote store to opinion map, groups, representative,
 * consensus and divisive statements, bridging scores and statement priorities. Pure apart from
 * compacting the store's pending votes; same store, options and previous analysis give the same
 * result, bit for bit.
 */
import type { BridgingModel, BridgingOptions } from './bridging.js';
import { bridgingScoresOf, fitBridgingModel } from './bridging.js';
import type { ColumnStats } from './column-stats.js';
import { columnStatsOf } from './column-stats.js';
import type { ConsensusStatement, DivisiveStatement, GroupInformedConsensus } from './consensus.js';
import { CONSENSUS_THRESHOLD, consensusStatementsOf, divisiveStatementsOf, groupInformedConsensusOf } from './consensus.js';
import type { Clustering } from './kmeans.js';
import type { BaseGrouping, GroupCandidate, GroupingOptions, GroupingWarmStart } from './opinion-groups.js';
import { baseClustersOf, baseGroupingsOf, bestGrouping, refinedGroupingOf } from './opinion-groups.js';
import type { ParticipationRule } from './participation.js';
import { clusteredRowsOf } from './participation.js';
import type { PcaBasis, PcaOptions, PcaResult } from './pca.js';
import { centredValueTable, orientComponent, principalComponents, projectionFromScores, projectStatements, shrunkPositions } from './pca.js';
import { statementPrioritiesOf } from './priority.js';
import type { RandomState } from './random.js';
import { randomStateFromSeed } from './random.js';
import type { RepresentativeStatement } from './representative.js';
import { representativeStatementsOf } from './representative.js';
import type { GroupTallies } from './tallies.js';
import { groupTalliesOf } from './tallies.js';
import type { VoteMatrix, VoteStore } from './vote-store.js';
import { compactVotes } from './vote-store.js';

export interface AnalysisOptions {
  /** Seed of every random choice (PCA cold start, k-means++ seeding). */
  readonly seed: number;
  /** Statement keys moderated out: ignored by every computation. */
  readonly moderatedOut: readonly string[];
  /** Statement keys marked meta: analysed, but routed with Pol.is's fixed priority. */
  readonly metaStatements: readonly string[];
  readonly participation: ParticipationRule;
  readonly pca: PcaOptions & { readonly warmMaxIterations: number };
  readonly grouping: GroupingOptions;
  /** Prior strength, in full ballots, of the shrinkage of positions used for clustering. */
  readonly priorBallots: number;
  /** Analyses in a row a new best k must win before the shown k changes (Pol.is: 4; 1 = off). */
  readonly groupCountPatience: number;
  readonly representativeCount: number;
  readonly consensusCount: number;
  /** Lowest geometric mean of the group-informed consensus for a statement every group agrees on to be in consensus. */
  readonly consensusThreshold: number;
  readonly divisiveCount: number;
  readonly bridging: BridgingOptions;
  /** Milliseconds clock for `timings` (e.g. performance.now); null to skip timing. */
  readonly clock: (() => number) | null;
}

export const DEFAULT_ANALYSIS_OPTIONS: AnalysisOptions = {
  seed: 1,
  moderatedOut: [],
  metaStatements: [],
  participation: { minimumVotes: 7, minimumClustered: 15 },
  pca: { width: 4, tolerance: 1e-5, maxIterations: 100, warmMaxIterations: 30, coldSampleRows: 10000 },
  grouping: {
    baseClusterCount: 100,
    maxGroups: 5,
    groupRestarts: 20,
    refinedCandidates: 4,
    baseRestarts: 1,
    seedingSample: 10000,
    baseIterations: 10,
    warmBaseIterations: 2,
    groupIterations: 100,
    refineInertiaMargin: 0.02,
    refineIterations: 20,
    shiftTolerance: 1e-3,
    silhouetteWeighted: false,
  },
  priorBallots: 1,
  groupCountPatience: 4,
  representativeCount: 5,
  consensusCount: 5,
  consensusThreshold: CONSENSUS_THRESHOLD,
  divisiveCount: 5,
  bridging: { interceptPenalty: 5, factorPenalty: 1, coldSweeps: 4, warmSweeps: 1, minimumVotes: 5, coldSampleRows: 10000, sampledRefineSweeps: 2 },
  clock: null,
};

/** Options with nested groups merged one level deep over the defaults. */
export type AnalysisOptionsInput = Partial<
  Omit<AnalysisOptions, 'participation' | 'pca' | 'grouping' | 'bridging'> & {
    participation: Partial<ParticipationRule>;
    pca: Partial<AnalysisOptions['pca']>;
    grouping: Partial<GroupingOptions>;
    bridging: Partial<BridgingOptions>;
  }
>;

export function analysisOptionsOf(input: AnalysisOptionsInput = {}): AnalysisOptions {
  const d = DEFAULT_ANALYSIS_OPTIONS;
  return {
    ...d,
    ...input,
    participation: { ...d.participation, ...input.participation },
    pca: { ...d.pca, ...input.pca },
    grouping: { ...d.grouping, ...input.grouping },
    bridging: { ...d.bridging, ...input.bridging },
  };
}

/** An opinion group. `id` is stable across warm analyses (matched by member overlap). */
export interface OpinionGroup {
  readonly id: number;
  readonly members: readonly string[];
  /** Centre on the clustering positions (see `positions`). */
  readonly centre: readonly [number, number];
  readonly representative: readonly RepresentativeStatementOut[];
}

export type RepresentativeStatementOut = RepresentativeStatement & { readonly statement: string };
export type ConsensusStatementOut = Omit<ConsensusStatement, 'lowestGroup'> & {
  readonly statement: string;
  /** Group id. */
  readonly lowestGroup: number;
};
export type DivisiveStatementOut = Omit<DivisiveStatement, 'mostAgreeingGroup' | 'leastAgreeingGroup'> & {
  readonly statement: string;
  /** Group ids. */
  readonly mostAgreeingGroup: number;
  readonly leastAgreeingGroup: number;
};

/** Warm-start state carried from one analysis to the next. Plain data (structured-clonable). */
export interface EngineState {
  readonly pcaBasis: PcaBasis;
  /** Clustered flag per row of `participantKeys`. Once in, always in. */
  readonly clustered: Uint8Array;
  /** Base cluster per row, −1 when not clustered. */
  readonly baseLabelOfRow: Int32Array;
  readonly baseClusterCount: number;
  /** Group centres per candidate k. */
  readonly groupCentresByK: readonly (readonly [number, Float64Array])[];
  /** Group id per row, −1 when none. */
  readonly groupIdOfRow: Int32Array;
  readonly nextGroupId: number;
  readonly groupCountSmoother: { readonly shownK: number; readonly candidateK: number; readonly streak: number };
  readonly bridging: BridgingModel | null;
}

export interface Analysis {
  /** Store revision analysed (number of votes ever applied). */
  readonly revision: number;
  readonly counts: {
    readonly participants: number;
    readonly statements: number;
    readonly activeStatements: number;
    readonly votes: number;
    readonly clustered: number;
    readonly groups: number;
  };
  /** Participant keys by row; every per-participant array below follows this order. */
  readonly participantKeys: readonly string[];
  /** Statement keys by column; every per-statement array below follows this order. */
  readonly statementKeys: readonly string[];
  /** Opinion map (Pol.is's sparsity-aware projection), x, y per participant. */
  readonly projection: Float64Array;
  /** Shrunk positions the groups are computed on, x, y per participant. */
  readonly positions: Float64Array;
  readonly clustered: Uint8Array;
  /** Group id per participant, −1 when not clustered. */
  readonly groupOfParticipant: Int32Array;
  readonly groups: readonly OpinionGroup[];
  /** Silhouette per candidate k, and the k shown. */
  readonly groupCounts: readonly { readonly k: number; readonly silhouette: number }[];
  readonly statements: {
    readonly active: Uint8Array;
    readonly agree: Int32Array;
    readonly disagree: Int32Array;
    readonly pass: Int32Array;
    /** Where a statement sits on the map, x, y per statement, and its distance from the centre. */
    readonly projection: Float64Array;
    readonly extremity: Float64Array;
  };
  /** Per group id (in `groups` order), agree / disagree / seen counts per statement. */
  readonly groupTallies: GroupTallies;
  readonly consensus: { readonly agree: readonly ConsensusStatementOut[]; readonly disagree: readonly ConsensusStatementOut[] };
  readonly groupInformedConsensus: GroupInformedConsensus;
  readonly divisive: readonly DivisiveStatementOut[];
  /** Community-Notes-style bridging intercept per statement (NaN when too few votes), and the statement's factor (polarity). */
  readonly bridging: { readonly score: Float64Array; readonly polarity: Float64Array };
  /** Routing priority per statement (0 for moderated-out). */
  readonly priority: Float64Array;
  readonly pca: {
    readonly component1: Float64Array;
    readonly component2: Float64Array;
    readonly center: Float64Array;
    readonly eigenvalues: readonly [number, number];
    readonly iterations: number;
    readonly sampleIterations: number;
    readonly converged: boolean;
  };
  readonly state: EngineState;
  /** Milliseconds per phase when a clock was given. */
  readonly timings: Readonly<Record<string, number>>;
}

/**
 * Analyse the conversation in `store`. With `previous` (an analysis of an earlier state of the
 * same store), PCA, base clusters, groups, the k-smoother and the bridging model warm-start
 * from it, and group ids stay stable.
 *
 * The stages, in order (each a function below; `random` is drawn from in this order only):
 * votes → opinion map (PCA) → who is clustered → groupings → opinion groups with stable ids →
 * consensus, divisive and priorities → bridging → the state the next analysis starts from.
 */
export function analyzeConversation(store: VoteStore, input: AnalysisOptionsInput = {}, previous?: Analysis): Analysis {
  const options = analysisOptionsOf(input);
  const lap = lapTimer(options.clock);
  const random = randomStateFromSeed(options.seed);
  const matrix = compactVotes(store);
  const participantKeys = store.participantKeys.slice();
  const statementKeys = store.statementKeys.slice();
  const active = columnsOf(store, options.moderatedOut).map((moderatedOut) => 1 - moderatedOut);
  const meta = columnsOf(store, options.metaStatements);
  const carried = previous ? carriedStateOf(previous, participantKeys, statementKeys) : null;
  lap('compact');

  const stats = columnStatsOf(matrix, active);
  const map = opinionMapOf(matrix, stats, active, options, carried, random);
  lap('pca');

  const clustering = clusteredPointsOf(stats, matrix.columnCount, map.positions, options.participation, carried);
  const base = baseClustersOf(clustering.points, options.grouping, random, carried && baseWarmStartOf(carried, clustering.rows));
  lap('baseClusters');
  const grouping = groupingOf(clustering.points, base, options, random, carried);
  lap('groups');

  const chosen = grouping.chosen;
  const groupIndexOfRow = labelsByRow(matrix.rowCount, clustering.rows, chosen?.groupOfPoint ?? null);
  const opinionGroups = opinionGroupsOf(matrix, active, groupIndexOfRow, chosen, participantKeys, statementKeys, options, carried);
  lap('representative');

  const verdicts = statementVerdictsOf(opinionGroups.tallies, opinionGroups.groups, active, meta, map.statements.extremity, statementKeys, options);
  lap('consensus');

  const bridging = bridgingOf(matrix, stats, active, options.bridging, carried, map.pca.component1);
  lap('bridging');

  const state: EngineState = {
    pcaBasis: map.pca.basis,
    clustered: clustering.clustered,
    baseLabelOfRow: labelsByRow(matrix.rowCount, clustering.rows, base.labels),
    baseClusterCount: base.k,
    groupCentresByK: grouping.groupings.map((g) => [g.k, g.k === chosen?.k ? chosen.centres : g.optima[0]!.centres] as const),
    groupIdOfRow: opinionGroups.groupOfParticipant,
    nextGroupId: opinionGroups.nextGroupId,
    groupCountSmoother: grouping.smoother,
    bridging: bridging.model,
  };
  return {
    revision: store.revision,
    counts: {
      participants: matrix.rowCount,
      statements: matrix.columnCount,
      activeStatements: stats.activeColumnCount,
      votes: matrix.cellCount,
      clustered: clustering.rows.length,
      groups: opinionGroups.groups.length,
    },
    participantKeys,
    statementKeys,
    projection: map.projection,
    positions: map.positions,
    clustered: clustering.clustered,
    groupOfParticipant: opinionGroups.groupOfParticipant,
    groups: opinionGroups.groups,
    groupCounts: grouping.groupings.map((g) => ({ k: g.k, silhouette: g.silhouette })),
    statements: {
      active,
      agree: stats.agree,
      disagree: stats.disagree,
      pass: stats.pass,
      projection: map.statements.projection,
      extremity: map.statements.extremity,
    },
    groupTallies: opinionGroups.tallies,
    consensus: verdicts.consensus,
    groupInformedConsensus: verdicts.groupInformedConsensus,
    divisive: verdicts.divisive,
    bridging: { score: bridging.score, polarity: bridging.model.statementFactor },
    priority: verdicts.priority,
    pca: {
      component1: map.pca.component1,
      component2: map.pca.component2,
      center: stats.mean,
      eigenvalues: map.pca.eigenvalues,
      iterations: map.pca.iterations,
      sampleIterations: map.pca.sampleIterations,
      converged: map.pca.converged,
    },
    state,
    timings: lap.timings,
  };
}

/** `lap(name)` records the milliseconds since the previous lap under `name`; a no-op without a clock. */
function lapTimer(clock: (() => number) | null): ((name: string) => void) & { readonly timings: Record<string, number> } {
  const timings: Record<string, number> = {};
  let last = clock ? clock() : 0;
  const lap = (name: string): void => {
    if (!clock) return;
    const now = clock();
    timings[name] = now - last;
    last = now;
  };
  return Object.assign(lap, { timings });
}

/** 1 per column whose statement key is in `keys`, 0 for the others. */
function columnsOf(store: VoteStore, keys: readonly string[]): Uint8Array {
  const flags = new Uint8Array(store.statementKeys.length);
  for (const key of keys) {
    const c = store.statementColumnByKey.get(key);
    if (c !== undefined) flags[c] = 1;
  }
  return flags;
}

/**
 * What the previous analysis hands this one, mapped onto the current rows and columns by
 * `carriedOver`: a participant or statement new since then starts empty (0, or −1 for a label).
 */
interface CarriedState {
  /** PCA start basis over the current columns. */
  readonly pcaBasis: PcaBasis;
  /** The previous components, so the map keeps its orientation. */
  readonly component1: Float64Array;
  readonly component2: Float64Array;
  readonly clustered: Uint8Array;
  readonly baseLabelOfRow: Int32Array;
  readonly baseClusterCount: number;
  readonly groupCentresByK: ReadonlyMap<number, Float64Array>;
  readonly groupCountSmoother: EngineState['groupCountSmoother'];
  readonly groupIdOfRow: Int32Array;
  readonly nextGroupId: number;
  /** Bridging warm start (sweeps 0), null when the previous analysis had no model. */
  readonly bridging: BridgingModel | null;
}

function carriedStateOf(previous: Analysis, participantKeys: readonly string[], statementKeys: readonly string[]): CarriedState {
  const n = participantKeys.length;
  const m = statementKeys.length;
  const rowFrom = previousIndexOf(previous.participantKeys, participantKeys);
  const columnFrom = previousIndexOf(previous.statementKeys, statementKeys);
  const { state } = previous;
  const width = state.pcaBasis.width;
  const bridging = state.bridging;
  return {
    pcaBasis: { statementCount: m, width, vectors: carriedOver(state.pcaBasis.vectors, columnFrom, width, new Float64Array(m * width)) },
    component1: carriedOver(previous.pca.component1, columnFrom, 1, new Float64Array(m)),
    component2: carriedOver(previous.pca.component2, columnFrom, 1, new Float64Array(m)),
    clustered: carriedOver(state.clustered, rowFrom, 1, new Uint8Array(n)),
    baseLabelOfRow: carriedOver(state.baseLabelOfRow, rowFrom, 1, new Int32Array(n).fill(-1)),
    baseClusterCount: state.baseClusterCount,
    groupCentresByK: new Map(state.groupCentresByK.map(([k, c]) => [k, c] as [number, Float64Array])),
    groupCountSmoother: state.groupCountSmoother,
    groupIdOfRow: carriedOver(state.groupIdOfRow, rowFrom, 1, new Int32Array(n).fill(-1)),
    nextGroupId: state.nextGroupId,
    bridging: bridging && {
      globalIntercept: bridging.globalIntercept,
      participantIntercept: carriedOver(bridging.participantIntercept, rowFrom, 1, new Float64Array(n)),
      participantFactor: carriedOver(bridging.participantFactor, rowFrom, 1, new Float64Array(n)),
      statementIntercept: carriedOver(bridging.statementIntercept, columnFrom, 1, new Float64Array(m)),
      statementFactor: carriedOver(bridging.statementFactor, columnFrom, 1, new Float64Array(m)),
      sweeps: 0,
    },
  };
}

/** Index of each previous row/column in the current order (−1 when gone). Identity fast path. */
function previousIndexOf(previousKeys: readonly string[], currentKeys: readonly string[]): Int32Array {
  const map = new Int32Array(currentKeys.length).fill(-1);
  let identical = previousKeys.length <= currentKeys.length;
  for (let i = 0; identical && i < previousKeys.length; i++) identical = previousKeys[i] === currentKeys[i];
  if (identical) {
    for (let i = 0; i < previousKeys.length; i++) map[i] = i;
    return map;
  }
  const index = new Map<string, number>();
  previousKeys.forEach((key, i) => index.set(key, i));
  currentKeys.forEach((key, i) => {
    const p = index.get(key);
    if (p !== undefined) map[i] = p;
  });
  return map;
}

/**
 * The warm-start carry-over: `stride` values per entry copied from the previous index `from[i]`
 * into `into` (sized to the current entries and filled with the value a new entry starts at),
 * which is returned.
 */
function carriedOver<T extends Float64Array | Int32Array | Uint8Array>(previous: T, from: Int32Array, stride: number, into: T): T {
  for (let i = 0; i < from.length; i++) {
    const p = from[i]!;
    if (p < 0) continue;
    for (let q = 0; q < stride; q++) into[stride * i + q] = previous[stride * p + q]!;
  }
  return into;
}

/** The opinion map: principal components (warm from the carried basis), each participant's and statement's place on it, and the shrunk positions groups are computed on. */
function opinionMapOf(
  matrix: VoteMatrix,
  stats: ColumnStats,
  active: Uint8Array,
  options: AnalysisOptions,
  carried: CarriedState | null,
  random: RandomState,
): { pca: PcaResult; projection: Float64Array; positions: Float64Array; statements: { projection: Float64Array; extremity: Float64Array } } {
  const pcaOptions = carried ? { ...options.pca, maxIterations: options.pca.warmMaxIterations } : options.pca;
  const pca = principalComponents(matrix, centredValueTable(stats, active), active, pcaOptions, carried?.pcaBasis ?? null, random);
  const sign1 = orientComponent(pca.component1, carried?.component1 ?? null);
  const sign2 = orientComponent(pca.component2, carried?.component2 ?? null);
  const projection = projectionFromScores(pca.rowScores, stats, sign1, sign2);
  const positions = shrunkPositions(projection, stats, options.priorBallots);
  const statements = projectStatements(stats, pca.component1, pca.component2);
  return { pca, projection, positions, statements };
}

/** Who is clustered (once in, always in): the flag per row, the clustered rows, and their positions as points, x, y each. */
function clusteredPointsOf(
  stats: ColumnStats,
  statementCount: number,
  positions: Float64Array,
  rule: ParticipationRule,
  carried: CarriedState | null,
): { clustered: Uint8Array; rows: number[]; points: Float64Array } {
  const clustered = clusteredRowsOf(stats.rowAllVotes, stats.rowActiveVotes, statementCount, rule, carried?.clustered ?? null);
  const rows: number[] = [];
  for (let r = 0; r < clustered.length; r++) if (clustered[r] === 1) rows.push(r);
  const points = new Float64Array(2 * rows.length);
  rows.forEach((r, i) => {
    points[2 * i] = positions[2 * r]!;
    points[2 * i + 1] = positions[2 * r + 1]!;
  });
  return { clustered, rows, points };
}

/** A label per row from a label per clustered point (`rows[i]` is point i's row); −1 for rows not clustered, or everywhere without labels. */
function labelsByRow(rowCount: number, rows: readonly number[], labelOfPoint: Int32Array | null): Int32Array {
  const labels = new Int32Array(rowCount).fill(-1);
  if (labelOfPoint) rows.forEach((r, i) => (labels[r] = labelOfPoint[i]!));
  return labels;
}

/** The base clusters' warm start: each clustered point's previous base label. */
function baseWarmStartOf(carried: CarriedState, clusteredRows: readonly number[]): GroupingWarmStart {
  return {
    baseLabelOfPoint: Int32Array.from(clusteredRows, (r) => carried.baseLabelOfRow[r]!),
    baseClusterCount: carried.baseClusterCount,
    centresByK: carried.groupCentresByK,
  };
}

/** The candidate groupings per k, the k shown (through the smoother), and the shown grouping refined over the participants. */
function groupingOf(
  points: Float64Array,
  base: Clustering,
  options: AnalysisOptions,
  random: RandomState,
  carried: CarriedState | null,
): { groupings: BaseGrouping[]; smoother: EngineState['groupCountSmoother']; chosen: GroupCandidate | null } {
  const groupings = baseGroupingsOf(base, options.grouping, random, carried?.groupCentresByK ?? null);
  const best = bestGrouping(groupings);
  const smoother = nextSmoother(carried?.groupCountSmoother ?? null, best?.k ?? 0, groupings, options.groupCountPatience);
  const shown = groupings.find((g) => g.k === smoother.shownK) ?? best;
  const chosen: GroupCandidate | null = shown ? refinedGroupingOf(points, shown, options.grouping) : null;
  return { groupings, smoother, chosen };
}

/** The opinion groups, ordered by their ids (stable across analyses), with members, centre, representative statements and tallies in that order. */
function opinionGroupsOf(
  matrix: VoteMatrix,
  active: Uint8Array,
  groupIndexOfRow: Int32Array,
  chosen: GroupCandidate | null,
  participantKeys: readonly string[],
  statementKeys: readonly string[],
  options: AnalysisOptions,
  carried: CarriedState | null,
): { groups: OpinionGroup[]; groupOfParticipant: Int32Array; nextGroupId: number; tallies: GroupTallies } {
  const k = chosen?.k ?? 0;
  const { idOfIndex, nextGroupId } = groupIdsOf(groupIndexOfRow, k, carried);
  const order = Array.from({ length: k }, (_, g) => g).sort((a, b) => idOfIndex[a]! - idOfIndex[b]!);
  const positionOfIndex = new Int32Array(k);
  order.forEach((g, position) => (positionOfIndex[g] = position));
  const groupPositionOfRow = groupIndexOfRow.map((g) => (g < 0 ? -1 : positionOfIndex[g]!));
  const groupOfParticipant = groupIndexOfRow.map((g) => (g < 0 ? -1 : idOfIndex[g]!));
  const tallies = groupTalliesOf(matrix, active, groupPositionOfRow, k);
  const members: string[][] = order.map(() => []);
  for (let r = 0; r < matrix.rowCount; r++) if (groupPositionOfRow[r]! >= 0) members[groupPositionOfRow[r]!]!.push(participantKeys[r]!);
  const groups: OpinionGroup[] = order.map((g, position) => ({
    id: idOfIndex[g]!,
    members: members[position]!,
    centre: [chosen!.centres[2 * g]!, chosen!.centres[2 * g + 1]!] as const,
    representative: representativeStatementsOf(tallies, position, active, options.representativeCount).map((s) => ({
      ...s,
      statement: statementKeys[s.column]!,
    })),
  }));
  return { groups, groupOfParticipant, nextGroupId, tallies };
}

/**
 * Consensus, divisive statements and routing priorities. Consensus is what every group agrees
 * (or disagrees) on, so it reads the group tallies, and a statement in it is never divisive.
 */
function statementVerdictsOf(
  tallies: GroupTallies,
  groups: readonly OpinionGroup[],
  active: Uint8Array,
  meta: Uint8Array,
  extremity: Float64Array,
  statementKeys: readonly string[],
  options: AnalysisOptions,
): Pick<Analysis, 'consensus' | 'groupInformedConsensus' | 'divisive' | 'priority'> {
  const consensus = consensusStatementsOf(tallies, active, options.consensusCount, options.consensusThreshold);
  const named = <T extends { column: number }>(s: T): T & { statement: string } => ({ ...s, statement: statementKeys[s.column]! });
  const groupInformedConsensus = groupInformedConsensusOf(tallies, active);
  const inConsensus = new Set([...consensus.agree, ...consensus.disagree].map((c) => c.column));
  const divisive = divisiveStatementsOf(tallies, active, options.divisiveCount, inConsensus).map((s) => ({
    ...named(s),
    mostAgreeingGroup: groups[s.mostAgreeingGroup]!.id,
    leastAgreeingGroup: groups[s.leastAgreeingGroup]!.id,
  }));
  const namedConsensus = (c: ConsensusStatement): ConsensusStatementOut => ({ ...named(c), lowestGroup: groups[c.lowestGroup]!.id });
  const priority = statementPrioritiesOf(tallies, extremity, active, meta);
  return {
    consensus: { agree: consensus.agree.map(namedConsensus), disagree: consensus.disagree.map(namedConsensus) },
    groupInformedConsensus,
    divisive,
    priority,
  };
}

/** The Community-Notes-style bridging model (warm from the carried one) and each statement's score. */
function bridgingOf(
  matrix: VoteMatrix,
  stats: ColumnStats,
  active: Uint8Array,
  options: BridgingOptions,
  carried: CarriedState | null,
  component1: Float64Array,
): { model: BridgingModel; score: Float64Array } {
  const model = fitBridgingModel(matrix, active, stats.agree, stats.disagree, options, carried?.bridging ?? null, component1);
  return { model, score: bridgingScoresOf(model, stats.agree, stats.disagree, active, options.minimumVotes) };
}

/**
 * Pol.is's k-smoother: the best k must win `patience` analyses in a row before the shown k
 * changes; with no shown k yet (or the shown k no longer a candidate) the best k is shown at once.
 */
function nextSmoother(
  previous: EngineState['groupCountSmoother'] | null,
  bestK: number,
  candidates: readonly BaseGrouping[],
  patience: number,
): EngineState['groupCountSmoother'] {
  if (previous === null || previous.shownK === 0 || !candidates.some((c) => c.k === previous.shownK)) {
    return { shownK: bestK, candidateK: bestK, streak: 1 };
  }
  const streak = previous.candidateK === bestK ? previous.streak + 1 : 1;
  const shownK = streak >= patience ? bestK : previous.shownK;
  return { shownK, candidateK: bestK, streak };
}

/**
 * Stable ids for this analysis's groups: each previous group id goes to the new group sharing
 * the most members with it (greedy by overlap, ties to lower new index, then lower id); other
 * new groups get fresh ids in order of size (larger first). Cold: ids 0..k−1 by size.
 */
function groupIdsOf(groupIndexOfRow: Int32Array, k: number, carried: CarriedState | null): { idOfIndex: Int32Array; nextGroupId: number } {
  const size = new Int32Array(k);
  for (const g of groupIndexOfRow) if (g >= 0) size[g]!++;
  const bySize = Array.from({ length: k }, (_, g) => g).sort((a, b) => size[b]! - size[a]! || a - b);
  const idOfIndex = new Int32Array(k).fill(-1);
  let nextGroupId = carried ? carried.nextGroupId : 0;
  if (carried) {
    const ids = carried.nextGroupId;
    const overlap = new Int32Array(k * ids);
    for (let r = 0; r < groupIndexOfRow.length; r++) {
      const g = groupIndexOfRow[r]!;
      const id = carried.groupIdOfRow[r]!;
      if (g >= 0 && id >= 0) overlap[g * ids + id]!++;
    }
    const pairs: { g: number; id: number; count: number }[] = [];
    for (let g = 0; g < k; g++) for (let id = 0; id < ids; id++) if (overlap[g * ids + id]! > 0) pairs.push({ g, id, count: overlap[g * ids + id]! });
    pairs.sort((a, b) => b.count - a.count || a.g - b.g || a.id - b.id);
    const usedIds = new Set<number>();
    for (const { g, id } of pairs) {
      if (idOfIndex[g] !== -1 || usedIds.has(id)) continue;
      idOfIndex[g] = id;
      usedIds.add(id);
    }
  }
  for (const g of bySize) if (idOfIndex[g] === -1) idOfIndex[g] = nextGroupId++;
  return { idOfIndex, nextGroupId };
}
