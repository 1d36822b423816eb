/**
 * The job queue shared by every process of one deployment on PostgreSQL (pg-boss, in its own
 * schema `pgboss`, which it creates and migrates itself). API processes only send jobs; worker
 * processes (and `all` ones) also take them. A job whose worker dies is retried once it expires.
 * SQLite has no queue: there one process does everything.
 *
 * The queue keeps a small pool of its own: pg-boss runs on it, and it holds the session-level
 * advisory locks that keep one issue's analysis on one worker at a time.
 */
import pg from 'pg';
import PgBoss from 'pg-boss';

export const queueNames = {
  /** One issue's analysis ({orgId, issueId}); at most one waits per issue. */
  analysis: 'analysis',
  /** Publish every organisation's due batch of criticism; scheduled every five minutes. */
  criticismPublication: 'criticism-publication',
} as const;
export type QueueName = (typeof queueNames)[keyof typeof queueNames];

/** pg-boss's own schema: its tables, created by pg-boss. */
export const queueSchema = 'pgboss';

export interface JobQueueOptions {
  databaseUrl: string;
  /** Take jobs (a worker, or `all`), or only send them (`api`). */
  works: boolean;
  /** A job running longer is taken for dead and retried. */
  expireSeconds: number;
  /** How often expired jobs are looked for. */
  maintenanceSeconds: number;
  onError?: (error: unknown) => void;
}

export interface SendOptions {
  /** Jobs with one key are one job while waiting (the analysis queue: the issue). */
  singletonKey?: string;
  /** Not before this many seconds from now. */
  startAfterSeconds?: number;
}

export type Exclusive<T> = { ran: true; value: T } | { ran: false };

export interface JobQueue {
  readonly works: boolean;
  /** Queue a job; null when an equal one (same singleton key) already waits. */
  send(queue: QueueName, data: object, options?: SendOptions): Promise<string | null>;
  /** Take this queue's jobs one at a time; a handler that throws fails the job, which is retried. */
  work<T>(queue: QueueName, handler: (data: T) => Promise<unknown>): Promise<void>;
  /** Send a job to the queue on a cron schedule (UTC), however many processes ask for it. */
  schedule(queue: QueueName, cron: string): Promise<void>;
  /**
   * Run `work` holding the deployment-wide lock `key`, or return `{ran: false}` at once when another
   * process holds it. The lock lives in a database session, so a killed process lets go of it.
   */
  exclusively<T>(key: string, work: () => Promise<T>): Promise<Exclusive<T>>;
  /** Jobs of the queue (with this singleton key) not yet completed or failed: waiting, to be retried, or running. */
  unfinished(queue: QueueName, singletonKey?: string): Promise<number>;
  /** Take no more jobs; wait for the running ones (up to the expiry, at most 30 s). Sending still works. */
  stop(): Promise<void>;
  close(): Promise<void>;
}

/** How each queue keeps its jobs; retries back off from 2 s. */
const policies: Record<QueueName, PgBoss.QueuePolicy> = {
  // 'short': at most one waiting job per issue. Not 'stately': its one-running-per-key rule is
  // enforced when a job is fetched, and a fetch that breaks it fails for the whole queue, so one
  // busy issue would hold back every other issue's analysis (pg-boss #535). A per-issue advisory
  // lock keeps one issue's analyses apart instead (exclusively()).
  analysis: 'short',
  // One waiting and one running publication at most; every job is alike, so none waits for another key.
  'criticism-publication': 'stately',
};
const retry = { retryLimit: 3, retryDelay: 2, retryBackoff: true };

/** Advisory-lock keys: two int4s, the first naming Massline so other users of the database are not in the way. */
const LOCK = "hashtext('massline'), hashtext($1)";

export async function startJobQueue(options: JobQueueOptions): Promise<JobQueue> {
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 8, application_name: 'massline-jobs' });
  const onError = options.onError ?? (() => undefined);
  // An idle client's error (the server restarting) must not crash the process.
  pool.on('error', onError);
  const boss = new PgBoss({
    db: { executeSql: (text, values) => pool.query(text, values) },
    schema: queueSchema,
    migrate: true,
    // Expiring jobs and cron belong to the processes that work; an API process only sends.
    supervise: options.works,
    schedule: options.works,
    maintenanceIntervalSeconds: options.maintenanceSeconds,
    expireInSeconds: options.expireSeconds,
    ...retry,
  });
  boss.on('error', onError);
  const workers = new Map<QueueName, string>();

  try {
    // Processes starting together create pg-boss's schema one after another, not at once.
    const client = await pool.connect();
    try {
      await client.query(`select pg_advisory_lock(${LOCK})`, ['job queue start']);
      await boss.start();
      for (const name of Object.values(queueNames)) {
        const settings = { name, policy: policies[name], expireInSeconds: options.expireSeconds, ...retry };
        await boss.createQueue(name, settings);
        // A worker's configuration is the queue's: expiry may have changed since the queue was made.
        if (options.works) await boss.updateQueue(name, settings);
      }
    } finally {
      await client.query(`select pg_advisory_unlock(${LOCK})`, ['job queue start']).catch(() => undefined);
      client.release();
    }
  } catch (e) {
    await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
    await pool.end().catch(() => undefined);
    throw e;
  }

  let stopped: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopped ??= boss.stop({ graceful: true, wait: true, close: false, timeout: Math.min(options.expireSeconds, 30) * 1000 });
    return stopped;
  };
  return {
    works: options.works,
    async send(queue, data, sendOptions = {}) {
      const id = await boss.send(queue, data, {
        ...(sendOptions.singletonKey === undefined ? {} : { singletonKey: sendOptions.singletonKey }),
        ...(sendOptions.startAfterSeconds ? { startAfter: sendOptions.startAfterSeconds } : {}),
      });
      // A worker of this process need not wait for its next poll.
      const worker = workers.get(queue);
      if (id !== null && worker !== undefined && !sendOptions.startAfterSeconds) boss.notifyWorker(worker);
      return id;
    },
    async work<T>(queue: QueueName, handler: (data: T) => Promise<unknown>) {
      if (!options.works) throw new Error(`job queue: this process only sends jobs, it cannot work ${queue}`);
      const id = await boss.work<T>(queue, { batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]) => (job ? handler(job.data) : undefined));
      workers.set(queue, id);
    },
    async schedule(queue, cron) {
      await boss.schedule(queue, cron, {}, { tz: 'UTC' });
    },
    async exclusively<T>(key: string, work: () => Promise<T>): Promise<Exclusive<T>> {
      const client = await pool.connect();
      let locked: boolean;
      try {
        const { rows } = await client.query<{ locked: boolean }>(`select pg_try_advisory_lock(${LOCK}) as locked`, [key]);
        locked = rows[0]?.locked === true;
      } catch (e) {
        client.release(asError(e));
        throw e;
      }
      if (!locked) {
        client.release();
        return { ran: false };
      }
      try {
        return { ran: true, value: await work() };
      } finally {
        try {
          await client.query(`select pg_advisory_unlock(${LOCK})`, [key]);
          client.release();
        } catch (e) {
          // A session that could not let go of the lock is closed, not put back in the pool holding it.
          client.release(asError(e));
        }
      }
    },
    async unfinished(queue, singletonKey) {
      const { rows } = await pool.query<{ n: number }>(
        `select count(*)::int as n from ${queueSchema}.job where name = $1 and state < 'completed' and ($2::text is null or singleton_key = $2)`,
        [queue, singletonKey ?? null],
      );
      return rows[0]?.n ?? 0;
    },
    stop,
    async close() {
      await stop();
      await pool.end();
    },
  };
}

const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));
