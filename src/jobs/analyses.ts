/**
 * Analyses in the background: a vote marks its issue for analysis; after a short debounce one
 * analysis runs per issue at a time (a vote arriving meanwhile queues exactly one more), in a
 * worker thread, and the snapshot is stored with the vote-log position it saw. Votes never wait
 * for an analysis; the API serves the latest snapshot.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { statementVisible, type ModerationPolicy } from '../core/index.js';
import { analyses, issues, organisations, statements, votes, type Db } from '../store/index.js';
import { AnalysisRunner, type AnalysisReply, type AnalysisRequest } from './analysis-runner.js';

export interface AnalysisJobs {
  /** A vote (or a moderation) changed what the issue's analysis would say. */
  voteArrived(orgId: string, issueId: string): void;
  /** Analyse now and wait for the stored snapshot's id (null when the issue has no votes). */
  analyzeNow(orgId: string, issueId: string): Promise<string | null>;
  /** Run everything pending, debounces included, and wait until nothing is left (tests, simulate). */
  drain(): Promise<void>;
  close(): Promise<void>;
}

export interface AnalysisJobsOptions {
  db: Db;
  clock: () => Date;
  debounceMs: number;
  /** 'thread': a worker thread (the server); 'inline': on the calling thread (simulate, tests). */
  mode: 'thread' | 'inline';
  seed?: number;
  onError?: (error: unknown, issueId: string) => void;
  /** A snapshot was stored (live updates fan this out). */
  onStored?: (stored: AnalysisStored) => void;
}

export interface AnalysisStored {
  orgId: string;
  issueId: string;
  analysisId: string;
  votesSeq: number;
}

interface Engine {
  run(request: AnalysisRequest): Promise<AnalysisReply>;
  close(): Promise<void>;
}

/** The compiled worker: beside this file in dist/, or, when running from source, in dist/jobs/. */
function workerFile(): string {
  const here = fileURLToPath(import.meta.url);
  const beside = path.join(path.dirname(here), 'analysis-worker.js');
  if (here.endsWith('.js') && fs.existsSync(beside)) return beside;
  return path.resolve(path.dirname(here), '../../dist/jobs/analysis-worker.js');
}

function threadEngine(): Engine {
  let worker: Worker | null = null;
  let nextId = 1;
  const pending = new Map<number, { resolve: (r: AnalysisReply) => void; reject: (e: Error) => void }>();
  const start = () => {
    const w = new Worker(workerFile());
    w.unref();
    w.on('message', (m: { id: number; reply?: AnalysisReply; error?: string }) => {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.reply) p?.resolve(m.reply);
      else p?.reject(new Error(m.error ?? 'analysis failed'));
    });
    // A crashed worker loses its state; the next request is answered "needs a full load".
    w.on('error', (e) => {
      for (const p of pending.values()) p.reject(e);
      pending.clear();
      worker = null;
    });
    w.on('exit', () => {
      for (const p of pending.values()) p.reject(new Error('analysis worker exited'));
      pending.clear();
      worker = null;
    });
    return w;
  };
  return {
    run(request) {
      worker ??= start();
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker!.postMessage({ id, request });
      });
    },
    async close() {
      const w = worker;
      worker = null;
      if (w) await w.terminate();
    },
  };
}

function inlineEngine(): Engine {
  const runner = new AnalysisRunner(() => performance.now());
  return { run: async (request) => runner.run(request), close: async () => undefined };
}

export function createAnalysisJobs(options: AnalysisJobsOptions): AnalysisJobs {
  const engine = options.mode === 'thread' ? threadEngine() : inlineEngine();
  const seenSeq = new Map<string, number>();
  const timers = new Map<string, { timer: NodeJS.Timeout; orgId: string }>();
  const running = new Map<string, Promise<string | null>>();
  const again = new Map<string, string>();
  let closed = false;

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
        result: reply.snapshot,
        at: options.clock().toISOString(),
      });
      options.onStored?.({ orgId, issueId, analysisId: row.id, votesSeq: toSeq });
      return row.id;
    }
    throw new Error('analysis: the worker could not be brought up to date');
  }

  function runSoon(orgId: string, issueId: string): Promise<string | null> {
    const current = running.get(issueId);
    if (current) {
      again.set(issueId, orgId);
      return current.then(() => running.get(issueId) ?? null);
    }
    const job = analyse(orgId, issueId)
      .catch((e: unknown) => {
        seenSeq.delete(issueId);
        options.onError?.(e, issueId);
        return null;
      })
      .finally(() => {
        running.delete(issueId);
        const next = again.get(issueId);
        again.delete(issueId);
        if (next && !closed) void runSoon(next, issueId);
      });
    running.set(issueId, job);
    return job;
  }

  return {
    voteArrived(orgId, issueId) {
      if (closed || timers.has(issueId)) return;
      const timer = setTimeout(() => {
        timers.delete(issueId);
        void runSoon(orgId, issueId);
      }, options.debounceMs);
      timer.unref();
      timers.set(issueId, { timer, orgId });
    },
    async analyzeNow(orgId, issueId) {
      const t = timers.get(issueId);
      if (t) {
        clearTimeout(t.timer);
        timers.delete(issueId);
      }
      await runSoon(orgId, issueId);
      // A run already under way may predate the latest votes: wait for the queued one too.
      while (running.has(issueId)) await running.get(issueId);
      const latest = await analyses.latestAnalysis(options.db, orgId, issueId, 'engine');
      return latest?.id ?? null;
    },
    async drain() {
      for (;;) {
        for (const [issueId, t] of [...timers]) {
          clearTimeout(t.timer);
          timers.delete(issueId);
          void runSoon(t.orgId, issueId);
        }
        if (running.size === 0) return;
        await Promise.all([...running.values()]);
      }
    },
    async close() {
      closed = true;
      for (const t of timers.values()) clearTimeout(t.timer);
      timers.clear();
      await Promise.allSettled([...running.values()]);
      await engine.close();
    },
  };
}
