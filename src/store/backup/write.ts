/** Writing a backup: one snapshot, streamed page by page into a file of its owner's alone. */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip, gzipSync } from 'node:zlib';
import type { Db } from '../db-type.js';
import type { Store } from '../db.js';
import { ARCHIVE_FORMAT, ARCHIVE_VERSION, BackupError, type ArchiveHeader, type ArchiveTable, type BackupSummary } from './archive.js';
import { appliedMigrations, describeTables, pagesOf, type TableShape } from './catalogue.js';
import { archived } from './values.js';

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
      if ((copyError as NodeJS.ErrnoException).code === 'EEXIST')
        throw new BackupError(`${file}: appeared while the backup ran; a backup never overwrites a file: name a new one`);
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
