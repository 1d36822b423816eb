/**
 * The live hub: changes published after their transaction committed, fanned out to this
 * process's subscribers (the open live streams), per organisation.
 *
 * - SQLite: one process, so in process only.
 * - PostgreSQL: through NOTIFY/LISTEN (dialect/live-postgres.ts), so that a member connected to one API
 *   process sees a vote sent to another, or an analysis stored by a worker process.
 *
 * Votes arrive by the thousand per second: they are not published one by one. `votesChanged`
 * marks the issue; its totals are counted and published at once if none went out in the last
 * interval, else once when it ends (per issue and process), however many votes came meanwhile;
 * the interval grows with the time a count takes, so a huge issue is counted less often.
 */
import { LiveMessage, type LiveChange } from '../contract/index.js';
import type { Db } from './db-type.js';
import { performance } from 'node:perf_hooks';
import { issueVoteTotals } from './repos/votes.js';
import { postgresLiveTransport } from './dialect/live-postgres.js';
import type { LiveTransport } from './dialect/types.js';

/** The least interval between two counts of one issue's votes, as a multiple of the time the last count took. */
const COUNTING_SHARE = 20;

/** One open live stream: told of its organisation's changes, and when it should load everything again. */
export interface LiveSubscriber {
  change(message: LiveMessage): void;
  /** Changes may have been missed. */
  resync(): void;
}

export interface LiveHub {
  readonly transport: 'local' | 'postgres';
  /**
   * Publish a change of the organisation, as its organisers see it and as its plain members see
   * it (null: not for them; by default the same). Call after the transaction committed. Never
   * rejects: a failure goes to `onError` (a live update is a courtesy, the write has happened).
   */
  publish(orgId: string, change: LiveChange, forMembers?: LiveChange | null): Promise<void>;
  /** Votes on the issue changed: its totals are published soon, coalesced with the votes that follow. */
  votesChanged(orgId: string, issueId: string): void;
  /** Publish every coalesced vote change now, and wait for those under way (tests, shutdown). */
  flushVotes(): Promise<void>;
  subscribe(orgId: string, subscriber: LiveSubscriber): () => void;
  /** Whether changes are received (PostgreSQL: the LISTEN connection is up), waiting at most `timeoutMs` for it. */
  listening(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export interface LiveHubOptions {
  db: Db;
  /** postgres://… : across processes through NOTIFY/LISTEN; absent: in process (SQLite). */
  databaseUrl?: string | undefined;
  /** The least time between two publications of one issue's votes by this process (default 1 s). */
  votesIntervalMs?: number | undefined;
  onError?: ((error: unknown) => void) | undefined;
}

interface VoteState {
  orgId: string;
  /** A publication is being counted and sent. */
  running: boolean;
  /** The interval after the last publication: votes now wait for its end. */
  cooling: NodeJS.Timeout | null;
  /** Votes arrived since the last count began. */
  dirty: boolean;
}

export function openLiveHub(options: LiveHubOptions): LiveHub {
  const onError = options.onError ?? (() => undefined);
  const interval = options.votesIntervalMs ?? 1000;
  const subscribers = new Map<string, Set<LiveSubscriber>>();
  const votes = new Map<string, VoteState>();
  const counting = new Set<Promise<void>>();
  let closed = false;

  function deliver(payload: string) {
    let message: LiveMessage;
    try {
      const parsed = LiveMessage.safeParse(JSON.parse(payload));
      if (!parsed.success) throw new Error(`live: a change that is not one: ${parsed.error.message}`);
      message = parsed.data;
    } catch (e) {
      onError(e);
      return;
    }
    for (const s of subscribers.get(message.orgId) ?? []) {
      try {
        s.change(message);
      } catch (e) {
        onError(e);
      }
    }
  }

  function resyncAll() {
    for (const set of subscribers.values()) {
      for (const s of set) {
        try {
          s.resync();
        } catch (e) {
          onError(e);
        }
      }
    }
  }

  const transport: LiveTransport = options.databaseUrl
    ? postgresLiveTransport({ db: options.db, connectionString: options.databaseUrl, deliver, regained: resyncAll, onError })
    : {
        name: 'local',
        // Delivered after the publisher's own work, as a notification would be.
        send: async (payload) => void setImmediate(() => deliver(payload)),
        listening: async () => !closed,
        close: async () => undefined,
      };

  async function publish(orgId: string, change: LiveChange, forMembers: LiveChange | null = change): Promise<void> {
    if (closed) return;
    try {
      const message: LiveMessage = { orgId, organisers: change, members: forMembers };
      await transport.send(JSON.stringify(message));
    } catch (e) {
      onError(e);
    }
  }

  function countVotes(issueId: string, state: VoteState): void {
    state.running = true;
    state.dirty = false;
    let countedInMs = 0;
    const work = (async () => {
      try {
        const started = performance.now();
        const totals = await issueVoteTotals(options.db, state.orgId, issueId);
        countedInMs = performance.now() - started;
        await publish(state.orgId, { type: 'votes', issueId, ...totals });
      } catch (e) {
        if (!closed) onError(e);
      }
    })();
    counting.add(work);
    void work.finally(() => {
      counting.delete(work);
      state.running = false;
      if (closed) return;
      state.cooling = setTimeout(
        () => {
          state.cooling = null;
          if (state.dirty) countVotes(issueId, state);
          else votes.delete(issueId);
          // Counting a large issue's votes takes a while (on SQLite, on the event loop): at most a
          // twentieth of the time goes to it, however large the issue grows.
        },
        Math.max(interval, COUNTING_SHARE * countedInMs),
      );
      state.cooling.unref();
    });
  }

  return {
    transport: transport.name,
    publish,
    votesChanged(orgId, issueId) {
      if (closed) return;
      const state = votes.get(issueId);
      if (state) {
        state.dirty = true;
        return;
      }
      const fresh: VoteState = { orgId, running: false, cooling: null, dirty: false };
      votes.set(issueId, fresh);
      countVotes(issueId, fresh);
    },
    async flushVotes() {
      // Votes that came while a count was under way wait for its interval: publish them too.
      for (;;) {
        for (const [issueId, state] of votes) {
          if (state.cooling && state.dirty) {
            clearTimeout(state.cooling);
            state.cooling = null;
            countVotes(issueId, state);
          }
        }
        if (counting.size === 0) return;
        await Promise.all(counting);
      }
    },
    subscribe(orgId, subscriber) {
      let set = subscribers.get(orgId);
      if (!set) subscribers.set(orgId, (set = new Set()));
      set.add(subscriber);
      return () => {
        set.delete(subscriber);
        if (set.size === 0 && subscribers.get(orgId) === set) subscribers.delete(orgId);
      };
    },
    listening: (timeoutMs) => transport.listening(timeoutMs),
    async close() {
      if (closed) return;
      closed = true;
      for (const state of votes.values()) if (state.cooling) clearTimeout(state.cooling);
      votes.clear();
      await Promise.all(counting);
      subscribers.clear();
      await transport.close();
    },
  };
}
