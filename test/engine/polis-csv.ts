/**
 * A Pol.is openData export as the engine's tests need it, read with the product's reader
 * (src/cli/polis/format.ts): votes in timestamp order (the latest vote per cell wins),
 * comments hidden in moderation (−1) left out, and Pol.is's own group per clustered participant.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { readPolisConversation } from '../../src/cli/polis/format.js';

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

export function loadPolisConversation(directory: string): PolisConversation {
  const c = readPolisConversation(directory);
  const polisGroupOf = new Map<string, number>();
  for (const p of c.participants) if (p.groupId !== null) polisGroupOf.set(p.id, Number(p.groupId));
  return {
    name: path.basename(directory),
    votes: c.votes.map((v) => ({ participant: v.voterId, statement: v.commentId, vote: v.vote })),
    moderatedOut: c.comments.filter((m) => m.moderated === -1).map((m) => m.id),
    polisGroupOf,
  };
}

/**
 * Sign check of the export against participants-votes.csv: the number of participants whose
 * count of +1 votes in votes.csv (latest per cell) equals their n-agree, out of all.
 */
export function agreeSignCheck(directory: string, conversation: PolisConversation): { matching: number; total: number } {
  const latest = new Map<string, number>();
  for (const v of conversation.votes) latest.set(`${v.participant}|${v.statement}`, v.vote);
  const agreeCount = new Map<string, number>();
  for (const [key, v] of latest) {
    const participant = key.split('|')[0]!;
    if (v === 1) agreeCount.set(participant, (agreeCount.get(participant) ?? 0) + 1);
  }
  const [header = [], ...rows] = parse(fs.readFileSync(path.join(directory, 'participants-votes.csv')), {
    relax_column_count: true,
    skip_empty_lines: true,
  }) as string[][];
  const pp = header.indexOf('participant');
  const na = header.indexOf('n-agree');
  let matching = 0;
  for (const r of rows) if ((agreeCount.get(r[pp]!) ?? 0) === Number(r[na])) matching++;
  return { matching, total: rows.length };
}
