/**
 * What backups (store/backup/) read from each database's own catalogue, and the statements that
 * differ between the two: the tables' shapes, generated keys, the schema's objects, foreign keys.
 */
import { sql } from 'kysely';
import type { Db } from '../db-type.js';
import type { DialectName } from './types.js';

/** Kysely's own bookkeeping: each database keeps its own. */
const MIGRATION_TABLES = new Set(['kysely_migration', 'kysely_migration_lock']);

/** How a column's values are converted and compared across dialects. */
export type ColumnKind = 'text' | 'integer' | 'number' | 'boolean' | 'timestamp' | 'json' | 'other';

export interface Column {
  name: string;
  kind: ColumnKind;
}

export interface TableShape {
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

/** A foreign key: its columns, and the table and columns they reference. */
export interface ForeignKey {
  table: string;
  from: string[];
  to: string[];
}

/** What differs between the dialects' catalogues. */
export interface BackupCatalogue {
  tables(db: Db): Promise<TableShape[]>;
  /** After a restore: make generated keys continue past the restored ones. */
  continueSequences(db: Db, tables: TableShape[]): Promise<void>;
  /** Whether the database has Kysely's migration table (a Massline schema, or the start of one). */
  hasMigrationTable(db: Db): Promise<boolean>;
  /** The objects of the schema, each as `KIND NAME`: after a refused restore, what was not there before is dropped. */
  schemaObjects(db: Db): Promise<Set<string>>;
  /** A table's foreign keys, to name the one a refused row breaks where the database does not (SQLite); none where it does (PostgreSQL). */
  foreignKeys(db: Db, table: string): Promise<ForeignKey[]>;
  /** Drop these objects (as schemaObjects names them) in one transaction, the tables in the order `tableOrder` gives. */
  drop(db: Db, objects: string[], tableOrder: (tables: string[]) => Promise<string[]>): Promise<void>;
}

/** The names of the objects of these kinds. */
const named = (objects: string[], kinds: string[]) => objects.filter((o) => kinds.includes(o.slice(0, o.indexOf(' ')))).map((o) => o.slice(o.indexOf(' ') + 1));

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

export const backupCatalogues: Record<DialectName, BackupCatalogue> = {
  sqlite: {
    async tables(db) {
      const names = await sql<{
        name: string;
      }>`select name from sqlite_master where type = 'table' and name not like 'sqlite\\_%' escape '\\' order by name`.execute(db);
      const out: TableShape[] = [];
      for (const { name } of names.rows) {
        if (MIGRATION_TABLES.has(name)) continue;
        const columns = await sql<{ name: string; type: string; pk: number }>`select name, type, pk from pragma_table_info(${name}) order by cid`.execute(db);
        const keys = await sql<{ table: string; from: string }>`select "table", "from" from pragma_foreign_key_list(${name})`.execute(db);
        out.push({
          name,
          columns: columns.rows.map((c) => ({ name: c.name, kind: sqliteKind(c.type) })),
          key: columns.rows
            .filter((c) => c.pk > 0)
            .sort((a, b) => a.pk - b.pk)
            .map((c) => c.name),
          references: [...new Set(keys.rows.map((k) => k.table).filter((t) => t !== name))],
          selfReferences: keys.rows.filter((k) => k.table === name).map((k) => k.from),
          // AUTOINCREMENT's sqlite_sequence follows explicit inserts by itself.
          sequences: [],
        });
      }
      return out;
    },
    async continueSequences() {},
    async hasMigrationTable(db) {
      return (await sql`select 1 from sqlite_master where type = 'table' and name = 'kysely_migration'`.execute(db)).rows.length > 0;
    },
    async schemaObjects(db) {
      const rows = await sql<{ name: string }>`select type || ' ' || name as name from sqlite_master where name not like 'sqlite\\_%' escape '\\'`.execute(db);
      return new Set(rows.rows.map((r) => r.name));
    },
    async foreignKeys(db, table) {
      const keys = await sql<{
        id: number;
        table: string;
        from: string;
        to: string | null;
      }>`select id, "table", "from", "to" from pragma_foreign_key_list(${table}) order by id, seq`.execute(db);
      const byId = new Map<number, ForeignKey>();
      for (const k of keys.rows) {
        const key = byId.get(k.id) ?? { table: k.table, from: [], to: [] };
        key.from.push(k.from);
        key.to.push(k.to ?? 'id');
        byId.set(k.id, key);
      }
      return [...byId.values()];
    },
    async drop(db, objects, tableOrder) {
      const views = named(objects, ['view']);
      const tables = await tableOrder(named(objects, ['table']));
      await db.transaction().execute(async (trx) => {
        for (const name of views) await sql`drop view if exists ${sql.table(name)}`.execute(trx);
        for (const name of tables) await sql`drop table if exists ${sql.table(name)}`.execute(trx);
      });
    },
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
    async hasMigrationTable(db) {
      return (
        (await sql`select 1 from pg_class where relname = 'kysely_migration' and relnamespace = current_schema()::regnamespace`.execute(db)).rows.length > 0
      );
    },
    async schemaObjects(db) {
      const rows = await sql<{ name: string }>`
          select c.relkind::text || ' ' || c.relname::text as name from pg_class c where c.relnamespace = current_schema()::regnamespace and c.relkind in ('r', 'p', 'S', 'v', 'm')
          union all select 'f ' || p.oid::regprocedure::text from pg_proc p where p.pronamespace = current_schema()::regnamespace
          union all select 't ' || t.typname::text from pg_type t where t.typnamespace = current_schema()::regnamespace and t.typtype in ('e', 'd')`.execute(
        db,
      );
      return new Set(rows.rows.map((r) => r.name));
    },
    // PostgreSQL's error names the broken key itself (its detail).
    foreignKeys: async () => [],
    async drop(db, objects, tableOrder) {
      const tables = await tableOrder(named(objects, ['r', 'p']));
      await db.transaction().execute(async (trx) => {
        for (const name of named(objects, ['v', 'm'])) await sql`drop view if exists ${sql.table(name)} cascade`.execute(trx);
        for (const name of tables) await sql`drop table if exists ${sql.table(name)} cascade`.execute(trx);
        for (const name of named(objects, ['S'])) await sql`drop sequence if exists ${sql.table(name)} cascade`.execute(trx);
        for (const name of named(objects, ['f'])) await sql`drop function if exists ${sql.raw(name)} cascade`.execute(trx);
        for (const name of named(objects, ['t'])) await sql`drop type if exists ${sql.table(name)} cascade`.execute(trx);
      });
    },
  },
};
