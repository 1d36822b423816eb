/**
 * Live updates in the pages: one EventSource per tab on GET /api/orgs/{orgId}/live while a member
 * is logged in, shared by the pages through a context. A page says which events concern what it
 * shows, and loads that again (throttled); after a reconnection every page loads again, since
 * events may have been missed meanwhile.
 *
 * The events' types come from the contract as types only: no schema reaches the bundle.
 */
import { createContext, createElement, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { LiveEvent, LiveEventType } from '../../contract/live.js';
import { pathOf, routeTable } from '../../contract/route-table.js';
import type { Resource } from './use-resource.js';

/** off: no session or no EventSource; connecting: (re)opening; live: receiving; offline: refused or unreachable, trying again later. */
export type LiveStatus = 'off' | 'connecting' | 'live' | 'offline';

type Listener = (event: LiveEvent) => void;

interface Live {
  status: LiveStatus;
  listen(listener: Listener): () => void;
}

/** Every event type, so that each gets a listener (SSE delivers a named event only to listeners of its name). */
const eventTypes: Record<LiveEventType, true> = {
  ready: true,
  resync: true,
  statement: true,
  votes: true,
  analysis: true,
  phase: true,
  line: true,
  issue: true,
};

/** After a refusal (401, 429) or an unreachable server the browser stops trying: try again after this, doubling up to the maximum. */
const RETRY_FIRST_MS = 2_000;
const RETRY_MAX_MS = 60_000;

const LiveContext = createContext<Live>({ status: 'off', listen: () => () => undefined });

/** Open the organisation's live stream for the pages inside (none without an organisation: not logged in). */
export function LiveProvider({ orgId, children }: { orgId: string | undefined; children: ReactNode }) {
  // One set for the provider's life: the stream's handler and the pages' subscriptions share it.
  const [listeners] = useState(() => new Set<Listener>());
  const [status, setStatus] = useState<LiveStatus>('off');

  useEffect(() => {
    if (!orgId || typeof EventSource === 'undefined') return;
    let source: EventSource | null = null;
    let retry: number | undefined;
    let delay = RETRY_FIRST_MS;
    let connectedBefore = false;
    const dispatch = (event: LiveEvent) => {
      for (const l of [...listeners]) l(event);
    };
    const receive = (message: MessageEvent<string>) => {
      let event: LiveEvent;
      try {
        event = JSON.parse(message.data) as LiveEvent;
      } catch {
        return;
      }
      if (event.type === 'ready') {
        setStatus('live');
        delay = RETRY_FIRST_MS;
        // The first opening loads nothing again; a later one may follow missed events.
        if (connectedBefore) dispatch({ type: 'resync' });
        connectedBefore = true;
        return;
      }
      dispatch(event);
    };
    const connect = () => {
      setStatus('connecting');
      const s = new EventSource(pathOf(routeTable.live, { orgId }));
      source = s;
      for (const type of Object.keys(eventTypes)) s.addEventListener(type, receive);
      s.onerror = () => {
        if (s.readyState !== EventSource.CLOSED) {
          // The browser reconnects by itself.
          setStatus('connecting');
          return;
        }
        s.close();
        setStatus('offline');
        retry = window.setTimeout(connect, delay);
        delay = Math.min(delay * 2, RETRY_MAX_MS);
      };
    };
    connect();
    return () => {
      window.clearTimeout(retry);
      source?.close();
      setStatus('off');
    };
  }, [orgId, listeners]);

  const listen = useCallback(
    (listener: Listener) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    [listeners],
  );
  const value = useMemo(() => ({ status, listen }), [status, listen]);
  return createElement(LiveContext.Provider, { value }, children);
}

/** The state of the tab's live stream. */
export function useLiveStatus(): LiveStatus {
  return useContext(LiveContext).status;
}

/** Call `handler` on every live event (the latest `handler` given; `resync` included). */
export function useLiveEvents(handler: Listener): void {
  const { listen } = useContext(LiveContext);
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  useEffect(() => listen((e) => latest.current(e)), [listen]);
}

/**
 * Load again (`reload`) when an event concerns what the page shows (`concerns`: see
 * `concernsIssue`): at once, then at most once per `throttleMs` (the events of a pause answered
 * by one load at its end).
 */
export function useLiveReload(reload: () => void, concerns: (event: LiveEvent) => boolean, throttleMs = 1_000): void {
  const latest = useRef({ reload, concerns });
  useEffect(() => {
    latest.current = { reload, concerns };
  });
  const timer = useRef<{ pause: number | undefined; pending: boolean }>({ pause: undefined, pending: false });
  useEffect(
    () => () => {
      window.clearTimeout(timer.current.pause);
    },
    [],
  );
  useLiveEvents((event) => {
    if (!latest.current.concerns(event)) return;
    const t = timer.current;
    if (t.pause !== undefined) {
      t.pending = true;
      return;
    }
    latest.current.reload();
    const endPause = () => {
      if (t.pending) {
        t.pending = false;
        latest.current.reload();
        t.pause = window.setTimeout(endPause, throttleMs);
      } else t.pause = undefined;
    };
    t.pause = window.setTimeout(endPause, throttleMs);
  });
}

/**
 * Whether to load again what a page shows of the issue: an event of one of `types` about it, or
 * a resync (events may have been missed). `issueId` null: about any issue.
 */
export function concernsIssue(event: LiveEvent, issueId: string | null, types: readonly LiveEventType[]): boolean {
  if (event.type === 'resync') return true;
  return types.includes(event.type) && 'issueId' in event && (issueId === null || event.issueId === issueId);
}

/** Keep an issue's vote totals current from `votes` events, without a round trip (older totals never replace newer ones). */
export function useLiveVoteTotals<T extends { id: string; votes: number; votesCast: number; participants: number }>(issue: Resource<T>): void {
  useLiveEvents((e) => {
    const shown = issue.data;
    if (e.type !== 'votes' || !shown || e.issueId !== shown.id || e.votesCast < shown.votesCast) return;
    issue.set({ ...shown, votes: e.votes, votesCast: e.votesCast, participants: e.participants });
  });
}
