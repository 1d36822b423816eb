/**
 * Criticism tokens in a real browser against the real server (issue 15, acceptance 3):
 *
 * - leaving the page at any point of issuance loses no token: before the blinded messages reach
 *   the server, after the server signed them but before the page read the answer, and after the
 *   answer but before the tokens were stored. The next page load asks again with the very same
 *   blinded messages; the wallet then holds the quota for this week and the next, and the server
 *   issued no more than the quota;
 * - a server that hands one member a key other than the one it published for everyone is refused
 *   by that member's page: the warning is shown and no token is fetched.
 *
 * A plain organisation (no demo), so the server starts in seconds; each case is a new member.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page, Request, Route } from 'playwright-core';
import { freePort, repoRoot, startServerProcess, type ServerProcess } from '../test/_util/server-process.js';
import { toBase64Url } from '../src/contract/criticism-tokens.js';
import { pathOf, routeTable } from '../src/contract/route-table.js';
import { DESKTOP, launchChromium } from './_util/browser.js';
import { text } from './_util/catalogue.js';
import { ageWallet, walletContents } from './_util/criticism.js';
import { ensurePagesBuilt } from './_util/server.js';
import { CriticismPage } from './pages/criticism-page.js';

const ORG = { name: 'Tenants of Leith Walk', slug: 'leith', email: 'organiser@leith.example', password: 'a long organiser password' };

interface EpochOffer {
  epoch: string;
  publicKey: string;
  fingerprint: string;
  issuedToMe: number;
}

describe('criticism tokens in the browser', () => {
  let dataDir: string;
  let server: ServerProcess;
  let browser: Browser;
  let orgId: string;
  let invitePath: string;
  const contexts: BrowserContext[] = [];

  function massline(args: string[]): void {
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin/massline'), ...args, '--data-dir', dataDir], { cwd: repoRoot, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`massline ${args.join(' ')}: ${r.stdout}\n${r.stderr}`);
  }

  beforeAll(async () => {
    ensurePagesBuilt();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'massline-e2e-tokens-'));
    massline(['create-org', '--name', ORG.name, '--slug', ORG.slug]);
    massline(['create-organiser', '--org', ORG.slug, '--email', ORG.email, '--password', ORG.password]);
    const port = await freePort();
    [server, browser] = await Promise.all([
      startServerProcess('node', ['bin/massline', 'serve', '--port', String(port), '--data-dir', dataDir], { MASSLINE_LOG_LEVEL: 'warn' }, 90_000),
      launchChromium(),
    ]);
    const organiser = await browser.newContext();
    contexts.push(organiser);
    const login = await organiser.request.post(`${server.url}${pathOf(routeTable.login, {})}`, {
      data: { organisation: ORG.slug, email: ORG.email, password: ORG.password },
    });
    expect(login.status()).toBe(200);
    orgId = ((await login.json()) as { organisation: { id: string } }).organisation.id;
    const csrf = (await organiser.cookies()).find((c) => c.name === 'massline_csrf')?.value ?? '';
    const invite = await organiser.request.post(`${server.url}${pathOf(routeTable.createInvite, { orgId })}`, {
      data: { maxUses: 50 },
      headers: { 'x-csrf-token': csrf },
    });
    expect(invite.status()).toBe(201);
    invitePath = ((await invite.json()) as { path: string }).path;
  }, 180_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** A new member, logged in in a browser context of their own (their own localStorage). */
  async function newMember(name: string): Promise<BrowserContext> {
    const context = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB' });
    contexts.push(context);
    const token = invitePath.split('/').pop() ?? '';
    const joined = await context.request.post(`${server.url}${pathOf(routeTable.acceptInvite, { token })}`, { data: { displayName: name } });
    expect(joined.ok(), await joined.text()).toBe(true);
    return context;
  }

  /** What the server says it issued to this member, per epoch, and the quota. */
  async function issued(context: BrowserContext): Promise<{ quota: number; epochs: EpochOffer[] }> {
    const res = await context.request.get(`${server.url}${pathOf(routeTable.criticismEpoch, { orgId })}`);
    expect(res.status()).toBe(200);
    return (await res.json()) as { quota: number; epochs: EpochOffer[] };
  }

  /** Until the wallet holds `count` finished tokens and nothing pending. */
  async function walletFilled(page: Page, count: number): Promise<Awaited<ReturnType<typeof walletContents>>> {
    const until = Date.now() + 30_000;
    for (;;) {
      const w = await walletContents(page, orgId);
      if (Object.values(w.tokens).reduce((a, b) => a + b, 0) >= count && w.pending === 0) return w;
      if (Date.now() > until) throw new Error(`the wallet did not fill: ${JSON.stringify(w)}`);
      await page.waitForTimeout(200);
    }
  }

  const isIssuance = (r: Request) => r.method() === 'POST' && new URL(r.url()).pathname === pathOf(routeTable.criticismTokens, { orgId });
  const blindedOf = (r: Request) => (r.postDataJSON() as { blinded: string[] }).blinded;

  /**
   * Leave the page at one point of the first issuance request, then open the app again: the
   * same blinded messages are asked for again, the wallet fills, the server issued the quota.
   */
  async function leaveAndComeBack(name: string, leave: (route: Route, page: Page) => Promise<void>): Promise<void> {
    const context = await newMember(name);
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    const first: string[][] = [];
    let left!: () => void;
    const gone = new Promise<void>((resolve) => (left = resolve));
    await page.route(`**${pathOf(routeTable.criticismTokens, { orgId })}`, async (route) => {
      first.push(blindedOf(route.request()));
      await leave(route, page);
      left();
    });
    await page.goto(`${server.url}/`);
    await gone;
    if (!page.isClosed()) await page.close();
    const { quota } = await issued(context);
    expect(first).toHaveLength(1);
    expect(first[0]).toHaveLength(quota);

    // The member comes back to any page of the app, later.
    const again = await context.newPage();
    const asked: string[][] = [];
    again.on('request', (r) => {
      if (isIssuance(r)) asked.push(blindedOf(r));
    });
    await again.goto(`${server.url}/`);
    const wallet = await walletFilled(again, 2 * quota);
    // The interrupted request went again, the very same blinded messages, before any new one.
    expect(asked[0]).toEqual(first[0]);
    const after = await issued(context);
    expect(after.epochs).toHaveLength(2);
    for (const e of after.epochs) {
      expect(wallet.tokens[e.epoch], e.epoch).toBe(quota);
      expect(e.issuedToMe, e.epoch).toBe(quota);
    }
    // And the page says when they can be used, and why.
    await again.goto(`${server.url}/criticism`);
    const criticism = new CriticismPage(again);
    await criticism.waitUntilShown();
    expect(await criticism.walletLine()).toMatch(
      new RegExp(
        `^${text('criticism.wallet.tomorrow', { at: '\u0000' })
          .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
          .replace('\u0000', '.+')}$`,
      ),
    );
  }

  it('loses no token when the page is left before the blinded messages reach the server', async () => {
    // The request never leaves the browser: the page goes first.
    await leaveAndComeBack('Ada', async (_route, page) => {
      await page.close();
    });
  });

  it('loses no token when the page is left after the server signed, before the answer is read', async () => {
    await leaveAndComeBack('Bo', async (route, page) => {
      const signed = await route.fetch();
      expect(signed.status()).toBe(200);
      await page.close();
    });
  });

  it('loses no token when the page is left after the answer, before the tokens are stored', async () => {
    const context = await newMember('Cy');
    const page = await context.newPage();
    // This page gets the answer and finishes the tokens, but nothing that holds tokens can be stored: it is left then.
    await page.addInitScript(() => {
      const proto = (globalThis as unknown as { Storage: { prototype: { setItem(key: string, value: string): void } } }).Storage.prototype;
      const store = proto.setItem;
      proto.setItem = function (this: unknown, key: string, value: string) {
        if (key.startsWith('massline:criticism-wallet:') && value.includes('"signature"')) {
          (globalThis as unknown as { __answerNotStored?: boolean }).__answerNotStored = true;
          throw new Error('the page is being left');
        }
        return store.call(this, key, value);
      };
    });
    const first: string[][] = [];
    page.on('request', (r) => {
      if (isIssuance(r)) first.push(blindedOf(r));
    });
    const answered = page.waitForResponse((r) => isIssuance(r.request()));
    await page.goto(`${server.url}/`);
    expect((await answered).status()).toBe(200);
    await page.waitForFunction(() => (globalThis as unknown as { __answerNotStored?: boolean }).__answerNotStored === true);
    const kept = await walletContents(page, orgId);
    await page.close();
    const { quota } = await issued(context);
    expect(first).toHaveLength(1);
    // The blinded messages were kept before they were sent; no token was.
    expect(kept.pending).toBe(quota);
    expect(kept.tokens).toEqual({});

    // Back, in a page that stores as pages do.
    const back = await context.newPage();
    const asked: string[][] = [];
    back.on('request', (r) => {
      if (isIssuance(r)) asked.push(blindedOf(r));
    });
    await back.goto(`${server.url}/`);
    const wallet = await walletFilled(back, 2 * quota);
    expect(asked[0]).toEqual(first[0]);
    for (const e of (await issued(context)).epochs) {
      expect(wallet.tokens[e.epoch], e.epoch).toBe(quota);
      expect(e.issuedToMe, e.epoch).toBe(quota);
    }
  });

  it('refuses a key other than the one published for everyone: the warning is shown, no token is fetched', async () => {
    const context = await newMember('Dee');
    const page = await context.newPage();
    // Another valid RSA key, handed to this member alone with its own (correct) fingerprint.
    const pair = await globalThis.crypto.subtle.generateKey(
      { name: 'RSA-PSS', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-384' },
      true,
      ['sign', 'verify'],
    );
    const spki = new Uint8Array(await globalThis.crypto.subtle.exportKey('spki', pair.publicKey));
    const ownKey = toBase64Url(spki);
    const ownFingerprint = Buffer.from(await globalThis.crypto.subtle.digest('SHA-256', spki)).toString('hex');
    await page.route(`**${pathOf(routeTable.criticismEpoch, { orgId })}`, async (route) => {
      const real = await route.fetch();
      const body = (await real.json()) as { epochs: EpochOffer[] };
      for (const e of body.epochs) {
        e.publicKey = ownKey;
        e.fingerprint = ownFingerprint;
      }
      await route.fulfill({ response: real, json: body });
    });
    const issuance: Request[] = [];
    page.on('request', (r) => {
      if (isIssuance(r)) issuance.push(r);
    });
    await page.goto(`${server.url}/criticism`);
    const criticism = new CriticismPage(page);
    await criticism.waitUntilShown();
    const warning = await criticism.keyWarning();
    expect(warning).toContain(text('criticism.keys.refused.different'));
    expect(warning).toContain(text('criticism.keys.refusedTitle'));
    expect(await criticism.walletLine()).toBe(text('criticism.wallet.refused'));
    expect(await criticism.fingerprint()).toBe('');
    expect(issuance).toEqual([]);
    expect((await walletContents(page, orgId)).tokens).toEqual({});
    for (const e of (await issued(context)).epochs) expect(e.issuedToMe, e.epoch).toBe(0);
  });

  it('shows the published fingerprint of this week’s key to a member it was not refused to', async () => {
    const context = await newMember('Eve');
    const page = await context.newPage();
    await page.goto(`${server.url}/criticism`);
    const criticism = new CriticismPage(page);
    await criticism.waitUntilShown();
    expect(await criticism.keyWarning()).toBe('');
    // What anyone reads without a session.
    const keys = (await (await fetch(`${server.url}${pathOf(routeTable.criticismKeys, { orgId })}`)).json()) as {
      keys: { epoch: string; fingerprint: string }[];
    };
    const current = (await issued(context)).epochs[0];
    expect(await criticism.fingerprint()).toBe(keys.keys.find((k) => k.epoch === current?.epoch)?.fingerprint);
  });

  it('sends a criticism kept for a random moment from whichever page of the app is open when the moment comes, without the session', async () => {
    const context = await newMember('Fay');
    const page = await context.newPage();
    await page.goto(`${server.url}/criticism`);
    const criticism = new CriticismPage(page);
    await criticism.waitUntilShown();
    await criticism.walletLine();
    // As a member who joined yesterday: the tokens were fetched a day ago, by another page.
    expect(await ageWallet(page)).toBeGreaterThan(0);
    await page.reload();
    await criticism.waitUntilShown();
    expect(await criticism.walletLine()).toBe(text('criticism.wallet.ready', { count: 5 }));
    const words = 'The committee answers letters from tenants weeks late, if at all.';
    expect(await criticism.scheduleLeadership(words)).toBe(text('criticism.scheduled.title'));
    expect(await criticism.waitingToBeSent()).toEqual([words]);
    const kept = await page.evaluate(
      (org) =>
        JSON.parse(
          (globalThis as unknown as { localStorage: { getItem(k: string): string | null } }).localStorage.getItem(`massline:criticism-outbox:${org}`) ?? '[]',
        ) as { sendAt: string; cutoff: string }[],
      orgId,
    );
    expect(kept).toHaveLength(1);
    const [item] = kept;
    expect(Date.parse(item!.sendAt)).toBeGreaterThan(Date.now());
    expect(Date.parse(item!.sendAt)).toBeLessThan(Date.parse(item!.cutoff));
    await page.close();

    // Its moment comes while another page of the app is open: the moment is moved to now, as the clock would.
    const other = await context.newPage();
    const spent: Request[] = [];
    other.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === pathOf(routeTable.criticise, { orgId })) spent.push(r);
    });
    await other.goto(`${server.url}/me/input`);
    await other.evaluate((org) => {
      const storage = (globalThis as unknown as { localStorage: { getItem(k: string): string | null; setItem(k: string, v: string): void } }).localStorage;
      const key = `massline:criticism-outbox:${org}`;
      const items = JSON.parse(storage.getItem(key) ?? '[]') as { sendAt: string }[];
      for (const i of items) i.sendAt = new Date().toISOString();
      storage.setItem(key, JSON.stringify(items));
    }, orgId);
    // A page looks 5 to 20 s after it loaded, then every half minute.
    await other.reload();
    await other.waitForFunction(
      (org) =>
        (globalThis as unknown as { localStorage: { getItem(k: string): string | null } }).localStorage.getItem(`massline:criticism-outbox:${org}`) === null,
      orgId,
      { timeout: 40_000 },
    );
    expect(spent).toHaveLength(1);
    const headers = await spent[0]!.allHeaders();
    expect(headers.cookie).toBeUndefined();
    expect(headers['x-csrf-token']).toBeUndefined();
    const receipts = await other.evaluate(
      (org) =>
        JSON.parse(
          (globalThis as unknown as { localStorage: { getItem(k: string): string | null } }).localStorage.getItem(`massline:criticism-receipts:${org}`) ?? '[]',
        ) as { id: string; excerpt: string }[],
      orgId,
    );
    expect(receipts.map((r) => r.excerpt)).toEqual([words]);

    await other.goto(`${server.url}/criticism`);
    const again = new CriticismPage(other);
    await again.waitUntilShown();
    expect(await again.receiptIds()).toEqual(receipts.map((r) => r.id));
    expect(await again.waitingToBeSent()).toEqual([]);
    expect(await again.walletLine()).toBe(text('criticism.wallet.ready', { count: 4 }));
  }, 90_000);
});
