/**
 * Criticism from below (MODEL.md §7). Tokens are issued to members (identified); criticism is
 * spent and checked on 'anonymous' routes that read no cookie and log nothing; published in
 * daily batches; seconded and answered in public.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import {
  DomainError,
  bureaucracy,
  dayOf,
  epochOf,
  epochSpendableUntil,
  epochStart,
  lastPublicationAt,
  nextEpochOf,
  nextPublicationAt,
  notFound,
  publicationOf,
  spendableEpochs,
  type CriticismTarget,
} from '../../core/index.js';
import type { CriticismSubmit } from '../../contract/index.js';
import { type Criticism } from '../../contract/index.js';
import { criticism, events, inTransaction, issues, lines, members, organisations } from '../../store/index.js';
import type { AppContext } from '../context.js';
import { authOf } from '../auth/session.js';
import { routeOptions } from './route-options.js';
import { blindSign, generateEpochKey, spentTokenHash, tokenIsValid } from '../services/criticism-tokens.js';

const DAY = 86_400_000;

export function criticismRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  const db = () => ctx.store.db;
  const hour = ctx.config.criticismPublishHourUtc;

  /**
   * Publish the batch that is due, if any (the timer does it too): a read first, and a write
   * transaction only when something is due, once a day at most.
   */
  async function publishDue(orgId: string): Promise<void> {
    const now = ctx.clock();
    const last = lastPublicationAt(now, hour);
    await criticism.publishBatch(db(), orgId, { beforeDay: dayOf(last), publishedAt: last.toISOString(), now: now.toISOString() });
  }

  /** The current and the next epoch's keys, made ahead and published in the chain as they are made. */
  async function currentKeys(orgId: string, now: Date) {
    return criticism.epochKeys(db(), orgId, [epochOf(now), nextEpochOf(now)], generateEpochKey, now.toISOString());
  }

  async function orgExists(orgId: string): Promise<void> {
    if (!(await organisations.getOrganisation(db(), orgId))) throw notFound('organisation');
  }

  async function targetOf(orgId: string, body: z.infer<typeof CriticismSubmit>['target']): Promise<{ kind: CriticismTarget; id: string | null }> {
    if (body.kind === 'issue') {
      if (!(await issues.getIssue(db(), orgId, body.issueId))) throw new DomainError('not_found', 'target.issueId: no such issue');
      return { kind: 'issue', id: body.issueId };
    }
    if (body.kind === 'line-version') {
      const v = await lines.getVersion(db(), orgId, body.lineVersionId);
      if (!v || v.status !== 'published') throw new DomainError('not_found', 'target.lineVersionId: no such published line version');
      return { kind: 'line-version', id: body.lineVersionId };
    }
    return { kind: 'leadership', id: null };
  }

  return async (app) => {
    app.route({
      ...routeOptions('criticismEpoch'),
      handler: async (req) => {
        const auth = authOf(req);
        const now = ctx.clock();
        const epochs = [];
        for (const key of await currentKeys(auth.orgId, now)) {
          epochs.push({
            epoch: key.epoch,
            publicKey: key.public_key,
            fingerprint: criticism.keyFingerprint(key.public_key),
            issuedToMe: await criticism.tokensIssued(db(), auth.orgId, key.epoch, auth.memberId),
            spendableFrom: epochStart(key.epoch).toISOString(),
            spendableUntil: epochSpendableUntil(key.epoch).toISOString(),
          });
        }
        return { quota: ctx.config.criticismQuota, nextPublicationAt: nextPublicationAt(now, hour).toISOString(), epochs };
      },
    });

    app.route({
      ...routeOptions('criticismKeys'),
      handler: async (req) => {
        const { orgId } = req.params;
        await orgExists(orgId);
        return { keys: await criticism.publishedKeys(db(), orgId, 10) };
      },
    });

    app.route({
      ...routeOptions('criticismTokens'),
      handler: async (req) => {
        const auth = authOf(req);
        const now = ctx.clock();
        const key = (await currentKeys(auth.orgId, now)).find((k) => k.epoch === req.body.epoch);
        if (!key) throw new DomainError('conflict', `epoch: tokens are issued for the current epoch ${epochOf(now)} and the next ${nextEpochOf(now)} only`);
        const { epoch, private_key: privateKey } = key;
        if (privateKey === null) throw new Error(`the signing key of ${epoch} was deleted inside its window`);
        const blindSignatures = await criticism.issueTokens(
          db(),
          { orgId: auth.orgId, epoch, memberId: auth.memberId, blinded: req.body.blinded, quota: ctx.config.criticismQuota },
          async () => blindSign({ publicKey: key.public_key, privateKey }, req.body.blinded),
        );
        return { epoch, blindSignatures };
      },
    });

    app.route({
      ...routeOptions('criticise'),
      handler: async (req, reply) => {
        const { orgId } = req.params;
        await orgExists(orgId);
        const now = ctx.clock();
        const t = req.body.token;
        if (!spendableEpochs(now).includes(t.epoch))
          throw new DomainError('forbidden', `token.epoch: tokens of ${t.epoch} can no longer be spent; fetch this epoch's`);
        const key = await criticism.findEpochKey(db(), orgId, t.epoch);
        if (!key || !tokenIsValid(key.public_key, t.message, t.signature))
          throw new DomainError('forbidden', 'token.signature: not a token this organisation issued');
        const target = await targetOf(orgId, req.body.target);
        const receipt = await criticism.submitCriticism(db(), {
          orgId,
          epoch: t.epoch,
          tokenHash: spentTokenHash(t.message),
          targetKind: target.kind,
          targetId: target.id,
          text: req.body.text,
          writtenOn: dayOf(now),
        });
        return reply.code(receipt.created ? 201 : 200).send({
          id: receipt.id,
          contentHash: receipt.contentHash,
          writtenOn: receipt.writtenOn,
          publishesAt: publicationOf(receipt.writtenOn, hour).toISOString(),
        });
      },
    });

    app.route({
      ...routeOptions('receipt'),
      handler: async (req) => {
        const { orgId, criticismId } = req.params;
        let c = await criticism.getCriticism(db(), orgId, criticismId);
        if (!c) throw notFound('criticism');
        // Its batch is due and not yet published (the timer had not come round): publish it now.
        if (c.position === null && publicationOf(c.written_on, hour).getTime() <= ctx.clock().getTime()) {
          await publishDue(orgId);
          c = await criticism.getCriticism(db(), orgId, criticismId);
          if (!c) throw notFound('criticism');
        }
        return {
          id: c.id,
          contentHash: c.content_hash,
          writtenOn: c.written_on,
          status: c.position === null ? ('pending' as const) : ('published' as const),
          publishesAt: c.published_at ?? publicationOf(c.written_on, hour).toISOString(),
          position: c.position === null ? null : Number(c.position),
          entryHash: c.entry_hash,
        };
      },
    });

    app.route({
      ...routeOptions('criticisms'),
      handler: async (req) => {
        const auth = authOf(req);
        await publishDue(auth.orgId);
        const now = ctx.clock();
        const [rows, counts, head, memberCount, issueRows, versions] = await Promise.all([
          criticism.listPublished(db(), auth.orgId, auth.memberId),
          criticism.publishedCounts(db(), auth.orgId),
          criticism.chainHead(db(), auth.orgId),
          members.countMembers(db(), auth.orgId),
          issues.listIssues(db(), auth.orgId),
          lines.listPublishedVersions(db(), auth.orgId),
        ]);
        const issueTitle = new Map(issueRows.map((i) => [i.id, i.title]));
        const versionTitle = new Map(versions.map((v) => [v.id, `${issueTitle.get(v.issue_id) ?? ''} · line v${v.number}`]));
        const list: Criticism[] = rows.map((r) => {
          const publishedAt = r.published_at ?? now.toISOString();
          const first = r.answers[0];
          return {
            id: r.id,
            target: {
              kind: r.target_kind as CriticismTarget,
              id: r.target_id,
              title:
                r.target_kind === 'issue'
                  ? (issueTitle.get(r.target_id ?? '') ?? null)
                  : r.target_kind === 'line-version'
                    ? (versionTitle.get(r.target_id ?? '') ?? null)
                    : null,
            },
            text: r.text,
            writtenOn: r.written_on,
            publishedAt,
            ageDays: Math.floor(Math.max(0, now.getTime() - Date.parse(publishedAt)) / DAY),
            seconds: r.seconds,
            secondedByMe: r.secondedByMe,
            answers: r.answers.map((a) => ({ id: a.id, text: a.text, answeredAt: a.answered_at, by: { displayName: a.author_name, role: a.author_role } })),
            daysToAnswer: first ? Math.max(0, (Date.parse(first.answered_at) - Date.parse(publishedAt)) / DAY) : null,
            chain: { position: Number(r.position), prevHash: r.prev_hash ?? '', entryHash: r.entry_hash ?? '', contentHash: r.content_hash },
          };
        });
        const quota = ctx.config.criticismQuota;
        return {
          criticisms: list,
          bureaucracy: bureaucracy(
            list.map((c) => ({ publishedAt: c.publishedAt, firstAnsweredAt: c.answers[0]?.answeredAt ?? null })),
            now,
          ),
          // As of the last publication, never live: nothing here moves when a criticism is sent.
          pending: counts.pending,
          countsAsOf: counts.asOf ?? lastPublicationAt(now, hour).toISOString(),
          nextPublicationAt: nextPublicationAt(now, hour).toISOString(),
          members: memberCount,
          quota,
          epochs: counts.epochs.map((t) => ({ ...t, ceiling: quota * memberCount })),
          chainHead: head,
        };
      },
    });

    async function publishedOrThrow(orgId: string, criticismId: string) {
      const c = await criticism.getCriticism(db(), orgId, criticismId);
      if (!c || c.position === null) throw notFound('criticism');
      return c;
    }

    app.route({
      ...routeOptions('second'),
      handler: async (req) => {
        const auth = authOf(req);
        await publishedOrThrow(auth.orgId, req.params.criticismId);
        await criticism.second(db(), { orgId: auth.orgId, criticismId: req.params.criticismId, memberId: auth.memberId, at: ctx.clock().toISOString() });
        return criticism.secondsOf(db(), auth.orgId, req.params.criticismId, auth.memberId);
      },
    });

    app.route({
      ...routeOptions('unsecond'),
      handler: async (req) => {
        const auth = authOf(req);
        await publishedOrThrow(auth.orgId, req.params.criticismId);
        await criticism.withdrawSecond(db(), { orgId: auth.orgId, criticismId: req.params.criticismId, memberId: auth.memberId });
        return criticism.secondsOf(db(), auth.orgId, req.params.criticismId, auth.memberId);
      },
    });

    app.route({
      ...routeOptions('answerCriticism'),
      handler: async (req, reply) => {
        const auth = authOf(req);
        const c = await publishedOrThrow(auth.orgId, req.params.criticismId);
        const at = ctx.clock().toISOString();
        const row = await inTransaction(db(), async (trx) => {
          const a = await criticism.answer(trx, { orgId: auth.orgId, criticismId: c.id, authorId: auth.memberId, text: req.body.text, at });
          await events.recordEvent(trx, {
            orgId: auth.orgId,
            issueId: c.target_kind === 'issue' ? c.target_id : null,
            type: 'criticism.answered',
            at,
            actorId: auth.memberId,
            data: { criticismId: c.id },
          });
          return a;
        });
        const me = await members.getMember(db(), auth.orgId, auth.memberId);
        return reply
          .code(201)
          .send({ id: row.id, text: row.text, answeredAt: row.answered_at, by: { displayName: me?.display_name ?? null, role: me?.role ?? null } });
      },
    });
  };
}
