/**
 * One similarity index per issue (src/engine/text), kept in the server's memory: the statements a
 * member may be shown while typing. Built from the store on the first query of an issue, then
 * brought up to date before each query by one aggregate read (the issue's statements
 * fingerprint): when it differs, only the statements created, moderated or merged since are read
 * and applied, so statements added, moderated or merged by this process or by another one over
 * the same database show at the next query. Rejected and merged statements are not held.
 */
import { createSimilarityIndex, guessLanguage, type SimilarityIndex, type SimilarityMatch } from '../../engine/index.js';
import type { StatementStatus } from '../../core/index.js';
import { statements, type Db } from '../../store/index.js';

/** Issues whose index is kept; the least recently queried beyond are dropped (and rebuilt if asked again). */
const MAX_ISSUES = 64;

interface IssueIndex {
  orgId: string;
  index: SimilarityIndex;
  /** The statements held, by id. */
  held: Map<string, statements.StatementRow>;
  /** Every statement of the issue seen, held or not: a sync that missed one is caught by the count. */
  seen: Set<string>;
  /** How many held statements are waiting for moderation (hidden from members under the strict policy). */
  unmoderated: number;
  fingerprint: statements.StatementsFingerprint;
  /** Held statements when the index was built (the language was guessed from them). */
  builtFrom: number;
}

export interface SimilarStatement {
  row: statements.StatementRow;
  score: number;
}

export interface StatementSimilarity {
  /**
   * The `k` statements of the issue closest to `text` whose status the reader may see (never
   * rejected or merged ones), best first.
   */
  closest(orgId: string, issueId: string, text: string, k: number, visible: readonly StatementStatus[]): Promise<SimilarStatement[]>;
  /** How many issues are indexed (tests). */
  readonly size: number;
}

const holds = (s: statements.StatementRow) => s.merged_into === null && s.status !== 'rejected';
const sameFingerprint = (a: statements.StatementsFingerprint, b: statements.StatementsFingerprint) =>
  a.count === b.count &&
  a.accepted === b.accepted &&
  a.rejected === b.rejected &&
  a.merged === b.merged &&
  a.newestCreated === b.newestCreated &&
  a.newestModerated === b.newestModerated &&
  a.newestMerged === b.newestMerged;

export function createStatementSimilarity(db: () => Db): StatementSimilarity {
  const indexes = new Map<string, IssueIndex>();
  /** One sync per issue at a time: concurrent queries wait for it rather than repeat it. */
  const syncing = new Map<string, Promise<IssueIndex>>();

  function put(entry: IssueIndex, s: statements.StatementRow): void {
    entry.seen.add(s.id);
    const before = entry.held.get(s.id);
    if (before?.status === 'unmoderated') entry.unmoderated--;
    if (!holds(s)) {
      if (before) {
        entry.held.delete(s.id);
        entry.index.remove(s.id);
      }
      return;
    }
    entry.held.set(s.id, s);
    if (s.status === 'unmoderated') entry.unmoderated++;
    if (before?.text !== s.text) entry.index.add(s.id, s.text);
  }

  async function build(orgId: string, issueId: string): Promise<IssueIndex> {
    const fingerprint = await statements.statementsFingerprint(db(), orgId, issueId);
    const rows = await statements.listStatements(db(), orgId, issueId);
    const kept = rows.filter(holds);
    const entry: IssueIndex = {
      orgId,
      index: createSimilarityIndex({ language: guessLanguage(kept.map((s) => s.text)) }),
      held: new Map(),
      seen: new Set(),
      unmoderated: 0,
      fingerprint,
      builtFrom: kept.length,
    };
    for (const s of rows) put(entry, s);
    return entry;
  }

  async function sync(orgId: string, issueId: string): Promise<IssueIndex> {
    const entry = indexes.get(issueId);
    if (!entry || entry.orgId !== orgId) return build(orgId, issueId);
    const fingerprint = await statements.statementsFingerprint(db(), orgId, issueId);
    if (sameFingerprint(fingerprint, entry.fingerprint)) return entry;
    // Fewer statements than before: the issue was restored or rebuilt under us.
    if (fingerprint.count < entry.fingerprint.count) return build(orgId, issueId);
    for (const s of await statements.statementsChangedSince(db(), orgId, issueId, entry.fingerprint)) put(entry, s);
    entry.fingerprint = fingerprint;
    // A statement committed late with an older time than one already seen would be missed: the count tells.
    if (entry.seen.size < fingerprint.count) return build(orgId, issueId);
    // The language was guessed from the statements of the day: guess again once they have more than doubled.
    if (entry.held.size > 2 * entry.builtFrom + 20) return build(orgId, issueId);
    return entry;
  }

  async function fresh(orgId: string, issueId: string): Promise<IssueIndex> {
    const running = syncing.get(issueId);
    if (running) await running.catch(() => undefined);
    const again = syncing.get(issueId);
    if (again) return again;
    const job = sync(orgId, issueId).finally(() => syncing.delete(issueId));
    syncing.set(issueId, job);
    const entry = await job;
    // Most recently used last: the first key is the one to drop.
    indexes.delete(issueId);
    indexes.set(issueId, entry);
    while (indexes.size > MAX_ISSUES) indexes.delete(indexes.keys().next().value!);
    return entry;
  }

  return {
    async closest(orgId, issueId, text, k, visible) {
      const entry = await fresh(orgId, issueId);
      const seesUnmoderated = visible.includes('unmoderated');
      // Ask for as many more as there are held statements this reader may not see, then drop those.
      const hidden = seesUnmoderated ? 0 : entry.unmoderated;
      const matches: SimilarityMatch[] = entry.index.query(text, k + hidden);
      const out: SimilarStatement[] = [];
      for (const m of matches) {
        const row = entry.held.get(m.id);
        if (!row || !visible.includes(row.status)) continue;
        out.push({ row, score: m.score });
        if (out.length === k) break;
      }
      return out;
    },
    get size() {
      return indexes.size;
    },
  };
}
