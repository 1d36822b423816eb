/**
 * The page-side runner of scheduled criticism (schedule.ts): any open page of the app looks at the
 * waiting criticism about every half minute, sends what is due without the session, keeps the
 * receipt beside the others and tells the criticism page (in this tab by an event, in others by
 * the storage event).
 */
import { keepReceipt } from './receipts.js';
import { readOutbox, outboxStep, writeOutbox, type Scheduled } from './schedule.js';
import { NoToken, sendCriticism } from './send.js';
import { browserStore } from './wallet.js';

/** Fired on window when the outbox or the receipts changed in this tab. */
export const OUTBOX_CHANGED = 'massline:criticism-outbox';
const CHECK_EVERY = 30_000;

let running: Promise<void> | null = null;

/** Look at the waiting criticism once: send what is due, draw again what was missed. */
export function runOutbox(orgId: string): Promise<void> {
  if (running) return running;
  running = withOutboxLock(orgId, () => runNow(orgId)).finally(() => (running = null));
  return running;
}

function withOutboxLock(orgId: string, work: () => Promise<void>): Promise<void> {
  const locks = (globalThis.navigator as (Navigator & { locks?: LockManager }) | undefined)?.locks;
  if (!locks) return work();
  // Another tab busy with the same outbox: it sends; this one looks again later.
  // The lock's promise settles with the callback's own result (the DOM typing wraps it once more).
  return locks.request(`massline:criticism-outbox:${orgId}`, { ifAvailable: true }, async (lock) => (lock ? work() : undefined)) as unknown as Promise<void>;
}

async function runNow(orgId: string): Promise<void> {
  const store = browserStore();
  if (!store) return;
  for (const item of readOutbox(store, orgId)) {
    const step = outboxStep(item, Date.now());
    if (step.kind === 'wait') continue;
    if (step.kind === 'redraw') {
      replace(orgId, item.id, (s) => ({ ...s, sendAt: new Date(step.sendAt).toISOString(), cutoff: new Date(step.cutoff).toISOString() }));
      continue;
    }
    try {
      const sent = await sendCriticism(store, orgId, item.target, item.text);
      keepReceipt(store, orgId, sent.kept);
      replace(orgId, item.id, () => null);
    } catch (e) {
      // No token may be spent yet, or the network is away: it waits, and is drawn again once its cut-off has passed.
      if (!(e instanceof NoToken)) console.warn('a scheduled criticism could not be sent yet', e);
    }
  }
}

function replace(orgId: string, id: string, change: (s: Scheduled) => Scheduled | null): void {
  const store = browserStore();
  if (!store) return;
  writeOutbox(
    store,
    orgId,
    readOutbox(store, orgId).flatMap((s) => {
      if (s.id !== id) return [s];
      const next = change(s);
      return next ? [next] : [];
    }),
  );
  globalThis.dispatchEvent?.(new Event(OUTBOX_CHANGED));
}

/**
 * Look a few seconds after the page loaded (a random 5 to 20 s, so a send does not ride along
 * with the page load's requests under the member's name), then about every half minute, until the
 * returned function is called.
 */
export function watchOutbox(orgId: string): () => void {
  const tick = () => void runOutbox(orgId);
  let timer: ReturnType<typeof setInterval> | undefined;
  const first = setTimeout(
    () => {
      tick();
      timer = setInterval(tick, CHECK_EVERY);
    },
    5_000 + Math.random() * 15_000,
  );
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
