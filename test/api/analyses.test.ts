/**
 * An analysis is stored only when it covers something new: a vote since the newest analysis, a
 * statement kept out or let back in, or a new cycle. Asking again with nothing new returns the
 * analysis that stands.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinAsMember, signUp, startHarness, type Harness } from '../_util/app.js';
import { dialects } from '../_util/stores.js';
import { pathOf, routeTable } from '../_util/routes.js';

describe.each(dialects)('analyses of nothing new, on %s', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    // Analyses only when the test asks.
    h = await startHarness(dialect, { analysisDebounceMs: 3_600_000 });
  });
  afterAll(async () => h?.close());

  it('analysing an issue twice with no new votes stores one analysis; a vote or a moderation makes the next', async () => {
    const org = await signUp(h.app);
    const { orgId } = org;
    const issue = (await org.admin.post(pathOf(routeTable.createIssue, { orgId }), { title: 'Repairs' })).json() as { id: string };
    const ids: string[] = [];
    for (let j = 0; j < 4; j++)
      ids.push(
        (
          (await org.admin.post(pathOf(routeTable.submitStatement, { orgId, issueId: issue.id }), { text: `Repair number ${j} comes first` })).json() as {
            id: string;
          }
        ).id,
      );
    const members = [];
    for (let i = 0; i < 6; i++) members.push(await joinAsMember(h.app, org));
    for (const [i, m] of members.entries())
      for (const [j, id] of ids.entries())
        expect((await m.client.put(pathOf(routeTable.vote, { orgId, statementId: id }), { vote: i < 3 === j < 2 ? 1 : -1 })).statusCode).toBe(200);

    const stored = async () =>
      (
        await h.ctx.store.db
          .selectFrom('analyses')
          .select(['id', 'votes_seq'])
          .where('issue_id', '=', issue.id)
          .where('source', '=', 'engine')
          .orderBy('seq')
          .execute()
      ).map((r) => ({ id: r.id, votesSeq: Number(r.votes_seq) }));
    const analyse = () => h.ctx.jobs.analyses.analyzeNow(org.orgId, issue.id);

    const first = await analyse();
    expect(first).not.toBeNull();
    expect(await analyse()).toBe(first);
    expect(await stored()).toEqual([{ id: first, votesSeq: 24 }]);

    // A vote that changes nothing is no new input either.
    expect(((await members[0]!.client.put(pathOf(routeTable.vote, { orgId, statementId: ids[0]! }), { vote: 1 })).json() as { changed: boolean }).changed).toBe(
      false,
    );
    expect(await analyse()).toBe(first);
    expect(await stored()).toHaveLength(1);

    // A changed vote is.
    expect(((await members[0]!.client.put(pathOf(routeTable.vote, { orgId, statementId: ids[0]! }), { vote: 0 })).json() as { changed: boolean }).changed).toBe(
      true,
    );
    const second = await analyse();
    expect(second).not.toBe(first);
    expect(await stored()).toEqual([
      { id: first, votesSeq: 24 },
      { id: second, votesSeq: 25 },
    ]);
    expect(await analyse()).toBe(second);

    // A statement moderated out changes what the analysis is made of, with no new vote.
    expect((await org.admin.patch(pathOf(routeTable.moderate, { orgId, statementId: ids[3]! }), { status: 'rejected' })).statusCode).toBe(200);
    const third = await analyse();
    expect(third).not.toBe(second);
    expect((await stored()).map((a) => a.votesSeq)).toEqual([24, 25, 25]);
    expect(await analyse()).toBe(third);
    expect(await stored()).toHaveLength(3);
    // The analysis the API serves is the newest.
    expect(((await org.admin.get(pathOf(routeTable.analysis, { orgId, issueId: issue.id }))).json() as { id: string }).id).toBe(third);
  });
});
