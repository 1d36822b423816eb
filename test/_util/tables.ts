/**
 * Fingerprints of every table, to show that a request wrote nothing: take one before, one after,
 * and name the tables whose fingerprint moved. Background work (analyses) is run to the end
 * first, so a fingerprint never catches a table mid-way.
 */
import { createHash } from 'node:crypto';
import type { Harness } from './app.js';

export type Fingerprint = ReadonlyMap<string, string>;

/** Every table of the harness's store, sorted. */
export async function tableNames(h: Harness): Promise<string[]> {
  return (await h.ctx.store.db.introspection.getTables()).map((t) => t.name).sort();
}

/** Each table's row count and a hash of its rows, in no particular row order. */
export async function fingerprint(h: Harness, tables: readonly string[]): Promise<Fingerprint> {
  await h.ctx.jobs.analyses.drain();
  const db = h.ctx.store.db;
  const entries = await Promise.all(
    tables.map(async (t) => {
      // Any table name: the rows are only hashed.
      const rows = await db
        .selectFrom(t as 'organisations')
        .selectAll()
        .execute();
      const hash = createHash('sha256')
        .update(
          rows
            .map((r) => JSON.stringify(r))
            .sort()
            .join('\n'),
        )
        .digest('hex')
        .slice(0, 16);
      return [t, `${rows.length} rows ${hash}`] as const;
    }),
  );
  return new Map(entries);
}

/** The tables whose fingerprint differs, each as "name (before → after)". */
export function changedTables(before: Fingerprint, after: Fingerprint): string[] {
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  return names.filter((t) => before.get(t) !== after.get(t)).map((t) => `${t} (${before.get(t) ?? 'absent'} → ${after.get(t) ?? 'absent'})`);
}
