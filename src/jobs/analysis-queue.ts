/**
 * Analyses through the job queue (PostgreSQL under `serve`): any process sends, worker processes
 * analyse.
 *
 * Sending is throttled here, per issue: the first vote arms a timer of the debounce interval, and
 * the votes until it fires ride on the one job it sends; a vote while that send is on its way arms
 * the next timer once it is done (the job may already be running and have read the vote log
 * before the vote). So one process sends at most one job per issue per interval, however fast
 * votes come, and the queue keeps at most one waiting job per issue (policy 'short', the issue as
 * singleton key): a job waiting when a vote is committed will read it when it runs.
 *
 * Working: one issue is analysed by one worker at a time (an advisory lock per issue); a worker
 * that finds the lock taken sends the issue's job again a little later, so whatever the running
 * analysis has not seen is analysed next. Each worker keeps its issues' votes warm between jobs
 * and loads only the votes since its last analysis of the issue (every vote, when it is new to it).
 */
import { z } from 'zod';
import { analyses } from '../store/index.js';
import type { AnalysisJobs, AnalysisJobsOptions } from './analysis-jobs.js';
import { createAnalyst, type Analyst } from './analyst.js';
import { queueNames, type JobQueue } from './queue.js';

/** The payload of an analysis job. */
const AnalysisRequested = z.object({ orgId: z.string().min(1), issueId: z.string().min(1) });
type AnalysisRequested = z.infer<typeof AnalysisRequested>;

/** A job that finds its issue being analysed elsewhere comes back after this long. */
const DEFER_SECONDS = 2;
/** How often drain() and analyzeNow() look at the queue. */
const POLL_MS = 100;

interface Throttle {
  orgId: string;
  /** Armed: a send is due when it fires. */
  timer: NodeJS.Timeout | null;
  /** The send on its way. */
  sending: Promise<void> | null;
  /** A vote came while sending: arm again when done. */
  again: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function queuedAnalysisJobs(options: AnalysisJobsOptions, queue: JobQueue): AnalysisJobs {
  const analyst = queue.works ? createAnalyst(options) : null;
  const throttles = new Map<string, Throttle>();
  let closed = false;

  const send = (request: AnalysisRequested, startAfterSeconds?: number) =>
    queue.send(queueNames.analysis, request, { singletonKey: request.issueId, ...(startAfterSeconds ? { startAfterSeconds } : {}) });

  function arm(issueId: string, t: Throttle): void {
    t.timer = setTimeout(() => void sendNow(issueId), options.debounceMs);
    t.timer.unref();
  }

  function sendNow(issueId: string): Promise<void> {
    const t = throttles.get(issueId);
    if (!t) return Promise.resolve();
    if (t.sending) return t.sending;
    if (t.timer) clearTimeout(t.timer);
    t.timer = null;
    t.sending = send({ orgId: t.orgId, issueId })
      .then(
        () => undefined,
        (e: unknown) => options.onError?.(e, issueId),
      )
      .finally(() => {
        t.sending = null;
        if (t.again && !closed) {
          t.again = false;
          arm(issueId, t);
        } else throttles.delete(issueId);
      });
    return t.sending;
  }

  /** Send every job that is due, now, and wait until they are in the queue. */
  async function flush(): Promise<void> {
    while (throttles.size > 0) {
      await Promise.all([...throttles.keys()].map((issueId) => sendNow(issueId)));
    }
  }

  async function handle(data: unknown, worker: Analyst): Promise<unknown> {
    const request = AnalysisRequested.parse(data);
    const done = await queue.exclusively(`analysis ${request.issueId}`, async () => {
      try {
        return await worker.analyse(request.orgId, request.issueId);
      } catch (e) {
        worker.forget(request.issueId);
        options.onError?.(e, request.issueId);
        throw e;
      }
    });
    if (done.ran) return { analysisId: done.value };
    // Another worker is analysing the issue: a job after it takes what it has not seen.
    await send(request, DEFER_SECONDS);
    return { deferred: true };
  }

  if (analyst) {
    queue.work(queueNames.analysis, (data) => handle(data, analyst)).catch((e: unknown) => options.onError?.(e, '(every issue)'));
  }

  async function settled(issueId?: string): Promise<void> {
    while ((await queue.unfinished(queueNames.analysis, issueId)) > 0) await sleep(POLL_MS);
  }

  const jobs: AnalysisJobs = {
    voteArrived(orgId, issueId) {
      if (closed) return;
      const t = throttles.get(issueId);
      if (!t) {
        const fresh: Throttle = { orgId, timer: null, sending: null, again: false };
        throttles.set(issueId, fresh);
        arm(issueId, fresh);
      } else if (t.sending && !t.timer) t.again = true;
    },
    async catchUp(orgId, issueId) {
      // A job of the issue not yet done (one a killed worker left behind included) covers it: a
      // second one would only have some worker load every vote again.
      if ((await queue.unfinished(queueNames.analysis, issueId)) > 0) return;
      jobs.voteArrived(orgId, issueId);
    },
    /** Waits for a worker (of any process) to analyse the issue. */
    async analyzeNow(orgId, issueId) {
      if (throttles.has(issueId)) await sendNow(issueId);
      else await send({ orgId, issueId });
      await settled(issueId);
      const latest = await analyses.latestAnalysis(options.db, orgId, issueId, 'engine');
      return latest?.id ?? null;
    },
    /** Sends what is due and waits until the workers have analysed everything queued. */
    async drain() {
      await flush();
      await settled();
    },
    /** Sends what is due (no vote is left without its analysis), then lets go of the engine. */
    async close() {
      closed = true;
      await flush();
      await analyst?.close();
    },
  };
  return jobs;
}
