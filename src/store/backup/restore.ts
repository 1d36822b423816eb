/** Restoring a backup: verified first, then every row in one transaction, read back and compared. */
import fs from 'node:fs';
import { sql } from 'kysely';
import type { Db } from '../db-type.js';
import type { Store } from '../db.js';
import { backupCatalogues } from '../dialect/backup-catalogue.js';
import type { DialectName } from '../dialect/types.js';
import { migrations as knownMigrations } from '../migrations/index.js';
import { BackupError, readArchive, type ArchiveHeader, type ArchiveTable, type RestoreSummary } from './archive.js';
import { appliedMigrations, dependencyOrder, describeTables, pagesOf, type TableShape } from './catalogue.js';
import { RowSetDigest } from './digest.js';
import { canonical, stored } from './values.js';

export interface RestoreOptions {
  /** After each batch: rows restored so far, of all the archive's rows. */
  onProgress?: (rows: number, total: number) => void;
}

/** Refuse an archive this build cannot restore faithfully: migrations it does not know, or in another order. */
function checkMigrations(archive: string[]): void {
  const known = Object.keys(knownMigrations);
  const unknown = archive.filter((m) => !known.includes(m));
  if (unknown.length)
    throw new BackupError(
      `the archive was made by a newer Massline: its schema has the migrations ${unknown.join(', ')}, which this build does not know; upgrade Massline to restore it`,
    );
  if (archive.some((m, i) => known[i] !== m))
    throw new BackupError(`the archive's migrations (${archive.join(', ')}) are not this build's in the same order (${known.join(', ')})`);
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
    if (differ.length || t.columns.length !== columns.size)
      throw new BackupError(`table ${t.name}: the archive's columns differ from the target's (${differ.join(', ') || 'a column twice'})`);
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
    throw new BackupError(
      `the target database's schema (${applied.join(', ')}) is not the archive's (${header.migrations.join(', ')}) nor an earlier one: restore into a new, empty database`,
    );
  const present = await backupCatalogues[dialect].tables(db);
  if (!applied.length && present.length)
    throw new BackupError(
      `the target database holds tables that are not Massline's (${present.map((t) => t.name).join(', ')}): restore into a new, empty database`,
    );
  const occupied: string[] = [];
  for (const t of present) {
    const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(t.name)}`.execute(db);
    const n = Number(rows[0]?.n ?? 0);
    if (n > 0) occupied.push(`${t.name}: ${n}`);
  }
  if (occupied.length)
    throw new BackupError(
      `the target database is not empty (${occupied.join(', ')} rows): restore only into an empty database, e.g. a new --data-dir or a new PostgreSQL database`,
    );

  // What the target holds before: after a refusal, everything else is dropped again.
  const before = await backupCatalogues[dialect].schemaObjects(db);
  try {
    await store.migrate(header.migrations[header.migrations.length - 1]);
    await restoreRows(store, file, header, options);
  } catch (e) {
    if (applied.length === 0) {
      try {
        await dropAllBut(db, dialect, before);
      } catch (cleanup) {
        throw new BackupError(
          `${e instanceof Error ? e.message : String(e)}; then dropping the schema the restore made failed too (${errorText(cleanup)}): drop the target database and make a new one`,
        );
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
          if (refused)
            throw rowRefused(
              line,
              table.name,
              keyText(shape.key, key),
              await ruleBroken(trx, dialect, table.name, [...shape.key, ...shape.selfReferences], [...key, ...refs], refused.error),
            );
        }
        heldBack = [];
        const kinds = table.columns.map((c) => shape.columns.find((s) => s.name === c)!.kind);
        const back = new RowSetDigest();
        for await (const page of pagesOf(trx, shape, table.columns))
          for (const row of page) back.add(table.columns.map((c, i) => canonical(row[c], kinds[i]!)));
        if (!back.equals(digest))
          throw new BackupError(`table ${table.name}: the rows read back from the target (${back.count}) are not the archive's (${digest.count})`);
        digest = new RowSetDigest();
      },
    });
    await backupCatalogues[dialect].continueSequences(trx, [...shapes.values()]);
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

const rowRefused = (line: number, table: string, key: string, rule: string) =>
  new BackupError(`line ${line}: the row of ${table} ${key} is refused by the database: ${rule}`);

const keyText = (columns: string[], values: unknown[]) => `(${columns.map((c, i) => `${c} ${JSON.stringify(values[i])}`).join(', ')})`;

/** A batch of rows in one insert; if the target refuses it, the rows one at a time, to name the first it refuses. */
async function insertOrName(trx: Db, dialect: DialectName, table: ArchiveTable, shape: TableShape, rows: unknown[][], lines: number[]): Promise<void> {
  const columns = sql.join(table.columns.map((c) => sql.ref(c)));
  const insert = (some: unknown[][]) =>
    sql`insert into ${sql.table(table.name)} (${columns}) values ${sql.join(some.map((row) => sql`(${sql.join(row)})`))}`.execute(trx);
  const batch = await refusal(trx, () => insert(rows));
  if (!batch) return;
  const keyAt = shape.key.map((c) => table.columns.indexOf(c));
  for (const [r, row] of rows.entries()) {
    const one = await refusal(trx, () => insert([row]));
    if (one)
      throw rowRefused(
        lines[r]!,
        table.name,
        keyText(
          shape.key,
          keyAt.map((i) => row[i]),
        ),
        await ruleBroken(trx, dialect, table.name, table.columns, row, one.error),
      );
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
  for (const key of await backupCatalogues[dialect].foreignKeys(trx, table)) {
    const values = key.from.map((c) => row[columns.indexOf(c)]);
    if (values.some((v) => v === null || v === undefined)) continue;
    const where = sql.join(
      key.to.map((c, i) => sql`${sql.ref(c)} = ${values[i]}`),
      sql` and `,
    );
    const found = await sql`select 1 from ${sql.table(key.table)} where ${where} limit 1`.execute(trx);
    if (!found.rows.length)
      return `foreign key ${table}(${key.from.join(', ')}) → ${key.table}(${key.to.join(', ')}): no ${key.table} row has ${keyText(key.to, values).slice(1, -1)}`;
  }
  return said;
}

/** Drop every table, view, sequence, function and type of the target's schema not in `keep`, in one transaction. */
async function dropAllBut(db: Db, dialect: DialectName, keep: Set<string>): Promise<void> {
  const catalogue = backupCatalogues[dialect];
  const created = [...(await catalogue.schemaObjects(db))].filter((o) => !keep.has(o));
  // A table before the tables it references (SQLite checks foreign keys as a table goes).
  await catalogue.drop(db, created, async (tables) => {
    const referencing = dependencyOrder((await catalogue.tables(db)).filter((t) => tables.includes(t.name)))
      .map((t) => t.name)
      .reverse();
    return [...referencing, ...tables.filter((t) => !referencing.includes(t))];
  });
}
