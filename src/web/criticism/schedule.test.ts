import { describe, expect, it } from 'vitest';
import { batchCutoff, chooseMoment, LATE, MIN_DELAY, MIN_WINDOW, NEAR_CUTOFF, outboxStep, readOutbox, schedule, unschedule } from './schedule.js';
import type { KeyValueStore } from './wallet.js';

function memoryStore(): KeyValueStore {
  const m = new Map<string, string>();
  return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v), removeItem: (k) => void m.delete(k) };
}
const HOUR = 3_600_000;
const morning = Date.parse('2026-11-25T09:00:00Z');
const midnight = Date.parse('2026-11-26T00:00:00Z');

describe('the random moment', () => {
  it('ends the batch at the end of the UTC day, the day the criticism carries', () => {
    expect(batchCutoff(morning)).toBe(midnight);
    expect(batchCutoff(midnight)).toBe(midnight + 24 * HOUR);
  });

  it('is drawn between a little after now and a little before the cut-off', () => {
    expect(chooseMoment(morning, () => 0)).toEqual({ sendAt: morning + MIN_DELAY, cutoff: midnight });
    const last = chooseMoment(morning, () => 0.999999);
    expect(last.cutoff).toBe(midnight);
    expect(last.sendAt).toBeLessThanOrEqual(midnight - NEAR_CUTOFF);
    expect(last.sendAt).toBeGreaterThan(midnight - NEAR_CUTOFF - 60_000);
    expect(chooseMoment(morning, () => 0.5).sendAt).toBe(Math.floor(morning + MIN_DELAY + 0.5 * (midnight - NEAR_CUTOFF - morning - MIN_DELAY)));
  });

  it('spreads over the whole window, not bunched', () => {
    let draws = 0x2545f491;
    const random = () => ((draws = (draws * 1103515245 + 12345) >>> 0) % 1_000_000) / 1_000_000;
    const quarters = [0, 0, 0, 0];
    const span = midnight - NEAR_CUTOFF - morning - MIN_DELAY;
    for (let i = 0; i < 4000; i++) {
      const { sendAt } = chooseMoment(morning, random);
      quarters[Math.min(3, Math.floor(((sendAt - morning - MIN_DELAY) / span) * 4))]! += 1;
    }
    for (const q of quarters) expect(q).toBeGreaterThan(800);
  });

  it('goes to the next day’s window (the next batch) when too little is left today', () => {
    const late = midnight - NEAR_CUTOFF - MIN_DELAY - MIN_WINDOW + 60_000;
    const { sendAt, cutoff } = chooseMoment(late, () => 0);
    expect(cutoff).toBe(midnight + 24 * HOUR);
    expect(sendAt).toBe(midnight);
    expect(chooseMoment(late - 120_000, () => 0).cutoff).toBe(midnight);
  });
});

describe('what an open page does with a waiting criticism', () => {
  const item = { sendAt: new Date(morning + 5 * HOUR).toISOString(), cutoff: new Date(midnight).toISOString() };

  it('waits for its moment', () => {
    expect(outboxStep(item, morning)).toEqual({ kind: 'wait', until: morning + 5 * HOUR });
  });

  it('sends when its moment comes', () => {
    expect(outboxStep(item, morning + 5 * HOUR)).toEqual({ kind: 'send' });
    expect(outboxStep(item, morning + 5 * HOUR + LATE)).toEqual({ kind: 'send' });
  });

  it('draws a moment missed with no page open again before the same cut-off, not at once', () => {
    const opened = morning + 8 * HOUR;
    const step = outboxStep(item, opened, () => 0.25);
    expect(step.kind).toBe('redraw');
    if (step.kind !== 'redraw') return;
    expect(step.cutoff).toBe(midnight);
    expect(step.sendAt).toBeGreaterThanOrEqual(opened + MIN_DELAY);
    expect(step.sendAt).toBeLessThanOrEqual(midnight - NEAR_CUTOFF);
  });

  it('sends at once when the cut-off is near and a page is open', () => {
    expect(outboxStep({ ...item, sendAt: new Date(midnight - 11 * 60_000).toISOString() }, midnight - NEAR_CUTOFF)).toEqual({ kind: 'send' });
    expect(outboxStep(item, midnight - 60_000)).toEqual({ kind: 'send' });
  });

  it('puts it into the next batch once the cut-off has passed', () => {
    const step = outboxStep(item, midnight + 9 * HOUR, () => 0);
    expect(step).toEqual({ kind: 'redraw', sendAt: midnight + 9 * HOUR + MIN_DELAY, cutoff: midnight + 24 * HOUR });
  });
});

describe('the kept outbox', () => {
  it('keeps criticism per organisation until it is sent or given up', () => {
    const store = memoryStore();
    const a = schedule(store, 'org1', { kind: 'leadership' }, '  The leadership never reports back.  ', morning, () => 0.5);
    schedule(store, 'org2', { kind: 'leadership' }, 'Another organisation entirely.', morning, () => 0.5);
    expect(readOutbox(store, 'org1').map((s) => s.text)).toEqual(['The leadership never reports back.']);
    expect(a.cutoff).toBe(new Date(midnight).toISOString());
    expect(unschedule(store, 'org1', a.id)).toEqual([]);
    expect(readOutbox(store, 'org2')).toHaveLength(1);
    store.setItem('massline:criticism-outbox:org2', '[{"id":1}]');
    expect(readOutbox(store, 'org2')).toEqual([]);
  });
});
