/**
 * What the analyses' scheduler offers and takes, apart from both ways it runs (analyses.ts in
 * this process, analysis-queue.ts on the job queue), so that neither imports the other for it.
 */
import type { Db } from '../store/index.js';
import type { AnalysisStored } from './analyst.js';
import type { JobQueue } from './queue.js';

export interface AnalysisJobs {
  /** A vote (or a moderation) changed what the issue's analysis would say. */
  voteArrived(orgId: string, issueId: string): void;
  /**
   * At start-up: the issue's analysis is behind its votes. Analysed as after a vote, unless a job
   * for it is already waiting, running or to be retried (on the queue), which will cover it.
   */
  catchUp(orgId: string, issueId: string): Promise<void>;
  /** Analyse now and wait for the stored snapshot's id (null when the issue has no votes). */
  analyzeNow(orgId: string, issueId: string): Promise<string | null>;
  /** Run everything pending, debounces included, and wait until nothing is left (tests, simulate). */
  drain(): Promise<void>;
  close(): Promise<void>;
}

export interface AnalysisJobsOptions {
  db: Db;
  clock: () => Date;
  /** Wait this long after a vote (on the queue: send at most one job per issue this often). */
  debounceMs: number;
  /** 'thread': a worker thread (the server); 'inline': on the calling thread (simulate, tests). */
  mode: 'thread' | 'inline';
  seed?: number;
  onError?: (error: unknown, issueId: string) => void;
  /** A snapshot was stored (live updates fan this out); on the queue, in the worker process that stored it. */
  onStored?: (stored: AnalysisStored) => void;
  /** Send analyses to the deployment's job queue (and, if this process works, take them from it). */
  queue?: JobQueue | undefined;
}
