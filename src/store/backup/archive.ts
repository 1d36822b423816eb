/** The archive's format (see index.ts): its header, and reading it through, verified line by line. */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { z } from 'zod';

export const ARCHIVE_FORMAT = 'massline-backup';
export const ARCHIVE_VERSION = 1;

/** An archive or a target that cannot be used, said in words an operator can act on. */
export class BackupError extends Error {}

export const ArchiveTable = z.object({
  name: z.string().min(1),
  columns: z.array(z.string().min(1)).min(1),
  rows: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type ArchiveTable = z.infer<typeof ArchiveTable>;

export const ArchiveHeader = z.object({
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

/** Bound parameters per insert: below SQLite's 32766 and PostgreSQL's 65535. */
const INSERT_PARAMETERS = 20_000;
const INSERT_ROWS = 1000;
/** The longest archive line read: far above any row's (an analysis of 100,000 members is tens of MB), below what one string can hold. */
const MAX_LINE_CHARS = 256 * 1_048_576;

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
  if (typeof version === 'number' && version > ARCHIVE_VERSION)
    throw new BackupError(`the archive has format version ${version}; this Massline reads version ${ARCHIVE_VERSION}: upgrade Massline to restore it`);
  const parsed = ArchiveHeader.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw damaged(`its header is not valid (${issue?.path.join('.') || 'header'}: ${issue?.message ?? 'invalid'})`);
  }
  if (parsed.data.version !== ARCHIVE_VERSION)
    throw new BackupError(`the archive has format version ${parsed.data.version}; this Massline reads version ${ARCHIVE_VERSION}`);
  const names = parsed.data.tables.map((t) => t.name);
  if (new Set(names).size !== names.length) throw damaged('its header names a table twice');
  return parsed.data;
}

export interface ArchiveVisitor {
  header?(header: ArchiveHeader): Promise<void>;
  /** A batch of a table's rows, in archive order, the i-th on line `lines[i]`; the table's checksum is verified only at its end. */
  rows?(table: ArchiveTable, rows: unknown[][], lines: number[]): Promise<void>;
  /** After the table's last row, its count and checksum verified. */
  tableDone?(table: ArchiveTable): Promise<void>;
}

/** Read an archive through, verifying its header, every line, each table's row count and checksum. */
export async function readArchive(file: string, visitor: ArchiveVisitor): Promise<ArchiveHeader> {
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
    if (row[1].length !== table.columns.length)
      throw damaged(`line ${lineNumber}: a row of ${table.name} with ${row[1].length} values for ${table.columns.length} columns`);
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
