/**
 * The Pol.is export format (shared/data/polis/README.md), read and written. A folder holds
 * comments.csv, votes.csv (every vote with its time; a later vote on the same comment replaces
 * an earlier one), participants-votes.csv (a participant × comment matrix with Pol.is's group)
 * and summary.csv (key,value rows). Agree is 1, disagree −1, pass 0.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isUtf8 } from 'node:buffer';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { VoteValue } from '../../core/index.js';

export interface PolisComment {
  id: string;
  authorId: string;
  timestamp: number;
  /** 1 shown, 0 unmoderated, −1 hidden. */
  moderated: -1 | 0 | 1;
  body: string;
}

export interface PolisVote {
  timestamp: number | null;
  commentId: string;
  voterId: string;
  vote: VoteValue;
}

export interface PolisParticipant {
  id: string;
  /** Pol.is's opinion group at export time; null where the participant was not clustered. */
  groupId: string | null;
}

export interface PolisConversation {
  summary: { topic: string; url: string | null; description: string; entries: [string, string][] };
  comments: PolisComment[];
  /** Oldest first. Without votes.csv, taken from the matrix with timestamp null. */
  votes: PolisVote[];
  participants: PolisParticipant[];
  /** Which file the votes came from. */
  votesFrom: 'votes.csv' | 'participants-votes.csv';
}

/** An export that cannot be read as it stands, said with the file, the row and the rule it breaks. */
export class PolisFormatError extends Error {}

/** The columns each file may have; any other name is refused, so that a renamed or swapped column is never read as another. */
const COMMENT_COLUMNS = ['timestamp', 'datetime', 'comment-id', 'author-id', 'agrees', 'disagrees', 'moderated', 'comment-body'];
const VOTE_COLUMNS = ['timestamp', 'datetime', 'comment-id', 'voter-id', 'vote'];
/** participants-votes.csv: these (xid: the participant's id in the embedding site), then one column per comment id. */
const MATRIX_COLUMNS = ['participant', 'xid', 'group-id', 'n-comments', 'n-votes', 'n-agree', 'n-disagree'];

/** The longest id (comment, participant, group) taken: Pol.is's are small integers. */
const MAX_ID_LENGTH = 100;
/** Milliseconds since 1970 up to the end of year 9999: later instants have no plain ISO-8601 form, which the databases read. */
const MAX_TIMESTAMP = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** What csv-parse's error codes mean, as rules of the format. */
const csvRules: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is not closed before the end of the file',
  INVALID_OPENING_QUOTE: 'a quote inside a field that does not begin with one (quote the whole field and double the quote)',
  CSV_INVALID_CLOSING_QUOTE: 'a quoted field goes on after its closing quote (a quote inside a quoted field must be doubled)',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'a quoted field goes on after its closing quote (a quote inside a quoted field must be doubled)',
};

/**
 * A CSV file's records, header first, every field checked to be UTF-8 text. Rows are numbered
 * as records, the header being row 1 (empty lines are skipped and not counted).
 */
function readCsv(dir: string, name: string): string[][] {
  let bytes = fs.readFileSync(path.join(dir, name));
  if (bytes.subarray(0, 3).equals(UTF8_BOM)) bytes = bytes.subarray(3);
  let records: Buffer[][];
  try {
    // As bytes: a field that is not UTF-8 is named, not decoded into replacement characters.
    records = parse(bytes, { encoding: null, relax_column_count: true, skip_empty_lines: true }) as unknown as Buffer[][];
  } catch (e) {
    const csv = e as { code?: string; records?: number; lines?: number; message?: string };
    if (typeof csv.code !== 'string' || typeof csv.records !== 'number') throw e;
    const rule = csvRules[csv.code] ?? `not well-formed CSV (${csv.code})`;
    throw new PolisFormatError(`${name} row ${csv.records + 1} (line ${csv.lines}): ${rule}`);
  }
  const header = records[0];
  return records.map((record, r) =>
    record.map((field, f) => {
      if (!isUtf8(field)) {
        const column = header && r > 0 && header[f] && isUtf8(header[f]) ? `column ${header[f].toString('utf8').trim()}` : `field ${f + 1}`;
        throw new PolisFormatError(`${name} row ${r + 1}, ${column}: not UTF-8 text (a Pol.is export is UTF-8; convert the file, e.g. with iconv)`);
      }
      return field.toString('utf8');
    }),
  );
}

/** The header's columns by name: every needed one present, none unknown (when `known` is given), none twice. */
function columns(header: string[] | undefined, file: string, needed: string[], known: string[] | null): Map<string, number> {
  if (!header) throw new PolisFormatError(`${file}: empty (row 1 must be the header: ${needed.join(',')})`);
  const at = new Map<string, number>();
  for (const [i, raw] of header.entries()) {
    const h = raw.trim();
    if (at.has(h)) throw new PolisFormatError(`${file} row 1: the column ${JSON.stringify(h)} appears twice`);
    if (known && !known.includes(h))
      throw new PolisFormatError(`${file} row 1: unknown column ${JSON.stringify(h.slice(0, 80))} (the columns of ${file} are ${known.join(', ')})`);
    at.set(h, i);
  }
  for (const n of needed) if (!at.has(n)) throw new PolisFormatError(`${file} row 1: missing column ${n}`);
  return at;
}

/** Every row as wide as the header: a field too many or too few shifts the others into the wrong columns. */
function sameWidth(rows: string[][], width: number, file: string): void {
  for (const [i, r] of rows.entries())
    if (r.length !== width) throw new PolisFormatError(`${file} row ${i + 2}: ${r.length} fields where the header has ${width}`);
}

function voteValue(raw: string, where: string): VoteValue {
  const t = raw.trim();
  if (t === '1' || t === '-1' || t === '0') return Number(t) as VoteValue;
  throw new PolisFormatError(`${where}: vote must be 1, -1 or 0, found ${JSON.stringify(raw.slice(0, 40))}`);
}

function timestampOf(raw: string, where: string): number {
  const t = raw.trim();
  const ms = /^\d{1,16}$/.test(t) ? Number(t) : NaN;
  if (!(ms <= MAX_TIMESTAMP))
    throw new PolisFormatError(
      `${where}: timestamp must be milliseconds since 1970 (digits only, before the year 10000), found ${JSON.stringify(raw.slice(0, 40))}`,
    );
  return ms;
}

function idOf(raw: string, where: string, column: string): string {
  const t = raw.trim();
  if (t === '') throw new PolisFormatError(`${where}: ${column} must not be empty`);
  if (t.length > MAX_ID_LENGTH)
    throw new PolisFormatError(`${where}: ${column} must be at most ${MAX_ID_LENGTH} characters, found ${t.length.toLocaleString('en')}`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f]/.test(t)) throw new PolisFormatError(`${where}: ${column} must not contain control characters`);
  return t;
}

/**
 * Read a Pol.is export folder, refusing anything not well-formed: CSV (quotes closed, no stray
 * quote, every row as wide as its header), UTF-8 text, the known columns only, integer
 * timestamps, votes of 1, -1 or 0, ids present and unique, and every vote on a comment that
 * comments.csv lists. Comments keep the file's order: comment i is comments.csv row i + 2.
 */
export function readPolisConversation(dir: string): PolisConversation {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new PolisFormatError(`${dir}: not a folder`);
  const has = (n: string) => fs.existsSync(path.join(dir, n));
  if (!has('comments.csv')) throw new PolisFormatError(`${dir}: comments.csv is missing`);

  const summaryRows = has('summary.csv') ? readCsv(dir, 'summary.csv') : [];
  const entries = summaryRows.map((r) => [r[0] ?? '', r[1] ?? ''] as [string, string]);
  const entry = (k: string) => entries.find(([key]) => key === k)?.[1];
  const summary = {
    topic: entry('topic') || path.basename(path.resolve(dir)),
    url: entry('url') ?? null,
    description: entry('conversation-description') ?? entry('description') ?? '',
    entries,
  };

  const [ch, ...crows] = readCsv(dir, 'comments.csv');
  const cc = columns(ch, 'comments.csv', ['timestamp', 'comment-id', 'author-id', 'moderated', 'comment-body'], COMMENT_COLUMNS);
  sameWidth(crows, ch!.length, 'comments.csv');
  const commentRow = new Map<string, number>();
  const comments: PolisComment[] = crows.map((r, i) => {
    const where = `comments.csv row ${i + 2}`;
    const mod = r[cc.get('moderated')!]!.trim();
    if (mod !== '1' && mod !== '0' && mod !== '-1')
      throw new PolisFormatError(`${where}: moderated must be 1, 0 or -1, found ${JSON.stringify(mod.slice(0, 40))}`);
    const id = idOf(r[cc.get('comment-id')!]!, where, 'comment-id');
    if (commentRow.has(id)) throw new PolisFormatError(`${where}: comment-id ${id} appears twice (rows ${commentRow.get(id)} and ${i + 2})`);
    commentRow.set(id, i + 2);
    return {
      id,
      authorId: idOf(r[cc.get('author-id')!]!, where, 'author-id'),
      timestamp: timestampOf(r[cc.get('timestamp')!]!, where),
      moderated: Number(mod) as -1 | 0 | 1,
      body: r[cc.get('comment-body')!]!,
    };
  });
  const known = (commentId: string, where: string, column: string) => {
    if (!commentRow.has(commentId)) throw new PolisFormatError(`${where}: ${column} ${JSON.stringify(commentId)} is not a comment-id of comments.csv`);
    return commentId;
  };

  let participants: PolisParticipant[] = [];
  let matrixVotes: PolisVote[] = [];
  if (has('participants-votes.csv')) {
    const [ph, ...prows] = readCsv(dir, 'participants-votes.csv');
    const pc = columns(ph, 'participants-votes.csv', ['participant', 'group-id'], null);
    sameWidth(prows, ph!.length, 'participants-votes.csv');
    const firstComment = (pc.get('n-disagree') ?? pc.get('group-id')!) + 1;
    for (const [name, i] of pc)
      if (i < firstComment && !MATRIX_COLUMNS.includes(name))
        throw new PolisFormatError(
          `participants-votes.csv row 1: unknown column ${JSON.stringify(name.slice(0, 80))} (before the comments' columns come ${MATRIX_COLUMNS.join(', ')})`,
        );
    const commentCols = ph!.slice(firstComment).map((cid) => known(cid.trim(), 'participants-votes.csv row 1', 'the column'));
    const seen = new Map<string, number>();
    participants = prows.map((r, i) => {
      const where = `participants-votes.csv row ${i + 2}`;
      const id = idOf(r[pc.get('participant')!]!, where, 'participant');
      if (seen.has(id)) throw new PolisFormatError(`${where}: participant ${id} appears twice (rows ${seen.get(id)} and ${i + 2})`);
      seen.set(id, i + 2);
      const group = r[pc.get('group-id')!]!.trim();
      return { id, groupId: group ? idOf(group, where, 'group-id') : null };
    });
    for (const [ri, r] of prows.entries()) {
      commentCols.forEach((cid, j) => {
        const raw = r[firstComment + j];
        if (raw === undefined || raw.trim() === '') return;
        matrixVotes.push({
          timestamp: null,
          commentId: cid,
          voterId: participants[ri]!.id,
          vote: voteValue(raw, `participants-votes.csv row ${ri + 2}, column ${cid}`),
        });
      });
    }
  }

  if (has('votes.csv')) {
    const [vh, ...vrows] = readCsv(dir, 'votes.csv');
    const vc = columns(vh, 'votes.csv', ['timestamp', 'comment-id', 'voter-id', 'vote'], VOTE_COLUMNS);
    sameWidth(vrows, vh!.length, 'votes.csv');
    const votes = vrows.map((r, i) => {
      const where = `votes.csv row ${i + 2}`;
      return {
        timestamp: timestampOf(r[vc.get('timestamp')!]!, where),
        commentId: known(idOf(r[vc.get('comment-id')!]!, where, 'comment-id'), where, 'comment-id'),
        voterId: idOf(r[vc.get('voter-id')!]!, where, 'voter-id'),
        vote: voteValue(r[vc.get('vote')!]!, where),
        order: i,
      };
    });
    // Oldest first; equal times keep the file's order.
    votes.sort((a, b) => a.timestamp - b.timestamp || a.order - b.order);
    matrixVotes = [];
    return { summary, comments, votes: votes.map(({ order: _order, ...v }) => v), participants, votesFrom: 'votes.csv' };
  }
  if (participants.length === 0) throw new PolisFormatError(`${dir}: neither votes.csv nor participants-votes.csv is present`);
  return { summary, comments, votes: matrixVotes, participants, votesFrom: 'participants-votes.csv' };
}

const polisDate = (ms: number) => new Date(ms).toUTCString();
const write = (file: string, rows: unknown[][]) => fs.writeFileSync(file, stringify(rows));

/** Write a conversation in the Pol.is export format. */
export function writePolisConversation(dir: string, c: PolisConversation): void {
  fs.mkdirSync(dir, { recursive: true });
  const latest = new Map<string, PolisVote>();
  for (const v of c.votes) latest.set(`${v.commentId}\u0000${v.voterId}`, v);
  const counts = new Map<string, { agree: number; disagree: number }>();
  const perVoter = new Map<string, Map<string, VoteValue>>();
  for (const v of latest.values()) {
    const k = counts.get(v.commentId) ?? { agree: 0, disagree: 0 };
    if (v.vote === 1) k.agree++;
    if (v.vote === -1) k.disagree++;
    counts.set(v.commentId, k);
    const m = perVoter.get(v.voterId) ?? new Map<string, VoteValue>();
    m.set(v.commentId, v.vote);
    perVoter.set(v.voterId, m);
  }

  write(path.join(dir, 'comments.csv'), [
    ['timestamp', 'datetime', 'comment-id', 'author-id', 'agrees', 'disagrees', 'moderated', 'comment-body'],
    ...c.comments.map((m) => [
      m.timestamp,
      polisDate(m.timestamp),
      m.id,
      m.authorId,
      counts.get(m.id)?.agree ?? 0,
      counts.get(m.id)?.disagree ?? 0,
      m.moderated,
      m.body,
    ]),
  ]);
  write(path.join(dir, 'votes.csv'), [
    ['timestamp', 'datetime', 'comment-id', 'voter-id', 'vote'],
    ...c.votes.map((v) => [v.timestamp ?? '', v.timestamp === null ? '' : polisDate(v.timestamp), v.commentId, v.voterId, v.vote]),
  ]);
  const commentIds = c.comments.map((m) => m.id);
  const authored = new Map<string, number>();
  for (const m of c.comments) authored.set(m.authorId, (authored.get(m.authorId) ?? 0) + 1);
  write(path.join(dir, 'participants-votes.csv'), [
    ['participant', 'group-id', 'n-comments', 'n-votes', 'n-agree', 'n-disagree', ...commentIds],
    ...c.participants.map((p) => {
      const mine = perVoter.get(p.id) ?? new Map<string, VoteValue>();
      const values = [...mine.values()];
      return [
        p.id,
        p.groupId ?? '',
        authored.get(p.id) ?? 0,
        values.length,
        values.filter((v) => v === 1).length,
        values.filter((v) => v === -1).length,
        ...commentIds.map((id) => mine.get(id) ?? ''),
      ];
    }),
  ]);
  const groups = new Set(c.participants.map((p) => p.groupId).filter((g) => g !== null));
  const known = new Map(c.summary.entries);
  known.set('topic', c.summary.topic);
  if (c.summary.url) known.set('url', c.summary.url);
  known.set('voters', String(perVoter.size));
  known.set('comments', String(c.comments.length));
  known.set('groups', String(groups.size));
  known.set('conversation-description', c.summary.description);
  write(path.join(dir, 'summary.csv'), [...known.entries()]);
}
