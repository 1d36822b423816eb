/**
 * Concentrating free text (docs/text.md): the statements closest to what a member is typing,
 * merging a duplicate into another statement, and the issue's themes.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { DomainError, notFound, roleAtLeast, statementStatuses, statementVisible, type ModerationPolicy, type StatementStatus } from '../../core/index.js';
import { events, inTransaction, issues, lines, organisations, statements } from '../../store/index.js';
import type { AppContext } from '../context.js';
import { authOf, type Auth } from '../auth/session.js';
import { routeOptions } from './route-options.js';
import { presentStatement } from '../presenters.js';
import { createStatementSimilarity } from '../services/statement-similarity.js';
import { publishStatementChange } from '../services/live.js';
import { createThemeCache, type IssueThemes } from '../services/issue-themes.js';
import { summariseTheme, SummaryUnavailable } from '../services/theme-summary.js';

/** Statements suggested while typing. */
const SIMILAR_MATCHES = 5;

export function textRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  const db = () => ctx.store.db;
  const similarity = createStatementSimilarity(db);
  const themeCache = createThemeCache(db, ctx.clock);

  async function issueOrThrow(orgId: string, issueId: string) {
    const issue = await issues.getIssue(db(), orgId, issueId);
    if (!issue) throw notFound('issue');
    return issue;
  }

  async function moderationOf(orgId: string): Promise<ModerationPolicy> {
    const org = await organisations.getOrganisation(db(), orgId);
    if (!org) throw notFound('organisation');
    return org.moderation;
  }

  /** The statuses of statements this reader may see and vote on: the issue's list, without the rejected. */
  async function votableStatuses(auth: Auth): Promise<readonly StatementStatus[]> {
    if (roleAtLeast(auth.role, 'organiser')) return statementStatuses.filter((s) => s !== 'rejected');
    const policy = await moderationOf(auth.orgId);
    return statementStatuses.filter((s) => statementVisible(s, policy));
  }

  /** The claims of the issue's current line version citing each theme's statements (a merged duplicate counts as its target) or reports. */
  async function claimsByTheme(orgId: string, issueId: string, found: IssueThemes) {
    const version = await lines.currentVersion(db(), orgId, issueId);
    const themeOf = new Map<string, string>();
    for (const t of found.themes) for (const item of [...t.statements, ...t.reports]) themeOf.set(item.id, t.id);
    const out = new Map<
      string,
      { id: string; text: string; lineVersionId: string; versionNumber: number; cites: { kind: 'statement' | 'report'; ref: string }[] }[]
    >();
    for (const claim of version?.claims ?? []) {
      const cited = new Map<string, { kind: 'statement' | 'report'; ref: string }[]>();
      for (const c of claim.citations) {
        const ref = c.kind === 'statement' ? c.statement_id : c.kind === 'report' ? c.report_id : null;
        if (ref === null || c.kind === 'analysis') continue;
        const item = c.kind === 'statement' ? (found.mergedInto.get(ref) ?? ref) : ref;
        const theme = themeOf.get(item);
        if (theme) cited.set(theme, [...(cited.get(theme) ?? []), { kind: c.kind, ref: item }]);
      }
      for (const [theme, cites] of cited) {
        out.set(theme, [...(out.get(theme) ?? []), { id: claim.id, text: claim.text, lineVersionId: version!.id, versionNumber: version!.number, cites }]);
      }
    }
    return out;
  }

  return async (app) => {
    app.route({
      ...routeOptions('similar'),
      handler: async (req) => {
        const auth = authOf(req);
        const issue = await issueOrThrow(auth.orgId, req.params.issueId);
        const found = await similarity.closest(auth.orgId, issue.id, req.query.text, SIMILAR_MATCHES, await votableStatuses(auth));
        const ids = found.map((f) => f.row.id);
        const [counts, mine] = await Promise.all([
          statements.voteCountsOf(db(), auth.orgId, ids),
          statements.memberVotesOn(db(), auth.orgId, auth.memberId, ids),
        ]);
        return { matches: found.map((f) => ({ statement: presentStatement(f.row, counts.get(f.row.id), mine.get(f.row.id) ?? null), score: f.score })) };
      },
    });

    app.route({
      ...routeOptions('merge'),
      handler: async (req) => {
        const auth = authOf(req);
        const at = ctx.clock().toISOString();
        const outcome = await inTransaction(db(), async (trx) => {
          const o = await statements.mergeStatement(trx, {
            orgId: auth.orgId,
            statementId: req.params.statementId,
            into: req.body.into,
            by: auth.memberId,
            at,
          });
          const cycle = await issues.currentCycle(trx, auth.orgId, o.target.issue_id);
          await events.recordEvent(trx, {
            orgId: auth.orgId,
            issueId: o.target.issue_id,
            cycleId: cycle.id,
            type: 'statement.merged',
            at,
            actorId: auth.memberId,
            data: { statementId: o.duplicate.id, into: o.target.id, carried: o.carried, kept: o.kept },
          });
          return o;
        });
        // The carried votes and the duplicate's leaving change what the analysis says.
        ctx.jobs.analyses.voteArrived(auth.orgId, outcome.target.issue_id);
        void publishStatementChange(ctx, {
          orgId: auth.orgId,
          issueId: outcome.target.issue_id,
          statementId: outcome.target.id,
          status: outcome.target.status,
          before: outcome.duplicate.status,
          change: 'merged',
        });
        ctx.live.votesChanged(auth.orgId, outcome.target.issue_id);
        const [counts, mine] = await Promise.all([
          statements.voteCountsOf(db(), auth.orgId, [outcome.target.id]),
          statements.memberVotesOn(db(), auth.orgId, auth.memberId, [outcome.target.id]),
        ]);
        return {
          statementId: outcome.duplicate.id,
          into: presentStatement(outcome.target, counts.get(outcome.target.id), mine.get(outcome.target.id) ?? null),
          carried: outcome.carried,
          kept: outcome.kept,
        };
      },
    });

    app.route({
      ...routeOptions('themes'),
      handler: async (req) => {
        const auth = authOf(req);
        const issue = await issueOrThrow(auth.orgId, req.params.issueId);
        // One set of themes for everyone: over the statements members may see.
        const found = await themeCache.themesOf(auth.orgId, issue.id, await moderationOf(auth.orgId));
        const claims = await claimsByTheme(auth.orgId, issue.id, found);
        return {
          analysis: found.analysis,
          themes: found.themes.map((t) => ({ ...t, claims: claims.get(t.id) ?? [] })),
          unthemed: found.unthemed,
          computedAt: found.computedAt,
          summaryModel: ctx.config.summary?.model ?? null,
        };
      },
    });

    // Off by default: the route exists only when the organisation configured its own endpoint.
    const endpoint = ctx.config.summary;
    if (endpoint) {
      app.route({
        ...routeOptions('themeSummary'),
        handler: async (req, reply) => {
          const auth = authOf(req);
          const issue = await issueOrThrow(auth.orgId, req.params.issueId);
          const found = await themeCache.themesOf(auth.orgId, issue.id, await moderationOf(auth.orgId));
          const theme = found.themes.find((t) => t.id === req.params.themeId);
          if (!theme) throw new DomainError('not_found', `themeId: the issue has no theme ${req.params.themeId} now`);
          try {
            const summary = await summariseTheme(endpoint, {
              issueTitle: issue.title,
              themeLabel: theme.label,
              statements: theme.statements,
              reports: theme.reports,
            });
            return { themeId: theme.id, label: theme.label, model: endpoint.model, ...summary };
          } catch (e) {
            // Not the request's fault nor a state of the issue: the organisation's endpoint failed.
            if (e instanceof SummaryUnavailable) return reply.code(502).send({ error: 'summary_unavailable', message: `summary: ${e.message}` });
            throw e;
          }
        },
      });
    }
  };
}
