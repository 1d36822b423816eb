/**
 * Live updates across processes through PostgreSQL: a change is sent with NOTIFY on the store's
 * pool, and each process keeps one connection of its own LISTENing, from which every change
 * reaches that process's subscribers, the sending process's included (so nothing is delivered
 * twice, and every process sees the changes in the order the database does).
 *
 * The listening connection is opened on first need (a process that only publishes, a worker or a
 * command, never opens one), checked every half minute, and opened again after it is lost, with a
 * growing pause; what was sent meanwhile is lost, so every subscriber is then told to load again.
 */
import pg from 'pg';
import { sql } from 'kysely';
import type { Db } from '../db-type.js';
import type { LiveTransport } from './types.js';

export const LIVE_CHANNEL = 'massline_live';
/** How the listening connection names itself (pg_stat_activity.application_name). */
export const APPLICATION_NAME = 'massline live updates';
/** NOTIFY refuses payloads of 8000 bytes or more. */
export const MAX_PAYLOAD_BYTES = 7999;

const CHECK_EVERY_MS = 30_000;
const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 30_000;

export interface PostgresLiveOptions {
  db: Db;
  connectionString: string;
  deliver(payload: string): void;
  /** The listening connection came back after a loss: changes may have been missed. */
  regained(): void;
  onError(error: unknown): void;
}

export function postgresLiveTransport(options: PostgresLiveOptions): LiveTransport {
  let client: pg.Client | null = null;
  let connecting: Promise<void> | null = null;
  let connectedOnce = false;
  let closed = false;
  let retryMs = RETRY_FIRST_MS;
  let retryTimer: NodeJS.Timeout | null = null;
  let checkTimer: NodeJS.Timeout | null = null;
  /** Waiting for the connection to listen: told whether it does. */
  let waiters: ((listening: boolean) => void)[] = [];

  function lost(c: pg.Client, error: unknown) {
    if (client !== c) return;
    client = null;
    if (checkTimer) clearInterval(checkTimer);
    checkTimer = null;
    c.removeAllListeners('notification');
    c.end().catch(() => undefined);
    if (closed) return;
    options.onError(error);
    scheduleRetry();
  }

  function scheduleRetry() {
    if (closed || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void connect();
    }, retryMs);
    retryTimer.unref();
    retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
  }

  function connect(): Promise<void> {
    if (closed || client) return Promise.resolve();
    connecting ??= (async () => {
      const c = new pg.Client({ connectionString: options.connectionString, keepAlive: true, application_name: APPLICATION_NAME });
      // Errors before the connection is up are answered by connect() rejecting; later ones mean it is lost.
      c.on('error', (e) => lost(c, e));
      c.on('end', () => lost(c, new Error('the live updates connection to PostgreSQL ended')));
      try {
        await c.connect();
        await c.query(`listen ${LIVE_CHANNEL}`);
      } catch (e) {
        c.removeAllListeners('end');
        c.end().catch(() => undefined);
        if (!closed) {
          options.onError(e);
          scheduleRetry();
        }
        return;
      }
      if (closed) {
        await c.end().catch(() => undefined);
        return;
      }
      client = c;
      retryMs = RETRY_FIRST_MS;
      c.on('notification', (n) => {
        if (n.channel === LIVE_CHANNEL && n.payload !== undefined) options.deliver(n.payload);
      });
      // A connection that died without a word (a dropped network) is found out by asking.
      checkTimer = setInterval(() => {
        c.query('select 1').catch((e: unknown) => lost(c, e));
      }, CHECK_EVERY_MS);
      checkTimer.unref();
      const regained = connectedOnce;
      connectedOnce = true;
      const woken = waiters;
      waiters = [];
      for (const w of woken) w(true);
      if (regained) options.regained();
    })().finally(() => {
      connecting = null;
    });
    return connecting;
  }

  return {
    name: 'postgres',
    async send(payload) {
      if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) throw new Error(`live: a change of ${Buffer.byteLength(payload)} bytes is too large for NOTIFY`);
      await sql`select pg_notify(${LIVE_CHANNEL}, ${payload})`.execute(options.db);
    },
    listening(timeoutMs) {
      if (client) return Promise.resolve(true);
      if (closed) return Promise.resolve(false);
      void connect();
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== done);
          resolve(false);
        }, timeoutMs);
        const done = (listening: boolean) => {
          clearTimeout(timer);
          resolve(listening);
        };
        waiters.push(done);
      });
    },
    async close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      if (checkTimer) clearInterval(checkTimer);
      retryTimer = null;
      checkTimer = null;
      await connecting?.catch(() => undefined);
      const c = client;
      client = null;
      if (c) {
        c.removeAllListeners('end');
        c.removeAllListeners('notification');
        await c.end().catch(() => undefined);
      }
      const woken = waiters;
      waiters = [];
      for (const w of woken) w(false);
    },
  };
}
