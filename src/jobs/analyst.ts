/**
 * One issue's analysis, whoever asks for it (the in-process scheduler or a queue worker): read
 * the votes logged since this process last analysed the issue, run the engine (in a worker
 * thread, or inline), and store the snapshot with the vote-log position it saw.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { statementVisible, type ModerationPolicy } from '../core/index.js';
import { analyses, issues, organisations, statements, votes, type Db } from '../store/index.js';
import { workerBeside, workerClient } from '../store/worker-protocol.js';
import { AnalysisRunner, type AnalysisReply, type AnalysisRequest, type AnalystMessages } from './analysis-runner.js';

export interface AnalysisStored {
  orgId: string;
  issueId: string;
  analysisId: string;
  votesSeq: number;
}

export interface AnalystOptions {
  db: Db;
  clock: () => Date;
  /** 'thread': a worker thread (the server); 'inline': on the calling thread (simulate, tests). */
  mode: 'thread' | 'inline';
  seed?: number;
  /** A snapshot was stored (live updates fan this out). */
  onStored?: (stored: AnalysisStored) => void;
}

export interface Analyst {
  /** Analyse the issue now and store the snapshot; its id, or null when the issue has no votes (or is gone). */
  analyse(orgId: string, issueId: string): Promise<string | null>;
  /** Drop what this process knows of the issue: its next analysis loads every vote again. */
  forget(issueId: string): void;
  close(): Promise<void>;
}

interface Engine {
  run(request: AnalysisRequest): Promise<AnalysisReply>;
  close(): Promise<void>;
}

/** The engine in a worker thread; a crashed one loses its state, so the next request is answered "needs a full load". */
function threadEngine(): Engine {
  const thread = workerClient<AnalystMessages>('analysis worker', workerBeside(import.meta.url, 'analysis-worker'));
  return { run: (request) => thread.send('run', request), close: () => thread.terminate() };
}

function inlineEngine(): Engine {
  const runner = new AnalysisRunner(() => performance.now());
  return { run: async (request) => runner.run(request), close: async () => undefined };
}

/** What an engine analysis is made from besides the votes: the cycle, and the statements kept out. */
export function basisOf(cycleId: string, moderatedOut: readonly string[]): string {
  return createHash('sha256')
    .update(JSON.stringify([cycleId, [...moderatedOut].sort()]))
    .digest('base64url');
}

export function createAnalyst(options: AnalystOptions): Analyst {
  const engine = options.mode === 'thread' ? threadEngine() : inlineEngine();
  /** Per issue, the vote-log position the engine's state has reached. */
  const seenSeq = new Map<string, number>();

  async function moderatedOut(orgId: string, issueId: string, policy: ModerationPolicy): Promise<string[]> {
    const rows = await statements.listStatements(options.db, orgId, issueId);
    // A merged duplicate leaves the analysis too: its voters' votes were carried to the statement it was merged into.
    return rows.filter((s) => s.merged_into !== null || !statementVisible(s.status, policy)).map((s) => s.id);
  }

  async function analyse(orgId: string, issueId: string): Promise<string | null> {
    const org = await organisations.getOrganisation(options.db, orgId);
    const issue = await issues.getIssue(options.db, orgId, issueId);
    if (!org || !issue) return null;
    const cycle = await issues.currentCycle(options.db, orgId, issueId);
    const out = await moderatedOut(orgId, issueId, org.moderation);
    const basis = basisOf(cycle.id, out);
    // Nothing new since the newest analysis (no vote, no moderation, same cycle): it stands.
    const newest = await analyses.latestAnalysis(options.db, orgId, issueId, 'engine');
    if (newest && analyses.coversAsMuch(newest, await votes.voteLogHead(options.db, issueId), basis)) return newest.id;
    let from = seenSeq.get(issueId) ?? 0;
    for (let attempt = 0; attempt < 2; attempt++) {
      const delta = await votes.voteLogSince(options.db, orgId, issueId, from);
      const toSeq = delta.length ? delta[delta.length - 1]!.seq : from;
      if (toSeq === 0) return null;
      const reply = await engine.run({
        issueId,
        fromSeq: from,
        toSeq,
        members: delta.map((v) => v.memberId),
        statements: delta.map((v) => v.statementId),
        values: delta.map((v) => v.value),
        moderatedOut: out,
        seed: options.seed ?? 1,
      });
      if (!reply.ok) {
        from = 0;
        continue;
      }
      seenSeq.set(issueId, toSeq);
      const row = await analyses.saveAnalysis(options.db, {
        orgId,
        issueId,
        cycleId: cycle.id,
        source: 'engine',
        votesSeq: toSeq,
        basis,
        result: reply.snapshot,
        at: options.clock().toISOString(),
      });
      if (row.stored) options.onStored?.({ orgId, issueId, analysisId: row.id, votesSeq: toSeq });
      return row.id;
    }
    throw new Error('analysis: the worker could not be brought up to date');
  }

  return {
    analyse,
    forget: (issueId) => seenSeq.delete(issueId),
    close: () => engine.close(),
  };
}
