/**
 * Criticism from below is published in daily batches at a fixed hour (MODEL.md §7): a timer
 * publishes each organisation's due batch; reads publish it too if the timer has not yet, so
 * the schedule holds whether or not the process was up at the hour.
 */
import { dayOf, lastPublicationAt } from '../core/index.js';
import { criticism, type Db } from '../store/index.js';

export interface CriticismPublisher {
  /** Publish every organisation's due batch now; returns how many criticisms were published. */
  publishDue(): Promise<number>;
  close(): Promise<void>;
}

export function createCriticismPublisher(options: { db: Db; clock: () => Date; hourUtc: number; intervalMs: number; onError?: (e: unknown) => void }): CriticismPublisher {
  let running: Promise<number> | null = null;
  const publishDue = async (): Promise<number> => {
    const last = lastPublicationAt(options.clock(), options.hourUtc);
    let n = 0;
    for (const orgId of await criticism.orgsWithPending(options.db, dayOf(last))) n += await criticism.publishBatch(options.db, orgId, dayOf(last), last.toISOString());
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
  const timer = options.intervalMs > 0 ? setInterval(tick, options.intervalMs) : null;
  timer?.unref();
  return {
    publishDue,
    async close() {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
