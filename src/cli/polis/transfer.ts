/** A Pol.is conversation into an issue of an organisation, and back out. */
import type { z } from 'zod';
import { statementStatuses, type StatementStatus } from '../../core/index.js';
import { IssueCreate, snapshotOfGroups, StatementCreate, text } from '../../contract/index.js';
import { analyses, events, inTransaction, issues, members, statements, votes, type Db } from '../../store/index.js';
import { PolisFormatError, type PolisConversation, type PolisParticipant } from './format.js';

export interface ImportResult {
  organisation: string;
  issue: string;
  participants: number;
  statements: number;
  votes: number;
}

const statusOf = (moderated: -1 | 0 | 1): StatementStatus => (moderated === 1 ? 'accepted' : moderated === -1 ? 'rejected' : 'unmoderated');
const moderatedOf = (status: StatementStatus): -1 | 0 | 1 => (status === 'accepted' ? 1 : status === 'rejected' ? -1 : 0);

/** Participant references are scoped by issue, so two imported conversations never share a member by accident. */
const ref = (issueId: string, participant: string) => `${issueId}/${participant}`;

/** The longest conversation URL taken (it becomes the issue's external reference). */
const MAX_URL_LENGTH = 2000;

/** The first rule a text breaks, in the API's words, with its length where that is the rule. */
function broken(schema: z.ZodType, value: string): string | null {
  const r = schema.safeParse(value);
  if (r.success) return null;
  const message = r.error.issues[0]?.message ?? 'is not valid';
  return /characters$/.test(message) ? `${message} (it has ${value.trim().length.toLocaleString('en')})` : message;
}

/**
 * A comment as a statement's text: at most what the API takes from a member (400 characters),
 * no NUL, not empty. The API's minimum for a new statement (3 characters) is not asked of an
 * export: Pol.is's own conversations hold shorter comments (a "?" its moderators hid), which are
 * what they are.
 */
const CommentText = text(1, StatementCreate.shape.text.maxLength ?? 400);

/**
 * What the API takes from a member or an organiser, the import takes from an export: each
 * comment a statement's text (CommentText), the topic and description an issue's. An export that
 * breaks them is refused whole, naming the first row and how many more break them.
 */
export function checkImportable(c: PolisConversation): void {
  const problems: string[] = [];
  for (const [i, m] of c.comments.entries()) {
    const rule = broken(CommentText, m.body);
    if (rule) problems.push(`comments.csv row ${i + 2}: comment-body ${rule}: a statement's text in Massline`);
  }
  if (problems.length)
    throw new PolisFormatError(
      problems.length === 1
        ? problems[0]!
        : `${problems[0]!}; and ${problems.length - 1} more rows break the same rules (rows ${problems
            .slice(1, 11)
            .map((p) => p.slice('comments.csv row '.length, p.indexOf(':')))
            .join(', ')}${problems.length > 11 ? ', …' : ''})`,
    );
  const title = broken(IssueCreate.shape.title, c.summary.topic);
  if (title) throw new PolisFormatError(`summary.csv: topic ${title}: an issue's title in Massline`);
  const description = broken(IssueCreate.shape.description.unwrap(), c.summary.description);
  if (description) throw new PolisFormatError(`summary.csv: the description ${description}: an issue's description in Massline`);
  if (c.summary.url !== null && (c.summary.url.length > MAX_URL_LENGTH || c.summary.url.includes('\u0000')))
    throw new PolisFormatError(`summary.csv: url must be at most ${MAX_URL_LENGTH} characters, without the NUL character`);
}

/**
 * Import in one transaction (the caller's, when `db` is one, so that an organisation made for
 * the import goes with it or not at all), checked whole first by checkImportable: each participant becomes a member, each comment a statement, every
 * vote goes into the log (the current vote is the newest), and Pol.is's own groups are kept as
 * an analysis of source 'import'.
 */
export async function importPolis(
  db: Db,
  c: PolisConversation,
  input: { orgId: string; actorId: string | null; at: string; onProgress?: (done: number, total: number) => void },
): Promise<ImportResult> {
  checkImportable(c);
  const total = c.comments.length + c.votes.length;
  return inTransaction(db, async (trx) => {
    const { issue, cycle } = await issues.createIssue(trx, {
      orgId: input.orgId,
      title: c.summary.topic.trim(),
      description: c.summary.description.trim(),
      createdBy: input.actorId,
      externalRef: c.summary.url,
      at: input.at,
    });
    const ids = new Set<string>();
    for (const p of c.participants) ids.add(p.id);
    for (const v of c.votes) ids.add(v.voterId);
    for (const m of c.comments) ids.add(m.authorId);
    const firstSeen = new Map<string, number>();
    for (const v of c.votes) if (v.timestamp !== null && !firstSeen.has(v.voterId)) firstSeen.set(v.voterId, v.timestamp);
    for (const m of c.comments) if (!firstSeen.has(m.authorId) || firstSeen.get(m.authorId)! > m.timestamp) firstSeen.set(m.authorId, m.timestamp);
    const memberRows = [...ids].map((pid) =>
      members.memberRow({
        orgId: input.orgId,
        displayName: `Participant ${pid}`,
        role: 'member',
        externalRef: ref(issue.id, pid),
        at: firstSeen.has(pid) ? new Date(firstSeen.get(pid)!).toISOString() : input.at,
      }),
    );
    await members.insertMembers(trx, memberRows);
    const memberOf = new Map([...ids].map((pid, i) => [pid, memberRows[i]!.id]));

    const statementRows = c.comments.map((m) =>
      statements.statementRow({
        orgId: input.orgId,
        issueId: issue.id,
        cycleId: cycle.id,
        authorId: memberOf.get(m.authorId) ?? null,
        // Trimmed, as the API stores a statement's text.
        text: m.body.trim(),
        status: statusOf(m.moderated),
        origin: 'import',
        externalRef: m.id,
        at: new Date(m.timestamp).toISOString(),
      }),
    );
    await statements.insertStatements(trx, statementRows);
    // The event log holds the import's history too: who joined when, who wrote what.
    await events.recordEvents(trx, [
      ...memberRows.map((m) => ({
        orgId: input.orgId,
        type: 'member.joined',
        at: m.joined_at,
        actorId: m.id,
        data: { role: m.role, constituency: m.constituency, imported: true },
      })),
      ...statementRows.map((s) => ({
        orgId: input.orgId,
        issueId: issue.id,
        cycleId: cycle.id,
        type: 'statement.added',
        at: s.created_at,
        actorId: s.author_id,
        data: { statementId: s.id, imported: true },
      })),
    ]);
    input.onProgress?.(c.comments.length, total);
    const statementOf = new Map(c.comments.map((m, i) => [m.id, statementRows[i]!.id]));

    const log: votes.LoggedVote[] = [];
    for (const v of c.votes) {
      // Every vote is on a listed comment: readPolisConversation refuses the others.
      const statementId = statementOf.get(v.commentId)!;
      log.push({
        statementId,
        memberId: memberOf.get(v.voterId)!,
        value: v.vote,
        castAt: v.timestamp === null ? input.at : new Date(v.timestamp).toISOString(),
      });
    }
    for (let i = 0; i < log.length; i += 5000) {
      await votes.importVoteLog(trx, input.orgId, issue.id, log.slice(i, i + 5000));
      input.onProgress?.(c.comments.length + Math.min(i + 5000, log.length), total);
    }

    const groups = new Map<string, string[]>();
    for (const p of c.participants) if (p.groupId !== null) groups.set(p.groupId, [...(groups.get(p.groupId) ?? []), memberOf.get(p.id)!]);
    if (groups.size > 0) {
      await analyses.saveAnalysis(trx, {
        orgId: input.orgId,
        issueId: issue.id,
        cycleId: cycle.id,
        source: 'import',
        votesSeq: await votes.voteLogHead(trx, issue.id),
        result: snapshotOfGroups(
          [...groups.entries()].sort(([a], [b]) => Number(a) - Number(b)).map(([id, m]) => ({ id, members: m })),
          await votes.voteLogHead(trx, issue.id),
        ),
        at: input.at,
      });
    }
    await events.recordEvent(trx, {
      orgId: input.orgId,
      issueId: issue.id,
      cycleId: cycle.id,
      type: 'issue.imported',
      at: input.at,
      actorId: input.actorId,
      data: { from: 'polis', title: issue.title, url: c.summary.url, participants: ids.size, statements: statementRows.length, votes: log.length },
    });
    return { organisation: input.orgId, issue: issue.id, participants: ids.size, statements: statementRows.length, votes: log.length };
  });
}

/** An issue as a Pol.is conversation: imported ids come back as they went in. */
export async function exportPolis(db: Db, orgId: string, issueId: string): Promise<PolisConversation> {
  const issue = await issues.getIssue(db, orgId, issueId);
  if (!issue) throw new Error(`issue ${issueId} not found in this organisation`);
  const rows = await statements.listStatements(db, orgId, issueId, statementStatuses);
  const log = await votes.voteLogOfIssue(db, orgId, issueId);
  const memberIds = new Set<string>(log.map((v) => v.memberId));
  for (const s of rows) if (s.author_id) memberIds.add(s.author_id);
  const memberRows = await members.membersByIds(db, orgId, [...memberIds]);
  const prefix = `${issueId}/`;
  const participantOf = new Map(memberRows.map((m) => [m.id, m.external_ref?.startsWith(prefix) ? m.external_ref.slice(prefix.length) : m.id]));
  const commentOf = new Map(rows.map((s) => [s.id, s.external_ref ?? s.id]));

  const latest = await analyses.latestAnalysis(db, orgId, issueId);
  const groupOf = new Map<string, string>();
  if (latest) {
    const result = JSON.parse(latest.result) as { groups?: { id: string | number; members: string[] }[] };
    for (const g of result.groups ?? []) for (const m of g.members) groupOf.set(m, String(g.id));
  }
  const participants: PolisParticipant[] = [...participantOf.entries()]
    .map(([memberId, id]) => ({ id, groupId: groupOf.get(memberId) ?? null }))
    .sort((a, b) => compareIds(a.id, b.id));
  return {
    summary: { topic: issue.title, url: issue.external_ref, description: issue.description, entries: [] },
    comments: rows.map((s) => ({
      id: commentOf.get(s.id)!,
      authorId: s.author_id ? (participantOf.get(s.author_id) ?? s.author_id) : '',
      timestamp: Date.parse(s.created_at),
      moderated: moderatedOf(s.status),
      body: s.text,
    })),
    votes: log.map((v) => ({
      timestamp: Date.parse(v.castAt),
      commentId: commentOf.get(v.statementId)!,
      voterId: participantOf.get(v.memberId)!,
      vote: v.value,
    })),
    participants,
    votesFrom: 'votes.csv',
  };
}

/** Numeric ids in numeric order, others after them in text order. */
function compareIds(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  if (Number.isFinite(na)) return -1;
  if (Number.isFinite(nb)) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
