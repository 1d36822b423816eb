/**
 * Criticism from below through the API, on every dialect: tokens within a quota, spending
 * without a session, daily batches, the receipt and the public chain, seconds, public answers,
 * the bureaucracy figure and the published token counts.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { requestTokens } from '../../src/contract/criticism-tokens.js';
import { criticism } from '../../src/store/index.js';
import { CHAIN_GENESIS, chainEntry, criticismContent, epochKeyContent } from '../../src/core/index.js';
import { dialects } from '../_util/stores.js';
import { Client, joinAsMember, signUp, startHarness, type Harness, type Org } from '../_util/app.js';
import { criticise, currentKey, fetchTokens } from '../_util/criticism.js';
import { pathOf, routeTable } from '../_util/routes.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe.each(dialects)('criticism from below on %s', (dialect) => {
  let h: Harness;
  // A Wednesday morning; batches are published daily at 18:00 UTC.
  let now = Date.parse('2026-11-25T09:00:00Z');
  beforeAll(async () => {
    h = await startHarness(dialect, { clock: () => new Date(now) });
  });
  afterAll(async () => h?.close());

  it('issues tokens within the quota, spends them anonymously, publishes in a batch, and is answered in public', async () => {
    const org: Org = await signUp(h.app);
    const { orgId } = org;
    const alice = await joinAsMember(h.app, org);
    const bob = await joinAsMember(h.app, org);
    const organiser = await joinAsMember(h.app, org, 'organiser');
    const issue = (await org.admin.post(pathOf(routeTable.createIssue, { orgId }), { title: 'Night-shift pay' })).json() as { id: string };

    // The quota: 5 per member per epoch; a sixth is refused and nothing more is counted.
    const tokens = await fetchTokens(alice.client, org.orgId, 5);
    expect(tokens).toHaveLength(5);
    await expect(fetchTokens(alice.client, org.orgId, 1)).rejects.toThrow(/429/);
    const epoch = (await alice.client.get(pathOf(routeTable.criticismEpoch, { orgId }))).json();
    expect(epoch.quota).toBe(5);
    expect(currentKey(epoch).issuedToMe).toBe(5);
    await fetchTokens(bob.client, org.orgId, 2);

    // Spending needs no session; the response sets no cookie.
    const text = 'The leadership decided the strike date without asking the night shift.';
    const first = await criticise(h.app, org.orgId, tokens[0]!, text, { kind: 'issue', issueId: issue.id });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.headers['set-cookie']).toBeUndefined();
    const receipt = first.json() as { id: string; contentHash: string; writtenOn: string; publishesAt: string };
    expect(receipt.writtenOn).toBe('2026-11-25');
    expect(receipt.publishesAt).toBe('2026-11-26T18:00:00.000Z');
    expect(receipt.contentHash).toBe(sha256(criticismContent({ id: receipt.id, targetKind: 'issue', targetId: issue.id, text, writtenOn: '2026-11-25' })));

    // A retry of the same submission answers the same receipt; the same token for other words is refused.
    const retry = await criticise(h.app, org.orgId, tokens[0]!, text, { kind: 'issue', issueId: issue.id });
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toEqual(receipt);
    expect((await criticise(h.app, org.orgId, tokens[0]!, 'Something else entirely, with the same token.')).statusCode).toBe(409);

    // A forged or altered token, and a token of another organisation, are refused.
    const forged = { ...tokens[1]!, signature: tokens[2]!.signature };
    expect((await criticise(h.app, org.orgId, forged, 'A criticism with a forged token in it.')).statusCode).toBe(403);
    const other = await signUp(h.app);
    expect((await criticise(h.app, other.orgId, tokens[1]!, 'A criticism spent at the wrong organisation.')).statusCode).toBe(403);
    expect(
      (
        await criticise(h.app, org.orgId, tokens[1]!, 'About an issue of another organisation.', {
          kind: 'issue',
          issueId: (await other.admin.post(pathOf(routeTable.createIssue, { orgId: other.orgId }), { title: 'Theirs' })).json().id,
        })
      ).statusCode,
    ).toBe(404);
    const bad = await criticise(h.app, org.orgId, tokens[1]!, 'short');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/^body\.text/);

    // Two more from other tokens, about the leadership.
    for (const t of tokens.slice(1, 3))
      expect((await criticise(h.app, org.orgId, t, `Meetings are called at hours when shift workers cannot come (${t.message.slice(0, 6)}).`)).statusCode).toBe(
        201,
      );

    // Nothing is published before the batch: members see only how many wait.
    let list = (await alice.client.get(pathOf(routeTable.criticisms, { orgId }))).json();
    expect(list.criticisms).toHaveLength(0);
    expect(list.pending).toBe(3);
    const pendingReceipt = (await new Client(h.app).get(pathOf(routeTable.receipt, { orgId, criticismId: receipt.id }))).json();
    expect(pendingReceipt).toMatchObject({ status: 'pending', contentHash: receipt.contentHash, position: null });

    // The next day at 18:00 the batch is published, in one go, each with the batch's time only.
    now = Date.parse('2026-11-26T18:00:00Z');
    list = (await alice.client.get(pathOf(routeTable.criticisms, { orgId }))).json();
    expect(list.pending).toBe(0);
    expect(list.criticisms).toHaveLength(3);
    for (const c of list.criticisms) {
      expect(c.publishedAt).toBe('2026-11-26T18:00:00.000Z');
      expect(c.writtenOn).toBe('2026-11-25');
      expect(Object.keys(c).sort()).toEqual([
        'ageDays',
        'answers',
        'chain',
        'daysToAnswer',
        'id',
        'publishedAt',
        'secondedByMe',
        'seconds',
        'target',
        'text',
        'writtenOn',
      ]);
    }
    const mine = list.criticisms.find((c: { id: string }) => c.id === receipt.id);
    expect(mine.target).toEqual({ kind: 'issue', id: issue.id, title: 'Night-shift pay' });

    // The chain verifies from its genesis, and the receipt is in it unaltered. The epoch keys are
    // in the same chain (the current and the next, made when first asked for), published beside
    // the criticism; the keys route reads no cookie.
    const keys = (await new Client(h.app).get(pathOf(routeTable.criticismKeys, { orgId }))).json().keys as {
      epoch: string;
      publicKey: string;
      publishedAt: string;
      chainPosition: number;
      prevHash: string;
      contentHash: string;
      entryHash: string;
    }[];
    expect(keys.map((k) => k.epoch)).toEqual(['2026-W49', '2026-W48']);
    const chain = [
      ...list.criticisms.map(
        (c: {
          id: string;
          target: { kind: string; id: string | null };
          text: string;
          writtenOn: string;
          publishedAt: string;
          chain: { position: number; prevHash: string; entryHash: string; contentHash: string };
        }) => ({
          ...c.chain,
          publishedAt: c.publishedAt,
          content: criticismContent({ id: c.id, targetKind: c.target.kind, targetId: c.target.id, text: c.text, writtenOn: c.writtenOn }),
        }),
      ),
      ...keys.map((k) => ({
        position: k.chainPosition,
        prevHash: k.prevHash,
        entryHash: k.entryHash,
        contentHash: k.contentHash,
        publishedAt: k.publishedAt,
        content: epochKeyContent(k),
      })),
    ].sort((a, b) => a.position - b.position);
    expect(chain).toHaveLength(5);
    let prev = CHAIN_GENESIS;
    for (const [i, c] of chain.entries()) {
      expect(c.position).toBe(i + 1);
      expect(c.prevHash).toBe(prev);
      expect(c.contentHash).toBe(sha256(c.content));
      expect(c.entryHash).toBe(sha256(chainEntry({ prevHash: prev, contentHash: c.contentHash, position: i + 1, publishedAt: c.publishedAt })));
      prev = c.entryHash;
    }
    expect(list.chainHead).toBe(prev);
    const published = (await new Client(h.app).get(pathOf(routeTable.receipt, { orgId, criticismId: receipt.id }))).json();
    expect(published).toMatchObject({ status: 'published', contentHash: receipt.contentHash, entryHash: mine.chain.entryHash });

    // Seconds are counted; a member cannot answer; an organiser answers in public under their name.
    expect((await bob.client.put(pathOf(routeTable.second, { orgId, criticismId: receipt.id }))).json()).toEqual({ seconds: 1, secondedByMe: true });
    expect((await alice.client.put(pathOf(routeTable.second, { orgId, criticismId: receipt.id }))).json()).toEqual({ seconds: 2, secondedByMe: true });
    expect((await alice.client.put(pathOf(routeTable.second, { orgId, criticismId: receipt.id }))).json()).toEqual({ seconds: 2, secondedByMe: true });
    expect((await alice.client.delete(pathOf(routeTable.unsecond, { orgId, criticismId: receipt.id }))).json()).toEqual({ seconds: 1, secondedByMe: false });
    expect(
      (await bob.client.post(pathOf(routeTable.answerCriticism, { orgId, criticismId: receipt.id }), { text: 'Members cannot answer for the leadership.' }))
        .statusCode,
    ).toBe(403);
    now = Date.parse('2026-11-28T18:00:00Z');
    const ans = await organiser.client.post(pathOf(routeTable.answerCriticism, { orgId, criticismId: receipt.id }), {
      text: 'We set the date too fast. The next one goes to a night-shift meeting first.',
    });
    expect(ans.statusCode, ans.body).toBe(201);
    expect(ans.json().by.role).toBe('organiser');

    // The bureaucracy figure: one answered after 2 days, two waiting 4 days so far, which count at their age: the median is 4, not 2.
    now = Date.parse('2026-11-30T18:00:00Z');
    list = (await bob.client.get(pathOf(routeTable.criticisms, { orgId }))).json();
    expect(list.bureaucracy).toEqual({ published: 3, answered: 1, unanswered: 2, medianDaysToAnswer: 4, oldestUnansweredDays: 4, medianUnansweredDays: 4 });
    const answered = list.criticisms.find((c: { id: string }) => c.id === receipt.id);
    expect(answered.daysToAnswer).toBe(2);
    expect(answered.seconds).toBe(1);
    expect(answered.secondedByMe).toBe(true);

    // The published token counts: 5 to alice and 2 to bob in this epoch, 3 spent.
    expect(list.members).toBe(4);
    expect(list.epochs).toEqual([{ epoch: '2026-W48', tokensIssued: 7, membersIssued: 2, tokensSpent: 3, ceiling: 20 }]);
  });

  it('refuses tokens of an epoch that is over, and issues only for the current and the next one', async () => {
    now = Date.parse('2026-11-25T09:00:00Z');
    const org = await signUp(h.app);
    const m = await joinAsMember(h.app, org);
    const [t] = await fetchTokens(m.client, org.orgId, 1);
    // Still spendable in the following week, not the one after.
    now = Date.parse('2026-12-03T09:00:00Z');
    const wrongEpoch = await m.client.post(pathOf(routeTable.criticismTokens, { orgId: org.orgId }), { epoch: '2026-W48', blinded: ['AAAA'] });
    expect(wrongEpoch.statusCode).toBe(409);
    now = Date.parse('2026-12-08T09:00:00Z');
    const late = await criticise(h.app, org.orgId, t!, 'A criticism kept too long before sending it.');
    expect(late.statusCode).toBe(403);
    expect(late.json().message).toMatch(/^token\.epoch/);
  });

  it('signs the same blinded messages again with the same signatures, counting them once, and never beyond the quota', async () => {
    now = Date.parse('2026-11-25T09:00:00Z');
    const org = await signUp(h.app);
    const { orgId } = org;
    const m = await joinAsMember(h.app, org);
    const key = currentKey((await m.client.get(pathOf(routeTable.criticismEpoch, { orgId }))).json());
    const issuedToMe = async () => currentKey((await m.client.get(pathOf(routeTable.criticismEpoch, { orgId }))).json()).issuedToMe;
    const sign = (blinded: string[], epoch = key.epoch) => m.client.post(pathOf(routeTable.criticismTokens, { orgId }), { epoch, blinded });

    // A browser that lost the answer asks again with the blinded messages it kept: the same signatures, counted once.
    const three = await requestTokens(key.epoch, key.publicKey, 3);
    const first = await sign(three.blinded);
    expect(first.statusCode, first.body).toBe(200);
    const again = await sign(three.blinded);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toEqual(first.json());
    expect(await issuedToMe()).toBe(3);
    // The tokens made from the repeated answer are good ones.
    const tokens = await three.finish(again.json().blindSignatures);
    expect((await criticise(h.app, org.orgId, tokens[0]!, 'Made from an answer asked for twice.')).statusCode).toBe(201);

    // Old and new together: only the new count, and the old are answered as before.
    const two = await requestTokens(key.epoch, key.publicKey, 2);
    const mixed = await sign([three.blinded[1]!, ...two.blinded, three.blinded[0]!]);
    expect(mixed.statusCode, mixed.body).toBe(200);
    const signatures = mixed.json().blindSignatures as string[];
    expect([signatures[0], signatures[3]]).toEqual([first.json().blindSignatures[1], first.json().blindSignatures[0]]);
    expect(await issuedToMe()).toBe(5);

    // The quota is reached: one new message among old ones is refused whole, and nothing more is counted; old ones alone are still answered.
    const one = await requestTokens(key.epoch, key.publicKey, 1);
    const over = await sign([...three.blinded, ...one.blinded]);
    expect(over.statusCode).toBe(429);
    expect(over.json().message).toMatch(/^blinded: this epoch's quota is 5 tokens and 5 were issued/);
    expect(await issuedToMe()).toBe(5);
    expect((await sign([...two.blinded, ...three.blinded])).statusCode).toBe(200);
    // Repeated within one request, a message counts once too.
    expect(await issuedToMe()).toBe(5);

    // Two identical requests at once count once as well.
    const other = await joinAsMember(h.app, org);
    const four = await requestTokens(key.epoch, key.publicKey, 4);
    const both = await Promise.all(
      [0, 1].map(() => other.client.post(pathOf(routeTable.criticismTokens, { orgId }), { epoch: key.epoch, blinded: four.blinded })),
    );
    for (const r of both) expect(r.statusCode, r.body).toBe(200);
    expect(both[0]!.json()).toEqual(both[1]!.json());
    expect(currentKey((await other.client.get(pathOf(routeTable.criticismEpoch, { orgId }))).json()).issuedToMe).toBe(4);

    // The next epoch's tokens are fetched ahead, under a quota of their own.
    const answer = (await m.client.get(pathOf(routeTable.criticismEpoch, { orgId }))).json();
    const next = answer.epochs[1];
    expect(next).toMatchObject({ epoch: '2026-W49', issuedToMe: 0, spendableFrom: '2026-11-30T00:00:00.000Z', spendableUntil: '2026-12-14T00:00:00.000Z' });
    const ahead = await requestTokens(next.epoch, next.publicKey, 5);
    expect((await sign(ahead.blinded, next.epoch)).statusCode).toBe(200);
    expect((await m.client.get(pathOf(routeTable.criticismEpoch, { orgId }))).json().epochs[1].issuedToMe).toBe(5);
    expect((await sign(['AAAA'], '2026-W50')).statusCode).toBe(409);
  });

  it("makes the next epoch's key ahead and publishes every key in the public chain, where members can check it", async () => {
    now = Date.parse('2026-11-25T09:00:00Z');
    const org = await signUp(h.app);
    const { orgId } = org;
    const m = await joinAsMember(h.app, org);
    const anyone = new Client(h.app);
    // No key is made before a member asks for one.
    expect((await anyone.get(pathOf(routeTable.criticismKeys, { orgId }))).json()).toEqual({ keys: [] });

    const answer = (await m.client.get(pathOf(routeTable.criticismEpoch, { orgId }))).json();
    expect(answer.quota).toBe(5);
    expect(answer.nextPublicationAt).toBe('2026-11-25T18:00:00.000Z');
    expect(answer.epochs.map((e: { epoch: string }) => e.epoch)).toEqual(['2026-W48', '2026-W49']);
    expect(answer.epochs[0]).toMatchObject({ issuedToMe: 0, spendableFrom: '2026-11-23T00:00:00.000Z', spendableUntil: '2026-12-07T00:00:00.000Z' });
    for (const e of answer.epochs) expect(e.fingerprint).toBe(createHash('sha256').update(Buffer.from(e.publicKey, 'base64url')).digest('hex'));
    expect(answer.epochs[0].publicKey).not.toBe(answer.epochs[1].publicKey);
    // Asked again, the same keys, and nothing new in the chain.
    expect((await m.client.get(pathOf(routeTable.criticismEpoch, { orgId }))).json()).toEqual(answer);

    // The keys route reads no cookie, sets none, and shows the keys as the chain holds them, newest first.
    const published = await anyone.get(pathOf(routeTable.criticismKeys, { orgId }));
    expect(published.statusCode).toBe(200);
    expect(published.headers['set-cookie']).toBeUndefined();
    const keys = published.json().keys;
    expect(keys.map((k: { epoch: string }) => k.epoch)).toEqual(['2026-W49', '2026-W48']);
    for (const k of keys) {
      const given = answer.epochs.find((e: { epoch: string }) => e.epoch === k.epoch);
      expect(k).toMatchObject({ publicKey: given.publicKey, fingerprint: given.fingerprint, publishedAt: '2026-11-25T09:00:00.000Z' });
      expect(k.contentHash).toBe(sha256(epochKeyContent(k)));
      expect(k.entryHash).toBe(sha256(chainEntry({ prevHash: k.prevHash, contentHash: k.contentHash, position: k.chainPosition, publishedAt: k.publishedAt })));
    }
    expect(keys[1]).toMatchObject({ chainPosition: 1, prevHash: CHAIN_GENESIS });
    expect(keys[0]).toMatchObject({ chainPosition: 2, prevHash: keys[1].entryHash });
    expect((await m.client.get(pathOf(routeTable.criticisms, { orgId }))).json().chainHead).toBe(keys[0].entryHash);

    // A week on: this epoch's key is the one made ahead; the next one is made and appended.
    now = Date.parse('2026-12-01T09:00:00Z');
    const later = (await m.client.get(pathOf(routeTable.criticismEpoch, { orgId }))).json();
    expect(later.epochs[0]).toEqual({ ...answer.epochs[1], issuedToMe: 0 });
    expect(later.epochs[1].epoch).toBe('2026-W50');
    const three = (await anyone.get(pathOf(routeTable.criticismKeys, { orgId }))).json().keys;
    expect(three.map((k: { epoch: string; chainPosition: number }) => [k.epoch, k.chainPosition])).toEqual([
      ['2026-W50', 3],
      ['2026-W49', 2],
      ['2026-W48', 1],
    ]);
    expect(three[0].prevHash).toBe(keys[0].entryHash);

    // Of another organisation, its own keys; of none, 404.
    const other = await signUp(h.app);
    expect((await anyone.get(pathOf(routeTable.criticismKeys, { orgId: other.orgId }))).json()).toEqual({ keys: [] });
    expect((await anyone.get(pathOf(routeTable.criticismKeys, { orgId: 'AAAAAAAAAAAAAAAA' }))).statusCode).toBe(404);
  });

  it('deletes a signing key once its spending window has closed, keeping its public key in the chain', async () => {
    now = Date.parse('2026-11-25T09:00:00Z');
    const org = await signUp(h.app);
    const { orgId } = org;
    const m = await joinAsMember(h.app, org);
    const tokens = await fetchTokens(m.client, org.orgId, 2);
    const privateKey = async (epoch: string) => (await criticism.findEpochKey(h.ctx.store.db, org.orgId, epoch))?.private_key;
    expect(await privateKey('2026-W48')).toEqual(expect.any(String));

    // Within its window (the epoch after its own), the key is kept and its tokens are accepted.
    now = Date.parse('2026-12-06T23:00:00Z');
    await m.client.get(pathOf(routeTable.criticisms, { orgId }));
    expect(await privateKey('2026-W48')).toEqual(expect.any(String));
    expect((await criticise(h.app, org.orgId, tokens[0]!, 'Sent on the last evening of its window.')).statusCode).toBe(201);

    // The window closed at Monday 00:00; the first read or timer tick after it deletes the private key.
    now = Date.parse('2026-12-07T00:05:00Z');
    await m.client.get(pathOf(routeTable.criticisms, { orgId }));
    expect(await privateKey('2026-W48')).toBeNull();
    expect(await privateKey('2026-W49')).toEqual(expect.any(String));
    const keys = (await new Client(h.app).get(pathOf(routeTable.criticismKeys, { orgId }))).json().keys;
    expect(keys.find((k: { epoch: string }) => k.epoch === '2026-W48')).toMatchObject({ chainPosition: 1 });
    // Nothing kept of what it signed either.
    expect(
      await h.ctx.store.db.selectFrom('criticism_blinded').select('epoch').where('org_id', '=', org.orgId).where('epoch', '=', '2026-W48').execute(),
    ).toEqual([]);
    // Its tokens are refused as too old, as before.
    expect((await criticise(h.app, org.orgId, tokens[1]!, 'Sent after its window had closed.')).statusCode).toBe(403);
  });

  it('opens no write transaction for a read or a receipt when no publication is due', async () => {
    now = Date.parse('2026-11-25T09:00:00Z');
    const org = await signUp(h.app);
    const { orgId } = org;
    const m = await joinAsMember(h.app, org);
    const [token] = await fetchTokens(m.client, org.orgId, 1);
    const receipt = (await criticise(h.app, org.orgId, token!, 'A criticism whose receipt is checked again and again.')).json();
    const db = h.ctx.store.db;
    const transactions = vi.spyOn(db, 'transaction');
    const changes = async () => (dialect === 'sqlite' ? Number((await sql<{ n: number }>`select total_changes() as n`.execute(db)).rows[0]!.n) : 0);
    const reads = async () => {
      const anyone = new Client(h.app);
      for (let i = 0; i < 5; i++) {
        expect((await anyone.get(pathOf(routeTable.receipt, { orgId, criticismId: receipt.id }))).statusCode).toBe(200);
        expect((await anyone.get(pathOf(routeTable.receipt, { orgId, criticismId: `AAAAAAAAAAAAAAA${i}` }))).statusCode).toBe(404);
        expect((await anyone.get(pathOf(routeTable.receipt, { orgId: `AAAAAAAAAAAAAAA${i}`, criticismId: receipt.id }))).statusCode).toBe(404);
        expect((await anyone.get(pathOf(routeTable.criticismKeys, { orgId }))).statusCode).toBe(200);
        expect((await m.client.get(pathOf(routeTable.criticisms, { orgId }))).statusCode).toBe(200);
        expect((await m.client.get(pathOf(routeTable.criticismEpoch, { orgId }))).statusCode).toBe(200);
      }
    };
    try {
      // Today's publication was taken (by the first read after it); the keys exist: nothing is due.
      await m.client.get(pathOf(routeTable.criticisms, { orgId }));
      transactions.mockClear();
      const before = await changes();
      await reads();
      expect(transactions).not.toHaveBeenCalled();
      expect(await changes()).toBe(before);

      // At the hour a publication is due: a receipt of nothing, or of another organisation, publishes nothing;
      // the first receipt of a criticism whose batch is due publishes it (one write), the next reads only.
      now = Date.parse('2026-11-26T18:00:00Z');
      expect((await new Client(h.app).get(pathOf(routeTable.receipt, { orgId, criticismId: 'AAAAAAAAAAAAAAAA' }))).statusCode).toBe(404);
      expect((await new Client(h.app).get(pathOf(routeTable.receipt, { orgId: 'AAAAAAAAAAAAAAAA', criticismId: receipt.id }))).statusCode).toBe(404);
      expect(transactions).not.toHaveBeenCalled();
      expect((await new Client(h.app).get(pathOf(routeTable.receipt, { orgId, criticismId: receipt.id }))).json().status).toBe('published');
      expect(transactions).toHaveBeenCalledTimes(1);
      transactions.mockClear();
      await reads();
      expect(transactions).not.toHaveBeenCalled();
    } finally {
      transactions.mockRestore();
    }
  });
});
