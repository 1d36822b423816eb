/**
 * The second line of organisation scoping through the HTTP app: every request of a member runs
 * in its organisation's scope once its session and path are checked, so on PostgreSQL even a
 * query that forgot `where org_id = …` sees that organisation's rows only, however requests of
 * several organisations interleave over the pool. The votes of both, batched together by the
 * vote writer, are all written. On SQLite the scope changes nothing (no row-level security).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { dialects } from '../_util/stores.js';
import { joinAsMember, signUp, startHarness, type Client, type Harness, type Org } from '../_util/app.js';
import { pathOf, routeTable } from '../_util/routes.js';

interface Forgotten {
  orgId: string;
  /** The organisations whose members a query without an organisation filter returned. */
  seen: string[];
  /** The PostgreSQL connection it ran on. */
  pid: number | null;
}

describe.each(dialects)('row-level security through the API on %s', (dialect) => {
  let h: Harness;
  const forgotten: Forgotten[] = [];
  beforeAll(async () => {
    h = await startHarness(dialect);
    // Stands for a repository query that forgot its organisation filter, run by every request of
    // a member (after the session and policy checks, as a route handler would run it).
    h.app.addHook('preHandler', async (req) => {
      const who = req.routeOptions.config.policy?.who;
      if (!req.auth || who === 'public' || who === 'anonymous') return;
      const db = h.ctx.store.db;
      const row =
        dialect === 'postgres'
          ? (
              await sql<{ seen: string; pid: number }>`select (select string_agg(distinct org_id, ',') from members) as seen, pg_backend_pid() as pid`.execute(
                db,
              )
            ).rows[0]!
          : { ...(await sql<{ seen: string }>`select group_concat(distinct org_id) as seen from members`.execute(db)).rows[0]!, pid: null };
      forgotten.push({ orgId: req.auth.orgId, seen: row.seen.split(',').sort(), pid: row.pid });
    });
  });
  afterAll(async () => h?.close());

  interface Side {
    org: Org;
    issueId: string;
    statementIds: string[];
    voters: Client[];
  }

  async function side(name: string): Promise<Side> {
    const org = await signUp(h.app);
    const issue = await org.admin.post(pathOf(routeTable.createIssue, { orgId: org.orgId }), { title: `${name}: rents`, description: '' });
    const statementIds: string[] = [];
    for (const text of [`${name} freeze`, `${name} repairs`])
      statementIds.push((await org.admin.post(pathOf(routeTable.submitStatement, { orgId: org.orgId, issueId: issue.json().id }), { text })).json().id);
    const voters = [org.admin];
    for (let i = 0; i < 3; i++) voters.push((await joinAsMember(h.app, org)).client);
    return { org, issueId: issue.json().id, statementIds, voters };
  }

  it("interleaved requests of two organisations' members each see their own organisation only", async () => {
    const a = await side('a');
    const b = await side('b');
    forgotten.length = 0;
    const requests: Promise<void>[] = [];
    for (let round = 0; round < 2; round++) {
      for (let v = 0; v < 4; v++) {
        for (const [s, other] of [
          [a, b],
          [b, a],
        ] as const) {
          const client = s.voters[v]!;
          requests.push(
            (async () => {
              const vote = await client.put(pathOf(routeTable.vote, { orgId: s.org.orgId, statementId: s.statementIds[round]! }), {
                vote: v % 2 === 0 ? 1 : -1,
              });
              expect(vote.statusCode).toBe(200);
              const detail = await client.get(pathOf(routeTable.issue, { orgId: s.org.orgId, issueId: s.issueId }));
              expect(detail.statusCode).toBe(200);
              expect(
                detail
                  .json()
                  .statements.map((x: { id: string }) => x.id)
                  .sort(),
              ).toEqual([...s.statementIds].sort());
              const list = await client.get(pathOf(routeTable.issues, { orgId: s.org.orgId }));
              expect(list.json().issues.map((x: { id: string }) => x.id)).toEqual([s.issueId]);
              // The other organisation's ids, under this organisation's path: as if they did not exist.
              expect((await client.get(pathOf(routeTable.issue, { orgId: s.org.orgId, issueId: other.issueId }))).statusCode).toBe(404);
              expect((await client.put(pathOf(routeTable.vote, { orgId: s.org.orgId, statementId: other.statementIds[0]! }), { vote: 0 })).statusCode).toBe(
                404,
              );
            })(),
          );
        }
      }
    }
    await Promise.all(requests);

    // Every vote of both organisations was written, however the vote writer batched them.
    for (const s of [a, b]) {
      const detail = (await s.org.admin.get(pathOf(routeTable.issue, { orgId: s.org.orgId, issueId: s.issueId }))).json();
      expect(detail.participants).toBe(4);
      expect(detail.votes).toBe(8);
    }

    expect(forgotten.length).toBeGreaterThanOrEqual(16 * 5);
    const organisationsSeen = new Set(forgotten.flatMap((f) => f.seen));
    if (dialect === 'postgres') {
      for (const f of forgotten) expect(f.seen).toEqual([f.orgId]);
      // The same connections served both organisations' requests, and carried nothing over.
      const orgsByConnection = new Map<number | null, Set<string>>();
      for (const f of forgotten) orgsByConnection.set(f.pid, (orgsByConnection.get(f.pid) ?? new Set()).add(f.orgId));
      expect([...orgsByConnection.values()].some((orgs) => orgs.size === 2)).toBe(true);
    } else {
      // SQLite has no row-level security: the repositories' filters are the one line there.
      expect(organisationsSeen.has(a.org.orgId) && organisationsSeen.has(b.org.orgId)).toBe(true);
    }
  });

  it('work for no organisation in particular (sign-up, login) sees past the scope of the session it comes with', async () => {
    const a = await signUp(h.app);
    // A member of a, with a's session, founds another organisation: public routes are not scoped.
    const founded = await a.admin.post(pathOf(routeTable.signup, {}), {
      organisation: { name: 'Second', slug: `second-${dialect}` },
      displayName: 'Founder',
      email: 'founder@second.test',
      password: 'correct horse battery',
    });
    expect(founded.statusCode).toBe(201);
    const me = await a.admin.get(pathOf(routeTable.me, {}));
    expect(me.json().organisation.id).toBe(founded.json().organisation.id);
  });
});
