/** `massline analyze PATH --json`: the opinion engine on a Pol.is export folder or a participant,statement,vote CSV. */
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parse } from 'csv-parse/sync';
import { analyzeConversation, applyVote, createVoteStore } from '../engine/index.js';
import { PolisFormatError, readPolisConversation } from './polis/format.js';

export interface AnalyzeOutput {
  participants: number;
  statements: number;
  votes: number;
  groups: { id: string; members: string[] }[];
  consensus: string[];
  representative: string[];
  divisive: string[];
  computeSeconds: number;
}

interface Input {
  votes: { participant: string; statement: string; vote: number }[];
  moderatedOut: string[];
}

function readInput(path: string): Input {
  if (!fs.existsSync(path)) throw new PolisFormatError(`${path}: no such file or folder`);
  if (fs.statSync(path).isDirectory()) {
    const c = readPolisConversation(path);
    return {
      votes: c.votes.map((v) => ({ participant: v.voterId, statement: v.commentId, vote: v.vote })),
      // Pol.is leaves hidden comments (moderated −1) out of the analysis.
      moderatedOut: c.comments.filter((m) => m.moderated === -1).map((m) => m.id),
    };
  }
  const [header, ...rows] = parse(fs.readFileSync(path), { skip_empty_lines: true, bom: true }) as string[][];
  if (!header || header.map((h) => h.trim()).join(',') !== 'participant,statement,vote')
    throw new PolisFormatError(`${path}: the header must be participant,statement,vote`);
  return {
    votes: rows.map((r, i) => {
      const vote = Number(r[2]);
      if (vote !== 1 && vote !== -1 && vote !== 0) throw new PolisFormatError(`${path} row ${i + 2}: vote must be 1, -1 or 0`);
      return { participant: r[0] ?? '', statement: r[1] ?? '', vote };
    }),
    moderatedOut: [],
  };
}

export function analyzePath(path: string): AnalyzeOutput {
  const input = readInput(path);
  const started = performance.now();
  const store = createVoteStore();
  // In the order given: a later vote on the same statement replaces the earlier one.
  for (const v of input.votes) {
    const r = applyVote(store, v.participant, v.statement, v.vote);
    if (!r.ok) throw new PolisFormatError(r.error.message);
  }
  const a = analyzeConversation(store, { moderatedOut: input.moderatedOut });
  const computeSeconds = (performance.now() - started) / 1000;
  return {
    participants: a.counts.participants,
    statements: a.counts.statements,
    votes: a.counts.votes,
    groups: a.groups.map((g) => ({ id: String(g.id), members: [...g.members] })),
    consensus: [...a.consensus.agree, ...a.consensus.disagree].map((c) => c.statement),
    representative: [...new Set(a.groups.flatMap((g) => g.representative.map((r) => r.statement)))],
    divisive: a.divisive.map((d) => d.statement),
    computeSeconds,
  };
}
