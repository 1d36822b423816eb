/** Propagate and test: endorsements of a published line, actions, reports; and the marks of §6. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { DomainError, notFound } from '../../core/index.js';
import { events, inTransaction, issues, lines, members, practice } from '../../store/index.js';
import type { AppContext } from '../context.js';
import { authOf } from '../auth/session.js';
import { routeOptions } from './route-options.js';

export function practiceRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  const db = () => ctx.store.db;
  const now = () => ctx.clock().toISOString();

  async function openIssue(orgId: string, issueId: string) {
    const issue = await issues.getIssue(db(), orgId, issueId);
    if (!issue) throw notFound('issue');
    return issue;
  }

  return async (app) => {
    app.route({
      ...routeOptions('endorse'),
      handler: async (req) => {
        const auth = authOf(req);
        const version = await lines.getVersion(db(), auth.orgId, req.params.versionId);
        if (!version || version.status !== 'published') throw notFound('line version');
        const current = await lines.currentVersion(db(), auth.orgId, version.issue_id);
        if (current?.id !== version.id) throw new DomainError('conflict', 'versionId: a newer version of this line has been published; answer that one');
        const at = now();
        const row = await inTransaction(db(), async (trx) => {
          const e = await practice.endorse(trx, {
            orgId: auth.orgId,
            lineVersionId: version.id,
            memberId: auth.memberId,
            kind: req.body.kind,
            text: req.body.text ?? null,
            at,
          });
          await events.recordEvent(trx, {
            orgId: auth.orgId,
            issueId: version.issue_id,
            cycleId: version.cycle_id,
            type: 'line.endorsed',
            at,
            actorId: auth.memberId,
            data: { versionId: version.id, kind: req.body.kind },
          });
          return e;
        });
        return { id: row.id, kind: row.kind, text: row.text, createdAt: row.created_at };
      },
    });

    app.route({
      ...routeOptions('createAction'),
      handler: async (req, reply) => {
        const auth = authOf(req);
        const issue = await openIssue(auth.orgId, req.params.issueId);
        const at = now();
        const { action, cycle } = await inTransaction(db(), async (trx) => {
          const cycle = await issues.currentCycle(trx, auth.orgId, issue.id);
          const version = await lines.currentVersion(trx, auth.orgId, issue.id);
          if (!version) throw new DomainError('invalid_transition', 'issue: publish a line before putting it into practice');
          const action = await practice.createAction(trx, {
            org_id: auth.orgId,
            issue_id: issue.id,
            cycle_id: cycle.id,
            line_version_id: version.id,
            title: req.body.title,
            description: req.body.description,
            created_by: auth.memberId,
            created_at: at,
          });
          await events.recordEvent(trx, {
            orgId: auth.orgId,
            issueId: issue.id,
            cycleId: cycle.id,
            type: 'action.created',
            at,
            actorId: auth.memberId,
            data: { actionId: action.id },
          });
          return { action, cycle };
        });
        return reply.code(201).send({
          id: action.id,
          title: action.title,
          description: action.description,
          cycleNumber: cycle.number,
          lineVersionId: action.line_version_id,
          createdAt: action.created_at,
          participants: 0,
          joinedByMe: false,
        });
      },
    });

    app.route({
      ...routeOptions('actions'),
      handler: async (req) => {
        const auth = authOf(req);
        await openIssue(auth.orgId, req.params.issueId);
        const cycleNumbers = await cycleNumbersOf(auth.orgId, req.params.issueId);
        const rows = await practice.listActions(db(), auth.orgId, req.params.issueId);
        const taking = await practice.participationOf(db(), auth.orgId, req.params.issueId, auth.memberId);
        return {
          actions: rows.map((a) => ({
            id: a.id,
            title: a.title,
            description: a.description,
            cycleNumber: cycleNumbers.get(a.cycle_id) ?? 0,
            lineVersionId: a.line_version_id,
            createdAt: a.created_at,
            participants: taking.get(a.id)?.participants ?? 0,
            joinedByMe: taking.get(a.id)?.joinedByMe ?? false,
          })),
        };
      },
    });

    async function participation(orgId: string, actionId: string, memberId: string) {
      const action = await practice.getAction(db(), orgId, actionId);
      if (!action) throw notFound('action');
      const p = (await practice.participationOf(db(), orgId, action.issue_id, memberId)).get(action.id);
      return { participants: p?.participants ?? 0, joinedByMe: p?.joinedByMe ?? false };
    }

    app.route({
      ...routeOptions('joinAction'),
      handler: async (req) => {
        const auth = authOf(req);
        if (!(await practice.getAction(db(), auth.orgId, req.params.actionId))) throw notFound('action');
        await practice.joinAction(db(), { orgId: auth.orgId, actionId: req.params.actionId, memberId: auth.memberId, at: now() });
        return participation(auth.orgId, req.params.actionId, auth.memberId);
      },
    });

    app.route({
      ...routeOptions('leaveAction'),
      handler: async (req) => {
        const auth = authOf(req);
        if (!(await practice.getAction(db(), auth.orgId, req.params.actionId))) throw notFound('action');
        await practice.leaveAction(db(), { orgId: auth.orgId, actionId: req.params.actionId, memberId: auth.memberId, at: now() });
        return participation(auth.orgId, req.params.actionId, auth.memberId);
      },
    });

    app.route({
      ...routeOptions('fileReport'),
      handler: async (req, reply) => {
        const auth = authOf(req);
        const issue = await openIssue(auth.orgId, req.params.issueId);
        if (req.body.actionId) {
          const action = await practice.getAction(db(), auth.orgId, req.body.actionId);
          if (!action || action.issue_id !== issue.id) throw new DomainError('not_found', 'actionId: no such action on this issue');
        }
        if (req.body.claimId) {
          const claim = await lines.getClaim(db(), auth.orgId, req.body.claimId);
          if (!claim || claim.issue_id !== issue.id || claim.status !== 'published')
            throw new DomainError('not_found', 'claimId: no such published claim on this issue');
        }
        const at = now();
        const { report, cycle } = await inTransaction(db(), async (trx) => {
          const cycle = await issues.currentCycle(trx, auth.orgId, issue.id);
          const report = await practice.fileReport(trx, {
            orgId: auth.orgId,
            issueId: issue.id,
            cycleId: cycle.id,
            actionId: req.body.actionId ?? null,
            memberId: auth.memberId,
            claimId: req.body.claimId ?? null,
            verdict: req.body.verdict ?? null,
            whatDone: req.body.whatDone,
            whatHappened: req.body.whatHappened,
            at,
          });
          await events.recordEvent(trx, {
            orgId: auth.orgId,
            issueId: issue.id,
            cycleId: cycle.id,
            type: 'report.filed',
            at,
            actorId: auth.memberId,
            data: { reportId: report.id, claimId: report.claim_id, verdict: report.verdict },
          });
          return { report, cycle };
        });
        return reply.code(201).send(presentReport(report, cycle.number));
      },
    });

    app.route({
      ...routeOptions('reports'),
      handler: async (req) => {
        const auth = authOf(req);
        await openIssue(auth.orgId, req.params.issueId);
        const cycleNumbers = await cycleNumbersOf(auth.orgId, req.params.issueId);
        return {
          reports: (await practice.listReports(db(), auth.orgId, { issueId: req.params.issueId })).map((r) =>
            presentReport(r, cycleNumbers.get(r.cycle_id) ?? 0),
          ),
        };
      },
    });

    app.route({
      ...routeOptions('markImportant'),
      handler: async (req, reply) => {
        const auth = authOf(req);
        await openIssue(auth.orgId, req.params.issueId);
        const at = now();
        await inTransaction(db(), async (trx) => {
          await practice.markImportant(trx, { orgId: auth.orgId, issueId: req.params.issueId, memberId: auth.memberId, at });
          await events.recordEvent(trx, { orgId: auth.orgId, issueId: req.params.issueId, type: 'issue.marked-important', at, actorId: auth.memberId });
        });
        return reply.code(204).send(null);
      },
    });

    app.route({
      ...routeOptions('unmarkImportant'),
      handler: async (req, reply) => {
        const auth = authOf(req);
        await openIssue(auth.orgId, req.params.issueId);
        await inTransaction(db(), async (trx) => {
          await practice.unmarkImportant(trx, auth.orgId, req.params.issueId, auth.memberId);
          await events.recordEvent(trx, {
            orgId: auth.orgId,
            issueId: req.params.issueId,
            type: 'issue.unmarked-important',
            at: now(),
            actorId: auth.memberId,
          });
        });
        return reply.code(204).send(null);
      },
    });

    app.route({
      ...routeOptions('marks'),
      handler: async (req) => {
        const auth = authOf(req);
        const issue = await openIssue(auth.orgId, req.params.issueId);
        const [importance, blocks, all] = await Promise.all([
          practice.listImportance(db(), auth.orgId),
          practice.listBlocks(db(), auth.orgId),
          issues.listIssues(db(), auth.orgId),
        ]);
        const titleOf = new Map(all.map((i) => [i.id, i.title]));
        const named = (ids: string[]) =>
          ids.map((id) => ({ issueId: id, title: titleOf.get(id) ?? '' })).sort((a, b) => (a.title < b.title ? -1 : a.title > b.title ? 1 : 0));
        const onIssue = importance.filter((m) => m.issue_id === issue.id);
        // As the principal contradiction counts them: the marks of members of role member, not the leadership's.
        const masses = new Set(
          (
            await members.membersByIds(
              db(),
              auth.orgId,
              onIssue.map((m) => m.member_id),
            )
          )
            .filter((m) => m.role === 'member')
            .map((m) => m.id),
        );
        return {
          importantToMe: onIssue.some((m) => m.member_id === auth.memberId),
          markedImportant: onIssue.filter((m) => masses.has(m.member_id)).length,
          blocks: named(blocks.filter((b) => b.blocker_id === issue.id).map((b) => b.blocked_id)),
          blockedBy: named(blocks.filter((b) => b.blocked_id === issue.id).map((b) => b.blocker_id)),
        };
      },
    });

    app.route({
      ...routeOptions('unmarkBlocks'),
      handler: async (req, reply) => {
        const auth = authOf(req);
        await openIssue(auth.orgId, req.params.issueId);
        if (!(await issues.getIssue(db(), auth.orgId, req.params.blockedId))) throw new DomainError('not_found', 'blockedId: no such issue');
        const marked = (await practice.listBlocks(db(), auth.orgId)).some((b) => b.blocker_id === req.params.issueId && b.blocked_id === req.params.blockedId);
        // Taking back a mark that is not there changes nothing and records nothing.
        if (marked)
          await inTransaction(db(), async (trx) => {
            await practice.unmarkBlock(trx, auth.orgId, req.params.issueId, req.params.blockedId);
            await events.recordEvent(trx, {
              orgId: auth.orgId,
              issueId: req.params.issueId,
              type: 'issue.unblocks',
              at: now(),
              actorId: auth.memberId,
              data: { blocked: req.params.blockedId },
            });
          });
        return reply.code(204).send(null);
      },
    });

    app.route({
      ...routeOptions('markBlocks'),
      handler: async (req, reply) => {
        const auth = authOf(req);
        await openIssue(auth.orgId, req.params.issueId);
        const blocked = await issues.getIssue(db(), auth.orgId, req.body.blocks);
        if (!blocked) throw new DomainError('not_found', 'blocks: no such issue');
        if (blocked.id === req.params.issueId) throw new DomainError('conflict', 'blocks: an issue cannot block itself');
        const at = now();
        await inTransaction(db(), async (trx) => {
          await practice.markBlock(trx, { orgId: auth.orgId, blockerId: req.params.issueId, blockedId: blocked.id, by: auth.memberId, at });
          await events.recordEvent(trx, {
            orgId: auth.orgId,
            issueId: req.params.issueId,
            type: 'issue.blocks',
            at,
            actorId: auth.memberId,
            data: { blocked: blocked.id },
          });
        });
        return reply.code(204).send(null);
      },
    });
  };

  async function cycleNumbersOf(orgId: string, issueId: string): Promise<Map<string, number>> {
    const rows = await issues.listCycles(db(), orgId, issueId);
    return new Map(rows.map((c) => [c.id, c.number]));
  }
}

function presentReport(r: practice.ReportRow, cycleNumber: number) {
  return {
    id: r.id,
    actionId: r.action_id,
    claimId: r.claim_id,
    verdict: r.verdict,
    whatDone: r.what_done,
    whatHappened: r.what_happened,
    cycleNumber,
    createdAt: r.created_at,
  };
}
