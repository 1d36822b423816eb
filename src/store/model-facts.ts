/**
 * The model's facts kept up to date instead of re-read (repos/facts.ts reads them whole). Per
 * organisation, this process holds the facts folded so far and the positions in the append-only
 * logs it has read up to: the events (`events.seq`), the vote log (`vote_log.seq`) and the
 * analyses. Each request reads only the rows appended since, folds them in (EventFold, the
 * rebuild's own fold) and hands out the facts in canonical order, equal to `loadModelFacts`'s.
 *
 * Each API process keeps its own: each reads from the database, so they agree.
 *
 * Positions. On SQLite one writer at a time takes a sequence value and commits before the next
 * takes one, so every row below the highest read is read: the position is the highest seq read.
 * On PostgreSQL a transaction can take a value and commit after another took and committed a
 * larger one: reading "after the highest seq read" would miss it. So the position moves up only
 * to seqs no transaction can still hold. A read notes the highest seq it saw, M. A snapshot taken
 * at least XID_MARGIN_MS after that read began gives the fence X, its xmax: every transaction that
 * took a seq ≤ M had taken its xid by then (it takes one at the row's insert, right after the
 * value), below X. When a later read's snapshot, taken before its rows, has an xmin ≥ X, all of
 * them had ended, so that read saw all their rows: the position becomes M. Until then each read
 * re-reads the tail above the position and skips the seqs it already folded. An event read late (below one folded, or dated before) refolds the events kept
 * in memory in the log's order (`at`, then seq), as the rebuild reads them.
 *
 * Analyses are few (one per analysis run): each read lists their ids, in the rebuild's order, and
 * parses the snapshot of each new one once, keeping only what the model needs.
 */
import type { ActFact, AnalysisFact, ModelFacts } from '../core/model/facts.js';
import type { Db } from './db-type.js';
import { postgresSnapshotBounds } from './dialect/postgres-snapshot.js';
import type { DialectName } from './dialect/types.js';
import { analysisFact, EventFold, eventOrder, factOrder, foldEventOf, loadModelFacts, voteAct, type FoldEvent } from './repos/facts.js';

export interface ModelFactsCache {
  /** The organisation's facts as of now: what was folded before and what was appended since. */
  of(orgId: string): Promise<ModelFacts>;
  /** Forget every organisation's facts (they are read again, whole, on the next request). */
  clear(): void;
}

/** How long after it took a sequence value a transaction surely has its xid (it takes it at the row's insert, microseconds on). */
const XID_MARGIN_MS = 250;

interface Snapshot {
  xmin: bigint;
  xmax: bigint;
  /** When it was taken (this process's clock). */
  at: number;
}

/** A position in one log: rows at or below `safe` are all folded; above it, the rows of the last read are. */
class LogPosition {
  safe = 0;
  /** The seqs above `safe` folded, ascending: the last read's (a read above `safe` returns at least what the one before did). */
  private seen: number[] = [];
  private pending: { seq: number; since: number; fence: bigint | null }[] = [];

  constructor(private readonly concurrent: boolean) {}

  /** Of the rows read above `safe`, in seq order, those not folded before. */
  fresh<T extends { seq: number | string | bigint }>(rows: readonly T[]): T[] {
    const seqs = rows.map((r) => Number(r.seq));
    const out: T[] = [];
    let i = 0;
    for (let k = 0; k < rows.length; k++) {
      const seq = seqs[k]!;
      while (i < this.seen.length && this.seen[i]! < seq) i++;
      if (this.seen[i] !== seq) out.push(rows[k]!);
    }
    this.seen = seqs;
    return out;
  }

  /**
   * After a read that began at `since`: move the position up as far as no transaction can still
   * add a row below it. `before` was taken before the rows were read, `after` once they were.
   */
  advance(since: number, before: Snapshot | null, after: Snapshot | null): void {
    const highest = this.seen.length ? this.seen[this.seen.length - 1]! : this.safe;
    if (!this.concurrent || !before || !after) {
      this.moveTo(highest);
      return;
    }
    if (highest > this.safe && highest > (this.pending[this.pending.length - 1]?.seq ?? 0)) this.pending.push({ seq: highest, since, fence: null });
    let to = this.safe;
    this.pending = this.pending.filter((p) => {
      // Every transaction that took a seq up to p.seq had its xid below the fence…
      if (p.fence === null && after.at - p.since >= XID_MARGIN_MS) p.fence = after.xmax;
      // …and once all of them ended before a read, that read saw all their rows.
      if (p.fence === null || before.xmin < p.fence) return true;
      to = Math.max(to, p.seq);
      return false;
    });
    this.moveTo(to);
  }

  private moveTo(seq: number): void {
    if (seq <= this.safe) return;
    this.safe = seq;
    const from = this.seen.findIndex((s) => s > seq);
    this.seen = from < 0 ? [] : this.seen.slice(from);
  }
}

/**
 * Of equal keys, votes keep the log's order (as the rebuild's stable sort leaves them): the new
 * votes are read in the log's order and sorted stably, and `merged` puts the votes folded before
 * ahead of new ones of the same key. (A vote whose seq was taken before an equal one's and that
 * committed after it would differ: the same member, statement and millisecond, on PostgreSQL only.)
 * No per-vote note of the seq: a weak map of ten million entries made each garbage collection walk it.
 */
const actOrder = factOrder.acts;

/**
 * Two arrays in `order` as one, in order. When `b` comes wholly after `a`, `a` itself grows (the
 * facts' contract with the model: an acts array handed out only ever grows at its end, so what
 * the model built on it is extended, not rebuilt); otherwise a new array.
 */
function merged<T>(a: T[], b: readonly T[], order: (x: T, y: T) => number): T[] {
  if (b.length === 0) return a;
  if (a.length === 0 || order(a[a.length - 1]!, b[0]!) <= 0) {
    for (const x of b) a.push(x);
    return a;
  }
  const out = new Array<T>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = order(a[i]!, b[j]!) <= 0 ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}

class OrganisationFacts {
  private readonly events: FoldEvent[] = [];
  private fold = new EventFold();
  private readonly eventPosition: LogPosition;
  private readonly votePosition: LogPosition;
  private readonly analyses = new Map<string, AnalysisFact>();
  private analysisOrder = '';
  private facts: ModelFacts = { members: [], issues: [], acts: [], reports: [], lines: [], endorsements: [], analyses: [], blocks: [], importance: [] };
  private reading: Promise<ModelFacts> | null = null;
  private readonly ids = new Map<string, string>();
  private next: Promise<ModelFacts> | null = null;

  constructor(
    private readonly db: Db,
    private readonly orgId: string,
    private readonly concurrent: boolean,
  ) {
    this.eventPosition = new LogPosition(concurrent);
    this.votePosition = new LogPosition(concurrent);
  }

  private intern(id: string): string {
    const kept = this.ids.get(id);
    if (kept !== undefined) return kept;
    this.ids.set(id, id);
    return id;
  }

  /**
   * The facts as of a read that starts after the call: a request sees every write committed
   * before it. Requests that arrive while a read runs share the one read after it.
   */
  current(): Promise<ModelFacts> {
    if (!this.reading) return (this.reading = this.readSince().finally(() => (this.reading = null)));
    this.next ??= this.reading
      .catch(() => undefined)
      .then(() => {
        this.next = null;
        return this.current();
      });
    return this.next;
  }

  private async readSince(): Promise<ModelFacts> {
    const { db, orgId } = this;
    // The snapshot is taken before the rows are read: each read sees every transaction ended by then.
    const since = Date.now();
    const start = this.concurrent ? await snapshotBounds(db) : null;
    const [eventRows, voteRows, analysisRows] = await Promise.all([
      db
        .selectFrom('events')
        .select(['seq', 'type', 'issue_id', 'actor_id', 'at', 'data'])
        .where('org_id', '=', orgId)
        .where('seq', '>', this.eventPosition.safe)
        .orderBy('seq')
        .execute(),
      db
        .selectFrom('vote_log')
        .select(['seq', 'member_id', 'issue_id', 'statement_id', 'cast_at', 'value', 'carried_from'])
        .where('org_id', '=', orgId)
        .where('seq', '>', this.votePosition.safe)
        .orderBy('seq')
        .execute(),
      db.selectFrom('analyses').select(['id']).where('org_id', '=', orgId).where('source', '=', 'engine').orderBy('issue_id').orderBy('seq').execute(),
    ]);
    const end = this.concurrent ? await snapshotBounds(db) : null;

    // The events: in the log's order, refolded whole when one arrives before one already folded.
    const newEvents = this.eventPosition.fresh(eventRows).map(foldEventOf).sort(eventOrder);
    const last = this.events[this.events.length - 1];
    let refolded = false;
    if (newEvents.length && last && eventOrder(newEvents[0]!, last) < 0) {
      this.events.push(...newEvents);
      this.events.sort(eventOrder);
      this.fold = new EventFold();
      for (const e of this.events) this.fold.apply(e);
      refolded = true;
    } else {
      for (const e of newEvents) {
        this.events.push(e);
        this.fold.apply(e);
      }
    }
    const { changed, added, removed } = this.fold.taken();

    // The vote log's acts.
    const newVotes: ActFact[] = [];
    for (const r of this.votePosition.fresh(voteRows)) {
      // One string per id, however many votes name it: ten million votes name a hundred thousand members.
      newVotes.push(voteAct({ ...r, member_id: this.intern(r.member_id), issue_id: this.intern(r.issue_id), statement_id: this.intern(r.statement_id) }));
    }

    // The analyses: each new one's snapshot parsed once.
    const missing = analysisRows.filter((a) => !this.analyses.has(a.id)).map((a) => a.id);
    if (missing.length) {
      const rows = await db
        .selectFrom('analyses')
        .select(['id', 'issue_id', 'created_at', 'result'])
        .where('org_id', '=', orgId)
        .where('id', 'in', missing)
        .execute();
      for (const r of rows) this.analyses.set(r.id, analysisFact(r));
    }
    const analysisOrder = analysisRows.map((a) => a.id).join(' ');

    const f = this.fold;
    const before = this.facts;
    let acts = before.acts;
    if (refolded)
      acts = merged(
        merged(
          acts.filter((a) => a.kind === 'vote'),
          newVotes.sort(actOrder),
          actOrder,
        ),
        f.acts().sort(actOrder),
        actOrder,
      );
    else {
      if (removed.size) acts = acts.filter((a) => !removed.has(a));
      acts = merged(acts, [...added, ...newVotes].sort(actOrder), actOrder);
    }
    const all = refolded ? null : changed;
    const has = (kind: Parameters<typeof changed.has>[0]) => all === null || all.has(kind);
    this.facts = {
      members: has('members') ? [...f.members.values()].sort(factOrder.members) : before.members,
      issues: has('issues') ? [...f.issues.values()].sort(factOrder.issues) : before.issues,
      acts,
      reports: has('reports') ? [...f.reports].sort(factOrder.reports) : before.reports,
      lines: has('lines') ? [...f.lines].sort(factOrder.lines) : before.lines,
      endorsements: has('endorsements') ? [...f.answers.values()].sort(factOrder.endorsements) : before.endorsements,
      analyses: analysisOrder !== this.analysisOrder ? analysisRows.map((a) => this.analyses.get(a.id)!).filter(Boolean) : before.analyses,
      blocks: has('blocks') ? [...f.blocks].sort(factOrder.blocks) : before.blocks,
      importance: has('importance') ? [...f.importance.values()].sort(factOrder.importance) : before.importance,
    };
    this.analysisOrder = analysisOrder;
    this.eventPosition.advance(since, start, end);
    this.votePosition.advance(since, start, end);
    return this.facts;
  }
}

/** The oldest transaction still running and the next to begin, as of now (PostgreSQL). */
async function snapshotBounds(db: Db): Promise<Snapshot> {
  return { ...(await postgresSnapshotBounds(db)), at: Date.now() };
}

/** A cache of the model's facts for the organisations this process serves. */
export function createModelFactsCache(db: Db, dialect: DialectName): ModelFactsCache {
  const orgs = new Map<string, OrganisationFacts>();
  return {
    of(orgId) {
      // Inside a transaction the facts are the transaction's own: read them whole.
      if (db.isTransaction) return loadModelFacts(db, orgId);
      let org = orgs.get(orgId);
      if (!org) orgs.set(orgId, (org = new OrganisationFacts(db, orgId, dialect === 'postgres')));
      const kept = org;
      // A read that failed half way may have folded rows it did not hand out: start over on the next request.
      return kept.current().catch((err: unknown) => {
        if (orgs.get(orgId) === kept) orgs.delete(orgId);
        throw err;
      });
    },
    clear: () => orgs.clear(),
  };
}
