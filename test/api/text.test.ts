/**
 * Concentrating free text through the API, on every dialect: similar statements while typing,
 * merging a duplicate (votes carried, the log kept, the duplicate gone from lists, next-statement
 * and the analysis, its author told), and an issue's themes with each group's votes and the
 * claims citing them; and the optional summary of a theme through an OpenAI-compatible endpoint.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { statements } from '../../src/store/index.js';
import { loadConfig } from '../../src/server/index.js';
import { dialects } from '../_util/stores.js';
import { joinAsMember, signUp, startHarness, type Client, type Harness, type Org } from '../_util/app.js';
import { pathOf, routeTable } from '../_util/routes.js';

interface StatementJson {
  id: string;
  text: string;
  status: string;
  votes: { agree: number; disagree: number; pass: number };
  myVote: -1 | 0 | 1 | null;
}
interface Match {
  statement: StatementJson;
  score: number;
}
interface ThemeJson {
  id: string;
  label: string;
  terms: string[];
  statements: { id: string; text: string }[];
  reports: { id: string; text: string }[];
  groups: { groupId: string; members: number; agree: number; disagree: number; pass: number; agreeShare: number | null }[];
  claims: { id: string; text: string; cites: { kind: string; ref: string }[] }[];
}

describe.each(dialects)('text API on %s', (dialect) => {
  let h: Harness;
  let now = Date.parse('2026-04-01T09:00:00Z');
  const tick = (minutes = 1) => (now += minutes * 60_000);
  beforeAll(async () => {
    // Analyses only when the test asks for one.
    h = await startHarness(dialect, { clock: () => new Date(now), analysisDebounceMs: 3_600_000 });
  });
  afterAll(async () => h?.close());

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are read as JSON of the contract's shapes
  async function ok(p: Promise<LightMyRequestResponse>, status = 200): Promise<any> {
    const r = await p;
    expect(r.statusCode, r.body).toBe(status);
    return r.body ? r.json() : null;
  }

  async function issueWith(org: Org, texts: string[], title = 'Rent and repairs') {
    const issue = await ok(org.admin.post(pathOf(routeTable.createIssue, { orgId: org.orgId }), { title }), 201);
    const ids: string[] = [];
    for (const text of texts) {
      tick();
      ids.push((await ok(org.admin.post(pathOf(routeTable.submitStatement, { orgId: org.orgId, issueId: issue.id }), { text }), 201)).id);
    }
    return { issueId: issue.id as string, ids };
  }

  const similar = async (c: Client, org: Org, issueId: string, text: string): Promise<Match[]> =>
    (await ok(c.get(pathOf(routeTable.similar, { orgId: org.orgId, issueId }, { text })))).matches;

  it('suggests the closest statements the reader may see, reworded duplicate first, with the reader’s vote; follows additions and moderation', async () => {
    const org = await signUp(h.app);
    const { issueId, ids } = await issueWith(org, [
      'We demand a two-year freeze on all rents',
      'Rents should rise with inflation only',
      'The landlord must repair the broken heating',
      'Tenants choose the repair contractor',
      'A rent strike if the landlord refuses',
    ]);
    const ana = await joinAsMember(h.app, org);
    const ben = await joinAsMember(h.app, org);
    const waiting = (
      await ok(ana.client.post(pathOf(routeTable.submitStatement, { orgId: org.orgId, issueId }), { text: 'Freeze the rent for two more years' }), 201)
    ).id as string;
    const rejected = (
      await ok(org.admin.post(pathOf(routeTable.submitStatement, { orgId: org.orgId, issueId }), { text: 'Freeze all the rents for two years, forever' }), 201)
    ).id as string;
    await ok(org.admin.patch(pathOf(routeTable.moderate, { orgId: org.orgId, statementId: rejected }), { status: 'rejected' }));
    await ok(ben.client.put(pathOf(routeTable.vote, { orgId: org.orgId, statementId: ids[0]! }), { vote: 1 }));

    const forBen = await similar(ben.client, org, issueId, 'rent should be frozen for 2 years');
    expect(forBen[0]!.statement.id).toBe(ids[0]);
    expect(forBen[0]!.statement).toMatchObject({ myVote: 1, votes: { agree: 1, disagree: 0, pass: 0 } });
    expect(forBen.length).toBeLessThanOrEqual(5);
    expect(forBen.every((m, i) => m.score > 0 && m.score <= 1 && (i === 0 || forBen[i - 1]!.score >= m.score))).toBe(true);
    // Under the strict policy a member sees neither the statement waiting for moderation nor the rejected one.
    expect(forBen.map((m) => m.statement.id)).not.toContain(waiting);
    expect(forBen.map((m) => m.statement.id)).not.toContain(rejected);
    // An organiser sees the waiting one (the issue's list shows it to them), never the rejected one.
    const forAdmin = await similar(org.admin, org, issueId, 'freeze the rent for two years');
    expect(forAdmin.map((m) => m.statement.id)).toContain(waiting);
    expect(forAdmin.map((m) => m.statement.id)).not.toContain(rejected);
    expect(forAdmin.find((m) => m.statement.id === waiting)!.statement.myVote).toBeNull();

    // Accepted: members see it at the next query.
    tick();
    await ok(org.admin.patch(pathOf(routeTable.moderate, { orgId: org.orgId, statementId: waiting }), { status: 'accepted' }));
    expect((await similar(ben.client, org, issueId, 'freeze the rent for two more years'))[0]!.statement.id).toBe(waiting);

    // Added through the API, and by another process writing to the same database.
    tick();
    const added = (await ok(org.admin.post(pathOf(routeTable.submitStatement, { orgId: org.orgId, issueId }), { text: 'Put solar panels on the roof' }), 201))
      .id as string;
    expect((await similar(ben.client, org, issueId, 'solar panels on our roof'))[0]!.statement.id).toBe(added);
    const elsewhere = statements.statementRow({
      orgId: org.orgId,
      issueId,
      cycleId: (await h.ctx.store.db.selectFrom('cycles').select('id').where('issue_id', '=', issueId).executeTakeFirstOrThrow()).id,
      authorId: null,
      text: 'A community garden in the courtyard',
      status: 'accepted',
      origin: 'organiser',
      at: new Date(tick()).toISOString(),
    });
    await statements.insertStatements(h.ctx.store.db, [elsewhere]);
    expect((await similar(ben.client, org, issueId, 'garden in our courtyard'))[0]!.statement.id).toBe(elsewhere.id);

    // Words nobody used: nothing to suggest.
    expect(await similar(ben.client, org, issueId, 'xyzzy plugh')).toEqual([]);
    // The text is required and bounded, and the issue must be this organisation's.
    const empty = await ben.client.get(pathOf(routeTable.similar, { orgId: org.orgId, issueId }, { text: '' }));
    expect(empty.statusCode).toBe(400);
    expect(empty.json().message).toContain('text');
    expect((await ben.client.get(pathOf(routeTable.similar, { orgId: org.orgId, issueId }, { text: 'a'.repeat(401) }))).statusCode).toBe(400);
    const other = await signUp(h.app);
    const theirs = await issueWith(other, ['Freeze the rent for two years']);
    expect((await ben.client.get(pathOf(routeTable.similar, { orgId: org.orgId, issueId: theirs.issueId }, { text: 'rent' }))).statusCode).toBe(404);
  });

  it('merges a duplicate: votes carried, the log kept, the duplicate gone from lists, next-statement and the analysis; bad merges refused', async () => {
    const org = await signUp(h.app);
    const { issueId, ids } = await issueWith(org, ['Freeze the rent for two years', 'Repair the broken heating']);
    const [target, heating] = ids as [string, string];
    const elsewhere = (await issueWith(org, ['Meet on Thursdays'], 'Meetings')).ids[0]!;
    const author = await joinAsMember(h.app, org);
    tick();
    const duplicate = (
      await ok(author.client.post(pathOf(routeTable.submitStatement, { orgId: org.orgId, issueId }), { text: 'Rents should be frozen for two years' }), 201)
    ).id as string;
    await ok(org.admin.patch(pathOf(routeTable.moderate, { orgId: org.orgId, statementId: duplicate }), { status: 'accepted' }));
    const [m1, m2, m3, m4, m5] = await Promise.all([1, 2, 3, 4, 5].map(() => joinAsMember(h.app, org)));
    tick();
    await ok(m1!.client.put(pathOf(routeTable.vote, { orgId: org.orgId, statementId: duplicate }), { vote: 1 }));
    await ok(m2!.client.put(pathOf(routeTable.vote, { orgId: org.orgId, statementId: duplicate }), { vote: 1 }));
    await ok(m2!.client.put(pathOf(routeTable.vote, { orgId: org.orgId, statementId: duplicate }), { vote: -1 }));
    await ok(m2!.client.put(pathOf(routeTable.vote, { orgId: org.orgId, statementId: target }), { vote: 1 }));
    await ok(m3!.client.put(pathOf(routeTable.vote, { orgId: org.orgId, statementId: target }), { vote: 0 }));
    await ok(m4!.client.put(pathOf(routeTable.vote, { orgId: org.orgId, statementId: duplicate }), { vote: 0 }));
    const db = h.ctx.store.db;
    const logOf = (statementId: string) =>
      db.selectFrom('vote_log').select(['seq', 'member_id', 'value', 'cast_at']).where('statement_id', '=', statementId).orderBy('seq').execute();
    const duplicateLog = await logOf(duplicate);
    const targetLog = await logOf(target);
    expect(duplicateLog).toHaveLength(4);

    // Refused: not an organiser; no target named; itself; another issue; an unknown statement.
    const url = pathOf(routeTable.merge, { orgId: org.orgId, statementId: duplicate });
    expect((await m1!.client.post(url, { into: target })).statusCode).toBe(403);
    const noTarget = await org.admin.post(url, {});
    expect(noTarget.statusCode).toBe(400);
    expect(noTarget.json().message).toContain('into');
    for (const [into, status] of [
      [duplicate, 409],
      [elsewhere, 409],
      ['unknownStatement1', 404],
    ] as const) {
      const r = await org.admin.post(url, { into });
      expect(r.statusCode, r.body).toBe(status);
      expect(r.json().message).toMatch(/^into: /);
    }
    expect((await org.admin.post(pathOf(routeTable.merge, { orgId: org.orgId, statementId: 'unknownStatement1' }), { into: target })).statusCode).toBe(404);

    tick();
    const mergedAt = new Date(now).toISOString();
    const merged = await ok(org.admin.post(url, { into: target }));
    expect(merged).toMatchObject({ statementId: duplicate, carried: 2, kept: 1, into: { id: target, votes: { agree: 2, disagree: 0, pass: 2 } } });

    // The log is never rewritten: the duplicate's rows stand, the target's grow by one row per carried vote.
    expect(await logOf(duplicate)).toEqual(duplicateLog);
    const grown = await logOf(target);
    expect(grown.slice(0, targetLog.length)).toEqual(targetLog);
    expect(grown.slice(targetLog.length).map((v) => [v.member_id, Number(v.value), v.cast_at])).toEqual(
      expect.arrayContaining([
        [m1!.memberId, 1, mergedAt],
        [m4!.memberId, 0, mergedAt],
      ]),
    );
    expect(grown).toHaveLength(targetLog.length + 2);
    // Every current vote is still its member's newest logged vote; m2 keeps their own vote on the target.
    const current = await db.selectFrom('votes').select(['statement_id', 'member_id', 'value']).where('issue_id', '=', issueId).execute();
    const log = await db.selectFrom('vote_log').select(['statement_id', 'member_id', 'value']).where('issue_id', '=', issueId).orderBy('seq').execute();
    const newest = new Map(log.map((v) => [`${v.statement_id}/${v.member_id}`, Number(v.value)]));
    expect(new Map(current.map((v) => [`${v.statement_id}/${v.member_id}`, Number(v.value)]))).toEqual(newest);
    expect(newest.get(`${target}/${m2!.memberId}`)).toBe(1);

    const event = await db
      .selectFrom('events')
      .select(['data', 'actor_id'])
      .where('org_id', '=', org.orgId)
      .where('type', '=', 'statement.merged')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(event.data)).toEqual({ statementId: duplicate, into: target, carried: 2, kept: 1 });

    // Merged once only; nothing merges into a merged statement; a statement others were merged into stays.
    expect((await org.admin.post(url, { into: heating })).statusCode).toBe(409);
    const intoMerged = await org.admin.post(pathOf(routeTable.merge, { orgId: org.orgId, statementId: heating }), { into: duplicate });
    expect(intoMerged.statusCode).toBe(409);
    expect(intoMerged.json().message).toContain(target);
    const targetAway = await org.admin.post(pathOf(routeTable.merge, { orgId: org.orgId, statementId: target }), { into: heating });
    expect(targetAway.statusCode).toBe(409);
    expect(targetAway.json().message).toMatch(/^statement: /);

    // Gone from the lists (members' and organisers'), from suggestions and from next-statement.
    for (const c of [m5!.client, org.admin])
      expect((await ok(c.get(pathOf(routeTable.issue, { orgId: org.orgId, issueId })))).statements.map((s: StatementJson) => s.id)).toEqual([target, heating]);
    expect((await similar(m5!.client, org, issueId, 'Rents should be frozen for two years')).map((m) => m.statement.id)).not.toContain(duplicate);
    const offered: string[] = [];
    for (;;) {
      const next = await ok(m5!.client.get(pathOf(routeTable.nextStatement, { orgId: org.orgId, issueId })));
      if (!next.statement) break;
      offered.push(next.statement.id);
      await ok(m5!.client.put(pathOf(routeTable.vote, { orgId: org.orgId, statementId: next.statement.id }), { vote: 0 }));
    }
    expect(offered.sort()).toEqual([target, heating].sort());
    // Out of the analysis.
    await h.ctx.jobs.analyses.analyzeNow(org.orgId, issueId);
    const snapshot = (await ok(org.admin.get(pathOf(routeTable.analysis, { orgId: org.orgId, issueId })))).snapshot;
    expect(Object.keys(snapshot.priorities)).toContain(target);
    expect(Object.keys(snapshot.priorities)).not.toContain(duplicate);

    // Its author still sees what became of it.
    const loop = await ok(author.client.get(pathOf(routeTable.myInput, { orgId: org.orgId })));
    expect(loop.statements.find((s: { statementId: string }) => s.statementId === duplicate)).toMatchObject({
      wrote: true,
      mergedInto: target,
      mergedIntoText: 'Freeze the rent for two years',
      text: 'Rents should be frozen for two years',
    });
  });

  // Needs the vote path to refuse a merged statement (src/store/repos/vote-rules.ts refusal(), and the statement queries beside it).
  it('refuses a vote on a merged statement, naming the statement it was merged into', async () => {
    const org = await signUp(h.app);
    const { ids } = await issueWith(org, ['Freeze the rent for two years', 'Rents frozen for two years']);
    const [target, duplicate] = ids as [string, string];
    await ok(org.admin.post(pathOf(routeTable.merge, { orgId: org.orgId, statementId: duplicate }), { into: target }));
    const member = await joinAsMember(h.app, org);
    for (const c of [member.client, org.admin]) {
      const late = await c.put(pathOf(routeTable.vote, { orgId: org.orgId, statementId: duplicate }), { vote: 1 });
      expect(late.statusCode, late.body).toBe(409);
      expect(late.json().message).toContain(target);
    }
    expect(await h.ctx.store.db.selectFrom('vote_log').select('seq').where('statement_id', '=', duplicate).execute()).toEqual([]);
  });

  it('groups statements and reports into themes, with each opinion group’s votes and the claims citing them, recomputed with the analyses', async () => {
    const org = await signUp(h.app);
    const rent = [
      'Freeze the rent for two years',
      'No rent increase above inflation',
      'Cap the rent at a third of income',
      'The rent rise this year is unfair',
    ];
    const heating = ['Repair the broken heating in block C', 'The heating fails every winter', 'The landlord must fix the heating within a week'];
    const { issueId, ids } = await issueWith(org, [...rent, ...heating, 'Paint the stairwell green']);
    const rentIds = ids.slice(0, 4);
    const heatingIds = ids.slice(4, 7);
    const odd = ids[7]!;
    const members: Client[] = [];
    for (let i = 0; i < 20; i++) members.push((await joinAsMember(h.app, org)).client);
    // Two camps: 0–9 for the rent demands and against the heating ones, 10–19 the other way round; a pass now and then.
    for (const [i, c] of members.entries())
      for (const [j, id] of ids.entries()) {
        const forRent = i < 10;
        const value = (i + j) % 6 === 0 ? 0 : j < 4 ? (forRent ? 1 : -1) : j < 7 ? (forRent ? -1 : 1) : 1;
        await ok(c.put(pathOf(routeTable.vote, { orgId: org.orgId, statementId: id }), { vote: value }));
      }
    const waiting = (
      await ok(members[0]!.post(pathOf(routeTable.submitStatement, { orgId: org.orgId, issueId }), { text: 'Freeze the rent for three years' }), 201)
    ).id as string;
    tick();
    expect((await ok(org.admin.post(pathOf(routeTable.advanceCycle, { orgId: org.orgId, issueId }), {}))).cycle.phase).toBe('concentrate');
    await h.ctx.jobs.analyses.analyzeNow(org.orgId, issueId);
    const analysis = await ok(org.admin.get(pathOf(routeTable.analysis, { orgId: org.orgId, issueId })));
    expect(analysis.snapshot.groups.length).toBeGreaterThanOrEqual(2);
    tick();
    const draft = await ok(
      org.admin.post(pathOf(routeTable.createDraft, { orgId: org.orgId, issueId }), {
        claims: [
          { text: 'We demand a rent freeze', cites: [{ kind: 'statement', ref: rentIds[0] }] },
          { text: 'Heating repaired within a week', cites: [{ kind: 'statement', ref: heatingIds[2] }] },
        ],
      }),
      201,
    );
    const published = await ok(org.admin.post(pathOf(routeTable.publish, { orgId: org.orgId, versionId: draft.id })));
    await ok(org.admin.post(pathOf(routeTable.advanceCycle, { orgId: org.orgId, issueId }), {}));
    const action = await ok(org.admin.post(pathOf(routeTable.createAction, { orgId: org.orgId, issueId }), { title: 'Ballot every block' }), 201);
    tick();
    const rentReport = await ok(
      members[1]!.post(pathOf(routeTable.fileReport, { orgId: org.orgId, issueId }), {
        actionId: action.id,
        whatDone: 'We balloted every block on the rent freeze',
        whatHappened: 'The landlord agreed to freeze the rent',
      }),
      201,
    );
    const heatingReport = await ok(
      members[2]!.post(pathOf(routeTable.fileReport, { orgId: org.orgId, issueId }), {
        actionId: action.id,
        whatDone: 'We reported the broken heating to the council',
        whatHappened: 'The heating was repaired in block C',
      }),
      201,
    );

    tick();
    const first = await ok(members[3]!.get(pathOf(routeTable.themes, { orgId: org.orgId, issueId })));
    expect(first.analysis.id).toBe(analysis.id);
    const themes = first.themes as ThemeJson[];
    const themeOf = (id: string) => themes.find((t) => t.statements.some((s) => s.id === id) || t.reports.some((r) => r.id === id));
    const rentTheme = themeOf(rentIds[0]!)!;
    const heatingTheme = themeOf(heatingIds[0]!)!;
    expect(rentTheme.statements.map((s) => s.id).sort()).toEqual([...rentIds].sort());
    expect(rentTheme.reports.map((r) => r.id)).toEqual([rentReport.id]);
    expect(heatingTheme.statements.map((s) => s.id).sort()).toEqual([...heatingIds].sort());
    expect(heatingTheme.reports.map((r) => r.id)).toEqual([heatingReport.id]);
    expect(rentTheme.label).not.toBe('');
    expect(rentTheme.terms).toContain('rent');
    expect(first.unthemed.statements.map((s: { id: string }) => s.id)).toEqual([odd]);
    // What members may not see is in no theme.
    expect(JSON.stringify(first)).not.toContain(waiting);

    // Each group's votes: the snapshot's tallies summed over the theme's statements.
    for (const theme of [rentTheme, heatingTheme]) {
      expect(theme.groups.map((g) => g.groupId)).toEqual(analysis.snapshot.groups.map((g: { id: string }) => g.id));
      for (const g of theme.groups) {
        const sum = { agree: 0, disagree: 0, pass: 0 };
        for (const s of theme.statements)
          for (const k of ['agree', 'disagree', 'pass'] as const) sum[k] += analysis.snapshot.groupVotes[s.id]?.[g.groupId]?.[k] ?? 0;
        expect({ agree: g.agree, disagree: g.disagree, pass: g.pass }).toEqual(sum);
        expect(g.agreeShare).toBeCloseTo(sum.agree / (sum.agree + sum.disagree + sum.pass));
        expect(g.members).toBe(analysis.snapshot.groups.find((x: { id: string }) => x.id === g.groupId).members.length);
      }
    }
    // The camps split on each theme: one group mostly agrees, another mostly disagrees.
    const shares = rentTheme.groups.map((g) => g.agreeShare ?? 0.5);
    expect(Math.max(...shares)).toBeGreaterThan(0.7);
    expect(Math.min(...shares)).toBeLessThan(0.3);

    // The claims of the current line citing each theme.
    const [rentClaim, heatingClaim] = published.claims as { id: string }[];
    expect(rentTheme.claims.map((c) => [c.id, c.cites])).toEqual([[rentClaim!.id, [{ kind: 'statement', ref: rentIds[0] }]]]);
    expect(heatingTheme.claims.map((c) => c.id)).toEqual([heatingClaim!.id]);

    // Kept, not recomputed per request; recomputed when a statement arrives and with a new analysis.
    tick();
    const again = await ok(org.admin.get(pathOf(routeTable.themes, { orgId: org.orgId, issueId })));
    // No model endpoint is configured here: the page offers no summary.
    expect(again.summaryModel).toBeNull();
    expect(again.computedAt).toBe(first.computedAt);
    tick();
    await ok(org.admin.post(pathOf(routeTable.submitStatement, { orgId: org.orgId, issueId }), { text: 'Rent arrears should be forgiven' }), 201);
    const afterStatement = await ok(org.admin.get(pathOf(routeTable.themes, { orgId: org.orgId, issueId })));
    expect(afterStatement.computedAt).not.toBe(first.computedAt);
    tick();
    await ok(members[4]!.put(pathOf(routeTable.vote, { orgId: org.orgId, statementId: odd }), { vote: -1 }));
    await h.ctx.jobs.analyses.analyzeNow(org.orgId, issueId);
    const afterAnalysis = await ok(org.admin.get(pathOf(routeTable.themes, { orgId: org.orgId, issueId })));
    expect(afterAnalysis.analysis.id).not.toBe(analysis.id);
    expect(afterAnalysis.computedAt).not.toBe(afterStatement.computedAt);

    // A merged duplicate leaves its theme; a claim citing it counts for the theme of the statement it went into.
    tick();
    await ok(org.admin.post(pathOf(routeTable.merge, { orgId: org.orgId, statementId: rentIds[0]! }), { into: rentIds[1] }));
    const afterMerge = await ok(org.admin.get(pathOf(routeTable.themes, { orgId: org.orgId, issueId })));
    expect(JSON.stringify(afterMerge.themes)).not.toContain(`"id":"${rentIds[0]}"`);
    const rentNow = (afterMerge.themes as ThemeJson[]).find((t) => t.statements.some((s) => s.id === rentIds[1]))!;
    expect(rentNow.claims.map((c) => [c.id, c.cites])).toEqual([[rentClaim!.id, [{ kind: 'statement', ref: rentIds[1] }]]]);

    expect((await members[0]!.get(pathOf(routeTable.themes, { orgId: (await signUp(h.app)).orgId, issueId }))).statusCode).toBe(404);
  });
});

/** A tiny OpenAI-compatible server on loopback: answers chat completions from what it was asked, and records the requests. */
async function fakeModelServer(answer: (prompt: string) => { status: number; content?: string }) {
  const requests: { url: string; body: { model: string; messages: { role: string; content: string }[] } }[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      const body = JSON.parse(raw) as (typeof requests)[number]['body'];
      requests.push({ url: req.url ?? '', body });
      const a = answer(body.messages.map((m) => m.content).join('\n'));
      res.writeHead(a.status, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          a.status === 200
            ? { id: 'x', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: a.content }, finish_reason: 'stop' }] }
            : { error: { message: 'down' } },
        ),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/v1`, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe.each(dialects)('theme summaries through the organisation’s model endpoint on %s', (dialect) => {
  let h: Harness;
  let model: Awaited<ReturnType<typeof fakeModelServer>>;
  let failing = false;
  beforeAll(async () => {
    // The model cites the first two statements it was shown, then writes a sentence citing nothing and one citing a label it was not given.
    model = await fakeModelServer((prompt) => {
      if (failing) return { status: 500 };
      const shown = [...prompt.matchAll(/^(S\d+): /gm)].map((m) => m[1]);
      return {
        status: 200,
        content: `Tenants want the rent held down [${shown[0]}, ${shown[1]}].\nEveryone agrees on everything.\nThe heating is fine [S99].\n- The landlord gave in when balloted. [R1]`,
      };
    });
    h = await startHarness(dialect, { env: { MASSLINE_SUMMARY_URL: `${model.url}/`, MASSLINE_SUMMARY_MODEL: 'tiny-local' }, analysisDebounceMs: 3_600_000 });
  });
  afterAll(async () => {
    await h?.close();
    await model?.close();
  });

  it('keeps each sentence that cites the theme’s statements or reports, with their ids, and drops the rest', async () => {
    const org = await signUp(h.app);
    const issue = (await org.admin.post(pathOf(routeTable.createIssue, { orgId: org.orgId }), { title: 'Rent' })).json();
    const ids: string[] = [];
    for (const text of ['Freeze the rent for two years', 'No rent increase above inflation', 'Cap the rent at a third of income', 'Paint the stairwell green'])
      ids.push((await org.admin.post(pathOf(routeTable.submitStatement, { orgId: org.orgId, issueId: issue.id }), { text })).json().id);
    const themes = (await org.admin.get(pathOf(routeTable.themes, { orgId: org.orgId, issueId: issue.id }))).json();
    const theme = themes.themes[0] as ThemeJson;
    expect(theme.statements.map((s) => s.id).sort()).toEqual(ids.slice(0, 3).sort());
    // The page offers the summary because the themes name the model.
    expect(themes.summaryModel).toBe('tiny-local');

    const member = await joinAsMember(h.app, org);
    expect((await member.client.post(pathOf(routeTable.themeSummary, { orgId: org.orgId, issueId: issue.id, themeId: theme.id }))).statusCode).toBe(403);
    const r = await org.admin.post(pathOf(routeTable.themeSummary, { orgId: org.orgId, issueId: issue.id, themeId: theme.id }));
    expect(r.statusCode, r.body).toBe(200);
    const summary = r.json();
    // The theme has no report, so "[R1]" cites nothing of it either.
    expect(summary).toEqual({
      themeId: theme.id,
      label: theme.label,
      model: 'tiny-local',
      sentences: [
        {
          text: 'Tenants want the rent held down.',
          cites: theme.statements.slice(0, 2).map((s) => ({ kind: 'statement', ref: s.id })),
        },
      ],
      dropped: 3,
    });
    expect(model.requests.at(-1)!.url).toBe('/v1/chat/completions');
    expect(model.requests.at(-1)!.body.model).toBe('tiny-local');
    expect(model.requests.at(-1)!.body.messages.at(-1)!.content).toContain(`S1: ${theme.statements[0]!.text}`);

    expect((await org.admin.post(pathOf(routeTable.themeSummary, { orgId: org.orgId, issueId: issue.id, themeId: 'theme-9' }))).statusCode).toBe(404);
    failing = true;
    const down = await org.admin.post(pathOf(routeTable.themeSummary, { orgId: org.orgId, issueId: issue.id, themeId: theme.id }));
    failing = false;
    expect(down.statusCode).toBe(502);
    expect(down.json().message).toContain('500');
  });
});

describe('theme summaries when no endpoint is configured', () => {
  it('are configured by both variables or neither, with an http(s) URL', () => {
    expect(loadConfig({}).summary).toBeNull();
    expect(loadConfig({ MASSLINE_SUMMARY_URL: 'http://127.0.0.1:8000/v1/', MASSLINE_SUMMARY_MODEL: 'm' }).summary).toEqual({
      url: 'http://127.0.0.1:8000/v1',
      model: 'm',
    });
    expect(() => loadConfig({ MASSLINE_SUMMARY_URL: 'http://127.0.0.1:8000/v1' })).toThrow(/^MASSLINE_SUMMARY_MODEL: /);
    expect(() => loadConfig({ MASSLINE_SUMMARY_MODEL: 'm' })).toThrow(/^MASSLINE_SUMMARY_URL: /);
    expect(() => loadConfig({ MASSLINE_SUMMARY_URL: 'file:///etc/passwd', MASSLINE_SUMMARY_MODEL: 'm' })).toThrow(/^MASSLINE_SUMMARY_URL: /);
  });

  it('are off: the route does not exist', async () => {
    const h = await startHarness('sqlite');
    try {
      const org = await signUp(h.app);
      const issue = (await org.admin.post(pathOf(routeTable.createIssue, { orgId: org.orgId }), { title: 'Rent' })).json();
      const r = await org.admin.post(pathOf(routeTable.themeSummary, { orgId: org.orgId, issueId: issue.id, themeId: 'theme-1' }));
      expect(r.statusCode).toBe(404);
      expect(r.json().message).toContain('no route');
    } finally {
      await h.close();
    }
  });
});
