/**
 * Sending a criticism later, at a random moment before its batch's cut-off. The words wait in
 * this browser (localStorage) and any page of the app that is open when the moment comes sends
 * them, without the session. What it protects: the moment the criticism reaches the server is not
 * the moment the member wrote it, when their pages were asking for things under their name.
 *
 * A criticism carries the UTC day it reaches the server and is published with that day's batch
 * (core/criticism.ts `publicationOf`): the cut-off of the batch a criticism joins is the end of
 * the UTC day. A moment missed because no page was open is drawn again in what is left before
 * the cut-off, sent at once when the cut-off is near, and drawn in the next day's window (the
 * next batch) once the cut-off has passed.
 */
import type { CriticismSubmitBody } from '../api/client.js';
import type { KeyValueStore } from './wallet.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

/** No moment is drawn in the last minutes before the cut-off: a page checks about every half minute. */
export const NEAR_CUTOFF = 10 * MINUTE;
/** A window shorter than this protects too little: the moment is drawn in the next day's window instead. */
export const MIN_WINDOW = 60 * MINUTE;
/** A moment is "now" for a page that finds it passed less than this long ago (it was open, checking). */
export const LATE = 3 * MINUTE;
/** The earliest moment is a little after the member pressed the button. */
export const MIN_DELAY = 2 * MINUTE;

/** A criticism waiting for its moment. */
export interface Scheduled {
  id: string;
  target: CriticismSubmitBody['target'];
  text: string;
  sendAt: string;
  cutoff: string;
  scheduledAt: string;
}

/** The cut-off of the batch something sent at `now` joins: the next UTC midnight. */
export function batchCutoff(now: number): number {
  return Math.floor(now / DAY) * DAY + DAY;
}

/**
 * A moment drawn uniformly between a little after `now` and a little before the cut-off; when
 * less than MIN_WINDOW is left today, in the whole of the next day's window (the next batch).
 * `random` returns a number in [0, 1).
 */
export function chooseMoment(now: number, random: () => number = Math.random): { sendAt: number; cutoff: number } {
  let cutoff = batchCutoff(now);
  let from = now + MIN_DELAY;
  if (cutoff - NEAR_CUTOFF - from < MIN_WINDOW) {
    from = cutoff;
    cutoff += DAY;
  }
  const to = cutoff - NEAR_CUTOFF;
  return { sendAt: Math.floor(from + random() * (to - from)), cutoff };
}

export type OutboxStep =
  | { kind: 'wait'; until: number }
  | { kind: 'send' }
  /** The moment passed with no page open: a new one, before the same cut-off, or the next day's once it has passed. */
  | { kind: 'redraw'; sendAt: number; cutoff: number };

/** Pure: what a page that is open at `now` does with a waiting criticism. */
export function outboxStep(item: Pick<Scheduled, 'sendAt' | 'cutoff'>, now: number, random: () => number = Math.random): OutboxStep {
  const sendAt = Date.parse(item.sendAt);
  const cutoff = Date.parse(item.cutoff);
  if (now >= cutoff) return { kind: 'redraw', ...chooseMoment(now, random) };
  if (cutoff - now <= NEAR_CUTOFF) return { kind: 'send' };
  if (now < sendAt) return { kind: 'wait', until: sendAt };
  if (now - sendAt <= LATE) return { kind: 'send' };
  // Drawn again in what is left before the same cut-off, so the batch stays the one the page named.
  const from = now + MIN_DELAY;
  const to = cutoff - NEAR_CUTOFF;
  if (to <= from) return { kind: 'send' };
  return { kind: 'redraw', sendAt: Math.floor(from + random() * (to - from)), cutoff };
}

const keyOf = (orgId: string) => `massline:criticism-outbox:${orgId}`;

function isScheduled(x: unknown): x is Scheduled {
  const s = x as Partial<Scheduled> | null;
  return (
    !!s &&
    typeof s.id === 'string' &&
    typeof s.text === 'string' &&
    typeof s.sendAt === 'string' &&
    typeof s.cutoff === 'string' &&
    typeof s.scheduledAt === 'string' &&
    !!s.target &&
    typeof s.target.kind === 'string'
  );
}

export function readOutbox(store: KeyValueStore | undefined, orgId: string): Scheduled[] {
  if (!store) return [];
  try {
    const parsed: unknown = JSON.parse(store.getItem(keyOf(orgId)) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter(isScheduled) : [];
  } catch {
    return [];
  }
}

export function writeOutbox(store: KeyValueStore, orgId: string, items: readonly Scheduled[]): void {
  if (items.length === 0) store.removeItem(keyOf(orgId));
  else store.setItem(keyOf(orgId), JSON.stringify(items));
}

/** Keep a criticism to be sent at a random moment; returns it with its moment. */
export function schedule(
  store: KeyValueStore,
  orgId: string,
  target: Scheduled['target'],
  text: string,
  now: number = Date.now(),
  random: () => number = Math.random,
): Scheduled {
  const { sendAt, cutoff } = chooseMoment(now, random);
  const id = Array.from(globalThis.crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join('');
  const item: Scheduled = {
    id,
    target,
    text: text.trim(),
    sendAt: new Date(sendAt).toISOString(),
    cutoff: new Date(cutoff).toISOString(),
    scheduledAt: new Date(now).toISOString(),
  };
  writeOutbox(store, orgId, [...readOutbox(store, orgId), item]);
  return item;
}

export function unschedule(store: KeyValueStore, orgId: string, id: string): Scheduled[] {
  const rest = readOutbox(store, orgId).filter((s) => s.id !== id);
  writeOutbox(store, orgId, rest);
  return rest;
}
