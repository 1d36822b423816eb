/** The model's figures (MODEL.md §2–4, §6–7), computed on each request from stored facts. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  DomainError,
  embraceRateAt,
  forecastIssueAt,
  forecastOrganisationAt,
  isoInstant,
  issueHealthAt,
  issueHealthTrail,
  trailByDay,
  issueQualityAt,
  lineHistoryAt,
  notFound,
  organisationHealthAt,
  principalContradiction,
  qualitativeChanges,
  unitedFront,
  whatBecameOf,
  actsOfMember,
  whatIf,
  roleAtLeast,
  statementStatuses,
  statementVisible,
  type ModelFacts,
  type Role,
} from '../../core/index.js';
import { events, inTransaction, issues, organisations, statements } from '../../store/index.js';
import type { AppContext } from '../context.js';
import { authOf } from '../auth/session.js';
import { routeOptions } from './route-options.js';
import { modelSettingsOf } from '../model-settings.js';
import { finite } from '../views/finite.js';

/** Texts not known yet: notes each statement a figure names. */
class StatementsNamed extends Map<string, string> {
  readonly named = new Set<string>();
  override get(id: string): string | undefined {
    this.named.add(id);
    return undefined;
  }
  override has(id: string): boolean {
    this.named.add(id);
    return false;
  }
}

export function modelRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  const db = () => ctx.store.db;

  async function factsOf(orgId: string) {
    const [facts, org] = await Promise.all([ctx.facts.of(orgId), organisations.getOrganisation(db(), orgId)]);
    if (!org) throw notFound('organisation');
    return { facts, settings: modelSettingsOf(org.settings) };
  }
  const instant = (q: { at?: string | undefined }) => (q.at ? Date.parse(q.at) : ctx.clock().getTime());
  const issueOf = (facts: ModelFacts, issueId: string) => {
    const issue = facts.issues.find((i) => i.id === issueId);
    if (!issue) throw notFound('issue');
    return issue;
  };

  /**
   * A figure whose sentences name statements by their text, as the pages do: computed once to
   * learn which statements it names, then with the texts of those the reader may see (one query
   * for those few, not every statement of every issue).
   */
  async function namingStatements<T>(auth: { orgId: string; role: Role }, compute: (texts: ReadonlyMap<string, string>) => T): Promise<T> {
    const asking = new StatementsNamed();
    const first = compute(asking);
    const named = asking.named;
    if (named.size === 0) return first;
    const org = await organisations.getOrganisation(db(), auth.orgId);
    const statuses = roleAtLeast(auth.role, 'organiser')
      ? statementStatuses
      : statementStatuses.filter((s) => statementVisible(s, org?.moderation ?? 'strict'));
    const texts = new Map((await statements.statementTexts(db(), auth.orgId, [...named], statuses)).map((s) => [s.id, s.text]));
    return compute(texts);
  }

  return async (app) => {
    app.route({
      ...routeOptions('health'),
      handler: async (req) => {
        const auth = authOf(req);
        const at = instant(req.query);
        const { facts, settings } = await factsOf(auth.orgId);
        const open = facts.issues.filter((i) => i.openedAt <= at && (i.resolvedAt === null || i.resolvedAt > at));
        // Refuted claims name the statements that lost consensus by their text.
        const quality = await namingStatements(auth, (texts) => new Map(open.map((i) => [i.id, issueQualityAt(facts, i.id, at, settings, texts)])));
        return finite({
          at: isoInstant(at),
          organisation: { health: organisationHealthAt(facts, at, settings), forecast: forecastOrganisationAt(facts, at, settings) },
          issues: open.map((i) => ({
            issueId: i.id,
            title: i.title,
            health: issueHealthAt(facts, i.id, at, settings),
            quality: quality.get(i.id)!,
            forecast: forecastIssueAt(facts, i.id, at, settings),
            marks: { driftedFromMasses: lineHistoryAt(facts, i.id, at, settings).driftedFromMasses },
          })),
        });
      },
    });

    app.route({
      ...routeOptions('healthTrail'),
      handler: async (req) => {
        const auth = authOf(req);
        const { facts, settings } = await factsOf(auth.orgId);
        issueOf(facts, req.params.issueId);
        // As drawn: a point a day and every change of character (a busy issue has a point per act).
        return finite({ issueId: req.params.issueId, points: trailByDay(issueHealthTrail(facts, req.params.issueId, instant(req.query), settings)) });
      },
    });

    app.route({
      ...routeOptions('whatIf'),
      handler: async (req) => {
        const auth = authOf(req);
        const { facts, settings } = await factsOf(auth.orgId);
        issueOf(facts, req.params.issueId);
        return finite(whatIf(facts, req.params.issueId, ctx.clock().getTime(), { everyWeeks: req.query.everyWeeks, members: req.query.members }, settings));
      },
    });

    app.route({
      ...routeOptions('changes'),
      handler: async (req) => {
        const auth = authOf(req);
        const { facts, settings } = await factsOf(auth.orgId);
        const at = instant(req.query);
        const changes = await namingStatements(auth, (texts) => qualitativeChanges(facts, at, settings, texts));
        return finite({ changes: changes.map((c) => ({ ...c, iso: isoInstant(c.at) })) });
      },
    });

    app.route({
      ...routeOptions('principal'),
      handler: async (req) => {
        const auth = authOf(req);
        const { facts, settings } = await factsOf(auth.orgId);
        return finite(principalContradiction(facts, instant(req.query), settings));
      },
    });

    app.route({
      ...routeOptions('unitedFront'),
      handler: async (req) => {
        const auth = authOf(req);
        const { facts, settings } = await factsOf(auth.orgId);
        issueOf(facts, req.params.issueId);
        const front = unitedFront(facts, req.params.issueId, instant(req.query), settings);
        const texts = new Map((await statements.listStatements(db(), auth.orgId, req.params.issueId)).map((s) => [s.id, s.text]));
        return finite({ ...front, setAside: front.setAside.map((id) => ({ statementId: id, text: texts.get(id) ?? null })) });
      },
    });

    app.route({
      ...routeOptions('embrace'),
      handler: async (req) => {
        const auth = authOf(req);
        const { facts, settings } = await factsOf(auth.orgId);
        const embrace = embraceRateAt(facts, req.params.versionId, instant(req.query), settings);
        if (!embrace) throw notFound('published line version');
        return finite(embrace);
      },
    });

    app.route({
      ...routeOptions('myInput'),
      handler: async (req) => {
        const auth = authOf(req);
        const { facts } = await factsOf(auth.orgId);
        const mine = [...new Set(actsOfMember(facts, auth.memberId).flatMap((a) => (a.statementId !== null ? [a.statementId] : [])))];
        const mergedInto = await statements.mergedTargets(db(), auth.orgId, mine);
        const loop = whatBecameOf(facts, auth.memberId, ctx.clock().getTime(), mergedInto);
        const texts = new Map(
          (await statements.statementTexts(db(), auth.orgId, [...loop.statements.map((s) => s.statementId), ...mergedInto.values()])).map((s) => [
            s.id,
            s.text,
          ]),
        );
        return finite({
          ...loop,
          statements: loop.statements.map((s) => ({
            ...s,
            text: texts.get(s.statementId) ?? null,
            mergedIntoText: s.mergedInto === null ? null : (texts.get(s.mergedInto) ?? null),
          })),
        });
      },
    });

    app.route({
      ...routeOptions('resolve'),
      handler: async (req) => {
        const auth = authOf(req);
        const issue = await issues.getIssue(db(), auth.orgId, req.params.issueId);
        if (!issue) throw notFound('issue');
        if (issue.status !== 'open') throw new DomainError('conflict', 'issue: already resolved');
        const at = ctx.clock().toISOString();
        const successors = await inTransaction(db(), async (trx) => {
          await issues.resolveIssue(trx, auth.orgId, issue.id, at);
          await events.recordEvent(trx, { orgId: auth.orgId, issueId: issue.id, type: 'issue.resolved', at, actorId: auth.memberId });
          const ids: string[] = [];
          for (const s of req.body.successors) {
            const r = await issues.createIssue(trx, {
              orgId: auth.orgId,
              title: s.title,
              description: s.description,
              createdBy: auth.memberId,
              predecessorId: issue.id,
              at,
            });
            await events.recordEvent(trx, {
              orgId: auth.orgId,
              issueId: r.issue.id,
              cycleId: r.cycle.id,
              type: 'issue.opened',
              at,
              actorId: auth.memberId,
              data: { title: s.title, predecessorId: issue.id },
            });
            ids.push(r.issue.id);
          }
          return ids;
        });
        void ctx.live.publish(auth.orgId, { type: 'issue', issueId: issue.id, change: 'resolved' });
        for (const id of successors) void ctx.live.publish(auth.orgId, { type: 'issue', issueId: id, change: 'opened' });
        return { issueId: issue.id, successors };
      },
    });
  };
}
