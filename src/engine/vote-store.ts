/**
 * The vote store: the latest vote of every participant on every statement, kept sparse.
 *
 * Votes arrive one by one into an append-only pending log (O(1) each, amortised). Before an
 * analysis the log is merged into a compressed-sparse-row matrix (CSR) sorted by (row, column),
 * where a later vote on the same cell replaces the earlier one. The dense participants ×
 * statements matrix is never built: memory is O(votes).
 */
import type { ParticipantRow, Result, StatementColumn, Vote } from './types.js';
import { err, isVote, ok } from './types.js';

/**
 * The latest votes in CSR form.
 * Invariants: `rowStart.length === rowCount + 1`, `rowStart[0] === 0`, non-decreasing;
 * within a row, columns are strictly increasing; `value[k]` ∈ {−1, 0, 1}.
 */
export interface VoteMatrix {
  readonly rowCount: number;
  readonly columnCount: number;
  readonly rowStart: Int32Array;
  readonly column: Int32Array;
  readonly value: Int8Array;
  /** Number of stored cells (= rowStart[rowCount]). */
  readonly cellCount: number;
  /**
   * Votes per (statement, vote) at 3·column + vote + 1 (disagree, pass, agree), kept up to date
   * by compaction in O(new votes), so statistics need no pass over the votes.
   */
  readonly columnVoteCounts: Int32Array;
}

/** Mutable store of votes. Use the free functions below; fields are exposed for the kernels. */
export interface VoteStore {
  readonly participantKeys: string[];
  readonly participantRowByKey: Map<string, number>;
  readonly statementKeys: string[];
  readonly statementColumnByKey: Map<string, number>;
  /** Compacted votes; does not include `pending*` until `compactVotes` runs. */
  matrix: VoteMatrix;
  pendingRow: Int32Array;
  pendingColumn: Int32Array;
  pendingValue: Int8Array;
  pendingCount: number;
  /** Number of votes ever applied (including replaced ones); identifies a state of the store. */
  revision: number;
}

export type VoteStoreError = { readonly code: 'invalid-vote'; readonly message: string };

const INITIAL_PENDING_CAPACITY = 1024;

/** An empty matrix with the given shape. */
export function emptyVoteMatrix(rowCount = 0, columnCount = 0): VoteMatrix {
  return {
    rowCount,
    columnCount,
    rowStart: new Int32Array(rowCount + 1),
    column: new Int32Array(0),
    value: new Int8Array(0),
    cellCount: 0,
    columnVoteCounts: new Int32Array(3 * columnCount),
  };
}

/** A new empty store. */
export function createVoteStore(): VoteStore {
  return {
    participantKeys: [],
    participantRowByKey: new Map(),
    statementKeys: [],
    statementColumnByKey: new Map(),
    matrix: emptyVoteMatrix(),
    pendingRow: new Int32Array(INITIAL_PENDING_CAPACITY),
    pendingColumn: new Int32Array(INITIAL_PENDING_CAPACITY),
    pendingValue: new Int8Array(INITIAL_PENDING_CAPACITY),
    pendingCount: 0,
    revision: 0,
  };
}

/** The row of `key`, adding the participant if new. Rows are dense, in order of first appearance. */
export function participantRowOf(store: VoteStore, key: string): ParticipantRow {
  let row = store.participantRowByKey.get(key);
  if (row === undefined) {
    row = store.participantKeys.length;
    store.participantKeys.push(key);
    store.participantRowByKey.set(key, row);
  }
  return row as ParticipantRow;
}

/** The column of `key`, adding the statement if new. Columns are dense, in order of first appearance. */
export function statementColumnOf(store: VoteStore, key: string): StatementColumn {
  let column = store.statementColumnByKey.get(key);
  if (column === undefined) {
    column = store.statementKeys.length;
    store.statementKeys.push(key);
    store.statementColumnByKey.set(key, column);
  }
  return column as StatementColumn;
}

/** Record `vote` of participant `participantKey` on `statementKey`, replacing any earlier vote. */
export function applyVote(store: VoteStore, participantKey: string, statementKey: string, vote: number): Result<void, VoteStoreError> {
  if (!isVote(vote)) return err({ code: 'invalid-vote', message: `vote must be -1, 0 or 1, got ${vote}` });
  applyVoteAt(store, participantRowOf(store, participantKey), statementColumnOf(store, statementKey), vote);
  return ok(undefined);
}

/**
 * Record a vote by indices. Precondition: `row` and `column` come from `participantRowOf` /
 * `statementColumnOf` of this store and `vote` ∈ {−1, 0, 1}. O(1) amortised.
 */
export function applyVoteAt(store: VoteStore, row: ParticipantRow, column: StatementColumn, vote: Vote): void {
  const count = store.pendingCount;
  if (count === store.pendingRow.length) growPending(store, count * 2);
  store.pendingRow[count] = row;
  store.pendingColumn[count] = column;
  store.pendingValue[count] = vote;
  store.pendingCount = count + 1;
  store.revision++;
}

/** Make room for at least `additional` more pending votes (avoids repeated growth in bulk loads). */
export function reservePendingVotes(store: VoteStore, additional: number): void {
  const needed = store.pendingCount + additional;
  if (needed > store.pendingRow.length) growPending(store, needed);
}

function growPending(store: VoteStore, capacity: number): void {
  const row = new Int32Array(capacity);
  row.set(store.pendingRow.subarray(0, store.pendingCount));
  const column = new Int32Array(capacity);
  column.set(store.pendingColumn.subarray(0, store.pendingCount));
  const value = new Int8Array(capacity);
  value.set(store.pendingValue.subarray(0, store.pendingCount));
  store.pendingRow = row;
  store.pendingColumn = column;
  store.pendingValue = value;
}

/**
 * Merge the pending log into the CSR matrix and return it. O(cells + pending · log(pending per
 * row)). Afterwards `pendingCount === 0` and the matrix covers every participant and statement.
 */
export function compactVotes(store: VoteStore): VoteMatrix {
  const rowCount = store.participantKeys.length;
  const columnCount = store.statementKeys.length;
  const old = store.matrix;
  const pendingCount = store.pendingCount;
  if (pendingCount === 0 && old.rowCount === rowCount && old.columnCount === columnCount) return old;

  if (old.cellCount === 0 && pendingInStrictOrder(store)) return adoptSortedPending(store, rowCount, columnCount);

  // Counting sort of the pending votes by row, stable (keeps arrival order inside a row).
  const pendingStart = new Int32Array(rowCount + 1);
  const pRow = store.pendingRow;
  const pColumn = store.pendingColumn;
  const pValue = store.pendingValue;
  for (let k = 0; k < pendingCount; k++) pendingStart[pRow[k]! + 1]!++;
  for (let r = 0; r < rowCount; r++) pendingStart[r + 1]! += pendingStart[r]!;
  const cursor = pendingStart.slice(0, rowCount);
  const order = new Int32Array(pendingCount);
  for (let k = 0; k < pendingCount; k++) order[cursor[pRow[k]!]!++] = k;

  const capacity = old.cellCount + pendingCount;
  const counts = new Int32Array(3 * columnCount);
  counts.set(old.columnVoteCounts.subarray(0, Math.min(old.columnVoteCounts.length, counts.length)));
  const oldColumn = old.column;
  const oldValue = old.value;
  const oldRowStart = old.rowStart;
  const oldRows = old.rowCount;
  const rowStart = new Int32Array(rowCount + 1);
  const column = new Int32Array(capacity);
  const value = new Int8Array(capacity);
  let out = 0;
  let scratch = new Int32Array(16);
  for (let r = 0; r < rowCount; r++) {
    const pFrom = pendingStart[r]!;
    const pTo = pendingStart[r + 1]!;
    if (pFrom === pTo) {
      // a run of rows without pending votes: one block copy
      let end = r + 1;
      while (end < rowCount && pendingStart[end + 1] === pendingStart[end]) end++;
      const oFrom = r < oldRows ? oldRowStart[r]! : 0;
      const lastOld = Math.min(end, oldRows);
      const oTo = r < oldRows ? oldRowStart[lastOld]! : 0;
      column.set(oldColumn.subarray(oFrom, oTo), out);
      value.set(oldValue.subarray(oFrom, oTo), out);
      for (let q = r; q < end; q++) rowStart[q] = out + (q < oldRows ? oldRowStart[q]! - oFrom : oTo - oFrom);
      out += oTo - oFrom;
      r = end - 1;
      continue;
    }
    rowStart[r] = out;
    const oFrom = r < oldRows ? oldRowStart[r]! : 0;
    const oTo = r < oldRows ? oldRowStart[r + 1]! : 0;
    // This row's pending votes sorted by (column, arrival), as indices into the pending log.
    // Arrival order inside a row is already ascending, so a stable insertion sort on the column
    // suffices (rows rarely hold more than a few pending votes).
    const len = pTo - pFrom;
    if (scratch.length < len) scratch = new Int32Array(len * 2);
    const keys = scratch;
    for (let t = 0; t < len; t++) {
      const k = order[pFrom + t]!;
      const c = pColumn[k]!;
      let u = t;
      while (u > 0 && pColumn[keys[u - 1]!]! > c) {
        keys[u] = keys[u - 1]!;
        u--;
      }
      keys[u] = k;
    }
    // Merge old row (sorted, unique columns) with pending (sorted by column, then arrival).
    let o = oFrom;
    let t = 0;
    while (t < len) {
      const k = keys[t]!;
      const c = pColumn[k]!;
      // last pending vote for column c wins
      let last = k;
      while (t + 1 < len && pColumn[keys[t + 1]!]! === c) {
        t++;
        last = keys[t]!;
      }
      t++;
      while (o < oTo && oldColumn[o]! < c) {
        column[out] = oldColumn[o]!;
        value[out] = oldValue[o]!;
        out++;
        o++;
      }
      if (o < oTo && oldColumn[o]! === c) {
        counts[3 * c + oldValue[o]! + 1]!--;
        o++;
      }
      column[out] = c;
      value[out] = pValue[last]!;
      counts[3 * c + pValue[last]! + 1]!++;
      out++;
    }
    while (o < oTo) {
      column[out] = oldColumn[o]!;
      value[out] = oldValue[o]!;
      out++;
      o++;
    }
  }
  rowStart[rowCount] = out;
  const matrix: VoteMatrix = {
    rowCount,
    columnCount,
    rowStart,
    // A view, not a copy: replaced votes leave a little unused room at the end of the buffers.
    column: out === capacity ? column : column.subarray(0, out),
    value: out === capacity ? value : value.subarray(0, out),
    cellCount: out,
    columnVoteCounts: counts,
  };
  store.matrix = matrix;
  store.pendingCount = 0;
  if (store.pendingRow.length > INITIAL_PENDING_CAPACITY * 64) {
    store.pendingRow = new Int32Array(INITIAL_PENDING_CAPACITY);
    store.pendingColumn = new Int32Array(INITIAL_PENDING_CAPACITY);
    store.pendingValue = new Int8Array(INITIAL_PENDING_CAPACITY);
  }
  return matrix;
}

/** True when the pending votes are sorted by (row, column) without repeats (e.g. a bulk load). */
function pendingInStrictOrder(store: VoteStore): boolean {
  const { pendingRow: row, pendingColumn: column, pendingCount: count } = store;
  for (let k = 1; k < count; k++) {
    const dr = row[k]! - row[k - 1]!;
    if (dr < 0 || (dr === 0 && column[k]! <= column[k - 1]!)) return false;
  }
  return true;
}

/** Compaction of an empty matrix with strictly ordered pending votes: a copy, O(votes). */
function adoptSortedPending(store: VoteStore, rowCount: number, columnCount: number): VoteMatrix {
  const count = store.pendingCount;
  const rowStart = new Int32Array(rowCount + 1);
  for (let k = 0; k < count; k++) rowStart[store.pendingRow[k]! + 1]!++;
  for (let r = 0; r < rowCount; r++) rowStart[r + 1]! += rowStart[r]!;
  const column = store.pendingColumn.slice(0, count);
  const value = store.pendingValue.slice(0, count);
  const counts = new Int32Array(3 * columnCount);
  for (let k = 0; k < count; k++) counts[3 * column[k]! + value[k]! + 1]!++;
  const matrix: VoteMatrix = { rowCount, columnCount, rowStart, column, value, cellCount: count, columnVoteCounts: counts };
  store.matrix = matrix;
  store.pendingCount = 0;
  store.pendingRow = new Int32Array(INITIAL_PENDING_CAPACITY);
  store.pendingColumn = new Int32Array(INITIAL_PENDING_CAPACITY);
  store.pendingValue = new Int8Array(INITIAL_PENDING_CAPACITY);
  return matrix;
}

/** The latest vote of `row` on `column`, or undefined. Needs a compacted store. O(log row length). */
export function voteAt(matrix: VoteMatrix, row: ParticipantRow, column: StatementColumn): Vote | undefined {
  if (row >= matrix.rowCount) return undefined;
  let lo = matrix.rowStart[row]!;
  let hi = matrix.rowStart[row + 1]! - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = matrix.column[mid]!;
    if (c === column) return matrix.value[mid]! as Vote;
    if (c < column) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

/** Every `stride`-th row of `matrix` (rows 0, stride, 2·stride, …) as its own matrix: a deterministic sample. */
export function rowSampleOf(matrix: VoteMatrix, stride: number): VoteMatrix {
  const rows = Math.ceil(matrix.rowCount / stride);
  const rowStart = new Int32Array(rows + 1);
  let cells = 0;
  for (let i = 0; i < rows; i++) {
    const r = i * stride;
    cells += matrix.rowStart[r + 1]! - matrix.rowStart[r]!;
    rowStart[i + 1] = cells;
  }
  const column = new Int32Array(cells);
  const value = new Int8Array(cells);
  for (let i = 0; i < rows; i++) {
    const r = i * stride;
    column.set(matrix.column.subarray(matrix.rowStart[r]!, matrix.rowStart[r + 1]!), rowStart[i]!);
    value.set(matrix.value.subarray(matrix.rowStart[r]!, matrix.rowStart[r + 1]!), rowStart[i]!);
  }
  const counts = new Int32Array(3 * matrix.columnCount);
  for (let k = 0; k < cells; k++) counts[3 * column[k]! + value[k]! + 1]!++;
  return { rowCount: rows, columnCount: matrix.columnCount, rowStart, column, value, cellCount: cells, columnVoteCounts: counts };
}
