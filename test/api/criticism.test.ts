/**
 * Criticism from below through the API, on every dialect: tokens within a quota, spending
 * without a session, daily batches, the receipt and the public chain, seconds, public answers,
 * the bureaucracy figure and the published token counts.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAIN_GENESIS, chainEntry, criticismContent, epochKeyContent } from '../../src/core/index.js';
import { dialects } from '../_util/stores.js';
import { Client, joinAsMember, signUp, startHarness, type Harness, type Org } from '../_util/app.js';
import { criticise, currentKey, fetchTokens } from '../_util/criticism.js';

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
    const base = `/api/orgs/${org.orgId}`;
    const alice = await joinAsMember(h.app, org);
    const bob = await joinAsMember(h.app, org);
    const organiser = await joinAsMember(h.app, org, 'organiser');
    const issue = (await org.admin.post(`${base}/issues`, { title: 'Night-shift pay' })).json() as { id: string };

    // The quota: 5 per member per epoch; a sixth is refused and nothing more is counted.
    const tokens = await fetchTokens(alice.client, org.orgId, 5);
    expect(tokens).toHaveLength(5);
    await expect(fetchTokens(alice.client, org.orgId, 1)).rejects.toThrow(/429/);
    const epoch = (await alice.client.get(`${base}/criticism/epoch`)).json();
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
    expect((await criticise(h.app, org.orgId, tokens[1]!, 'About an issue of another organisation.', { kind: 'issue', issueId: (await other.admin.post(`/api/orgs/${other.orgId}/issues`, { title: 'Theirs' })).json().id })).statusCode).toBe(404);
    const bad = await criticise(h.app, org.orgId, tokens[1]!, 'short');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/^body\.text/);

    // Two more from other tokens, about the leadership.
    for (const t of tokens.slice(1, 3)) expect((await criticise(h.app, org.orgId, t, `Meetings are called at hours when shift workers cannot come (${t.message.slice(0, 6)}).`)).statusCode).toBe(201);

    // Nothing is published before the batch: members see only how many wait.
    let list = (await alice.client.get(`${base}/criticisms`)).json();
    expect(list.criticisms).toHaveLength(0);
    expect(list.pending).toBe(3);
    const pendingReceipt = (await new Client(h.app).get(`${base}/criticisms/${receipt.id}/receipt`)).json();
    expect(pendingReceipt).toMatchObject({ status: 'pending', contentHash: receipt.contentHash, position: null });

    // The next day at 18:00 the batch is published, in one go, each with the batch's time only.
    now = Date.parse('2026-11-26T18:00:00Z');
    list = (await alice.client.get(`${base}/criticisms`)).json();
    expect(list.pending).toBe(0);
    expect(list.criticisms).toHaveLength(3);
    for (const c of list.criticisms) {
      expect(c.publishedAt).toBe('2026-11-26T18:00:00.000Z');
      expect(c.writtenOn).toBe('2026-11-25');
      expect(Object.keys(c).sort()).toEqual(['ageDays', 'answers', 'chain', 'daysToAnswer', 'id', 'publishedAt', 'secondedByMe', 'seconds', 'target', 'text', 'writtenOn']);
    }
    const mine = list.criticisms.find((c: { id: string }) => c.id === receipt.id);
    expect(mine.target).toEqual({ kind: 'issue', id: issue.id, title: 'Night-shift pay' });

    // The chain verifies from its genesis, and the receipt is in it unaltered. The epoch keys are
    // in the same chain (the current and the next, made when first asked for), published beside
    // the criticism; the keys route reads no cookie.
    const keys = (await new Client(h.app).get(`${base}/criticism/keys`)).json().keys as { epoch: string; publicKey: string; publishedAt: string; chainPosition: number; prevHash: string; contentHash: string; entryHash: string }[];
    expect(keys.map((k) => k.epoch)).toEqual(['2026-W49', '2026-W48']);
    const chain = [
      ...list.criticisms.map((c: { id: string; target: { kind: string; id: string | null }; text: string; writtenOn: string; publishedAt: string; chain: { position: number; prevHash: string; entryHash: string; contentHash: string } }) => ({
        ...c.chain,
        publishedAt: c.publishedAt,
        content: criticismContent({ id: c.id, targetKind: c.target.kind, targetId: c.target.id, text: c.text, writtenOn: c.writtenOn }),
      })),
      ...keys.map((k) => ({ position: k.chainPosition, prevHash: k.prevHash, entryHash: k.entryHash, contentHash: k.contentHash, publishedAt: k.publishedAt, content: epochKeyContent(k) })),
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
    const published = (await new Client(h.app).get(`${base}/criticisms/${receipt.id}/receipt`)).json();
    expect(published).toMatchObject({ status: 'published', contentHash: receipt.contentHash, entryHash: mine.chain.entryHash });

    // Seconds are counted; a member cannot answer; an organiser answers in public under their name.
    expect((await bob.client.put(`${base}/criticisms/${receipt.id}/second`)).json()).toEqual({ seconds: 1, secondedByMe: true });
    expect((await alice.client.put(`${base}/criticisms/${receipt.id}/second`)).json()).toEqual({ seconds: 2, secondedByMe: true });
    expect((await alice.client.put(`${base}/criticisms/${receipt.id}/second`)).json()).toEqual({ seconds: 2, secondedByMe: true });
    expect((await alice.client.delete(`${base}/criticisms/${receipt.id}/second`)).json()).toEqual({ seconds: 1, secondedByMe: false });
    expect((await bob.client.post(`${base}/criticisms/${receipt.id}/answers`, { text: 'Members cannot answer for the leadership.' })).statusCode).toBe(403);
    now = Date.parse('2026-11-28T18:00:00Z');
    const ans = await organiser.client.post(`${base}/criticisms/${receipt.id}/answers`, { text: 'We set the date too fast. The next one goes to a night-shift meeting first.' });
    expect(ans.statusCode, ans.body).toBe(201);
    expect(ans.json().by.role).toBe('organiser');

    // The bureaucracy figure: one answered after 2 days, two waiting 4 days so far, which count at their age: the median is 4, not 2.
    now = Date.parse('2026-11-30T18:00:00Z');
    list = (await bob.client.get(`${base}/criticisms`)).json();
    expect(list.bureaucracy).toEqual({ published: 3, answered: 1, unanswered: 2, medianDaysToAnswer: 4, oldestUnansweredDays: 4, medianUnansweredDays: 4 });
    const answered = list.criticisms.find((c: { id: string }) => c.id === receipt.id);
    expect(answered.daysToAnswer).toBe(2);
    expect(answered.seconds).toBe(1);
    expect(answered.secondedByMe).toBe(true);

    // The published token counts: 5 to alice and 2 to bob in this epoch, 3 spent.
    expect(list.members).toBe(4);
    expect(list.epochs).toEqual([{ epoch: '2026-W48', tokensIssued: 7, membersIssued: 2, tokensSpent: 3, ceiling: 20 }]);
  });

  it('refuses tokens of an epoch that is over, and issues only for the current one', async () => {
    now = Date.parse('2026-11-25T09:00:00Z');
    const org = await signUp(h.app);
    const m = await joinAsMember(h.app, org);
    const [t] = await fetchTokens(m.client, org.orgId, 1);
    // Still spendable in the following week, not the one after.
    now = Date.parse('2026-12-03T09:00:00Z');
    const wrongEpoch = await m.client.post(`/api/orgs/${org.orgId}/criticism/tokens`, { epoch: '2026-W48', blinded: ['AAAA'] });
    expect(wrongEpoch.statusCode).toBe(409);
    now = Date.parse('2026-12-08T09:00:00Z');
    const late = await criticise(h.app, org.orgId, t!, 'A criticism kept too long before sending it.');
    expect(late.statusCode).toBe(403);
    expect(late.json().message).toMatch(/^token\.epoch/);
  });
});
