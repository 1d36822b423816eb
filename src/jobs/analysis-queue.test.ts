import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Db } from '../store/index.js';
import { createAnalysisJobs } from './analyses.js';
import type { JobQueue, QueueName, SendOptions } from './queue.js';

/** A queue that only records what an API process sends; each send completes when the test says so. */
function sendingQueue() {
  const sent: { queue: QueueName; data: object; options: SendOptions | undefined }[] = [];
  const inFlight: (() => void)[] = [];
  const queue: JobQueue = {
    works: false,
    send(name, data, options) {
      sent.push({ queue: name, data, options });
      return new Promise((resolve) => inFlight.push(() => resolve(`job-${sent.length}`)));
    },
    work: () => Promise.reject(new Error('an API process does not work')),
    schedule: () => Promise.resolve(),
    exclusively: () => Promise.resolve({ ran: false }),
    unfinished: () => Promise.resolve(0),
    stop: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
  return {
    queue,
    sent,
    /** Let every send on its way complete. */
    async complete() {
      for (const done of inFlight.splice(0)) done();
      await vi.advanceTimersByTimeAsync(0);
    },
  };
}

describe('analyses on the job queue: sending is throttled per issue', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  const jobsOn = (queue: JobQueue) => createAnalysisJobs({ db: {} as Db, clock: () => new Date(), debounceMs: 1000, mode: 'inline', queue });

  it('a burst of votes on one issue sends one job, keyed by the issue, after the debounce interval', async () => {
    const q = sendingQueue();
    const jobs = jobsOn(q.queue);
    for (let i = 0; i < 5000; i++) jobs.voteArrived('org', 'issue-a');
    jobs.voteArrived('org', 'issue-b');
    await vi.advanceTimersByTimeAsync(999);
    expect(q.sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(q.sent).toEqual([
      { queue: 'analysis', data: { orgId: 'org', issueId: 'issue-a' }, options: { singletonKey: 'issue-a' } },
      { queue: 'analysis', data: { orgId: 'org', issueId: 'issue-b' }, options: { singletonKey: 'issue-b' } },
    ]);
    await q.complete();
    // Quiet: nothing more.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(q.sent.length).toBe(2);
    await jobs.close();
  });

  it('votes while a send is on its way get one more job, an interval after it; at most one send per interval', async () => {
    const q = sendingQueue();
    const jobs = jobsOn(q.queue);
    jobs.voteArrived('org', 'issue-a');
    await vi.advanceTimersByTimeAsync(1000);
    expect(q.sent.length).toBe(1);
    // The job may already be running and have read the vote log: these votes need another.
    for (let i = 0; i < 100; i++) jobs.voteArrived('org', 'issue-a');
    await vi.advanceTimersByTimeAsync(5000);
    expect(q.sent.length).toBe(1);
    await q.complete();
    await vi.advanceTimersByTimeAsync(999);
    expect(q.sent.length).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(q.sent.length).toBe(2);
    await q.complete();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(q.sent.length).toBe(2);
    await jobs.close();
  });

  it('closing sends what is pending at once, so no vote is left without its analysis', async () => {
    const q = sendingQueue();
    const jobs = jobsOn(q.queue);
    jobs.voteArrived('org', 'issue-a');
    const closed = jobs.close();
    await vi.advanceTimersByTimeAsync(0);
    expect(q.sent.map((s) => s.data)).toEqual([{ orgId: 'org', issueId: 'issue-a' }]);
    await q.complete();
    await closed;
    jobs.voteArrived('org', 'issue-a');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(q.sent.length).toBe(1);
  });
});
