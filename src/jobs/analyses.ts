/**
 * Analyses in the background: a vote marks its issue for analysis; after a short debounce one
 * analysis runs per issue at a time (a vote arriving meanwhile queues exactly one more), and the
 * snapshot is stored with the vote-log position it saw. Votes never wait for an analysis; the API
 * serves the latest snapshot.
 *
 * Where the analysis runs: in this process (a worker thread, or inline), or, given the job queue
 * (PostgreSQL under `serve`), on whichever worker process takes the issue's job (analysis-queue.ts).
 */
import { analyses } from '../store/index.js';
import type { AnalysisJobs, AnalysisJobsOptions } from './analysis-jobs.js';
import { createAnalyst } from './analyst.js';
import { queuedAnalysisJobs } from './analysis-queue.js';

export type { AnalysisJobs, AnalysisJobsOptions } from './analysis-jobs.js';
export type { AnalysisStored } from './analyst.js';

export function createAnalysisJobs(options: AnalysisJobsOptions): AnalysisJobs {
  return options.queue ? queuedAnalysisJobs(options, options.queue) : localAnalysisJobs(options);
}

/** Everything in this process: a debounce per issue, then one analysis per issue at a time. */
function localAnalysisJobs(options: AnalysisJobsOptions): AnalysisJobs {
  const analyst = createAnalyst(options);
  const timers = new Map<string, { timer: NodeJS.Timeout; orgId: string }>();
  const running = new Map<string, Promise<string | null>>();
  const again = new Map<string, string>();
  let closed = false;

  function runSoon(orgId: string, issueId: string): Promise<string | null> {
    const current = running.get(issueId);
    if (current) {
      again.set(issueId, orgId);
      return current.then(() => running.get(issueId) ?? null);
    }
    const job = analyst
      .analyse(orgId, issueId)
      .catch((e: unknown) => {
        analyst.forget(issueId);
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

  const jobs: AnalysisJobs = {
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
    async catchUp(orgId, issueId) {
      jobs.voteArrived(orgId, issueId);
    },
    async close() {
      closed = true;
      for (const t of timers.values()) clearTimeout(t.timer);
      timers.clear();
      await Promise.allSettled([...running.values()]);
      await analyst.close();
    },
  };
  return jobs;
}
