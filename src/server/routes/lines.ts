/** Concentrate and propagate: drafting a line version whose claims cite their basis, and publishing it. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { DomainError, notFound } from '../../core/index.js';
import type { DraftBody } from '../../contract/index.js';
import { analyses, events, inTransaction, issues, lines, practice, statements, votes, type Db } from '../../store/index.js';
import type { AppContext } from '../context.js';
import { authOf } from '../auth/session.js';
import { routeOptions } from './route-options.js';
import { lineHistoryView } from '../views/line-history.js';

export function lineRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  const db = () => ctx.store.db;
  const now = () => ctx.clock().toISOString();

  async function issueOrThrow(orgId: string, issueId: string) {
    const issue = await issues.getIssue(db(), orgId, issueId);
    if (!issue) throw notFound('issue');
    return issue;
  }

  /** Every citation must name a statement, analysis or report of this very issue. */
  async function checkCitations(trx: Db, orgId: string, issueId: string, body: z.infer<typeof DraftBody>): Promise<void> {
    const [statementRows, analysisRows, reportRows] = await Promise.all([
      statements.listStatements(trx, orgId, issueId),
      analyses.listAnalysisIds(trx, orgId, issueId),
      practice.listReports(trx, orgId, { issueId }),
    ]);
    const known = { statement: new Set(statementRows.map((s) => s.id)), analysis: new Set(analysisRows), report: new Set(reportRows.map((r) => r.id)) };
    body.claims.forEach((claim, i) =>
      claim.cites.forEach((c, j) => {
        if (!known[c.kind].has(c.ref)) throw new DomainError('not_found', `claims.${i}.cites.${j}.ref: no ${c.kind} ${c.ref} on this issue`);
      }),
    );
  }

  async function versionView(orgId: string, issueId: string, versionId: string) {
    const view = (await lineHistoryView(db(), orgId, issueId, ctx.clock(), ctx.facts.of)).find((v) => v.id === versionId);
    if (!view) throw notFound('line version');
    return view;
  }

  return async (app) => {
    app.route({
      ...routeOptions('line'),
      handler: async (req) => {
        const auth = authOf(req);
        await issueOrThrow(auth.orgId, req.params.issueId);
        const versions = await lineHistoryView(db(), auth.orgId, req.params.issueId, ctx.clock(), ctx.facts.of);
        // Drafts are the organisers' working copies.
        return { versions: auth.role === 'member' ? versions.filter((v) => v.status === 'published') : versions };
      },
    });

    app.route({
      ...routeOptions('createDraft'),
      handler: async (req, reply) => {
        const auth = authOf(req);
        const issue = await issueOrThrow(auth.orgId, req.params.issueId);
        if (issue.status !== 'open') throw new DomainError('invalid_transition', 'issue: resolved issues take no new line');
        const at = now();
        const version = await inTransaction(db(), async (trx) => {
          await checkCitations(trx, auth.orgId, issue.id, req.body);
          const cycle = await issues.currentCycle(trx, auth.orgId, issue.id);
          const latest = await analyses.latestAnalysis(trx, auth.orgId, issue.id, 'engine');
          const v = await lines.createDraft(trx, {
            orgId: auth.orgId,
            issueId: issue.id,
            cycleId: cycle.id,
            analysisId: latest?.id ?? null,
            createdBy: auth.memberId,
            at,
            claims: req.body.claims,
          });
          await events.recordEvent(trx, {
            orgId: auth.orgId,
            issueId: issue.id,
            cycleId: cycle.id,
            type: 'line.drafted',
            at,
            actorId: auth.memberId,
            data: { versionId: v.id, claims: req.body.claims.length },
          });
          return v;
        });
        return reply.code(201).send(await versionView(auth.orgId, issue.id, version.id));
      },
    });

    app.route({
      ...routeOptions('updateDraft'),
      handler: async (req) => {
        const auth = authOf(req);
        const version = await lines.getVersion(db(), auth.orgId, req.params.versionId);
        if (!version) throw notFound('line version');
        if (version.status !== 'draft') throw new DomainError('conflict', 'versionId: a published version is kept as it is; draft a new one');
        await inTransaction(db(), async (trx) => {
          await checkCitations(trx, auth.orgId, version.issue_id, req.body);
          await lines.replaceDraftClaims(trx, auth.orgId, version.id, req.body.claims);
        });
        return versionView(auth.orgId, version.issue_id, version.id);
      },
    });

    app.route({
      ...routeOptions('publish'),
      handler: async (req) => {
        const auth = authOf(req);
        const version = await lines.getVersion(db(), auth.orgId, req.params.versionId);
        if (!version) throw notFound('line version');
        if (version.status !== 'draft') throw new DomainError('conflict', 'versionId: already published');
        const at = now();
        const cycleNumber = await inTransaction(db(), async (trx) => {
          const cycle = await issues.currentCycle(trx, auth.orgId, version.issue_id);
          if (cycle.phase !== 'concentrate')
            throw new DomainError('invalid_transition', `phase: a line is published from the concentrate phase; the cycle is in ${cycle.phase}`);
          const analysis = await analyses.latestAnalysis(trx, auth.orgId, version.issue_id, 'engine');
          if (!analysis || analysis.cycle_id !== cycle.id) {
            throw new DomainError(
              'invalid_transition',
              "analysis: no analysis of this cycle's gathering yet; a line cannot be published without concentrating what the members said",
            );
          }
          // No concentration without practice: the analysis must include votes cast since the previous version was published.
          const previous = await lines.currentVersion(trx, auth.orgId, version.issue_id);
          if (
            previous?.published_at &&
            (await votes.votesCastAfter(trx, auth.orgId, version.issue_id, Number(analysis.votes_seq), previous.published_at)) === 0
          ) {
            throw new DomainError(
              'invalid_transition',
              `analysis: includes no vote cast since version ${previous.number} was published; re-analysing old votes is no new concentration, gather again first`,
            );
          }
          if (!(await lines.publishVersion(trx, auth.orgId, version.id, auth.memberId, at))) throw new DomainError('conflict', 'versionId: already published');
          if (!(await issues.setCyclePhase(trx, cycle.id, 'concentrate', 'propagate')))
            throw new DomainError('conflict', 'cycle: advanced by someone else meanwhile');
          await events.recordEvent(trx, {
            orgId: auth.orgId,
            issueId: version.issue_id,
            cycleId: cycle.id,
            type: 'line.published',
            at,
            actorId: auth.memberId,
            data: {
              versionId: version.id,
              number: version.number,
              analysisId: analysis.id,
              claims: version.claims.map((c) => ({
                id: c.id,
                text: c.text,
                cites: c.citations.map((x) => ({ kind: x.kind, ref: x.statement_id ?? x.analysis_id ?? x.report_id })),
              })),
            },
          });
          await events.recordEvent(trx, {
            orgId: auth.orgId,
            issueId: version.issue_id,
            cycleId: cycle.id,
            type: 'cycle.advanced',
            at,
            actorId: auth.memberId,
            data: { from: 'concentrate', to: 'propagate', cycle: cycle.number, by: 'publication' },
          });
          return cycle.number;
        });
        void ctx.live.publish(auth.orgId, { type: 'line', issueId: version.issue_id, versionId: version.id, number: version.number });
        void ctx.live.publish(auth.orgId, { type: 'phase', issueId: version.issue_id, cycleNumber, phase: 'propagate', previousPhase: 'concentrate' });
        return versionView(auth.orgId, version.issue_id, version.id);
      },
    });
  };
}
