/**
 * Backups: every table of the store in one portable archive, read online inside one snapshot,
 * and restored into an empty database of either dialect in one transaction.
 *
 * The archive is gzip'd JSON lines. The first line is the header:
 *   {format: 'massline-backup', version: 1, createdAt, dialect, migrations, tables: [{name, columns, rows, sha256}]}
 * then one line per row, `[table, [value, …]]` with the values in the header's column order,
 * table after table in foreign-key order (a table after every table it references), each
 * table's rows in primary-key order. A table's sha256 is over its row lines, each with its '\n'.
 * The header comes first although it counts the rows: the rows go to a temporary gzip member
 * first and are appended behind the header's own member (concatenated members are one stream).
 *
 * Values are JSON: text and timestamps as strings (ISO-8601), integers as numbers, booleans,
 * JSON columns as their JSON. On restore each value is converted for the target's column type,
 * so an archive of one dialect restores into the other.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip, createGzip, gzipSync } from 'node:zlib';
import { sql, type RawBuilder } from 'kysely';
import { z } from 'zod';
import type { Db, Store } from './db.js';
import type { DialectName } from './dialect/types.js';
import { migrations as knownMigrations } from './migrations/index.js';

export const ARCHIVE_FORMAT = 'massline-backup';
export const ARCHIVE_VERSION = 1;

/** An archive or a target that cannot be used, said in words an operator can act on. */
export class BackupError extends Error {}

const ArchiveTable = z.object({
  name: z.string().min(1),
  columns: z.array(z.string().min(1)).min(1),
  rows: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type ArchiveTable = z.infer<typeof ArchiveTable>;

const ArchiveHeader = z.object({
  format: z.literal(ARCHIVE_FORMAT),
  version: z.number().int(),
  createdAt: z.string(),
  dialect: z.enum(['sqlite', 'postgres']),
  migrations: z.array(z.string()).min(1),
  tables: z.array(ArchiveTable),
});
export type ArchiveHeader = z.infer<typeof ArchiveHeader>;

export interface BackupSummary {
  tables: number;
  rows: number;
  /** Size of the archive file. */
  bytes: number;
}

export interface RestoreSummary extends BackupSummary {
  /** Migrations of this build applied after the restore (the archive was made by an older one). */
  migratedAfter: string[];
}

/** Rows read per page (keyset pagination inside the snapshot). */
const PAGE_ROWS = 2000;
/** Bound parameters per insert: below SQLite's 32766 and PostgreSQL's 65535. */
const INSERT_PARAMETERS = 20_000;
const INSERT_ROWS = 1000;
/** Kysely's own bookkeeping: each database keeps its own. */
const MIGRATION_TABLES = new Set(['kysely_migration', 'kysely_migration_lock']);
/** The longest archive line read: far above any row's (an analysis of 100,000 members is tens of MB), below what one string can hold. */
const MAX_LINE_CHARS = 256 * 1_048_576;

// ---------------------------------------------------------------------------------------------
// The shape of the tables, from the database's own catalogue.

/** How a column's values are converted and compared across dialects. */
type ColumnKind = 'text' | 'integer' | 'number' | 'boolean' | 'timestamp' | 'json' | 'other';

interface Column {
  name: string;
  kind: ColumnKind;
}

interface TableShape {
  name: string;
  columns: Column[];
  /** The primary key's columns, in key order: the keyset of pagination. */
  key: string[];
  /** Tables this one has a foreign key to (itself excluded). */
  references: string[];
  /** Columns with a foreign key to this same table (issues.predecessor_id): filled in after the table's rows. */
  selfReferences: string[];
  /** PostgreSQL sequences that generate a column's values (bigserial). */
  sequences: { column: string; sequence: string }[];
}

/** What differs between the dialects' catalogues. */
interface Catalog {
  tables(db: Db): Promise<TableShape[]>;
  /** After a restore: make generated keys continue past the restored ones. */
  continueSequences(db: Db, tables: TableShape[]): Promise<void>;
}

function sqliteKind(declared: string): ColumnKind {
  // SQLite's affinity rules (https://sqlite.org/datatype3.html §3.1); timestamps are text there.
  const t = declared.toLowerCase();
  if (t.includes('int')) return 'integer';
  if (t.includes('bool')) return 'boolean';
  if (/char|clob|text/.test(t)) return 'text';
  if (/real|floa|doub/.test(t)) return 'number';
  return 'other';
}

const postgresKinds: Record<string, ColumnKind> = {
  text: 'text',
  varchar: 'text',
  bpchar: 'text',
  uuid: 'text',
  int2: 'integer',
  int4: 'integer',
  int8: 'integer',
  float4: 'number',
  float8: 'number',
  bool: 'boolean',
  timestamptz: 'timestamp',
  timestamp: 'timestamp',
  json: 'json',
  jsonb: 'json',
};

const catalogs: Record<DialectName, Catalog> = {
  sqlite: {
    async tables(db) {
      const names = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite\\_%' escape '\\' order by name`.execute(db);
      const out: TableShape[] = [];
      for (const { name } of names.rows) {
        if (MIGRATION_TABLES.has(name)) continue;
        const columns = await sql<{ name: string; type: string; pk: number }>`select name, type, pk from pragma_table_info(${name}) order by cid`.execute(db);
        const keys = await sql<{ table: string; from: string }>`select "table", "from" from pragma_foreign_key_list(${name})`.execute(db);
        out.push({
          name,
          columns: columns.rows.map((c) => ({ name: c.name, kind: sqliteKind(c.type) })),
          key: columns.rows.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name),
          references: [...new Set(keys.rows.map((k) => k.table).filter((t) => t !== name))],
          selfReferences: keys.rows.filter((k) => k.table === name).map((k) => k.from),
          // AUTOINCREMENT's sqlite_sequence follows explicit inserts by itself.
          sequences: [],
        });
      }
      return out;
    },
    async continueSequences() {},
  },
  postgres: {
    async tables(db) {
      const columns = await sql<{ table: string; column: string; type: string; key: number | null; sequence: string | null }>`
        select c.relname::text as "table", a.attname::text as "column", t.typname::text as "type",
          (select array_position(i.indkey::int2[], a.attnum) from pg_index i where i.indrelid = c.oid and i.indisprimary) as "key",
          pg_get_serial_sequence(quote_ident(c.relname), a.attname) as "sequence"
        from pg_class c
        join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
        join pg_type t on t.oid = a.atttypid
        where c.relkind in ('r', 'p') and c.relnamespace = current_schema()::regnamespace
        order by c.relname, a.attnum`.execute(db);
      const keys = await sql<{ table: string; references: string; columns: string[] }>`
        select src.relname::text as "table", dst.relname::text as "references",
          array(select a.attname::text from unnest(k.conkey) with ordinality as u(n, i) join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.n order by u.i) as "columns"
        from pg_constraint k
        join pg_class src on src.oid = k.conrelid
        join pg_class dst on dst.oid = k.confrelid
        where k.contype = 'f' and src.relnamespace = current_schema()::regnamespace`.execute(db);
      const byName = new Map<string, TableShape>();
      for (const c of columns.rows) {
        if (MIGRATION_TABLES.has(c.table)) continue;
        let table = byName.get(c.table);
        if (!table) byName.set(c.table, (table = { name: c.table, columns: [], key: [], references: [], selfReferences: [], sequences: [] }));
        table.columns.push({ name: c.column, kind: postgresKinds[c.type] ?? 'other' });
        if (c.sequence) table.sequences.push({ column: c.column, sequence: c.sequence });
      }
      for (const table of byName.values()) {
        const ranked = columns.rows.filter((c) => c.table === table.name && c.key !== null);
        table.key = ranked.sort((a, b) => a.key! - b.key!).map((c) => c.column);
      }
      for (const k of keys.rows) {
        const table = byName.get(k.table);
        if (!table) continue;
        if (k.references === k.table) table.selfReferences.push(...k.columns);
        else if (!table.references.includes(k.references)) table.references.push(k.references);
      }
      return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
    },
    async continueSequences(db, tables) {
      for (const t of tables)
        for (const s of t.sequences)
          await sql`select setval(${s.sequence}::regclass, coalesce(max(${sql.ref(s.column)}), 0) + 1, false) from ${sql.table(t.name)}`.execute(db);
    },
  },
};

/** A table after every table it references; ties by name, so the order is the same on both dialects. */
function dependencyOrder(tables: TableShape[]): TableShape[] {
  const known = new Set(tables.map((t) => t.name));
  const pending = [...tables].sort((a, b) => (a.name < b.name ? -1 : 1));
  const placed = new Set<string>();
  const out: TableShape[] = [];
  while (pending.length) {
    const i = pending.findIndex((t) => t.references.every((r) => placed.has(r) || !known.has(r)));
    if (i < 0) throw new BackupError(`the tables ${pending.map((t) => t.name).join(', ')} reference each other in a cycle: no order restores them`);
    const [table] = pending.splice(i, 1);
    placed.add(table!.name);
    out.push(table!);
  }
  return out;
}

async function describeTables(db: Db, dialect: DialectName): Promise<TableShape[]> {
  const tables = await catalogs[dialect].tables(db);
  const keyless = tables.filter((t) => t.key.length === 0);
  if (keyless.length) throw new BackupError(`the tables ${keyless.map((t) => t.name).join(', ')} have no primary key: they cannot be read page by page`);
  return dependencyOrder(tables);
}

/** The migrations applied to a database, oldest first; none when it has no schema yet. */
async function appliedMigrations(db: Db, dialect: DialectName): Promise<string[]> {
  const exists =
    dialect === 'sqlite'
      ? await sql`select 1 from sqlite_master where type = 'table' and name = 'kysely_migration'`.execute(db)
      : await sql`select 1 from pg_class where relname = 'kysely_migration' and relnamespace = current_schema()::regnamespace`.execute(db);
  if (!exists.rows.length) return [];
  const rows = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return rows.rows.map((r) => r.name);
}

// ---------------------------------------------------------------------------------------------
// Reading a table page by page, and values in and out of the archive.

type ArchiveValue = string | number | boolean | null | { [key: string]: unknown } | unknown[];

/** A table's rows in primary-key order, a page at a time: `(key) > (last key)`, which the key's index answers. */
async function* pagesOf(db: Db, table: TableShape, columns: string[]): AsyncGenerator<Record<string, unknown>[]> {
  const list = sql.join(columns.map((c) => sql.ref(c)));
  const key = sql.join(table.key.map((c) => sql.ref(c)));
  let last: unknown[] | null = null;
  for (;;) {
    const after: RawBuilder<unknown> = last ? sql`where (${key}) > (${sql.join(last)})` : sql``;
    const page = await sql<Record<string, unknown>>`select ${list} from ${sql.table(table.name)} ${after} order by ${key} limit ${sql.lit(PAGE_ROWS)}`.execute(db);
    if (page.rows.length) yield page.rows;
    if (page.rows.length < PAGE_ROWS) return;
    const end = page.rows[page.rows.length - 1]!;
    last = table.key.map((c) => end[c]);
  }
}

/** A value as the archive holds it. */
function archived(value: unknown, where: string): ArchiveValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new BackupError(`${where}: ${value} has no JSON form`);
    return value;
  }
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) throw new BackupError(`${where}: binary values are not supported`);
  if (typeof value === 'object') return value as ArchiveValue;
  throw new BackupError(`${where}: a ${typeof value} value is not supported`);
}

const truthy = (v: unknown) => v === true || v === 1 || v === '1' || v === 't' || v === 'true';

/** A value from the archive as the target column takes it. */
function stored(value: unknown, kind: ColumnKind, dialect: DialectName): unknown {
  if (value === null) return null;
  if (kind === 'boolean') return dialect === 'postgres' ? truthy(value) : truthy(value) ? 1 : 0;
  // SQLite binds no booleans; JSON into a text column is its text.
  if (typeof value === 'boolean') return kind === 'text' ? String(value) : value ? 1 : 0;
  if (typeof value === 'object') return JSON.stringify(value);
  return value;
}

function sortedJson(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortedJson);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortedJson((v as Record<string, unknown>)[k])]));
  return v;
}

/**
 * One form for a value whether it comes from the archive or back out of the target, so the
 * restored rows can be compared with the archive's: timestamps as the instant they name,
 * integers as their digits, JSON with its keys sorted.
 */
function canonical(value: unknown, kind: ColumnKind): string | null {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'timestamp': {
      const at = new Date(value as string);
      return Number.isNaN(at.getTime()) ? String(value) : at.toISOString();
    }
    case 'integer':
    case 'number':
      return typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
    case 'boolean':
      return truthy(value) ? 'true' : 'false';
    case 'json':
      return JSON.stringify(sortedJson(typeof value === 'string' ? JSON.parse(value) : value));
    default:
      return typeof value === 'string' ? value : JSON.stringify(value);
  }
}

const MASK = (1n << 256n) - 1n;

/** A digest of a set of rows that does not depend on their order (sum of sha-256 mod 2^256): the dialects order text differently. */
class RowSetDigest {
  private sum = 0n;
  count = 0;
  add(values: (string | null)[]): void {
    this.sum = (this.sum + BigInt(`0x${createHash('sha256').update(JSON.stringify(values)).digest('hex')}`)) & MASK;
    this.count += 1;
  }
  equals(other: RowSetDigest): boolean {
    return this.sum === other.sum && this.count === other.count;
  }
}

// ---------------------------------------------------------------------------------------------
// Backup.

export interface BackupOptions {
  /** After each page: the table being read and the rows written so far. */
  onProgress?: (progress: { table: string; rows: number }) => void;
  clock?: () => Date;
}

/**
 * Write the whole store to `file`, online: every table is read inside one read-only transaction
 * that sees one snapshot (PostgreSQL REPEATABLE READ on one connection; SQLite a read transaction,
 * whose WAL snapshot is fixed at its first read), while other connections keep writing. Rows
 * are streamed page by page, never held all at once.
 *
 * The archive holds secrets (password and session hashes, the criticism signing keys still in
 * their spending window), so every file is its owner's alone (mode 0600) and created, never
 * opened if it exists: the rows and the archive are written to files of random names beside
 * `file`, each created exclusively, and the archive appears at `file` only when complete, by a
 * hard link that fails if `file` exists. An existing `file` is never overwritten.
 */
export async function writeBackup(store: Store, file: string, options: BackupOptions = {}): Promise<BackupSummary> {
  const createdAt = (options.clock ?? (() => new Date()))().toISOString();
  if (await exists(file)) throw new BackupError(`${file}: exists already; a backup never overwrites a file: name a new one`);
  const body = privateNameBeside(file, 'rows');
  const partial = privateNameBeside(file, 'archive');
  try {
    const { migrations, tables } = await store.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .setAccessMode('read only')
      .execute(async (trx) => {
        const migrations = await appliedMigrations(trx, store.dialect);
        if (!migrations.length) throw new BackupError('the database has no Massline schema (no migration was ever applied): nothing to back up');
        const shapes = await describeTables(trx, store.dialect);
        const tables: ArchiveTable[] = [];
        await pipeline(Readable.from(rowLines(trx, shapes, tables, options.onProgress)), createGzip(), await privateWriteStream(body));
        return { migrations, tables };
      });
    const header: ArchiveHeader = { format: ARCHIVE_FORMAT, version: ARCHIVE_VERSION, createdAt, dialect: store.dialect, migrations, tables };
    await pipeline(
      async function* () {
        yield gzipSync(`${JSON.stringify(header)}\n`);
        yield* fs.createReadStream(body);
      },
      await privateWriteStream(partial),
    );
    const fd = await fs.promises.open(partial, 'r+');
    try {
      await fd.sync();
    } finally {
      await fd.close();
    }
    await publish(partial, file);
    return { tables: tables.length, rows: tables.reduce((n, t) => n + t.rows, 0), bytes: (await fs.promises.stat(file)).size };
  } finally {
    await fs.promises.rm(body, { force: true });
    await fs.promises.rm(partial, { force: true });
  }
}

const exists = (file: string) =>
  fs.promises.lstat(file).then(
    () => true,
    () => false,
  );

/** A name beside `file` nobody can guess: `.NAME.PURPOSE.RANDOM.tmp` in the same folder, so the archive is linked, not copied, into place. */
function privateNameBeside(file: string, purpose: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${purpose}.${randomBytes(12).toString('hex')}.tmp`);
}

/** A new file of its owner's alone: created exclusively (an existing file or link at the name is an error), mode 0600 whatever the umask. */
async function privateWriteStream(file: string): Promise<fs.WriteStream> {
  const handle = await fs.promises.open(file, 'wx', 0o600);
  try {
    await handle.chmod(0o600);
  } catch (e) {
    await handle.close();
    throw e;
  }
  return handle.createWriteStream();
}

/** The finished archive at `file`, which must not exist: a hard link (atomic, and it never replaces), a copy that refuses to replace where links are not supported. */
async function publish(partial: string, file: string): Promise<void> {
  try {
    await fs.promises.link(partial, file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new BackupError(`${file}: appeared while the backup ran; a backup never overwrites a file: name a new one`);
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw e;
    try {
      await fs.promises.copyFile(partial, file, fs.constants.COPYFILE_EXCL);
    } catch (copyError) {
      if ((copyError as NodeJS.ErrnoException).code === 'EEXIST') throw new BackupError(`${file}: appeared while the backup ran; a backup never overwrites a file: name a new one`);
      throw copyError;
    }
    await fs.promises.chmod(file, 0o600);
  }
  // The new name durable too, not only the file's contents.
  const folder = await fs.promises.open(path.dirname(file), 'r');
  try {
    await folder.sync().catch(() => undefined);
  } finally {
    await folder.close();
  }
}

/** Every row of every table as archive lines, counting and hashing each table into `summaries`. */
async function* rowLines(db: Db, tables: TableShape[], summaries: ArchiveTable[], onProgress: BackupOptions['onProgress']): AsyncGenerator<string> {
  let written = 0;
  for (const table of tables) {
    const columns = table.columns.map((c) => c.name);
    const hash = createHash('sha256');
    let rows = 0;
    for await (const page of pagesOf(db, table, columns)) {
      let chunk = '';
      for (const row of page) {
        const line = `${JSON.stringify([table.name, columns.map((c) => archived(row[c], `${table.name}.${c}`))])}\n`;
        hash.update(line);
        chunk += line;
      }
      rows += page.length;
      written += page.length;
      yield chunk;
      onProgress?.({ table: table.name, rows: written });
    }
    summaries.push({ name: table.name, columns, rows, sha256: hash.digest('hex') });
  }
}

// ---------------------------------------------------------------------------------------------
// Reading an archive.

const damaged = (what: string) => new BackupError(`${what}: the archive is damaged or truncated`);

/** The archive's lines, ungzipped; a damaged or truncated gzip stream ends in a BackupError. */
async function* archiveLines(file: string): AsyncGenerator<string> {
  const input = fs.createReadStream(file);
  const gunzip = createGunzip();
  input.on('error', (e) => gunzip.destroy(e));
  input.pipe(gunzip);
  const decoder = new StringDecoder('utf8');
  // The unfinished line's pieces, joined once its end arrives: a long line costs its length, not
  // its length times the chunks it spans.
  let pending: string[] = [];
  let pendingLength = 0;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      const text = decoder.write(chunk);
      let start = 0;
      for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
        const piece = text.slice(start, end);
        if (pending.length) {
          pending.push(piece);
          yield pending.join('');
          pending = [];
          pendingLength = 0;
        } else yield piece;
        start = end + 1;
      }
      if (start < text.length) {
        pending.push(text.slice(start));
        pendingLength += text.length - start;
        if (pendingLength > MAX_LINE_CHARS) throw damaged(`a line longer than ${MAX_LINE_CHARS / 1_048_576} M characters`);
      }
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new BackupError(`${file}: no such file`);
    if (err.code === 'EISDIR') throw new BackupError(`${file}: is a folder, not an archive`);
    if (err.code === 'Z_BUF_ERROR') throw damaged(`it ends in the middle of its gzip stream (${err.message})`);
    if (err.code === 'Z_DATA_ERROR') throw damaged(`it is not a valid gzip stream (${err.message})`);
    throw e;
  } finally {
    input.destroy();
  }
  if (pendingLength + decoder.end().length > 0) throw damaged('its last line is cut short');
}

function parseHeader(line: string): ArchiveHeader {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    throw new BackupError('not a Massline backup: its first line is not JSON');
  }
  const format = (raw as { format?: unknown } | null)?.format;
  if (format !== ARCHIVE_FORMAT) throw new BackupError('not a Massline backup: its first line does not say format "massline-backup"');
  const version = (raw as { version?: unknown }).version;
  if (typeof version === 'number' && version > ARCHIVE_VERSION) throw new BackupError(`the archive has format version ${version}; this Massline reads version ${ARCHIVE_VERSION}: upgrade Massline to restore it`);
  const parsed = ArchiveHeader.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw damaged(`its header is not valid (${issue?.path.join('.') || 'header'}: ${issue?.message ?? 'invalid'})`);
  }
  if (parsed.data.version !== ARCHIVE_VERSION) throw new BackupError(`the archive has format version ${parsed.data.version}; this Massline reads version ${ARCHIVE_VERSION}`);
  const names = parsed.data.tables.map((t) => t.name);
  if (new Set(names).size !== names.length) throw damaged('its header names a table twice');
  return parsed.data;
}

interface ArchiveVisitor {
  header?(header: ArchiveHeader): Promise<void>;
  /** A batch of a table's rows, in archive order, the i-th on line `lines[i]`; the table's checksum is verified only at its end. */
  rows?(table: ArchiveTable, rows: unknown[][], lines: number[]): Promise<void>;
  /** After the table's last row, its count and checksum verified. */
  tableDone?(table: ArchiveTable): Promise<void>;
}

/** Read an archive through, verifying its header, every line, each table's row count and checksum. */
async function readArchive(file: string, visitor: ArchiveVisitor): Promise<ArchiveHeader> {
  let header: ArchiveHeader | undefined;
  let index = -1;
  let table: ArchiveTable | undefined;
  let hash = createHash('sha256');
  let count = 0;
  let batch: unknown[][] = [];
  let batchLines: number[] = [];
  let batchRows = INSERT_ROWS;
  let lineNumber = 0;

  const flush = async () => {
    if (table && batch.length) await visitor.rows?.(table, batch, batchLines);
    batch = [];
    batchLines = [];
  };
  /** End the current table (its count reached) and move to the next; undefined after the last. */
  const nextTable = async () => {
    if (table) {
      await flush();
      if (count !== table.rows) throw damaged(`table ${table.name}: it holds ${count} rows where its header says ${table.rows}`);
      if (hash.digest('hex') !== table.sha256) throw damaged(`table ${table.name}: its rows do not match the header's sha-256`);
      await visitor.tableDone?.(table);
    }
    index += 1;
    table = header!.tables[index];
    hash = createHash('sha256');
    count = 0;
    batchRows = table ? Math.max(1, Math.min(INSERT_ROWS, Math.floor(INSERT_PARAMETERS / table.columns.length))) : INSERT_ROWS;
  };

  for await (const line of archiveLines(file)) {
    lineNumber += 1;
    if (!header) {
      header = parseHeader(line);
      await visitor.header?.(header);
      await nextTable();
      continue;
    }
    while (table && count === table.rows) await nextTable();
    if (!table) throw damaged(`line ${lineNumber}: a row after the last table`);
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      throw damaged(`line ${lineNumber}: not JSON`);
    }
    if (!Array.isArray(row) || row.length !== 2 || !Array.isArray(row[1])) throw damaged(`line ${lineNumber}: not a row`);
    if (row[0] !== table.name) throw damaged(`line ${lineNumber}: a row of ${String(row[0])} where ${table.rows - count} more rows of ${table.name} were due`);
    if (row[1].length !== table.columns.length) throw damaged(`line ${lineNumber}: a row of ${table.name} with ${row[1].length} values for ${table.columns.length} columns`);
    hash.update(`${line}\n`);
    count += 1;
    batch.push(row[1] as unknown[]);
    batchLines.push(lineNumber);
    if (batch.length >= batchRows) await flush();
  }
  if (!header) throw new BackupError('not a Massline backup: the file is empty');
  while (table) await nextTable();
  return header;
}

// ---------------------------------------------------------------------------------------------
// Restore.

export interface RestoreOptions {
  /** After each batch: rows restored so far, of all the archive's rows. */
  onProgress?: (rows: number, total: number) => void;
}

/** Refuse an archive this build cannot restore faithfully: migrations it does not know, or in another order. */
function checkMigrations(archive: string[]): void {
  const known = Object.keys(knownMigrations);
  const unknown = archive.filter((m) => !known.includes(m));
  if (unknown.length) throw new BackupError(`the archive was made by a newer Massline: its schema has the migrations ${unknown.join(', ')}, which this build does not know; upgrade Massline to restore it`);
  if (archive.some((m, i) => known[i] !== m)) throw new BackupError(`the archive's migrations (${archive.join(', ')}) are not this build's in the same order (${known.join(', ')})`);
}

/**
 * Verify an archive through without touching any database: its header, every row, each table's
 * row count and checksum, and that this build knows its migrations. Returns its header, for
 * restoreBackup.
 */
export async function verifyArchive(file: string): Promise<ArchiveHeader> {
  return readArchive(file, { header: async (header) => checkMigrations(header.migrations) });
}

/** The restored tables of the archive must be the target's tables, each with the same columns, in an order the target's foreign keys allow. */
function checkShapes(header: ArchiveHeader, target: TableShape[]): Map<string, TableShape> {
  const byName = new Map(target.map((t) => [t.name, t]));
  const archived = new Set(header.tables.map((t) => t.name));
  const missing = header.tables.filter((t) => !byName.has(t.name)).map((t) => t.name);
  const extra = target.filter((t) => !archived.has(t.name)).map((t) => t.name);
  if (missing.length || extra.length)
    throw new BackupError(
      `the archive's tables are not the target's at the same migrations${missing.length ? `; only in the archive: ${missing.join(', ')}` : ''}${extra.length ? `; only in the target: ${extra.join(', ')}` : ''}`,
    );
  const seen = new Set<string>();
  for (const t of header.tables) {
    const shape = byName.get(t.name)!;
    const columns = new Set(shape.columns.map((c) => c.name));
    const differ = [...t.columns.filter((c) => !columns.has(c)), ...[...columns].filter((c) => !t.columns.includes(c))];
    if (differ.length || t.columns.length !== columns.size) throw new BackupError(`table ${t.name}: the archive's columns differ from the target's (${differ.join(', ') || 'a column twice'})`);
    const later = shape.references.filter((r) => !seen.has(r));
    if (later.length) throw new BackupError(`table ${t.name} comes before ${later.join(', ')}, which it references`);
    seen.add(t.name);
  }
  return byName;
}

/**
 * Restore an archive, verified first by verifyArchive (before the target is even opened), into
 * an empty database of either dialect. The target must hold no rows and no schema newer than the
 * archive's. It is migrated to the archive's last migration; every row goes in within one
 * transaction, each table is read back and compared with the archive (row count and a digest of
 * the converted values), PostgreSQL sequences are moved past the restored keys, and only then is
 * it committed. This build's migrations newer than the archive's run after.
 *
 * A row the target refuses (a constraint, a value its column does not take) ends the restore in
 * a BackupError naming the row's line, table and key and the rule it breaks. The transaction is
 * rolled back, and a target that had no schema before has every table, sequence, function and
 * type the restore made dropped again (a SQLite file the restore created is the caller's to
 * remove: src/cli/backup.ts does).
 */
export async function restoreBackup(store: Store, file: string, verified: ArchiveHeader, options: RestoreOptions = {}): Promise<RestoreSummary> {
  const header = verified;
  const { db, dialect } = store;
  const applied = await appliedMigrations(db, dialect);
  if (applied.some((m, i) => header.migrations[i] !== m))
    throw new BackupError(`the target database's schema (${applied.join(', ')}) is not the archive's (${header.migrations.join(', ')}) nor an earlier one: restore into a new, empty database`);
  const present = await catalogs[dialect].tables(db);
  if (!applied.length && present.length) throw new BackupError(`the target database holds tables that are not Massline's (${present.map((t) => t.name).join(', ')}): restore into a new, empty database`);
  const occupied: string[] = [];
  for (const t of present) {
    const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(t.name)}`.execute(db);
    const n = Number(rows[0]?.n ?? 0);
    if (n > 0) occupied.push(`${t.name}: ${n}`);
  }
  if (occupied.length) throw new BackupError(`the target database is not empty (${occupied.join(', ')} rows): restore only into an empty database, e.g. a new --data-dir or a new PostgreSQL database`);

  // What the target holds before: after a refusal, everything else is dropped again.
  const before = await schemaObjects(db, dialect);
  try {
    await store.migrate(header.migrations[header.migrations.length - 1]);
    await restoreRows(store, file, header, options);
  } catch (e) {
    if (applied.length === 0) {
      try {
        await dropAllBut(db, dialect, before);
      } catch (cleanup) {
        throw new BackupError(`${e instanceof Error ? e.message : String(e)}; then dropping the schema the restore made failed too (${errorText(cleanup)}): drop the target database and make a new one`);
      }
    }
    if (!(e instanceof BackupError)) throw e;
    const left =
      applied.length === 0 || applied.length === header.migrations.length
        ? 'nothing was restored and the target is as it was'
        : `nothing was restored; the target's schema, which was at ${applied.at(-1)}, stays at the archive's ${header.migrations.at(-1)}, its tables empty`;
    throw new BackupError(`${e.message}; ${left}`);
  }
  const migratedAfter = await store.migrate();
  return { tables: header.tables.length, rows: header.tables.reduce((n, t) => n + t.rows, 0), bytes: (await fs.promises.stat(file)).size, migratedAfter };
}


/** Every row of the archive into the migrated, empty target, in one transaction; a row the target refuses ends it in a BackupError naming the row. */
async function restoreRows(store: Store, file: string, header: ArchiveHeader, options: RestoreOptions): Promise<void> {
  const { db, dialect } = store;
  const shapes = checkShapes(header, await describeTables(db, dialect));
  const total = header.tables.reduce((n, t) => n + t.rows, 0);
  await db.transaction().execute(async (trx) => {
    let done = 0;
    let digest = new RowSetDigest();
    /** Self-references held back until the table's rows are all in: the row's line, its key values, its self-reference values. */
    let heldBack: { line: number; key: unknown[]; refs: unknown[] }[] = [];
    await readArchive(file, {
      async header(again) {
        if (JSON.stringify(again) !== JSON.stringify(header)) throw new BackupError('the archive changed after it was verified');
      },
      async rows(table, rows, lines) {
        const shape = shapes.get(table.name)!;
        const kinds = table.columns.map((c) => shape.columns.find((s) => s.name === c)!.kind);
        const selfAt = shape.selfReferences.map((c) => table.columns.indexOf(c));
        const keyAt = shape.key.map((c) => table.columns.indexOf(c));
        const values = rows.map((row, r) => {
          digest.add(row.map((v, i) => canonical(v, kinds[i]!)));
          const out = row.map((v, i) => stored(v, kinds[i]!, dialect));
          if (selfAt.some((i) => out[i] !== null)) {
            heldBack.push({ line: lines[r]!, key: keyAt.map((i) => out[i]), refs: selfAt.map((i) => out[i]) });
            for (const i of selfAt) out[i] = null;
          }
          return out;
        });
        await insertOrName(trx, dialect, table, shape, values, lines);
        done += rows.length;
        options.onProgress?.(done, total);
      },
      async tableDone(table) {
        const shape = shapes.get(table.name)!;
        for (const { line, key, refs } of heldBack) {
          const set = sql.join(shape.selfReferences.map((c, i) => sql`${sql.ref(c)} = ${refs[i]}`));
          const where = sql`(${sql.join(shape.key.map((c) => sql.ref(c)))}) = (${sql.join(key)})`;
          const refused = await refusal(trx, () => sql`update ${sql.table(table.name)} set ${set} where ${where}`.execute(trx));
          if (refused) throw rowRefused(line, table.name, keyText(shape.key, key), await ruleBroken(trx, dialect, table.name, [...shape.key, ...shape.selfReferences], [...key, ...refs], refused.error));
        }
        heldBack = [];
        const kinds = table.columns.map((c) => shape.columns.find((s) => s.name === c)!.kind);
        const back = new RowSetDigest();
        for await (const page of pagesOf(trx, shape, table.columns)) for (const row of page) back.add(table.columns.map((c, i) => canonical(row[c], kinds[i]!)));
        if (!back.equals(digest)) throw new BackupError(`table ${table.name}: the rows read back from the target (${back.count}) are not the archive's (${digest.count})`);
        digest = new RowSetDigest();
      },
    });
    await catalogs[dialect].continueSequences(trx, [...shapes.values()]);
  });
}

/**
 * Run `work` inside a savepoint: the error the database answered with (rolled back to the
 * savepoint, since on PostgreSQL a failed statement aborts the transaction until then), or null.
 */
async function refusal(trx: Db, work: () => Promise<unknown>): Promise<{ error: unknown } | null> {
  await sql`savepoint restore_step`.execute(trx);
  try {
    await work();
  } catch (error) {
    await sql`rollback to savepoint restore_step`.execute(trx);
    await sql`release savepoint restore_step`.execute(trx);
    return { error };
  }
  await sql`release savepoint restore_step`.execute(trx);
  return null;
}

const rowRefused = (line: number, table: string, key: string, rule: string) => new BackupError(`line ${line}: the row of ${table} ${key} is refused by the database: ${rule}`);

const keyText = (columns: string[], values: unknown[]) => `(${columns.map((c, i) => `${c} ${JSON.stringify(values[i])}`).join(', ')})`;

/** A batch of rows in one insert; if the target refuses it, the rows one at a time, to name the first it refuses. */
async function insertOrName(trx: Db, dialect: DialectName, table: ArchiveTable, shape: TableShape, rows: unknown[][], lines: number[]): Promise<void> {
  const columns = sql.join(table.columns.map((c) => sql.ref(c)));
  const insert = (some: unknown[][]) => sql`insert into ${sql.table(table.name)} (${columns}) values ${sql.join(some.map((row) => sql`(${sql.join(row)})`))}`.execute(trx);
  const batch = await refusal(trx, () => insert(rows));
  if (!batch) return;
  const keyAt = shape.key.map((c) => table.columns.indexOf(c));
  for (const [r, row] of rows.entries()) {
    const one = await refusal(trx, () => insert([row]));
    if (one) throw rowRefused(lines[r]!, table.name, keyText(shape.key, keyAt.map((i) => row[i])), await ruleBroken(trx, dialect, table.name, table.columns, row, one.error));
  }
  // Each row alone went in: the batch broke a rule between its rows that one at a time does not (none known).
  throw new BackupError(`lines ${lines[0]}–${lines.at(-1)}: the rows of ${table.name} are refused by the database: ${errorText(batch.error)}`);
}

/** The database's own words for an error: its message and, on PostgreSQL, its detail (which names the key). */
function errorText(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const detail = (e as { detail?: unknown }).detail;
  return `${e.message.split('\n')[0]}${typeof detail === 'string' && detail ? ` (${detail})` : ''}`;
}

/**
 * The rule a refused row breaks, in words. PostgreSQL names the constraint and the key; SQLite
 * says only "FOREIGN KEY constraint failed", so there each foreign key of the table is looked up
 * for the row's values to name the one that points at nothing.
 */
async function ruleBroken(trx: Db, dialect: DialectName, table: string, columns: string[], row: unknown[], e: unknown): Promise<string> {
  const said = errorText(e);
  if (dialect !== 'sqlite' || (e as { code?: unknown }).code !== 'SQLITE_CONSTRAINT_FOREIGNKEY') return said;
  const keys = await sql<{ id: number; table: string; from: string; to: string | null }>`select id, "table", "from", "to" from pragma_foreign_key_list(${table}) order by id, seq`.execute(trx);
  const byId = new Map<number, { table: string; from: string[]; to: string[] }>();
  for (const k of keys.rows) {
    const key = byId.get(k.id) ?? { table: k.table, from: [], to: [] };
    key.from.push(k.from);
    key.to.push(k.to ?? 'id');
    byId.set(k.id, key);
  }
  for (const key of byId.values()) {
    const values = key.from.map((c) => row[columns.indexOf(c)]);
    if (values.some((v) => v === null || v === undefined)) continue;
    const where = sql.join(
      key.to.map((c, i) => sql`${sql.ref(c)} = ${values[i]}`),
      sql` and `,
    );
    const found = await sql`select 1 from ${sql.table(key.table)} where ${where} limit 1`.execute(trx);
    if (!found.rows.length) return `foreign key ${table}(${key.from.join(', ')}) → ${key.table}(${key.to.join(', ')}): no ${key.table} row has ${keyText(key.to, values).slice(1, -1)}`;
  }
  return said;
}

/** The objects of the target's schema, by kind and name: after a refused restore, what was not there before is dropped. */
async function schemaObjects(db: Db, dialect: DialectName): Promise<Set<string>> {
  const rows =
    dialect === 'sqlite'
      ? await sql<{ name: string }>`select type || ' ' || name as name from sqlite_master where name not like 'sqlite\\_%' escape '\\'`.execute(db)
      : await sql<{ name: string }>`
          select c.relkind::text || ' ' || c.relname::text as name from pg_class c where c.relnamespace = current_schema()::regnamespace and c.relkind in ('r', 'p', 'S', 'v', 'm')
          union all select 'f ' || p.oid::regprocedure::text from pg_proc p where p.pronamespace = current_schema()::regnamespace
          union all select 't ' || t.typname::text from pg_type t where t.typnamespace = current_schema()::regnamespace and t.typtype in ('e', 'd')`.execute(db);
  return new Set(rows.rows.map((r) => r.name));
}

/** Drop every table, view, sequence, function and type of the target's schema not in `keep`, in one transaction. */
async function dropAllBut(db: Db, dialect: DialectName, keep: Set<string>): Promise<void> {
  const created = [...(await schemaObjects(db, dialect))].filter((o) => !keep.has(o));
  const named = (kinds: string[]) => created.filter((o) => kinds.includes(o.slice(0, o.indexOf(' ')))).map((o) => o.slice(o.indexOf(' ') + 1));
  // A table before the tables it references (SQLite checks foreign keys as a table goes).
  const tables = named(['table', 'r', 'p']);
  const referencing = dependencyOrder((await catalogs[dialect].tables(db)).filter((t) => tables.includes(t.name)))
    .map((t) => t.name)
    .reverse();
  const dropOrder = [...referencing, ...tables.filter((t) => !referencing.includes(t))];
  await db.transaction().execute(async (trx) => {
    if (dialect === 'sqlite') {
      for (const name of named(['view'])) await sql`drop view if exists ${sql.table(name)}`.execute(trx);
      for (const name of dropOrder) await sql`drop table if exists ${sql.table(name)}`.execute(trx);
      return;
    }
    for (const name of named(['v', 'm'])) await sql`drop view if exists ${sql.table(name)} cascade`.execute(trx);
    for (const name of dropOrder) await sql`drop table if exists ${sql.table(name)} cascade`.execute(trx);
    for (const name of named(['S'])) await sql`drop sequence if exists ${sql.table(name)} cascade`.execute(trx);
    for (const name of named(['f'])) await sql`drop function if exists ${sql.raw(name)} cascade`.execute(trx);
    for (const name of named(['t'])) await sql`drop type if exists ${sql.table(name)} cascade`.execute(trx);
  });
}
