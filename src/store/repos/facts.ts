/**
 * The model's facts (core/model/facts.ts), read from stored rows: the vote log, statements,
 * endorsements, reports, published line versions, analyses and marks. Never from cached
 * counters, so every figure of the model can be recomputed from what happened.
 */
import type { ActFact, BlockFact, EndorsementFact, ImportanceFact, IssueFact, LineVersionFact, MemberFact, ModelFacts, ReportFact, RolePeriod } from '../../core/model/facts.js';
import type { EndorsementKind, Role, Verdict, VoteValue } from '../../core/index.js';
import { AnalysisSnapshot } from '../../contract/analysis.js';
import { groupConsensusOf } from '../../core/consensus.js';
import type { Db } from '../db.js';
import { listPublishedVersions } from './lines.js';

const ms = (iso: string) => Date.parse(iso);

export async function loadModelFacts(db: Db, orgId: string): Promise<ModelFacts> {
  return canonical(await factsFromTables(db, orgId));
}

/** The member events a role history is read from: joining (with the role joined as) and changes of role. */
const roleEventTypes = ['member.joined', 'member.created', 'member.updated'] as const;

interface RoleEvent {
  type: string;
  actor_id: string | null;
  at: string;
  data: string;
}

/**
 * Each member's roles over time from the member events, oldest first: the role they joined as,
 * then each change of role (an update that leaves the role as it was is no change).
 */
function roleHistories(rows: readonly RoleEvent[]): Map<string, RolePeriod[]> {
  const histories = new Map<string, RolePeriod[]>();
  for (const e of rows) {
    const d = JSON.parse(e.data) as { memberId?: string; role?: Role };
    const at = ms(e.at);
    if (e.type === 'member.joined' || e.type === 'member.created') {
      const id = e.type === 'member.joined' ? e.actor_id : (d.memberId ?? null);
      if (id) histories.set(id, [{ role: d.role ?? 'member', from: at }]);
    } else if (e.type === 'member.updated' && d.memberId && d.role) {
      const history = histories.get(d.memberId);
      if (history && history[history.length - 1]?.role !== d.role) history.push({ role: d.role, from: at });
    }
  }
  return histories;
}

async function factsFromTables(db: Db, orgId: string): Promise<ModelFacts> {
  const [memberRows, roleRows, issueRows, voteRows, statementRows, endorsementRows, actionRows, reportRows, versions, analysisRows, blockRows, importanceRows] = await Promise.all([
    db.selectFrom('members').select(['id', 'joined_at', 'constituency', 'role']).where('org_id', '=', orgId).execute(),
    // The members table holds the current role; its history is in the member events.
    db.selectFrom('events').select(['type', 'actor_id', 'at', 'data']).where('org_id', '=', orgId).where('type', 'in', roleEventTypes).orderBy('at').orderBy('seq').execute(),
    db.selectFrom('issues').select(['id', 'title', 'created_at', 'resolved_at']).where('org_id', '=', orgId).execute(),
    db.selectFrom('vote_log').select(['member_id', 'issue_id', 'statement_id', 'cast_at', 'value', 'carried_from']).where('org_id', '=', orgId).orderBy('seq').execute(),
    db.selectFrom('statements').select(['id', 'issue_id', 'author_id', 'created_at']).where('org_id', '=', orgId).where('author_id', 'is not', null).execute(),
    db
      .selectFrom('endorsements')
      .innerJoin('line_versions', 'line_versions.id', 'endorsements.line_version_id')
      .select(['endorsements.member_id', 'endorsements.line_version_id', 'line_versions.issue_id', 'endorsements.created_at', 'endorsements.kind'])
      .where('endorsements.org_id', '=', orgId)
      .execute(),
    db
      .selectFrom('action_participants')
      .innerJoin('actions', 'actions.id', 'action_participants.action_id')
      .select(['action_participants.member_id', 'action_participants.action_id', 'actions.issue_id', 'action_participants.joined_at'])
      .where('action_participants.org_id', '=', orgId)
      .execute(),
    db.selectFrom('reports').select(['id', 'issue_id', 'member_id', 'created_at', 'claim_id', 'verdict']).where('org_id', '=', orgId).execute(),
    listPublishedVersions(db, orgId),
    db.selectFrom('analyses').select(['id', 'issue_id', 'created_at', 'result']).where('org_id', '=', orgId).where('source', '=', 'engine').orderBy('issue_id').orderBy('seq').execute(),
    db.selectFrom('issue_blocks').select(['blocker_id', 'blocked_id']).where('org_id', '=', orgId).execute(),
    db.selectFrom('issue_importance').select(['member_id', 'issue_id', 'marked_at']).where('org_id', '=', orgId).execute(),
  ]);
  const roles = roleHistories(roleRows);
  return {
    members: memberRows.map((m) => ({ id: m.id, joinedAt: ms(m.joined_at), constituency: m.constituency, roles: roles.get(m.id) ?? [{ role: m.role, from: ms(m.joined_at) }] })),
    issues: issueRows.map((i) => ({ id: i.id, title: i.title, openedAt: ms(i.created_at), resolvedAt: i.resolved_at ? ms(i.resolved_at) : null })),
    acts: [
      ...voteRows.map(voteAct),
      ...statementRows.map((s): ActFact => ({ memberId: s.author_id!, issueId: s.issue_id, at: ms(s.created_at), kind: 'statement', statementId: s.id })),
      ...endorsementRows.map((e) => answerAct(e.member_id, e.issue_id, e.line_version_id, ms(e.created_at))),
      ...actionRows.map((a) => actionAct(a.member_id, a.issue_id, a.action_id, ms(a.joined_at))),
    ],
    reports: reportRows.map((r) => ({ id: r.id, issueId: r.issue_id, memberId: r.member_id, at: ms(r.created_at), claimId: r.claim_id, verdict: r.verdict })),
    lines: versions.map((v) => ({
      id: v.id,
      issueId: v.issue_id,
      number: v.number,
      publishedAt: ms(v.published_at!),
      claims: v.claims.map((c) => ({
        id: c.id,
        text: c.text,
        cites: c.citations.map((x) => ({ kind: x.kind, ref: (x.statement_id ?? x.analysis_id ?? x.report_id)! })).filter((x) => x.ref !== null),
      })),
    })),
    endorsements: endorsementRows.map((e) => ({ memberId: e.member_id, lineVersionId: e.line_version_id, issueId: e.issue_id, at: ms(e.created_at), kind: e.kind })),
    analyses: analysisRows.map(analysisFact),
    blocks: blockRows.map((b) => ({ blocker: b.blocker_id, blocked: b.blocked_id })),
    importance: importanceRows.map((i) => ({ memberId: i.member_id, issueId: i.issue_id, at: ms(i.marked_at) })),
  };
}

/** A row of the vote log as an act: carried votes keep their mark, and the model counts no act for them. */
function voteAct(v: { member_id: string; issue_id: string; statement_id: string; cast_at: string; value: VoteValue | number; carried_from: string | null }): ActFact {
  return { memberId: v.member_id, issueId: v.issue_id, at: ms(v.cast_at), kind: 'vote', statementId: v.statement_id, value: Number(v.value) as VoteValue, carriedFrom: v.carried_from };
}

/** A member's answer to a line version: one act per version, at the latest answer. */
function answerAct(memberId: string, issueId: string, lineVersionId: string, at: number): ActFact {
  return { memberId, issueId, at, kind: 'endorsement', statementId: null, lineVersionId };
}

/** Taking part in an action: one act per action, while the member takes part. */
function actionAct(memberId: string, issueId: string, actionId: string, at: number): ActFact {
  return { memberId, issueId, at, kind: 'action', statementId: null, actionId };
}

function analysisFact(a: { id: string; issue_id: string; created_at: string; result: string }) {
  const s = AnalysisSnapshot.parse(JSON.parse(a.result));
  // Consensus means every group agrees, read from the tallies whenever the analysis was stored.
  const { consensus, divisive } = groupConsensusOf(s);
  return {
    id: a.id,
    issueId: a.issue_id,
    at: ms(a.created_at),
    groups: s.groups.map((g) => ({ id: g.id, members: g.members })),
    consensus: consensus.map((c) => c.statementId),
    representative: [...new Set(s.groups.flatMap((g) => g.representative.map((r) => r.statementId)))],
    divisive: divisive.map((d) => d.statementId),
    groupVotes: s.groupVotes,
  };
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** One order for the facts, whatever they were read from, so both readings compute alike. */
function canonical(f: ModelFacts): ModelFacts {
  return {
    members: [...f.members].sort((a, b) => byText(a.id, b.id)),
    issues: [...f.issues].sort((a, b) => byText(a.id, b.id)),
    // Stable: votes of one member on one statement at one instant keep the log's order.
    acts: [...f.acts].sort(
      (a, b) =>
        a.at - b.at ||
        byText(a.memberId, b.memberId) ||
        byText(a.kind, b.kind) ||
        byText(a.statementId ?? '', b.statementId ?? '') ||
        byText(a.lineVersionId ?? '', b.lineVersionId ?? '') ||
        byText(a.actionId ?? '', b.actionId ?? ''),
    ),
    reports: [...f.reports].sort((a, b) => a.at - b.at || byText(a.id, b.id)),
    lines: [...f.lines].sort((a, b) => a.publishedAt - b.publishedAt || a.number - b.number),
    endorsements: [...f.endorsements].sort((a, b) => a.at - b.at || byText(a.memberId, b.memberId) || byText(a.lineVersionId, b.lineVersionId)),
    analyses: f.analyses,
    blocks: [...f.blocks].sort((a, b) => byText(a.blocker, b.blocker) || byText(a.blocked, b.blocked)),
    importance: [...f.importance].sort((a, b) => byText(a.issueId, b.issueId) || byText(a.memberId, b.memberId)),
  };
}

interface EventData {
  constituency?: string | null;
  memberId?: string;
  title?: string;
  statementId?: string;
  versionId?: string;
  kind?: EndorsementKind;
  number?: number;
  claims?: { id: string; text: string; cites: { kind: 'statement' | 'analysis' | 'report'; ref: string | null }[] }[];
  reportId?: string;
  claimId?: string | null;
  verdict?: Verdict | null;
  blocked?: string;
  actionId?: string;
  role?: Role;
}

/**
 * The same facts rebuilt from the event log alone: the events table, the vote log and the
 * analysis snapshots (all append-only), never the tables that hold the current state.
 */
export async function loadModelFactsFromEvents(db: Db, orgId: string): Promise<ModelFacts> {
  const [rows, voteRows, analysisRows] = await Promise.all([
    db.selectFrom('events').select(['type', 'issue_id', 'actor_id', 'at', 'data']).where('org_id', '=', orgId).orderBy('at').orderBy('seq').execute(),
    db.selectFrom('vote_log').select(['member_id', 'issue_id', 'statement_id', 'cast_at', 'value', 'carried_from']).where('org_id', '=', orgId).orderBy('seq').execute(),
    db.selectFrom('analyses').select(['id', 'issue_id', 'created_at', 'result']).where('org_id', '=', orgId).where('source', '=', 'engine').orderBy('issue_id').orderBy('seq').execute(),
  ]);
  const members = new Map<string, MemberFact>();
  const roles = roleHistories(rows);
  const issues = new Map<string, IssueFact>();
  const acts: ActFact[] = voteRows.map(voteAct);
  const taking = new Map<string, ActFact>();
  const reports: ReportFact[] = [];
  const lines: LineVersionFact[] = [];
  const answers = new Map<string, EndorsementFact>();
  const blocks: BlockFact[] = [];
  const importance = new Map<string, ImportanceFact>();
  for (const e of rows) {
    const d = JSON.parse(e.data) as EventData;
    const at = ms(e.at);
    switch (e.type) {
      case 'member.joined':
        if (e.actor_id) members.set(e.actor_id, { id: e.actor_id, joinedAt: at, constituency: d.constituency ?? null, roles: roles.get(e.actor_id) ?? [] });
        break;
      case 'member.created':
        if (d.memberId) members.set(d.memberId, { id: d.memberId, joinedAt: at, constituency: null, roles: roles.get(d.memberId) ?? [] });
        break;
      case 'member.updated': {
        const m = d.memberId ? members.get(d.memberId) : undefined;
        if (m && d.constituency !== undefined) m.constituency = d.constituency;
        break;
      }
      case 'issue.opened':
      case 'issue.imported':
        if (e.issue_id) issues.set(e.issue_id, { id: e.issue_id, title: d.title ?? '', openedAt: at, resolvedAt: null });
        break;
      case 'issue.resolved': {
        const i = e.issue_id ? issues.get(e.issue_id) : undefined;
        if (i) i.resolvedAt = at;
        break;
      }
      case 'statement.added':
        if (e.actor_id && e.issue_id && d.statementId) acts.push({ memberId: e.actor_id, issueId: e.issue_id, at, kind: 'statement', statementId: d.statementId });
        break;
      case 'line.published':
        if (e.issue_id && d.versionId && d.claims)
          lines.push({
            id: d.versionId,
            issueId: e.issue_id,
            number: d.number ?? 0,
            publishedAt: at,
            claims: d.claims.map((c) => ({ id: c.id, text: c.text, cites: c.cites.flatMap((x) => (x.ref === null ? [] : [{ kind: x.kind, ref: x.ref }])) })),
          });
        break;
      case 'line.endorsed':
        // One answer per member and version counts: the latest.
        if (e.actor_id && e.issue_id && d.versionId && d.kind)
          answers.set(`${e.actor_id}/${d.versionId}`, { memberId: e.actor_id, lineVersionId: d.versionId, issueId: e.issue_id, at, kind: d.kind });
        break;
      case 'action.joined':
        if (e.actor_id && e.issue_id && d.actionId) taking.set(`${e.actor_id}/${d.actionId}`, actionAct(e.actor_id, e.issue_id, d.actionId, at));
        break;
      case 'action.left':
        if (e.actor_id && d.actionId) taking.delete(`${e.actor_id}/${d.actionId}`);
        break;
      case 'report.filed':
        if (e.actor_id && e.issue_id && d.reportId) reports.push({ id: d.reportId, issueId: e.issue_id, memberId: e.actor_id, at, claimId: d.claimId ?? null, verdict: d.verdict ?? null });
        break;
      case 'issue.blocks':
        if (e.issue_id && d.blocked && !blocks.some((b) => b.blocker === e.issue_id && b.blocked === d.blocked)) blocks.push({ blocker: e.issue_id, blocked: d.blocked });
        break;
      case 'issue.unblocks': {
        const taken = blocks.findIndex((b) => b.blocker === e.issue_id && b.blocked === d.blocked);
        if (taken >= 0) blocks.splice(taken, 1);
        break;
      }
      case 'issue.marked-important':
        if (e.actor_id && e.issue_id && !importance.has(`${e.issue_id}/${e.actor_id}`)) importance.set(`${e.issue_id}/${e.actor_id}`, { memberId: e.actor_id, issueId: e.issue_id, at });
        break;
      case 'issue.unmarked-important':
        if (e.actor_id && e.issue_id) importance.delete(`${e.issue_id}/${e.actor_id}`);
        break;
    }
  }
  const endorsements = [...answers.values()];
  for (const a of endorsements) acts.push(answerAct(a.memberId, a.issueId, a.lineVersionId, a.at));
  acts.push(...taking.values());
  return canonical({
    members: [...members.values()],
    issues: [...issues.values()],
    acts,
    reports,
    lines,
    endorsements,
    analyses: analysisRows.map(analysisFact),
    blocks,
    importance: [...importance.values()],
  });
}
