/** `massline backup PATH` and `massline restore PATH`: the command line around src/store/backup.ts. */
import fs from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { loadConfig } from '../server/index.js';
import { BackupError, openStore, restoreBackup, sqliteFile, verifyArchive, writeBackup, type ArchiveHeader, type Store } from '../store/index.js';

export interface BackupCommandOptions {
  dataDir?: string;
  databaseUrl?: string;
  json?: boolean;
}

interface Output {
  out(line: string): void;
}

/**
 * The store the options name, and how to name it in messages (never with a password); for a
 * SQLite store that opening creates, `remove` takes away what opening it made (the file, and
 * the folder if it made that too), to leave nothing behind a refused restore.
 */
function storeOf(opts: BackupCommandOptions, purpose: 'backup' | 'restore'): { store: Store; where: string; remove: (() => void) | null } {
  const config = loadConfig(process.env, { dataDir: opts.dataDir, databaseUrl: opts.databaseUrl });
  if (config.databaseUrl) {
    const url = new URL(config.databaseUrl);
    return {
      store: openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 }),
      where: `PostgreSQL ${url.host}${url.pathname}`,
      remove: null,
    };
  }
  const file = sqliteFile(config.dataDir);
  // Opening a SQLite file creates it: a backup of a folder without one would back up nothing.
  if (purpose === 'backup' && !fs.existsSync(file))
    throw new BackupError(`${config.dataDir}: no Massline database there (--data-dir, or DATABASE_URL for PostgreSQL)`);
  const newFolder = !fs.existsSync(config.dataDir);
  const newFile = !fs.existsSync(file);
  const remove = () => {
    for (const made of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) fs.rmSync(made, { force: true });
    if (newFolder) fs.rmSync(config.dataDir, { recursive: true, force: true });
  };
  return { store: openStore({ databaseUrl: undefined, dataDir: config.dataDir }), where: config.dataDir, remove: newFile ? remove : null };
}

const megabytes = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;
const seconds = (since: number) => Math.round(performance.now() - since) / 1000;

export async function backupCommand(file: string, opts: BackupCommandOptions, io: Output): Promise<void> {
  const archive = path.resolve(file);
  if (!fs.existsSync(path.dirname(archive))) throw new BackupError(`${path.dirname(archive)}: no such folder`);
  if (fs.existsSync(archive) && fs.statSync(archive).isDirectory()) throw new BackupError(`${file}: is a folder; name the archive file to write`);
  if (fs.existsSync(archive)) throw new BackupError(`${file}: exists already; a backup never overwrites a file: name a new one`);
  const { store, where } = storeOf(opts, 'backup');
  const started = performance.now();
  const tty = process.stderr.isTTY;
  try {
    const summary = await writeBackup(store, archive, {
      onProgress: tty ? ({ table, rows }) => process.stderr.write(`\rbacking up ${table}: ${rows.toLocaleString('en')} rows so far\x1b[K`) : undefined,
    });
    if (tty) process.stderr.write('\r\x1b[K');
    const took = seconds(started);
    if (opts.json) io.out(JSON.stringify({ tables: summary.tables, rows: summary.rows, bytes: summary.bytes, seconds: took }));
    else
      io.out(
        `backed up ${summary.tables} tables, ${summary.rows.toLocaleString('en')} rows of ${where} to ${file} (${megabytes(summary.bytes)}) in ${took.toFixed(1)} s`,
      );
  } finally {
    await store.close();
  }
}

export async function restoreCommand(file: string, opts: BackupCommandOptions, io: Output): Promise<void> {
  const archive = path.resolve(file);
  if (!fs.existsSync(archive)) throw new BackupError(`${file}: no such file`);
  const started = performance.now();
  // A damaged archive, or one of a newer Massline, is refused before the target is even opened.
  const tty = process.stderr.isTTY;
  if (tty) process.stderr.write(`verifying ${file}…`);
  let header: ArchiveHeader;
  try {
    header = await verifyArchive(archive);
  } catch (e) {
    throw e instanceof BackupError ? new BackupError(`${file}: ${e.message}`) : e;
  } finally {
    if (tty) process.stderr.write('\r\x1b[K');
  }
  const { store, where, remove } = storeOf(opts, 'restore');
  const bar = tty ? new cliProgress.SingleBar({ clearOnComplete: true, stream: process.stderr }, cliProgress.Presets.shades_classic) : null;
  let restored = false;
  try {
    const summary = await restoreBackup(store, archive, header, {
      onProgress: (rows, total) => {
        if (bar && !bar.isActive) bar.start(total, 0);
        bar?.update(rows);
      },
    });
    restored = true;
    bar?.stop();
    const took = seconds(started);
    if (opts.json) io.out(JSON.stringify({ tables: summary.tables, rows: summary.rows, bytes: summary.bytes, seconds: took }));
    else {
      const then = summary.migratedAfter.length ? `; then applied this build's newer migrations ${summary.migratedAfter.join(', ')}` : '';
      io.out(
        `restored ${summary.tables} tables, ${summary.rows.toLocaleString('en')} rows from ${file} (${megabytes(summary.bytes)}) into ${where} in ${took.toFixed(1)} s${then}`,
      );
    }
  } catch (e) {
    throw e instanceof BackupError ? new BackupError(`${file}: ${e.message}`) : e;
  } finally {
    bar?.stop();
    await store.close();
    // A SQLite file this restore created goes again if the restore did not complete.
    if (!restored) remove?.();
  }
}
