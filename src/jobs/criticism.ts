/**
 * Criticism from below is published in daily batches at a fixed hour (MODEL.md §7): a timer
 * publishes each organisation's due batch; reads publish it too if the timer has not yet, so
 * the schedule holds whether or not the process was up at the hour.
 *
 * With the job queue (PostgreSQL under `serve`) the timer is a schedule of the queue instead,
 * every five minutes, and a worker process publishes. Publishers may meet (workers, reads in
 * every API process): a batch is published in one transaction that gives way to any other
 * publisher of the same criticism (store/repos/criticism.ts), so it is published once.
 */
import { dayOf, lastPublicationAt } from '../core/index.js';
import { criticism, type Db } from '../store/index.js';
import { queueNames, type JobQueue } from './queue.js';

export interface CriticismPublisher {
  /** Publish every organisation's due batch now; returns how many criticisms were published. */
  publishDue(): Promise<number>;
  close(): Promise<void>;
}

export interface CriticismPublisherOptions {
  db: Db;
  clock: () => Date;
  hourUtc: number;
  /** How often the timer publishes; 0: never (the caller publishes). Unused with a queue. */
  intervalMs: number;
  onError?: (e: unknown) => void;
  /** Publish on the queue's schedule, in worker processes, instead of on a timer. */
  queue?: JobQueue | undefined;
}

/** Every five minutes, as the timer. */
const PUBLICATION_CRON = '*/5 * * * *';

export function createCriticismPublisher(options: CriticismPublisherOptions): CriticismPublisher {
  let running: Promise<number> | null = null;
  const publishDue = async (): Promise<number> => {
    const now = options.clock();
    const last = lastPublicationAt(now, options.hourUtc);
    let n = 0;
    const at = { beforeDay: dayOf(last), publishedAt: last.toISOString(), now: now.toISOString() };
    for (const orgId of await criticism.orgsDue(options.db, at)) n += await criticism.publishBatch(options.db, orgId, at);
    return n;
  };
  const tick = () => {
    running ??= publishDue()
      .catch((e: unknown) => {
        options.onError?.(e);
        return 0;
      })
      .finally(() => {
        running = null;
      });
  };
  const queue = options.queue;
  if (queue?.works) {
    const scheduled = async () => {
      await queue.work(queueNames.criticismPublication, async () => ({ published: await publishDue() }));
      await queue.schedule(queueNames.criticismPublication, PUBLICATION_CRON);
    };
    scheduled().catch((e: unknown) => options.onError?.(e));
  }
  const timer = !queue && options.intervalMs > 0 ? setInterval(tick, options.intervalMs) : null;
  timer?.unref();
  return {
    publishDue,
    async close() {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
