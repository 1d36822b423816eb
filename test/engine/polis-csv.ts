/**
 * A small reader of Pol.is openData exports for the engine's tests (the product's reader lives
 * in src/cli/polis/). Reads votes.csv (latest vote per cell wins, in timestamp order; 1 = agree),
 * comments.csv (moderated = −1 means moderated out) and participants-votes.csv (Pol.is's group-id).
 */
import fs from 'node:fs';
import path from 'node:path';

export interface PolisVote {
  readonly participant: string;
  readonly statement: string;
  readonly vote: -1 | 0 | 1;
}

export interface PolisConversation {
  readonly name: string;
  /** In timestamp order (stable on file order). */
  readonly votes: readonly PolisVote[];
  readonly moderatedOut: readonly string[];
  /** Pol.is's group per clustered participant. */
  readonly polisGroupOf: ReadonlyMap<string, number>;
}

/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and newlines. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else if (ch !== '\r') field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function table(file: string): { header: string[]; rows: string[][] } {
  const [header = [], ...rows] = parseCsv(fs.readFileSync(file, 'utf8'));
  return { header, rows: rows.filter((r) => r.length >= header.length) };
}

export function loadPolisConversation(directory: string): PolisConversation {
  const votes = table(path.join(directory, 'votes.csv'));
  const at = (name: string): number => votes.header.indexOf(name);
  const [ts, cid, pid, vote] = [at('timestamp'), at('comment-id'), at('voter-id'), at('vote')];
  const ordered = votes.rows
    .map((r, index) => ({ r, index, t: Number(r[ts]) }))
    .sort((a, b) => a.t - b.t || a.index - b.index)
    .map(({ r }) => ({ participant: r[pid]!, statement: r[cid]!, vote: Math.sign(Number(r[vote])) as -1 | 0 | 1 }));
  const comments = table(path.join(directory, 'comments.csv'));
  const ci = comments.header.indexOf('comment-id');
  const cm = comments.header.indexOf('moderated');
  const moderatedOut = comments.rows.filter((r) => Number(r[cm]) === -1).map((r) => r[ci]!);
  const pv = table(path.join(directory, 'participants-votes.csv'));
  const pp = pv.header.indexOf('participant');
  const pg = pv.header.indexOf('group-id');
  const polisGroupOf = new Map<string, number>();
  for (const r of pv.rows) if (r[pg] !== '') polisGroupOf.set(r[pp]!, Number(r[pg]));
  return { name: path.basename(directory), votes: ordered, moderatedOut, polisGroupOf };
}

/**
 * Sign check of the export against participants-votes.csv: the number of participants whose
 * count of +1 votes in votes.csv (latest per cell) equals their n-agree, out of all.
 */
export function agreeSignCheck(directory: string, conversation: PolisConversation): { matching: number; total: number } {
  const latest = new Map<string, number>();
  for (const v of conversation.votes) latest.set(`${v.participant}|${v.statement}`, v.vote);
  const agreeCount = new Map<string, number>();
  for (const [key, v] of latest) if (v === 1) agreeCount.set(key.split('|')[0]!, (agreeCount.get(key.split('|')[0]!) ?? 0) + 1);
  const pv = table(path.join(directory, 'participants-votes.csv'));
  const pp = pv.header.indexOf('participant');
  const na = pv.header.indexOf('n-agree');
  let matching = 0;
  for (const r of pv.rows) if ((agreeCount.get(r[pp]!) ?? 0) === Number(r[na])) matching++;
  return { matching, total: pv.rows.length };
}
