/**
 * The Pol.is export format (shared/data/polis/README.md), read and written. A folder holds
 * comments.csv, votes.csv (every vote with its time; a later vote on the same comment replaces
 * an earlier one), participants-votes.csv (a participant × comment matrix with Pol.is's group)
 * and summary.csv (key,value rows). Agree is 1, disagree −1, pass 0.
 */
import fs from 'node:fs';
import path from 'node:path';
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

export class PolisFormatError extends Error {}

function readCsv(file: string): string[][] {
  return parse(fs.readFileSync(file), { relax_column_count: true, skip_empty_lines: true, bom: true }) as string[][];
}

function voteValue(raw: string, where: string): VoteValue {
  const n = Number(raw);
  if (n === 1 || n === -1 || n === 0) return n;
  throw new PolisFormatError(`${where}: vote must be 1, -1 or 0, found ${JSON.stringify(raw)}`);
}

function columns(header: string[] | undefined, file: string, needed: string[]): Map<string, number> {
  if (!header) throw new PolisFormatError(`${file}: empty`);
  const at = new Map(header.map((h, i) => [h.trim(), i]));
  for (const n of needed) if (!at.has(n)) throw new PolisFormatError(`${file}: missing column ${n}`);
  return at;
}

export function readPolisConversation(dir: string): PolisConversation {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new PolisFormatError(`${dir}: not a folder`);
  const file = (n: string) => path.join(dir, n);
  if (!fs.existsSync(file('comments.csv'))) throw new PolisFormatError(`${dir}: comments.csv is missing`);

  const summaryRows = fs.existsSync(file('summary.csv')) ? readCsv(file('summary.csv')) : [];
  const entries = summaryRows.map((r) => [r[0] ?? '', r[1] ?? ''] as [string, string]);
  const entry = (k: string) => entries.find(([key]) => key === k)?.[1];
  const summary = {
    topic: entry('topic') || path.basename(path.resolve(dir)),
    url: entry('url') ?? null,
    description: entry('conversation-description') ?? entry('description') ?? '',
    entries,
  };

  const [ch, ...crows] = readCsv(file('comments.csv'));
  const cc = columns(ch, 'comments.csv', ['timestamp', 'comment-id', 'author-id', 'moderated', 'comment-body']);
  const comments: PolisComment[] = crows.map((r, i) => {
    const mod = Number(r[cc.get('moderated')!]);
    if (mod !== 1 && mod !== 0 && mod !== -1) throw new PolisFormatError(`comments.csv row ${i + 2}: moderated must be 1, 0 or -1`);
    return {
      id: r[cc.get('comment-id')!] ?? '',
      authorId: r[cc.get('author-id')!] ?? '',
      timestamp: Number(r[cc.get('timestamp')!]),
      moderated: mod,
      body: r[cc.get('comment-body')!] ?? '',
    };
  });

  let participants: PolisParticipant[] = [];
  let matrixVotes: PolisVote[] = [];
  if (fs.existsSync(file('participants-votes.csv'))) {
    const [ph, ...prows] = readCsv(file('participants-votes.csv'));
    const pc = columns(ph, 'participants-votes.csv', ['participant', 'group-id']);
    const firstComment = (pc.get('n-disagree') ?? pc.get('group-id')!) + 1;
    const commentCols = (ph ?? []).slice(firstComment);
    participants = prows.map((r) => ({ id: r[pc.get('participant')!] ?? '', groupId: r[pc.get('group-id')!] ? String(r[pc.get('group-id')!]) : null }));
    for (const [ri, r] of prows.entries()) {
      commentCols.forEach((cid, j) => {
        const raw = r[firstComment + j];
        if (raw === undefined || raw === '') return;
        matrixVotes.push({ timestamp: null, commentId: cid, voterId: r[pc.get('participant')!] ?? '', vote: voteValue(raw, `participants-votes.csv row ${ri + 2}`) });
      });
    }
  }

  if (fs.existsSync(file('votes.csv'))) {
    const [vh, ...vrows] = readCsv(file('votes.csv'));
    const vc = columns(vh, 'votes.csv', ['timestamp', 'comment-id', 'voter-id', 'vote']);
    const votes = vrows.map((r, i) => ({
      timestamp: Number(r[vc.get('timestamp')!]),
      commentId: r[vc.get('comment-id')!] ?? '',
      voterId: r[vc.get('voter-id')!] ?? '',
      vote: voteValue(r[vc.get('vote')!] ?? '', `votes.csv row ${i + 2}`),
      order: i,
    }));
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
    ...c.comments.map((m) => [m.timestamp, polisDate(m.timestamp), m.id, m.authorId, counts.get(m.id)?.agree ?? 0, counts.get(m.id)?.disagree ?? 0, m.moderated, m.body]),
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
