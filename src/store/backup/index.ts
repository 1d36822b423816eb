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
export { ARCHIVE_FORMAT, ARCHIVE_VERSION, BackupError, type ArchiveHeader, type ArchiveTable, type BackupSummary, type RestoreSummary } from './archive.js';
export { writeBackup, type BackupOptions } from './write.js';
export { restoreBackup, verifyArchive, type RestoreOptions } from './restore.js';
