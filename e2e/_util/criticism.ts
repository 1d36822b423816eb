/**
 * Published criticism for the walk. The demo's story brings some; where it does not, this writes
 * two through the API as a member's client does (blind tokens, spent without a cookie) and then
 * publishes the day's batch early, in the store itself: the API publishes a day's criticism only
 * at the next day's publication hour, and the walk cannot wait a day.
 */
import type { APIRequestContext, Browser, Page } from 'playwright-core';
import { requestTokens } from '../../src/contract/criticism-tokens.js';
import { pathOf, routeTable } from '../../src/contract/route-table.js';
import { criticism, openStore } from '../../src/store/index.js';
import type { DemoServer } from './server.js';

export const SETUP_CRITICISMS = [
  'The committee fixed the meeting hours without asking the drivers who work evenings.',
  'Nobody told the members why the airport campaign was dropped last month.',
];

/**
 * Whether published criticism waits for an answer (asked with `reader`, a member's session); if
 * none does, a new member writes some and the batch is published. Returns whether it wrote any.
 */
export async function ensureUnansweredCriticism(demo: DemoServer, browser: Browser, reader: APIRequestContext, orgId: string): Promise<boolean> {
  const url = (path: string) => `${demo.url}${path}`;
  const list = (await (await reader.get(url(pathOf(routeTable.criticisms, { orgId })))).json()) as { criticisms: { answers: unknown[] }[] };
  if (list.criticisms.some((c) => c.answers.length === 0)) return false;
  const writer = await browser.newContext();
  try {
    const token = demo.invitePath.split('/').pop() ?? '';
    const joined = await writer.request.post(url(pathOf(routeTable.acceptInvite, { token })), { data: { displayName: 'Bea' } });
    if (!joined.ok()) throw new Error(`joining for the criticism setup: ${joined.status()} ${await joined.text()}`);

    const csrf = (await writer.cookies()).find((c) => c.name === 'massline_csrf')?.value ?? '';
    const offered = (await (await writer.request.get(url(pathOf(routeTable.criticismEpoch, { orgId })))).json()) as {
      epochs: { epoch: string; publicKey: string }[];
    };
    const epoch = offered.epochs[0];
    if (!epoch) throw new Error('the criticism setup found no current epoch');
    const pending = await requestTokens(epoch.epoch, epoch.publicKey, SETUP_CRITICISMS.length);
    const signed = await writer.request.post(url(pathOf(routeTable.criticismTokens, { orgId })), {
      data: { epoch: epoch.epoch, blinded: pending.blinded },
      headers: { 'x-csrf-token': csrf },
    });
    if (!signed.ok()) throw new Error(`tokens for the criticism setup: ${signed.status()} ${await signed.text()}`);
    const tokens = await pending.finish(((await signed.json()) as { blindSignatures: string[] }).blindSignatures);
    for (const [i, words] of SETUP_CRITICISMS.entries()) {
      // Node's fetch: no cookie jar at all, as the page's credentials: 'omit'.
      const sent = await fetch(url(pathOf(routeTable.criticise, { orgId })), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: tokens[i], target: { kind: 'leadership' }, text: words }),
      });
      if (sent.status !== 201) throw new Error(`criticism for the setup: ${sent.status} ${await sent.text()}`);
    }
  } finally {
    await writer.close();
  }
  const store = openStore({ dataDir: demo.dataDir, voteWriter: 'inline' });
  try {
    // Everything written up to today, as one batch now.
    await criticism.publishBatch(store.db, orgId, { beforeDay: '9999-12-31', publishedAt: new Date().toISOString() });
  } finally {
    await store.close();
  }
  return true;
}

/** The part of the page's localStorage these helpers use (the tests' types carry no DOM). */
interface KeptStorage {
  readonly length: number;
  key(i: number): string | null;
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/**
 * Make the tokens this browser holds as if fetched yesterday by another page: a member who has been
 * in the organisation since yesterday. The page spends no token fetched today or by itself, and a
 * walk cannot wait a day; reload the page afterwards.
 */
export async function ageWallet(page: Page): Promise<number> {
  return page.evaluate(() => {
    const storage = (globalThis as unknown as { localStorage: KeptStorage }).localStorage;
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    let aged = 0;
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i);
      if (!key?.startsWith('massline:criticism-wallet:')) continue;
      const record = JSON.parse(storage.getItem(key) ?? '{}') as { purses?: { tokens: { fetchedOn: string; session: string }[] }[] };
      for (const purse of record.purses ?? []) {
        for (const token of purse.tokens) {
          token.fetchedOn = yesterday;
          token.session = 'an earlier page';
          aged++;
        }
      }
      storage.setItem(key, JSON.stringify(record));
    }
    return aged;
  });
}

/** What the wallet in this browser holds for an organisation: finished tokens per epoch, and blinded messages still pending. */
export async function walletContents(page: Page, orgId: string): Promise<{ tokens: Record<string, number>; pending: number; refused: string[] }> {
  return page.evaluate((org) => {
    const storage = (globalThis as unknown as { localStorage: KeptStorage }).localStorage;
    const record = JSON.parse(storage.getItem(`massline:criticism-wallet:${org}`) ?? '{}') as {
      purses?: { epoch: string; tokens: unknown[] }[];
      pending?: { items: unknown[] }[];
      refused?: { reason: string }[];
    };
    const tokens: Record<string, number> = {};
    for (const p of record.purses ?? []) tokens[p.epoch] = (tokens[p.epoch] ?? 0) + p.tokens.length;
    return { tokens, pending: (record.pending ?? []).reduce((n, p) => n + p.items.length, 0), refused: (record.refused ?? []).map((r) => r.reason) };
  }, orgId);
}
