/**
 * The organisation the model bench reads: members in constituencies, issues opened over the past
 * year with accepted statements and a logged vote history, and on some issues an analysis, a
 * published line whose claims cite statements, answers to it and reports on its claims. Written
 * straight into the store through its repositories (multi-row inserts, one transaction per
 * issue), with the events the routes would have recorded, so the model's facts read from the
 * tables and rebuilt from the event log agree. Every figure comes from a seeded generator: the
 * same options give the same votes, answers and reports (only the ids are fresh).
 */
import { groupConsensusOf } from '../../core/consensus.js';
import type { AnalysisSnapshot } from '../../contract/analysis.js';
import type { EndorsementKind, Verdict, VoteValue } from '../../core/index.js';
import { analyses, events, inTransaction, issues, lines, members, newToken, openStore, organisations, practice, sessions, statements, tokenHash, votes, type Db, type DialectName } from '../../store/index.js';
import { sql } from 'kysely';

export interface ModelBenchSize {
  members: number;
  issues: number;
  /** Logged votes over all issues. */
  votes: number;
  /** Members given a session: the reader, and the voters of the new votes. */
  sessions: number;
  seed: number;
}

export interface ModelBenchOrganisation {
  orgId: string;
  /** Every issue, in the order opened. */
  issueIds: string[];
  /** Issues whose line is published (the issue routes are read on these). */
  lineIssueIds: string[];
  /** The newest published version of each issue in lineIssueIds. */
  versionIds: string[];
  /** Issues still gathering, with their accepted statements: the new votes go there. */
  gathering: { issueId: string; statementIds: string[] }[];
  /** Members with a session (the first is the reader, an ordinary member who votes), and their tokens. */
  memberIds: string[];
  sessionTokens: string[];
  /** What was written. */
  written: { members: number; statements: number; votes: number; analyses: number; lineVersions: number; endorsements: number; reports: number; events: number };
}

/** mulberry32: a small seeded generator, uniform on [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY = 86_400_000;
const constituencies = ['North depot', 'South depot', 'Night shift', 'Drivers', 'Cleaners'];
/** Opinion groups the votes are drawn from: a member's leaning is fixed, a statement's differs by group. */
const leanings = 3;
const statementsPerIssue = 40;
/** Every third issue has a published line (at least one). */
const hasLine = (i: number) => i % 3 === 0;

/** The bench organisation, written in one transaction per issue; `onProgress` hears the votes written so far. */
export async function seedModelBenchOrganisation(target: { dataDir: string; databaseUrl: string | undefined }, size: ModelBenchSize, onProgress?: (votesWritten: number) => void): Promise<ModelBenchOrganisation> {
  const store = openStore({ dataDir: target.dataDir, databaseUrl: target.databaseUrl });
  try {
    await store.migrate();
    return await seed(store.db, store.dialect, size, onProgress);
  } finally {
    await store.close();
  }
}

async function seed(db: Db, dialect: DialectName, size: ModelBenchSize, onProgress?: (votesWritten: number) => void): Promise<ModelBenchOrganisation> {
  const random = seededRandom(size.seed);
  const now = Date.now();
  const iso = (t: number) => new Date(t).toISOString();
  const yearAgo = now - 365 * DAY;
  const written = { members: 0, statements: 0, votes: 0, analyses: 0, lineVersions: 0, endorsements: 0, reports: 0, events: 0 };

  // The organisation, its members (joined over the first month) and the sessions of the first few.
  const { orgId, memberRows } = await inTransaction(db, async (trx) => {
    const org = await organisations.createOrganisation(trx, { slug: `bench-model-${newToken().slice(0, 8).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`, name: 'Bench union', moderation: 'strict', at: iso(yearAgo) });
    const rows = Array.from({ length: size.members }, (_, i) =>
      members.memberRow({ orgId: org.id, displayName: `Member ${i + 1}`, role: i === 0 ? 'admin' : i < 4 ? 'organiser' : 'member', constituency: constituencies[i % constituencies.length]!, at: iso(yearAgo + Math.floor((i / size.members) * 30 * DAY)) }),
    );
    await members.insertMembers(trx, rows);
    await events.recordEvents(
      trx,
      rows.map((m) => ({ orgId: org.id, type: 'member.joined', at: m.joined_at, actorId: m.id, data: { role: m.role, constituency: m.constituency } })),
    );
    written.members = rows.length;
    written.events += rows.length;
    return { orgId: org.id, memberRows: rows };
  });
  // The reader is the first ordinary member; the voters of the new votes follow.
  const sessionMembers = memberRows.slice(Math.min(4, memberRows.length - 1)).slice(0, size.sessions);
  const sessionTokens = sessionMembers.map(() => newToken());
  await inTransaction(db, async (trx) => {
    const expires = iso(now + 7 * DAY);
    for (const [i, m] of sessionMembers.entries()) {
      await sessions.createSession(trx, { id: tokenHash(sessionTokens[i]!), org_id: orgId, member_id: m.id, created_at: iso(now), expires_at: expires, role: m.role, seen_at: iso(now) });
    }
  });

  const leaningOf = (memberIndex: number) => memberIndex % leanings;
  const out: ModelBenchOrganisation = { orgId, issueIds: [], lineIssueIds: [], versionIds: [], gathering: [], memberIds: sessionMembers.map((m) => m.id), sessionTokens, written };
  const organiser = memberRows[Math.min(1, memberRows.length - 1)]!.id;
  const perIssue = Math.floor(size.votes / size.issues);
  const reader = sessionMembers[0] ? memberRows.indexOf(sessionMembers[0]) : -1;

  for (let i = 0; i < size.issues; i++) {
    const issueVotes = perIssue + (i < size.votes % size.issues ? 1 : 0);
    // Issues open one after another over the year's first ten months; each votes until now.
    const openedAt = yearAgo + 31 * DAY + Math.floor((i / size.issues) * 300 * DAY);
    await inTransaction(db, async (trx) => {
      // SQLite's page cache is 2 MB by default; the vote tables' indexes outgrow it early on.
      if (dialect === 'sqlite') await sql`pragma cache_size = -1048576`.execute(trx);
      const { issue, cycle } = await issues.createIssue(trx, { orgId, title: `Issue ${i + 1}`, description: `What should the union do about issue ${i + 1}?`, createdBy: organiser, at: iso(openedAt) });
      await events.recordEvent(trx, { orgId, issueId: issue.id, cycleId: cycle.id, type: 'issue.opened', at: iso(openedAt), actorId: organiser, data: { title: issue.title } });
      written.events++;
      out.issueIds.push(issue.id);
      // Statements: a few by members (acts of the masses), the rest by the organiser; each group leans its own way on each.
      const statementRows = Array.from({ length: statementsPerIssue }, (_, s) => {
        const author = s % 4 === 0 ? memberRows[Math.floor(random() * memberRows.length)]!.id : organiser;
        return statements.statementRow({ orgId, issueId: issue.id, cycleId: cycle.id, authorId: author, text: `Issue ${i + 1}, statement ${s + 1}`, status: 'accepted', origin: author === organiser ? 'organiser' : 'member', at: iso(openedAt + s * 3_600_000) });
      });
      await statements.insertStatements(trx, statementRows);
      await events.recordEvents(
        trx,
        statementRows.map((s) => ({ orgId, issueId: issue.id, cycleId: cycle.id, type: 'statement.added', at: s.created_at, actorId: s.author_id, data: { statementId: s.id } })),
      );
      written.statements += statementRows.length;
      written.events += statementRows.length;
      const agreeChance = statementRows.map(() => Array.from({ length: leanings }, () => 0.15 + 0.7 * random()));

      // The vote log: a random member on a random statement, in time order from the second day to an hour ago; some repeated, some changed.
      const first = openedAt + DAY;
      const span = now - 3_600_000 - first;
      const current = new Map<number, VoteValue>();
      const chunk = 50_000;
      for (let k = 0; k < issueVotes; k += chunk) {
        const log: votes.LoggedVote[] = [];
        for (let j = k; j < Math.min(issueVotes, k + chunk); j++) {
          // The reader votes on every issue, so their loop has work.
          const m = j === 0 && reader >= 0 ? reader : Math.floor(random() * memberRows.length);
          const s = Math.floor(random() * statementsPerIssue);
          const r = random();
          const p = agreeChance[s]![leaningOf(m)]!;
          const value: VoteValue = r < p ? 1 : r < p + (1 - p) * 0.8 ? -1 : 0;
          current.set(m * statementsPerIssue + s, value);
          log.push({ statementId: statementRows[s]!.id, memberId: memberRows[m]!.id, value, castAt: iso(first + Math.floor((j / issueVotes) * span)) });
        }
        await votes.importVoteLog(trx, orgId, issue.id, log);
        written.votes += log.length;
        onProgress?.(written.votes);
      }

      if (!hasLine(i) || issueVotes === 0) {
        out.gathering.push({ issueId: issue.id, statementIds: statementRows.map((s) => s.id) });
        return;
      }
      // An analysis of the votes: the members grouped by leaning, each group's tallies per statement.
      const analysisAt = openedAt + 20 * DAY;
      const groups = Array.from({ length: leanings }, (_, g) => ({ id: String(g), members: [] as string[] }));
      const groupVotes: AnalysisSnapshot['groupVotes'] = {};
      const voters = new Set<number>();
      for (const [key, value] of current) {
        const m = Math.floor(key / statementsPerIssue);
        const s = key % statementsPerIssue;
        if (!voters.has(m)) {
          voters.add(m);
          groups[leaningOf(m)]!.members.push(memberRows[m]!.id);
        }
        const tally = ((groupVotes[statementRows[s]!.id] ??= {})[String(leaningOf(m))] ??= { agree: 0, disagree: 0, pass: 0 });
        if (value === 1) tally.agree++;
        else if (value === -1) tally.disagree++;
        else tally.pass++;
      }
      const share = (sid: string, g: number) => {
        const t = groupVotes[sid]?.[String(g)];
        const n = t ? t.agree + t.disagree + t.pass : 0;
        return n === 0 ? 0 : t!.agree / n;
      };
      const snapshot: AnalysisSnapshot = {
        source: 'engine',
        revision: await votes.voteLogHead(trx, issue.id),
        computeMs: null,
        counts: { participants: voters.size, statements: statementRows.length, votes: issueVotes, clustered: voters.size, groups: leanings },
        groups: groups.map((g, gi) => ({
          ...g,
          representative: statementRows
            .map((s) => ({ statementId: s.id, direction: 'agree' as const, share: share(s.id, gi), score: share(s.id, gi) - (share(s.id, (gi + 1) % leanings) + share(s.id, (gi + 2) % leanings)) / 2 }))
            .sort((a, b) => b.score - a.score)
            .slice(0, 3),
        })),
        consensus: [],
        groupInformedConsensus: statementRows.map((s) => ({ statementId: s.id, score: Array.from({ length: leanings }, (_, g) => share(s.id, g)).reduce((a, x) => a * x, 1) })),
        divisive: [],
        bridging: [],
        map: { members: [], x: [], y: [], group: [] },
        groupVotes,
        priorities: {},
      };
      const { consensus, divisive } = groupConsensusOf(snapshot);
      snapshot.consensus = consensus;
      snapshot.divisive = divisive;
      const analysis = await analyses.saveAnalysis(trx, { orgId, issueId: issue.id, cycleId: cycle.id, source: 'engine', votesSeq: snapshot.revision, result: snapshot, at: iso(analysisAt) });
      written.analyses++;

      // One or two published versions; each claim cites statements and the analysis.
      const versionCount = i % 2 === 0 ? 2 : 1;
      let versionId = '';
      for (let v = 0; v < versionCount; v++) {
        const publishedAt = analysisAt + DAY + v * 30 * DAY;
        const draft = await lines.createDraft(trx, {
          orgId,
          issueId: issue.id,
          cycleId: cycle.id,
          analysisId: analysis.id,
          createdBy: organiser,
          at: iso(publishedAt - 3_600_000),
          claims: [0, 1, 2].map((c) => ({
            text: `Issue ${i + 1}, version ${v + 1}, claim ${c + 1}`,
            cites: [
              { kind: 'statement' as const, ref: statementRows[(c * 7 + v) % statementRows.length]!.id },
              { kind: 'analysis' as const, ref: analysis.id },
            ],
          })),
        });
        await lines.publishVersion(trx, orgId, draft.id, organiser, iso(publishedAt));
        const version = (await lines.getVersion(trx, orgId, draft.id))!;
        if (v === 0) {
          await issues.setCyclePhase(trx, cycle.id, 'gather', 'concentrate');
          await issues.setCyclePhase(trx, cycle.id, 'concentrate', 'propagate');
        }
        await events.recordEvent(trx, {
          orgId,
          issueId: issue.id,
          cycleId: cycle.id,
          type: 'line.published',
          at: iso(publishedAt),
          actorId: organiser,
          data: {
            versionId: version.id,
            number: version.number,
            analysisId: analysis.id,
            claims: version.claims.map((c) => ({ id: c.id, text: c.text, cites: c.citations.map((x) => ({ kind: x.kind, ref: x.statement_id ?? x.analysis_id ?? x.report_id })) })),
          },
        });
        written.lineVersions++;
        written.events++;
        versionId = version.id;

        // Answers from a share of the members over the following weeks (the reader among them), then reports on the claims.
        const answerers = Math.min(memberRows.length, Math.max(1, Math.floor(memberRows.length / 50)));
        const answerEvents: events.NewEvent[] = [];
        for (let a = 0; a < answerers; a++) {
          const m = a === 0 && reader >= 0 ? reader : Math.floor(random() * memberRows.length);
          const r = random();
          const kind: EndorsementKind = r < 0.6 ? 'embrace' : r < 0.85 ? 'amend' : 'critique';
          const at = iso(publishedAt + Math.floor(((a + 1) / (answerers + 1)) * 20 * DAY));
          await practice.endorse(trx, { orgId, lineVersionId: version.id, memberId: memberRows[m]!.id, kind, text: null, at });
          answerEvents.push({ orgId, issueId: issue.id, cycleId: cycle.id, type: 'line.endorsed', at, actorId: memberRows[m]!.id, data: { versionId: version.id, kind } });
        }
        await events.recordEvents(trx, answerEvents);
        written.endorsements += answerers;
        written.events += answerEvents.length;
        const reporters = Math.min(memberRows.length, Math.max(1, Math.floor(memberRows.length / 500)));
        const reportEvents: events.NewEvent[] = [];
        for (let a = 0; a < reporters; a++) {
          const m = a === 0 && reader >= 0 ? reader : Math.floor(random() * memberRows.length);
          const claim = version.claims[a % version.claims.length]!;
          const r = random();
          const verdict: Verdict = r < 0.5 ? 'confirms' : r < 0.8 ? 'mixed' : 'refutes';
          const at = iso(publishedAt + Math.floor(((a + 1) / (reporters + 1)) * 25 * DAY));
          const report = await practice.fileReport(trx, { orgId, issueId: issue.id, cycleId: cycle.id, actionId: null, memberId: memberRows[m]!.id, claimId: claim.id, verdict, whatDone: 'Raised it at the depot meeting', whatHappened: 'See the verdict', at });
          reportEvents.push({ orgId, issueId: issue.id, cycleId: cycle.id, type: 'report.filed', at, actorId: report.member_id, data: { reportId: report.id, claimId: report.claim_id, verdict: report.verdict } });
        }
        await events.recordEvents(trx, reportEvents);
        written.reports += reporters;
        written.events += reportEvents.length;
      }
      out.lineIssueIds.push(issue.id);
      out.versionIds.push(versionId);
    });
  }
  return out;
}
