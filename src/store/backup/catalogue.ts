/** The tables to back up or restore, in an order their foreign keys allow, and their rows page by page. */
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../db-type.js';
import { backupCatalogues, type TableShape } from '../dialect/backup-catalogue.js';
import type { DialectName } from '../dialect/types.js';
import { BackupError } from './archive.js';

export type { ColumnKind, TableShape } from '../dialect/backup-catalogue.js';

/** Rows read per page (keyset pagination inside the snapshot). */
const PAGE_ROWS = 2000;

/** A table after every table it references; ties by name, so the order is the same on both dialects. */
export function dependencyOrder(tables: TableShape[]): TableShape[] {
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

export async function describeTables(db: Db, dialect: DialectName): Promise<TableShape[]> {
  const tables = await backupCatalogues[dialect].tables(db);
  const keyless = tables.filter((t) => t.key.length === 0);
  if (keyless.length) throw new BackupError(`the tables ${keyless.map((t) => t.name).join(', ')} have no primary key: they cannot be read page by page`);
  return dependencyOrder(tables);
}

/** The migrations applied to a database, oldest first; none when it has no schema yet. */
export async function appliedMigrations(db: Db, dialect: DialectName): Promise<string[]> {
  if (!(await backupCatalogues[dialect].hasMigrationTable(db))) return [];
  const rows = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return rows.rows.map((r) => r.name);
}

/** A table's rows in primary-key order, a page at a time: `(key) > (last key)`, which the key's index answers. */
export async function* pagesOf(db: Db, table: TableShape, columns: string[]): AsyncGenerator<Record<string, unknown>[]> {
  const list = sql.join(columns.map((c) => sql.ref(c)));
  const key = sql.join(table.key.map((c) => sql.ref(c)));
  let last: unknown[] | null = null;
  for (;;) {
    const after: RawBuilder<unknown> = last ? sql`where (${key}) > (${sql.join(last)})` : sql``;
    const page = await sql<Record<string, unknown>>`select ${list} from ${sql.table(table.name)} ${after} order by ${key} limit ${sql.lit(PAGE_ROWS)}`.execute(
      db,
    );
    if (page.rows.length) yield page.rows;
    if (page.rows.length < PAGE_ROWS) return;
    const end = page.rows[page.rows.length - 1]!;
    last = table.key.map((c) => end[c]);
  }
}
