/** Values in and out of the archive: as JSON, as the target column takes them, and in one form to compare. */
import type { ColumnKind } from '../dialect/backup-catalogue.js';
import type { DialectName } from '../dialect/types.js';
import { BackupError } from './archive.js';

type ArchiveValue = string | number | boolean | null | { [key: string]: unknown } | unknown[];

/** A value as the archive holds it. */
export function archived(value: unknown, where: string): ArchiveValue {
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
export function stored(value: unknown, kind: ColumnKind, dialect: DialectName): unknown {
  if (value === null) return null;
  if (kind === 'boolean') return dialect === 'postgres' ? truthy(value) : truthy(value) ? 1 : 0;
  // SQLite binds no booleans; JSON into a text column is its text.
  if (typeof value === 'boolean') return kind === 'text' ? String(value) : value ? 1 : 0;
  if (typeof value === 'object') return JSON.stringify(value);
  return value;
}

function sortedJson(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortedJson);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortedJson((v as Record<string, unknown>)[k])]),
    );
  return v;
}

/**
 * One form for a value whether it comes from the archive or back out of the target, so the
 * restored rows can be compared with the archive's: timestamps as the instant they name,
 * integers as their digits, JSON with its keys sorted.
 */
export function canonical(value: unknown, kind: ColumnKind): string | null {
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
    case 'text':
    case 'other':
    default:
      return typeof value === 'string' ? value : JSON.stringify(value);
  }
}
