/**
 * The model's facts (core/model/facts.ts), read from stored rows: the vote log, statements,
 * endorsements, reports, published line versions, analyses and marks. Never from cached
 * counters, so every figure of the model can be recomputed from what happened.
 */
import type {
  ActFact,
  AnalysisFact,
  BlockFact,
  EndorsementFact,
  ImportanceFact,
  IssueFact,
  LineVersionFact,
  MemberFact,
  Millis,
  ModelFacts,
  ReportFact,
  RolePeriod,
} from '../../core/model/facts.js';
import type { EndorsementKind, Role, Verdict, VoteValue } from '../../core/index.js';
import { AnalysisSnapshot } from '../../contract/analysis.js';
import { groupConsensusOf } from '../../core/consensus.js';
import type { Db } from '../db-type.js';
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
  const [memberRows, roleRows, issueRows, voteRows, statementRows, endorsementRows, actionRows, reportRows, versions, analysisRows, blockRows, importanceRows] =
    await Promise.all([
      db.selectFrom('members').select(['id', 'joined_at', 'constituency', 'role']).where('org_id', '=', orgId).execute(),
      // The members table holds the current role; its history is in the member events.
      db
        .selectFrom('events')
        .select(['type', 'actor_id', 'at', 'data'])
        .where('org_id', '=', orgId)
        .where('type', 'in', roleEventTypes)
        .orderBy('at')
        .orderBy('seq')
        .execute(),
      db.selectFrom('issues').select(['id', 'title', 'created_at', 'resolved_at']).where('org_id', '=', orgId).execute(),
      db
        .selectFrom('vote_log')
        .select(['member_id', 'issue_id', 'statement_id', 'cast_at', 'value', 'carried_from'])
        .where('org_id', '=', orgId)
        .orderBy('seq')
        .execute(),
      db
        .selectFrom('statements')
        .select(['id', 'issue_id', 'author_id', 'created_at'])
        .where('org_id', '=', orgId)
        .where('author_id', 'is not', null)
        .execute(),
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
      db
        .selectFrom('analyses')
        .select(['id', 'issue_id', 'created_at', 'result'])
        .where('org_id', '=', orgId)
        .where('source', '=', 'engine')
        .orderBy('issue_id')
        .orderBy('seq')
        .execute(),
      db.selectFrom('issue_blocks').select(['blocker_id', 'blocked_id']).where('org_id', '=', orgId).execute(),
      db.selectFrom('issue_importance').select(['member_id', 'issue_id', 'marked_at']).where('org_id', '=', orgId).execute(),
    ]);
  const roles = roleHistories(roleRows);
  return {
    members: memberRows.map((m) => ({
      id: m.id,
      joinedAt: ms(m.joined_at),
      constituency: m.constituency,
      roles: roles.get(m.id) ?? [{ role: m.role, from: ms(m.joined_at) }],
    })),
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
    endorsements: endorsementRows.map((e) => ({
      memberId: e.member_id,
      lineVersionId: e.line_version_id,
      issueId: e.issue_id,
      at: ms(e.created_at),
      kind: e.kind,
    })),
    analyses: analysisRows.map(analysisFact),
    blocks: blockRows.map((b) => ({ blocker: b.blocker_id, blocked: b.blocked_id })),
    importance: importanceRows.map((i) => ({ memberId: i.member_id, issueId: i.issue_id, at: ms(i.marked_at) })),
  };
}

/** A row of the vote log as an act: carried votes keep their mark, and the model counts no act for them. */
export function voteAct(v: {
  member_id: string;
  issue_id: string;
  statement_id: string;
  cast_at: string;
  value: VoteValue | number;
  carried_from: string | null;
}): ActFact {
  return {
    memberId: v.member_id,
    issueId: v.issue_id,
    at: ms(v.cast_at),
    kind: 'vote',
    statementId: v.statement_id,
    value: Number(v.value) as VoteValue,
    carriedFrom: v.carried_from,
  };
}

/** A member's answer to a line version: one act per version, at the latest answer. */
function answerAct(memberId: string, issueId: string, lineVersionId: string, at: number): ActFact {
  return { memberId, issueId, at, kind: 'endorsement', statementId: null, lineVersionId };
}

/** Taking part in an action: one act per action, while the member takes part. */
function actionAct(memberId: string, issueId: string, actionId: string, at: number): ActFact {
  return { memberId, issueId, at, kind: 'action', statementId: null, actionId };
}

export function analysisFact(a: { id: string; issue_id: string; created_at: string; result: string }): AnalysisFact {
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

export const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The canonical order of each kind of fact (acts: of equal keys, votes keep the log's order, which the caller settles). */
export const factOrder = {
  members: (a: MemberFact, b: MemberFact) => byText(a.id, b.id),
  issues: (a: IssueFact, b: IssueFact) => byText(a.id, b.id),
  acts: (a: ActFact, b: ActFact) =>
    a.at - b.at ||
    byText(a.memberId, b.memberId) ||
    byText(a.kind, b.kind) ||
    byText(a.statementId ?? '', b.statementId ?? '') ||
    byText(a.lineVersionId ?? '', b.lineVersionId ?? '') ||
    byText(a.actionId ?? '', b.actionId ?? ''),
  reports: (a: ReportFact, b: ReportFact) => a.at - b.at || byText(a.id, b.id),
  lines: (a: LineVersionFact, b: LineVersionFact) => a.publishedAt - b.publishedAt || a.number - b.number,
  endorsements: (a: EndorsementFact, b: EndorsementFact) => a.at - b.at || byText(a.memberId, b.memberId) || byText(a.lineVersionId, b.lineVersionId),
  blocks: (a: BlockFact, b: BlockFact) => byText(a.blocker, b.blocker) || byText(a.blocked, b.blocked),
  importance: (a: ImportanceFact, b: ImportanceFact) => byText(a.issueId, b.issueId) || byText(a.memberId, b.memberId),
};

/** One order for the facts, whatever they were read from, so both readings compute alike. */
function canonical(f: ModelFacts): ModelFacts {
  return {
    members: [...f.members].sort(factOrder.members),
    issues: [...f.issues].sort(factOrder.issues),
    // Stable: votes of one member on one statement at one instant keep the log's order.
    acts: [...f.acts].sort(factOrder.acts),
    reports: [...f.reports].sort(factOrder.reports),
    lines: [...f.lines].sort(factOrder.lines),
    endorsements: [...f.endorsements].sort(factOrder.endorsements),
    analyses: f.analyses,
    blocks: [...f.blocks].sort(factOrder.blocks),
    importance: [...f.importance].sort(factOrder.importance),
  };
}

export interface EventData {
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

/** An event as the fold reads it: its data parsed once. */
export interface FoldEvent {
  seq: number;
  type: string;
  issueId: string | null;
  actorId: string | null;
  at: Millis;
  data: EventData;
}

export function foldEventOf(row: {
  seq: number | string | bigint;
  type: string;
  issue_id: string | null;
  actor_id: string | null;
  at: string;
  data: string;
}): FoldEvent {
  return { seq: Number(row.seq), type: row.type, issueId: row.issue_id, actorId: row.actor_id, at: ms(row.at), data: JSON.parse(row.data) as EventData };
}

/** The event log's order: by instant, then write order (as the rebuild reads it). */
export const eventOrder = (a: FoldEvent, b: FoldEvent) => a.at - b.at || a.seq - b.seq;

/** The kinds of facts the events make; a fold says which of them the events it took changed. */
export type EventFactKind = 'members' | 'issues' | 'acts' | 'reports' | 'lines' | 'endorsements' | 'blocks' | 'importance';

/**
 * The facts the event log makes, folded one event at a time in the log's order (`eventOrder`).
 * Everything but the vote log's acts and the analyses. A fact once handed out is never changed:
 * a member whose role or constituency changes, an issue resolved, an answer changed are new
 * objects, so facts read before stay as they were read.
 */
export class EventFold {
  readonly members = new Map<string, MemberFact>();
  readonly issues = new Map<string, IssueFact>();
  /** Statements written, answers (the latest per member and version), actions taken part in. */
  readonly statementActs: ActFact[] = [];
  readonly answers = new Map<string, EndorsementFact>();
  readonly answerActs = new Map<string, ActFact>();
  readonly taking = new Map<string, ActFact>();
  readonly reports: ReportFact[] = [];
  readonly lines: LineVersionFact[] = [];
  blocks: BlockFact[] = [];
  readonly importance = new Map<string, ImportanceFact>();
  /** Since the last `taken()`: what changed, and the acts added and taken away. */
  changed = new Set<EventFactKind>();
  added: ActFact[] = [];
  removed = new Set<ActFact>();

  apply(e: FoldEvent): void {
    const d = e.data;
    const at = e.at;
    switch (e.type) {
      case 'member.joined':
      case 'member.created': {
        // Joining (with the role joined as) starts the member's role history.
        const id = e.type === 'member.joined' ? e.actorId : (d.memberId ?? null);
        if (!id) break;
        this.members.set(id, {
          id,
          joinedAt: at,
          constituency: e.type === 'member.joined' ? (d.constituency ?? null) : null,
          roles: [{ role: d.role ?? 'member', from: at }],
        });
        this.changed.add('members');
        break;
      }
      case 'member.updated': {
        const m = d.memberId ? this.members.get(d.memberId) : undefined;
        if (!m) break;
        const roles = m.roles ?? [];
        // An update that leaves the role as it was is no change of role.
        const newRole = d.role !== undefined && roles[roles.length - 1]?.role !== d.role;
        if (d.constituency === undefined && !newRole) break;
        this.members.set(m.id, {
          ...m,
          constituency: d.constituency !== undefined ? d.constituency : m.constituency,
          roles: newRole ? [...roles, { role: d.role!, from: at }] : roles,
        });
        this.changed.add('members');
        break;
      }
      case 'issue.opened':
      case 'issue.imported':
        if (!e.issueId) break;
        this.issues.set(e.issueId, { id: e.issueId, title: d.title ?? '', openedAt: at, resolvedAt: null });
        this.changed.add('issues');
        break;
      case 'issue.resolved': {
        const i = e.issueId ? this.issues.get(e.issueId) : undefined;
        if (!i) break;
        this.issues.set(i.id, { ...i, resolvedAt: at });
        this.changed.add('issues');
        break;
      }
      case 'statement.added':
        if (e.actorId && e.issueId && d.statementId)
          this.addAct({ memberId: e.actorId, issueId: e.issueId, at, kind: 'statement', statementId: d.statementId }, this.statementActs);
        break;
      case 'line.published':
        if (!e.issueId || !d.versionId || !d.claims) break;
        this.lines.push({
          id: d.versionId,
          issueId: e.issueId,
          number: d.number ?? 0,
          publishedAt: at,
          claims: d.claims.map((c) => ({ id: c.id, text: c.text, cites: c.cites.flatMap((x) => (x.ref === null ? [] : [{ kind: x.kind, ref: x.ref }])) })),
        });
        this.changed.add('lines');
        break;
      case 'line.endorsed': {
        // One answer per member and version counts: the latest.
        if (!e.actorId || !e.issueId || !d.versionId || !d.kind) break;
        const key = `${e.actorId}/${d.versionId}`;
        this.answers.set(key, { memberId: e.actorId, lineVersionId: d.versionId, issueId: e.issueId, at, kind: d.kind });
        this.changed.add('endorsements');
        this.replaceAct(this.answerActs, key, answerAct(e.actorId, e.issueId, d.versionId, at));
        break;
      }
      case 'action.joined':
        if (e.actorId && e.issueId && d.actionId) this.replaceAct(this.taking, `${e.actorId}/${d.actionId}`, actionAct(e.actorId, e.issueId, d.actionId, at));
        break;
      case 'action.left':
        if (e.actorId && d.actionId) this.replaceAct(this.taking, `${e.actorId}/${d.actionId}`, null);
        break;
      case 'report.filed':
        if (!e.actorId || !e.issueId || !d.reportId) break;
        this.reports.push({ id: d.reportId, issueId: e.issueId, memberId: e.actorId, at, claimId: d.claimId ?? null, verdict: d.verdict ?? null });
        this.changed.add('reports');
        break;
      case 'issue.blocks':
        if (e.issueId && d.blocked && !this.blocks.some((b) => b.blocker === e.issueId && b.blocked === d.blocked)) {
          this.blocks = [...this.blocks, { blocker: e.issueId, blocked: d.blocked }];
          this.changed.add('blocks');
        }
        break;
      case 'issue.unblocks': {
        const taken = this.blocks.findIndex((b) => b.blocker === e.issueId && b.blocked === d.blocked);
        if (taken >= 0) {
          this.blocks = this.blocks.filter((_, i) => i !== taken);
          this.changed.add('blocks');
        }
        break;
      }
      case 'issue.marked-important':
        if (e.actorId && e.issueId && !this.importance.has(`${e.issueId}/${e.actorId}`)) {
          this.importance.set(`${e.issueId}/${e.actorId}`, { memberId: e.actorId, issueId: e.issueId, at });
          this.changed.add('importance');
        }
        break;
      case 'issue.unmarked-important':
        if (e.actorId && e.issueId && this.importance.delete(`${e.issueId}/${e.actorId}`)) this.changed.add('importance');
        break;
    }
  }

  /** Every act the events made, in no order. */
  acts(): ActFact[] {
    return [...this.statementActs, ...this.answerActs.values(), ...this.taking.values()];
  }

  /** What changed since the last call, and start over. */
  taken(): { changed: Set<EventFactKind>; added: ActFact[]; removed: Set<ActFact> } {
    const out = { changed: this.changed, added: this.added.filter((a) => !this.removed.has(a)), removed: this.removed };
    this.changed = new Set();
    this.added = [];
    this.removed = new Set();
    return out;
  }

  private addAct(act: ActFact, list?: ActFact[]): void {
    list?.push(act);
    this.added.push(act);
    this.changed.add('acts');
  }

  private replaceAct(map: Map<string, ActFact>, key: string, act: ActFact | null): void {
    const before = map.get(key);
    if (before) {
      this.removed.add(before);
      this.changed.add('acts');
    }
    if (act) {
      map.set(key, act);
      this.addAct(act);
    } else map.delete(key);
  }
}

/** The facts of a fold and of the vote log's acts and the analyses, in canonical order. */
function factsOfFold(fold: EventFold, voteActs: ActFact[], analyses: AnalysisFact[]): ModelFacts {
  return canonical({
    members: [...fold.members.values()],
    issues: [...fold.issues.values()],
    acts: [...voteActs, ...fold.acts()],
    reports: fold.reports,
    lines: fold.lines,
    endorsements: [...fold.answers.values()],
    analyses,
    blocks: fold.blocks,
    importance: [...fold.importance.values()],
  });
}

/**
 * The same facts rebuilt from the event log alone: the events table, the vote log and the
 * analysis snapshots (all append-only), never the tables that hold the current state.
 */
export async function loadModelFactsFromEvents(db: Db, orgId: string): Promise<ModelFacts> {
  const [rows, voteRows, analysisRows] = await Promise.all([
    db.selectFrom('events').select(['seq', 'type', 'issue_id', 'actor_id', 'at', 'data']).where('org_id', '=', orgId).orderBy('at').orderBy('seq').execute(),
    db
      .selectFrom('vote_log')
      .select(['member_id', 'issue_id', 'statement_id', 'cast_at', 'value', 'carried_from'])
      .where('org_id', '=', orgId)
      .orderBy('seq')
      .execute(),
    db
      .selectFrom('analyses')
      .select(['id', 'issue_id', 'created_at', 'result'])
      .where('org_id', '=', orgId)
      .where('source', '=', 'engine')
      .orderBy('issue_id')
      .orderBy('seq')
      .execute(),
  ]);
  const fold = new EventFold();
  for (const row of rows) fold.apply(foldEventOf(row));
  return factsOfFold(fold, voteRows.map(voteAct), analysisRows.map(analysisFact));
}
