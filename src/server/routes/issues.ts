import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { DomainError, notFound, pickNextStatement, roleAtLeast, statementStatuses, statementVisible, type StatementStatus } from '../../core/index.js';
import { type AnalysisSnapshot } from '../../contract/index.js';
import { analyses, events, inTransaction, issues, organisations, statements, votes } from '../../store/index.js';
import { NEW_STATEMENT_PRIORITY } from '../../engine/index.js';
import type { AppContext } from '../context.js';
import { authOf, type Auth } from '../auth/session.js';
import { routeOptions } from './route-options.js';
import { advanceCycle } from '../services/cycle.js';
import { publishStatementChange } from '../services/live.js';
import { presentAnalysis, presentCycle, presentIssueSummary, presentStatement } from '../presenters.js';

export function issueRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  const db = () => ctx.store.db;
  const now = () => ctx.clock().toISOString();

  async function issueOrThrow(orgId: string, issueId: string) {
    const issue = await issues.getIssue(db(), orgId, issueId);
    if (!issue) throw notFound('issue');
    return issue;
  }

  /** The statement statuses this reader may see. */
  async function visibleStatuses(auth: Auth): Promise<readonly StatementStatus[]> {
    return roleAtLeast(auth.role, 'organiser') ? statementStatuses : memberStatuses(auth.orgId);
  }

  /** The statement statuses shown to members under the organisation's moderation policy. */
  async function memberStatuses(orgId: string): Promise<readonly StatementStatus[]> {
    const org = await organisations.getOrganisation(db(), orgId);
    return statementStatuses.filter((s) => statementVisible(s, org?.moderation ?? 'strict'));
  }

  return async (app) => {
    app.route({
      ...routeOptions('issues'),
      handler: async (req) => {
        const auth = authOf(req);
        const [rows, cycles] = await Promise.all([issues.listIssues(db(), auth.orgId), issues.currentCycles(db(), auth.orgId)]);
        const cycleOf = new Map(cycles.map((c) => [c.issue_id, c]));
        return {
          issues: rows.flatMap((i) => {
            const c = cycleOf.get(i.id);
            return c ? [presentIssueSummary(i, c)] : [];
          }),
        };
      },
    });

    app.route({
      ...routeOptions('createIssue'),
      handler: async (req, reply) => {
        const auth = authOf(req);
        const at = now();
        const created = await inTransaction(db(), async (trx) => {
          const r = await issues.createIssue(trx, {
            orgId: auth.orgId,
            title: req.body.title,
            description: req.body.description,
            createdBy: auth.memberId,
            at,
          });
          await events.recordEvent(trx, {
            orgId: auth.orgId,
            issueId: r.issue.id,
            cycleId: r.cycle.id,
            type: 'issue.opened',
            at,
            actorId: auth.memberId,
            data: { title: r.issue.title },
          });
          return r;
        });
        void ctx.live.publish(auth.orgId, { type: 'issue', issueId: created.issue.id, change: 'opened' });
        return reply.code(201).send(presentIssueSummary(created.issue, created.cycle));
      },
    });

    app.route({
      ...routeOptions('issue'),
      handler: async (req) => {
        const auth = authOf(req);
        const issue = await issueOrThrow(auth.orgId, req.params.issueId);
        let statuses = await visibleStatuses(auth);
        if (req.query.status) statuses = statuses.filter((s) => s === req.query.status);
        const [cycle, rows, counts, mine, totals] = await Promise.all([
          issues.currentCycle(db(), auth.orgId, issue.id),
          statuses.length ? statements.listStatements(db(), auth.orgId, issue.id, statuses) : Promise.resolve([]),
          statements.voteCountsByStatement(db(), auth.orgId, issue.id),
          votes.memberVotesOnIssue(db(), auth.orgId, issue.id, auth.memberId),
          votes.issueVoteTotals(db(), auth.orgId, issue.id),
        ]);
        return {
          ...presentIssueSummary(issue, cycle),
          // A merged duplicate lives on in the statement it was merged into.
          statements: rows.filter((s) => s.merged_into === null).map((s) => presentStatement(s, counts.get(s.id), mine.get(s.id) ?? null)),
          participants: totals.participants,
          votes: totals.votes,
          votesCast: totals.votesCast,
        };
      },
    });

    app.route({
      ...routeOptions('advanceCycle'),
      handler: async (req) => {
        const auth = authOf(req);
        const issue = await issueOrThrow(auth.orgId, req.params.issueId);
        if (issue.status !== 'open') throw new DomainError('invalid_transition', 'issue: resolved issues have no cycle to advance');
        const r = await advanceCycle(ctx, { orgId: auth.orgId, issueId: issue.id, actorId: auth.memberId, note: req.body.note ?? null });
        return { cycle: presentCycle(r.cycle), previousPhase: r.previousPhase, seeded: r.seeded ?? 0, embrace: r.embrace ?? null };
      },
    });

    app.route({
      ...routeOptions('submitStatement'),
      handler: async (req, reply) => {
        const auth = authOf(req);
        const issue = await issueOrThrow(auth.orgId, req.params.issueId);
        if (issue.status !== 'open') throw new DomainError('invalid_transition', 'issue: resolved issues take no statements');
        const byOrganiser = roleAtLeast(auth.role, 'organiser');
        if (req.body.isSeed && !byOrganiser) throw new DomainError('forbidden', 'isSeed: only organisers add seed statements');
        const at = now();
        const row = await inTransaction(db(), async (trx) => {
          const cycle = await issues.currentCycle(trx, auth.orgId, issue.id);
          const s = statements.statementRow({
            orgId: auth.orgId,
            issueId: issue.id,
            cycleId: cycle.id,
            authorId: auth.memberId,
            text: req.body.text,
            // An organiser's statement needs no moderation; a member's waits for it.
            status: byOrganiser ? 'accepted' : 'unmoderated',
            origin: byOrganiser ? 'organiser' : 'member',
            isSeed: req.body.isSeed ?? false,
            at,
          });
          await statements.insertStatements(trx, [s]);
          await events.recordEvent(trx, {
            orgId: auth.orgId,
            issueId: issue.id,
            cycleId: cycle.id,
            type: 'statement.added',
            at,
            actorId: auth.memberId,
            data: { statementId: s.id },
          });
          return s;
        });
        void publishStatementChange(ctx, { orgId: auth.orgId, issueId: issue.id, statementId: row.id, status: row.status, change: 'added' });
        return reply.code(201).send(presentStatement(row, undefined, null));
      },
    });

    app.route({
      ...routeOptions('moderate'),
      handler: async (req) => {
        const auth = authOf(req);
        const s = await statements.getStatement(db(), auth.orgId, req.params.statementId);
        if (!s) throw notFound('statement');
        const at = now();
        await inTransaction(db(), async (trx) => {
          await statements.moderateStatement(trx, auth.orgId, s.id, req.body.status, auth.memberId, at);
          await events.recordEvent(trx, {
            orgId: auth.orgId,
            issueId: s.issue_id,
            cycleId: s.cycle_id,
            type: 'statement.moderated',
            at,
            actorId: auth.memberId,
            data: { statementId: s.id, status: req.body.status },
          });
        });
        ctx.jobs.analyses.voteArrived(auth.orgId, s.issue_id);
        void publishStatementChange(ctx, {
          orgId: auth.orgId,
          issueId: s.issue_id,
          statementId: s.id,
          status: req.body.status,
          before: s.status,
          change: 'moderated',
        });
        const counts = await statements.voteCountsByStatement(db(), auth.orgId, s.issue_id);
        const mine = await votes.memberVotesOnIssue(db(), auth.orgId, s.issue_id, auth.memberId);
        return presentStatement({ ...s, status: req.body.status, moderated_at: at, moderated_by: auth.memberId }, counts.get(s.id), mine.get(s.id) ?? null);
      },
    });

    app.route({
      ...routeOptions('vote'),
      handler: async (req) => {
        const auth = authOf(req);
        // Group commit: the statement is checked (404 when the voter cannot see it, 409 when
        // rejected) and the vote written in one transaction, acknowledged once it has committed.
        const r = await ctx.store.voteWriter.cast({
          orgId: auth.orgId,
          statementId: req.params.statementId,
          memberId: auth.memberId,
          seesAllStatements: roleAtLeast(auth.role, 'organiser'),
          value: req.body.vote,
          idempotencyKey: req.headers['idempotency-key'] ?? null,
          at: now(),
        });
        if (r.changed) ctx.jobs.analyses.voteArrived(auth.orgId, r.issueId);
        if (r.changed) ctx.live.votesChanged(auth.orgId, r.issueId);
        return { statementId: req.params.statementId, vote: r.value, changed: r.changed };
      },
    });

    app.route({
      ...routeOptions('analysis'),
      handler: async (req) => {
        const auth = authOf(req);
        const issue = await issueOrThrow(auth.orgId, req.params.issueId);
        const latest = (await analyses.latestAnalysis(db(), auth.orgId, issue.id, 'engine')) ?? (await analyses.latestAnalysis(db(), auth.orgId, issue.id));
        if (!latest) throw new DomainError('not_found', 'analysis: this issue has no analysis yet; one is made once votes arrive');
        const [head, cycles] = await Promise.all([votes.voteLogHead(db(), issue.id), issues.listCycles(db(), auth.orgId, issue.id)]);
        return presentAnalysis(latest, cycles.find((c) => c.id === latest.cycle_id)?.number ?? 0, Number(latest.votes_seq) < head);
      },
    });

    app.route({
      ...routeOptions('nextStatement'),
      handler: async (req) => {
        const auth = authOf(req);
        const issue = await issueOrThrow(auth.orgId, req.params.issueId);
        const statuses = await memberStatuses(auth.orgId);
        const [unseen, counts, latest] = await Promise.all([
          statements.unseenStatements(db(), auth.orgId, issue.id, auth.memberId, statuses),
          statements.voteCountsByStatement(db(), auth.orgId, issue.id),
          analyses.latestAnalysis(db(), auth.orgId, issue.id, 'engine'),
        ]);
        // The engine's routing priority where there is an analysis; statements newer than it get Pol.is's priority for new ones.
        const priorities = latest ? (JSON.parse(latest.result) as AnalysisSnapshot).priorities : null;
        const enginePriority = (id: string) => (priorities ? (priorities[id] ?? NEW_STATEMENT_PRIORITY) : undefined);
        const total = (id: string) => {
          const c = counts.get(id);
          return c ? c.agree + c.disagree + c.pass : 0;
        };
        const next = pickNextStatement(
          unseen.map((s) => ({
            id: s.id,
            isSeed: s.is_seed === 1,
            voteCount: total(s.id),
            createdAt: s.created_at,
            enginePriority: enginePriority(s.id),
            row: s,
          })),
        );
        return { statement: next ? presentStatement(next.row, counts.get(next.id), null) : null, remaining: unseen.length };
      },
    });
  };
}
