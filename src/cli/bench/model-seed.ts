/**
 * The organisation the model bench reads: members in constituencies, issues opened over the past
 * year with accepted statements and a logged vote history, and on some issues an analysis, a
 * published line whose claims cite statements, answers to it and reports on its claims. Written
 * straight into the store, through its repositories except for the votes (a bulk load on SQLite:
 * see seedModelBenchOrganisation), with the events the routes would have recorded, so the model's
 * facts read from the tables and rebuilt from the event log agree. Every figure comes from a seeded generator: the
 * same options give the same votes, answers and reports (only the ids are fresh).
 */
import { groupConsensusOf } from '../../core/consensus.js';
import type { AnalysisSnapshot } from '../../contract/analysis.js';
import type { EndorsementKind, Verdict, VoteValue } from '../../core/index.js';
import fs from 'node:fs';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, sql, type SqliteDatabase as KyselySqliteDatabase } from 'kysely';
import {
  analyses,
  events,
  inTransaction,
  issues,
  lines,
  members,
  newId,
  newToken,
  openStore,
  organisations,
  practice,
  sessions,
  sqliteFile,
  statements,
  tokenHash,
  type Db,
  type votes,
} from '../../store/index.js';
import type { Database } from '../../store/schema/index.js';

export interface ModelBenchSize {
  members: number;
  issues: number;
  /** Logged votes over all issues. */
  votes: number;
  /** Members given a session: the reader, and the voters of the new votes. */
  sessions: number;
  seed: number;
}

export interface ModelBenchOrganisation {
  orgId: string;
  /** Every issue, in the order opened. */
  issueIds: string[];
  /** Issues whose line is published (the issue routes are read on these). */
  lineIssueIds: string[];
  /** The newest published version of each issue in lineIssueIds. */
  versionIds: string[];
  /** Issues still gathering, with their accepted statements: the new votes go there. */
  gathering: { issueId: string; statementIds: string[] }[];
  /** Members with a session (the first is the reader, an ordinary member who votes), and their tokens. */
  memberIds: string[];
  sessionTokens: string[];
  /** What was written. */
  written: {
    members: number;
    statements: number;
    votes: number;
    analyses: number;
    lineVersions: number;
    endorsements: number;
    reports: number;
    events: number;
  };
}

/** mulberry32: a small seeded generator, uniform on [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY = 86_400_000;
const constituencies = ['North depot', 'South depot', 'Night shift', 'Drivers', 'Cleaners'];
/** Opinion groups the votes are drawn from: a member's leaning is fixed, a statement's differs by group. */
const leanings = 3;
const statementsPerIssue = 40;
/** Every third issue has a published line (at least one). */
const hasLine = (i: number) => i % 3 === 0;

/** What the seed writes into a SQLite file it made, so a later run can tell it and its options (`--database`). */
const markerTable = 'bench_model_seed';
/** Bumped whenever the seed would write another organisation for the same options: a file of another format is not reused. */
const seedFormat = 3;

/** The options a seeded file was written with, as kept in it. */
type SeededOptions = { format: number } & ModelBenchSize;

/**
 * The bench organisation. On PostgreSQL through the store, one transaction per issue (the votes
 * by arrays unnested, 50,000 a statement). On SQLite through a connection of its own, in one
 * transaction, as a bulk load: rollback journal and synchronous off (nothing is acknowledged to
 * anyone while it runs), the vote tables' secondary indexes dropped and created again afterwards
 * from the SQL they were created with, foreign keys checked once at the end
 * (`PRAGMA foreign_key_check`, which must report nothing) instead of on every row; then the file
 * is put back in WAL mode, with a table naming the options it was seeded with (`--database`).
 * `onProgress` hears the votes written so far.
 */
export async function seedModelBenchOrganisation(
  target: { dataDir: string; databaseUrl: string | undefined },
  size: ModelBenchSize,
  onProgress?: (votesWritten: number) => void,
  onStep?: (done: string) => void,
): Promise<ModelBenchOrganisation> {
  const store = openStore({ dataDir: target.dataDir, databaseUrl: target.databaseUrl });
  try {
    await store.migrate();
    if (store.dialect === 'postgres') {
      const superuser = await sql<{ rolsuper: boolean }>`select rolsuper from pg_roles where rolname = current_user`.execute(store.db);
      const out = await seed(store.db, postgresVotes(superuser.rows[0]?.rolsuper === true), size, onProgress);
      const broken = await postgresForeignKeyCheck(store.db);
      if (broken.length > 0) throw new Error(`the seed wrote rows whose foreign keys point nowhere: ${broken.join('; ')}`);
      return out;
    }
  } finally {
    await store.close();
  }
  return seedSqlite(sqliteFile(target.dataDir), size, onProgress, onStep);
}

async function seedSqlite(
  file: string,
  size: ModelBenchSize,
  onProgress?: (votesWritten: number) => void,
  onStep?: (done: string) => void,
): Promise<ModelBenchOrganisation> {
  let since = performance.now();
  const step = (done: string) => {
    const now = performance.now();
    onStep?.(`${done} in ${((now - since) / 1000).toFixed(1)} s`);
    since = now;
  };
  const raw = new SqliteDatabase(file);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: cachingStatements(raw) }) });
  try {
    // The store closed its connections, so the file can leave WAL mode for the load.
    const mode: unknown = raw.pragma('journal_mode = DELETE', { simple: true });
    if (mode !== 'delete') throw new Error(`the SQLite file stayed in journal mode ${String(mode)}: is another process using ${file}?`);
    raw.pragma('synchronous = OFF');
    raw.pragma('foreign_keys = OFF');
    // Up to 3 GB of page cache: the vote log's member index is written in random order.
    raw.pragma('cache_size = -3145728');
    raw.pragma('temp_store = MEMORY');
    const org = await db.transaction().execute(async (trx) => {
      const indexes = raw
        .prepare<[], { name: string; sql: string }>(
          "select name, sql from sqlite_master where type = 'index' and tbl_name in ('vote_log', 'votes') and sql is not null order by name",
        )
        .all();
      for (const index of indexes) raw.exec(`drop index "${index.name.replace(/"/g, '""')}"`);
      const out = await seed(trx, sqliteVotes(raw), size, onProgress);
      step('rows written');
      for (const index of indexes) raw.exec(index.sql);
      step(`indexes ${indexes.map((x) => x.name).join(', ')} created again`);
      const broken = raw.prepare<[], { table: string; parent: string }>('pragma foreign_key_check').all();
      if (broken.length > 0)
        throw new Error(`the seed wrote ${broken.length} rows whose foreign keys point nowhere (first: ${broken[0]!.table} → ${broken[0]!.parent})`);
      step('foreign keys checked');
      raw.exec(`create table ${markerTable} (options text not null, organisation text not null, seeded_at text not null)`);
      raw
        .prepare(`insert into ${markerTable} (options, organisation, seeded_at) values (?, ?, ?)`)
        .run(JSON.stringify(seededOptions(size)), JSON.stringify(out), new Date().toISOString());
      return out;
    });
    step('committed');
    raw.pragma('journal_mode = WAL');
    return org;
  } finally {
    await db.destroy();
  }
}

/** The connection for Kysely, each statement prepared once by its SQL (the repositories' multi-row inserts repeat theirs). */
function cachingStatements(raw: SqliteDatabase.Database): KyselySqliteDatabase {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => raw.close(),
    prepare(text) {
      const cached = cache.get(text);
      if (cached && !cached.busy) return cached;
      const statement = raw.prepare(text);
      if (!cached) cache.set(text, statement);
      return statement;
    },
  };
}

const seededOptions = (size: ModelBenchSize): SeededOptions => ({
  format: seedFormat,
  members: size.members,
  issues: size.issues,
  votes: size.votes,
  sessions: size.sessions,
  seed: size.seed,
});

/** What a SQLite file holds for `--database`: nothing yet, or the organisation seeded with these options; a string tells why it cannot be used. */
export function modelBenchDatabaseState(file: string, size: ModelBenchSize): 'absent' | 'seeded' | string {
  if (!fs.existsSync(file)) return 'absent';
  if (!fs.statSync(file).isFile()) return `${file} is not a file`;
  let raw: SqliteDatabase.Database;
  try {
    raw = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
  } catch (e) {
    return `${file} cannot be opened as a SQLite database (${e instanceof Error ? e.message : String(e)})`;
  }
  try {
    const marker = raw.prepare("select 1 from sqlite_master where type = 'table' and name = ?").get(markerTable);
    if (!marker) return `${file} was not seeded by bench-model (or its seed did not finish): remove it or name another file`;
    const row = raw.prepare<[], { options: string }>(`select options from ${markerTable}`).get();
    const kept = JSON.parse(row?.options ?? '{}') as Partial<SeededOptions>;
    const wanted = seededOptions(size);
    if (kept.format !== wanted.format) return `${file} was seeded by another version of bench-model's seed: remove it and seed again`;
    // The sessions follow from the members: those options are the command's.
    const flags = { members: '--members', issues: '--issues', votes: '--votes', seed: '--seed' } as const;
    const differ = (Object.keys(flags) as (keyof typeof flags)[]).filter((k) => kept[k] !== wanted[k]);
    if (differ.length > 0 || kept.sessions !== wanted.sessions) {
      return `${file} was seeded with other options (${differ.map((k) => `${flags[k]} ${String(kept[k])}`).join(', ') || `${String(kept.sessions)} sessions`}): run with those, or name another file`;
    }
    return 'seeded';
  } catch (e) {
    return `${file} cannot be read as a SQLite database (${e instanceof Error ? e.message : String(e)})`;
  } finally {
    raw.close();
  }
}

/**
 * The organisation a SQLite file was seeded with (modelBenchDatabaseState said 'seeded'), its
 * sessions made live again from now on (they last a week from the seed, and end when idle).
 */
export function openSeededModelBench(file: string): ModelBenchOrganisation {
  const raw = new SqliteDatabase(file, { fileMustExist: true });
  try {
    raw.pragma('journal_mode = WAL');
    raw.pragma('busy_timeout = 5000');
    const { organisation } = raw.prepare<[], { organisation: string }>(`select organisation from ${markerTable}`).get()!;
    const org = JSON.parse(organisation) as ModelBenchOrganisation;
    const now = Date.now();
    raw
      .prepare('update sessions set seen_at = ?, expires_at = ? where org_id = ?')
      .run(new Date(now).toISOString(), new Date(now + 7 * DAY).toISOString(), org.orgId);
    return org;
  } finally {
    raw.close();
  }
}

/** Where the votes go: the vote log (in order, one slice after another) and the current votes. */
interface VoteWriter {
  /** Append a slice of an issue's vote log, oldest first; returns the log's position of its last row. */
  appendLog(db: Db, orgId: string, issueId: string, log: readonly votes.LoggedVote[]): Promise<number>;
  /** The issue's current votes (none written before), each its member's newest logged vote on the statement. */
  insertCurrent(db: Db, orgId: string, issueId: string, current: readonly votes.LoggedVote[]): Promise<void>;
}

/** SQLite: prepared statements on the seed's own connection, inside its transaction, each inserting a hundred rows. */
function sqliteVotes(raw: SqliteDatabase.Database): VoteWriter {
  const columns = (updatedAt: string) => ['org_id', 'issue_id', 'statement_id', 'member_id', 'value', updatedAt];
  const log = bulkInsert(raw, 'vote_log', columns('cast_at'));
  const current = bulkInsert(raw, 'votes', columns('updated_at'));
  const fill = (orgId: string, issueId: string, rows: readonly votes.LoggedVote[]) => (i: number, out: unknown[], at: number) => {
    const v = rows[i]!;
    out[at] = orgId;
    out[at + 1] = issueId;
    out[at + 2] = v.statementId;
    out[at + 3] = v.memberId;
    out[at + 4] = v.value;
    out[at + 5] = v.castAt;
  };
  return {
    appendLog: (_db, orgId, issueId, rows) => Promise.resolve(log(rows.length, fill(orgId, issueId, rows))),
    insertCurrent: async (_db, orgId, issueId, rows) => void current(rows.length, fill(orgId, issueId, rows)),
  };
}

/** Rows per statement of bulkInsert: one call into SQLite per row costs more than SQLite's own work for a row. */
const BULK_ROWS = 100;

/** Insert `count` rows, `fill` writing row i's values at `at` of the parameters; returns the rowid of the last. */
function bulkInsert(raw: SqliteDatabase.Database, table: string, columns: readonly string[]) {
  const width = columns.length;
  const head = `insert into ${table} (${columns.join(', ')}) values `;
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const many = raw.prepare(head + Array.from({ length: BULK_ROWS }, () => tuple).join(', '));
  const one = raw.prepare(head + tuple);
  const params: unknown[] = new Array<unknown>(width * BULK_ROWS);
  const single: unknown[] = new Array<unknown>(width);
  return (count: number, fill: (i: number, out: unknown[], at: number) => void): number => {
    let last = 0;
    let i = 0;
    for (; i + BULK_ROWS <= count; i += BULK_ROWS) {
      for (let k = 0; k < BULK_ROWS; k++) fill(i + k, params, k * width);
      last = Number(many.run(params).lastInsertRowid);
    }
    for (; i < count; i++) {
      fill(i, single, 0);
      last = Number(one.run(single).lastInsertRowid);
    }
    return last;
  };
}

/**
 * PostgreSQL: each slice in a few statements, its columns sent as arrays and unnested in order.
 * When the role may (a superuser: the bench's embedded PostgreSQL), the vote rows are written with
 * the foreign keys' triggers off (`session_replication_role = replica`, for those statements
 * only: they cost four fifths of a row's time), and postgresForeignKeyCheck checks them once at
 * the end.
 */
function postgresVotes(triggersOff: boolean): VoteWriter {
  const unchecked = async <T>(db: Db, write: () => Promise<T>): Promise<T> => {
    if (!triggersOff) return write();
    await sql`set local session_replication_role = replica`.execute(db);
    const out = await write();
    await sql`set local session_replication_role = origin`.execute(db);
    return out;
  };
  return {
    async appendLog(db, orgId, issueId, rows) {
      let last = 0;
      for (let i = 0; i < rows.length; i += 50_000) {
        const slice = rows.slice(i, i + 50_000);
        const r = await unchecked(db, () =>
          sql<{ head: string | number | null }>`
            with written as (
              insert into vote_log (org_id, issue_id, statement_id, member_id, value, cast_at)
              select ${orgId}, ${issueId}, u.statement_id, u.member_id, u.value, u.cast_at
              from unnest(${slice.map((v) => v.statementId)}::text[], ${slice.map((v) => v.memberId)}::text[], ${slice.map((v) => v.value)}::int[], ${slice.map((v) => v.castAt)}::timestamptz[])
                with ordinality as u(statement_id, member_id, value, cast_at, n)
              order by u.n
              returning seq
            )
            select max(seq) as head from written`.execute(db),
        );
        last = Number(r.rows[0]?.head ?? last);
      }
      return last;
    },
    async insertCurrent(db, orgId, issueId, rows) {
      for (let i = 0; i < rows.length; i += 50_000) {
        const slice = rows.slice(i, i + 50_000);
        await unchecked(db, () =>
          sql`
            insert into votes (org_id, issue_id, statement_id, member_id, value, updated_at)
            select ${orgId}, ${issueId}, u.statement_id, u.member_id, u.value, u.updated_at
            from unnest(${slice.map((v) => v.statementId)}::text[], ${slice.map((v) => v.memberId)}::text[], ${slice.map((v) => v.value)}::int[], ${slice.map((v) => v.castAt)}::timestamptz[])
              as u(statement_id, member_id, value, updated_at)`.execute(db),
        );
      }
    },
  };
}

/** Rows of the vote tables whose foreign keys (as the catalog lists them) point nowhere: one count per key. */
async function postgresForeignKeyCheck(db: Db): Promise<string[]> {
  const keys = await sql<{ child: string; parent: string; child_columns: string[]; parent_columns: string[] }>`
    select c.conrelid::regclass::text as child, c.confrelid::regclass::text as parent,
      array(select a.attname::text from unnest(c.conkey) with ordinality k(n, i) join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.n order by k.i) as child_columns,
      array(select a.attname::text from unnest(c.confkey) with ordinality k(n, i) join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.n order by k.i) as parent_columns
    from pg_constraint c
    where c.contype = 'f' and c.conrelid in ('vote_log'::regclass, 'votes'::regclass)
    order by 1, 2`.execute(db);
  const broken: string[] = [];
  for (const key of keys.rows) {
    const pairs = key.child_columns.map((column, i) => sql`p.${sql.ref(key.parent_columns[i]!)} = c.${sql.ref(column)}`);
    const r = await sql<{ n: string | number }>`
      select count(*) as n from ${sql.table(key.child)} c
      where ${sql.join(
        key.child_columns.map((column) => sql`c.${sql.ref(column)} is not null`),
        sql` and `,
      )}
        and not exists (select 1 from ${sql.table(key.parent)} p where ${sql.join(pairs, sql` and `)})`.execute(db);
    const n = Number(r.rows[0]?.n ?? 0);
    if (n > 0) broken.push(`${n} rows of ${key.child} (${key.child_columns.join(', ')}) → ${key.parent}`);
  }
  return broken;
}

async function seed(db: Db, voteWriter: VoteWriter, size: ModelBenchSize, onProgress?: (votesWritten: number) => void): Promise<ModelBenchOrganisation> {
  const random = seededRandom(size.seed);
  const now = Date.now();
  const iso = (t: number) => new Date(t).toISOString();
  const yearAgo = now - 365 * DAY;
  /** The latest instant anything is dated: the organisation's history ends before the bench's requests begin. */
  const lastHour = now - 3_600_000;
  const written = { members: 0, statements: 0, votes: 0, analyses: 0, lineVersions: 0, endorsements: 0, reports: 0, events: 0 };

  // The organisation, its members (joined over the first month) and the sessions of the first few.
  const { orgId, memberRows } = await inTransaction(db, async (trx) => {
    const org = await organisations.createOrganisation(trx, {
      slug: `bench-model-${newToken()
        .slice(0, 8)
        .toLowerCase()
        .replace(/[^a-z0-9]/g, 'x')}`,
      name: 'Bench union',
      moderation: 'strict',
      at: iso(yearAgo),
    });
    const rows = Array.from({ length: size.members }, (_, i) =>
      members.memberRow({
        orgId: org.id,
        displayName: `Member ${i + 1}`,
        role: i === 0 ? 'admin' : i < 4 ? 'organiser' : 'member',
        constituency: constituencies[i % constituencies.length]!,
        at: iso(yearAgo + Math.floor((i / size.members) * 30 * DAY)),
      }),
    );
    await members.insertMembers(trx, rows);
    await events.recordEvents(
      trx,
      rows.map((m) => ({ orgId: org.id, type: 'member.joined', at: m.joined_at, actorId: m.id, data: { role: m.role, constituency: m.constituency } })),
    );
    written.members = rows.length;
    written.events += rows.length;
    return { orgId: org.id, memberRows: rows };
  });
  // The reader is the first ordinary member; the voters of the new votes follow.
  const sessionMembers = memberRows.slice(Math.min(4, memberRows.length - 1)).slice(0, size.sessions);
  const sessionTokens = sessionMembers.map(() => newToken());
  await inTransaction(db, async (trx) => {
    const expires = iso(now + 7 * DAY);
    for (const [i, m] of sessionMembers.entries()) {
      await sessions.createSession(trx, {
        id: tokenHash(sessionTokens[i]!),
        org_id: orgId,
        member_id: m.id,
        created_at: iso(now),
        expires_at: expires,
        role: m.role,
        seen_at: iso(now),
      });
    }
  });

  const leaningOf = (memberIndex: number) => memberIndex % leanings;
  const out: ModelBenchOrganisation = {
    orgId,
    issueIds: [],
    lineIssueIds: [],
    versionIds: [],
    gathering: [],
    memberIds: sessionMembers.map((m) => m.id),
    sessionTokens,
    written,
  };
  const organiser = memberRows[Math.min(1, memberRows.length - 1)]!.id;
  const perIssue = Math.floor(size.votes / size.issues);
  const reader = sessionMembers[0] ? memberRows.indexOf(sessionMembers[0]) : -1;
  const memberRank = rankOf(memberRows.map((m) => m.id));
  const memberAt = invert(memberRank);

  for (let i = 0; i < size.issues; i++) {
    const issueVotes = perIssue + (i < size.votes % size.issues ? 1 : 0);
    // Issues open one after another over the year's first ten months; each votes until now.
    const openedAt = yearAgo + 31 * DAY + Math.floor((i / size.issues) * 300 * DAY);
    await inTransaction(db, async (trx) => {
      const { issue, cycle } = await issues.createIssue(trx, {
        orgId,
        title: `Issue ${i + 1}`,
        description: `What should the union do about issue ${i + 1}?`,
        createdBy: organiser,
        at: iso(openedAt),
      });
      await events.recordEvent(trx, {
        orgId,
        issueId: issue.id,
        cycleId: cycle.id,
        type: 'issue.opened',
        at: iso(openedAt),
        actorId: organiser,
        data: { title: issue.title },
      });
      written.events++;
      out.issueIds.push(issue.id);
      // Statements: a few by members (acts of the masses), the rest by the organiser; each group leans its own way on each.
      const statementRows = Array.from({ length: statementsPerIssue }, (_, s) => {
        const author = s % 4 === 0 ? memberRows[Math.floor(random() * memberRows.length)]!.id : organiser;
        return statements.statementRow({
          orgId,
          issueId: issue.id,
          cycleId: cycle.id,
          authorId: author,
          text: `Issue ${i + 1}, statement ${s + 1}`,
          status: 'accepted',
          origin: author === organiser ? 'organiser' : 'member',
          at: iso(openedAt + s * 3_600_000),
        });
      });
      await statements.insertStatements(trx, statementRows);
      await events.recordEvents(
        trx,
        statementRows.map((s) => ({
          orgId,
          issueId: issue.id,
          cycleId: cycle.id,
          type: 'statement.added',
          at: s.created_at,
          actorId: s.author_id,
          data: { statementId: s.id },
        })),
      );
      written.statements += statementRows.length;
      written.events += statementRows.length;
      const agreeChance = statementRows.map(() => Array.from({ length: leanings }, () => 0.15 + 0.7 * random()));

      // The vote log: a random member on a random statement, in time order from the second day to an hour ago; some repeated, some changed.
      const first = openedAt + DAY;
      const span = now - 3_600_000 - first;
      // Each pair's newest vote (by its position j in the log), in the order pairs first voted.
      const current = new Map<number, number>();
      const values = new Int8Array(issueVotes);
      const castAts: string[] = new Array<string>(issueVotes);
      const chunk = 50_000;
      let head = 0;
      for (let k = 0; k < issueVotes; k += chunk) {
        const log: votes.LoggedVote[] = [];
        for (let j = k; j < Math.min(issueVotes, k + chunk); j++) {
          // The reader votes on every issue, so their loop has work.
          const m = j === 0 && reader >= 0 ? reader : Math.floor(random() * memberRows.length);
          const s = Math.floor(random() * statementsPerIssue);
          const r = random();
          const p = agreeChance[s]![leaningOf(m)]!;
          const value: VoteValue = r < p ? 1 : r < p + (1 - p) * 0.8 ? -1 : 0;
          values[j] = value;
          current.set(m * statementsPerIssue + s, j);
          const castAt = (castAts[j] = iso(first + Math.floor((j / issueVotes) * span)));
          log.push({ statementId: statementRows[s]!.id, memberId: memberRows[m]!.id, value, castAt });
        }
        head = await voteWriter.appendLog(trx, orgId, issue.id, log);
        written.votes += log.length;
        onProgress?.(written.votes);
      }
      // The current votes in their primary key's order (statement, member), so its index is written in order.
      const statementRank = rankOf(statementRows.map((s) => s.id));
      const byKey = new Float64Array(current.size);
      let n = 0;
      for (const key of current.keys())
        byKey[n++] = statementRank[key % statementsPerIssue]! * memberRows.length + memberRank[Math.floor(key / statementsPerIssue)]!;
      byKey.sort();
      const statementAt = invert(statementRank);
      await voteWriter.insertCurrent(
        trx,
        orgId,
        issue.id,
        Array.from(byKey, (sortKey) => {
          const s = statementAt[Math.floor(sortKey / memberRows.length)]!;
          const m = memberAt[sortKey % memberRows.length]!;
          const j = current.get(m * statementsPerIssue + s)!;
          return { statementId: statementRows[s]!.id, memberId: memberRows[m]!.id, value: values[j] as VoteValue, castAt: castAts[j]! };
        }),
      );

      if (!hasLine(i) || issueVotes === 0) {
        out.gathering.push({ issueId: issue.id, statementIds: statementRows.map((s) => s.id) });
        return;
      }
      // An analysis of the votes: the members grouped by leaning, each group's tallies per statement.
      const analysisAt = openedAt + 20 * DAY;
      const groups = Array.from({ length: leanings }, (_, g) => ({ id: String(g), members: [] as string[] }));
      const groupVotes: AnalysisSnapshot['groupVotes'] = {};
      const voters = new Set<number>();
      for (const [key, j] of current) {
        const value = values[j];
        const m = Math.floor(key / statementsPerIssue);
        const s = key % statementsPerIssue;
        if (!voters.has(m)) {
          voters.add(m);
          groups[leaningOf(m)]!.members.push(memberRows[m]!.id);
        }
        const tally = ((groupVotes[statementRows[s]!.id] ??= {})[String(leaningOf(m))] ??= { agree: 0, disagree: 0, pass: 0 });
        if (value === 1) tally.agree++;
        else if (value === -1) tally.disagree++;
        else tally.pass++;
      }
      const share = (sid: string, g: number) => {
        const t = groupVotes[sid]?.[String(g)];
        const n = t ? t.agree + t.disagree + t.pass : 0;
        return n === 0 ? 0 : t!.agree / n;
      };
      const snapshot: AnalysisSnapshot = {
        source: 'engine',
        revision: head,
        computeMs: null,
        counts: { participants: voters.size, statements: statementRows.length, votes: issueVotes, clustered: voters.size, groups: leanings },
        groups: groups.map((g, gi) => ({
          ...g,
          representative: statementRows
            .map((s) => ({
              statementId: s.id,
              direction: 'agree' as const,
              share: share(s.id, gi),
              score: share(s.id, gi) - (share(s.id, (gi + 1) % leanings) + share(s.id, (gi + 2) % leanings)) / 2,
            }))
            .sort((a, b) => b.score - a.score)
            .slice(0, 3),
        })),
        consensus: [],
        groupInformedConsensus: statementRows.map((s) => ({
          statementId: s.id,
          score: Array.from({ length: leanings }, (_, g) => share(s.id, g)).reduce((a, x) => a * x, 1),
        })),
        divisive: [],
        bridging: [],
        map: { members: [], x: [], y: [], group: [] },
        groupVotes,
        priorities: {},
      };
      const { consensus, divisive } = groupConsensusOf(snapshot);
      snapshot.consensus = consensus;
      snapshot.divisive = divisive;
      const analysis = await analyses.saveAnalysis(trx, {
        orgId,
        issueId: issue.id,
        cycleId: cycle.id,
        source: 'engine',
        votesSeq: snapshot.revision,
        result: snapshot,
        at: iso(analysisAt),
      });
      written.analyses++;

      // One or two published versions; each claim cites statements and the analysis.
      const versionCount = i % 2 === 0 ? 2 : 1;
      let versionId = '';
      for (let v = 0; v < versionCount; v++) {
        // A month apart, or closer when the issue is recent: nothing is dated after an hour ago.
        const gap = Math.min(30 * DAY, Math.floor((lastHour - analysisAt - DAY) / versionCount));
        const publishedAt = analysisAt + DAY + v * gap;
        const draft = await lines.createDraft(trx, {
          orgId,
          issueId: issue.id,
          cycleId: cycle.id,
          analysisId: analysis.id,
          createdBy: organiser,
          at: iso(publishedAt - 3_600_000),
          claims: [0, 1, 2].map((c) => ({
            text: `Issue ${i + 1}, version ${v + 1}, claim ${c + 1}`,
            cites: [
              { kind: 'statement' as const, ref: statementRows[(c * 7 + v) % statementRows.length]!.id },
              { kind: 'analysis' as const, ref: analysis.id },
            ],
          })),
        });
        await lines.publishVersion(trx, orgId, draft.id, organiser, iso(publishedAt));
        const version = (await lines.getVersion(trx, orgId, draft.id))!;
        if (v === 0) {
          await issues.setCyclePhase(trx, cycle.id, 'gather', 'concentrate');
          await issues.setCyclePhase(trx, cycle.id, 'concentrate', 'propagate');
        }
        await events.recordEvent(trx, {
          orgId,
          issueId: issue.id,
          cycleId: cycle.id,
          type: 'line.published',
          at: iso(publishedAt),
          actorId: organiser,
          data: {
            versionId: version.id,
            number: version.number,
            analysisId: analysis.id,
            claims: version.claims.map((c) => ({
              id: c.id,
              text: c.text,
              cites: c.citations.map((x) => ({ kind: x.kind, ref: x.statement_id ?? x.analysis_id ?? x.report_id })),
            })),
          },
        });
        written.lineVersions++;
        written.events++;
        versionId = version.id;

        // Answers from a share of the members over the following weeks (the reader among them), then reports on the claims.
        const answerers = Math.min(memberRows.length, Math.max(1, Math.floor(memberRows.length / 50)));
        const answerEvents: events.NewEvent[] = [];
        // A member's newer answer to a version replaces the older (as practice.endorse does): each member's newest, written in bulk.
        const newest = new Map<number, { kind: EndorsementKind; at: string }>();
        for (let a = 0; a < answerers; a++) {
          const m = a === 0 && reader >= 0 ? reader : Math.floor(random() * memberRows.length);
          const r = random();
          const kind: EndorsementKind = r < 0.6 ? 'embrace' : r < 0.85 ? 'amend' : 'critique';
          const at = iso(publishedAt + Math.floor(((a + 1) / (answerers + 1)) * Math.min(20 * DAY, lastHour - publishedAt)));
          newest.set(m, { kind, at });
          answerEvents.push({
            orgId,
            issueId: issue.id,
            cycleId: cycle.id,
            type: 'line.endorsed',
            at,
            actorId: memberRows[m]!.id,
            data: { versionId: version.id, kind },
          });
        }
        const answerRows = [...newest].map(([m, a]) => ({
          id: newId(),
          org_id: orgId,
          line_version_id: version.id,
          member_id: memberRows[m]!.id,
          kind: a.kind,
          text: null,
          created_at: a.at,
        }));
        for (let k = 0; k < answerRows.length; k += 1000)
          await trx
            .insertInto('endorsements')
            .values(answerRows.slice(k, k + 1000))
            .execute();
        await events.recordEvents(trx, answerEvents);
        written.endorsements += answerers;
        written.events += answerEvents.length;
        const reporters = Math.min(memberRows.length, Math.max(1, Math.floor(memberRows.length / 500)));
        const reportEvents: events.NewEvent[] = [];
        for (let a = 0; a < reporters; a++) {
          const m = a === 0 && reader >= 0 ? reader : Math.floor(random() * memberRows.length);
          const claim = version.claims[a % version.claims.length]!;
          const r = random();
          const verdict: Verdict = r < 0.5 ? 'confirms' : r < 0.8 ? 'mixed' : 'refutes';
          const at = iso(publishedAt + Math.floor(((a + 1) / (reporters + 1)) * Math.min(25 * DAY, lastHour - publishedAt)));
          const report = await practice.fileReport(trx, {
            orgId,
            issueId: issue.id,
            cycleId: cycle.id,
            actionId: null,
            memberId: memberRows[m]!.id,
            claimId: claim.id,
            verdict,
            whatDone: 'Raised it at the depot meeting',
            whatHappened: 'See the verdict',
            at,
          });
          reportEvents.push({
            orgId,
            issueId: issue.id,
            cycleId: cycle.id,
            type: 'report.filed',
            at,
            actorId: report.member_id,
            data: { reportId: report.id, claimId: report.claim_id, verdict: report.verdict },
          });
        }
        await events.recordEvents(trx, reportEvents);
        written.reports += reporters;
        written.events += reportEvents.length;
      }
      out.lineIssueIds.push(issue.id);
      out.versionIds.push(versionId);
    });
  }
  return out;
}

/** Each string's place among them sorted as SQLite compares text (by bytes: these ids are ASCII). */
function rankOf(ids: readonly string[]): Int32Array {
  const order = ids.map((_, i) => i).sort((a, b) => (ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0));
  const rank = new Int32Array(ids.length);
  order.forEach((i, r) => (rank[i] = r));
  return rank;
}

/** rank → index. */
function invert(rank: Int32Array): Int32Array {
  const at = new Int32Array(rank.length);
  rank.forEach((r, i) => (at[r] = i));
  return at;
}
