/**
 * `massline simulate TIMELINE.json`: replays a timeline into a fresh in-memory store through the
 * server's own routes (inject, with the clock set to each event's instant), and reads the
 * model's figures back through the API at each asked date. See docs/simulate.md.
 */
import type { FastifyInstance } from 'fastify';
import type { Timeline, TimelineEvent } from '../contract/index.js';
import { requestTokens } from '../contract/criticism-tokens.js';
import { pathOf, routeTable } from '../contract/route-table.js';
import { buildApp, createContext, loadConfig, type AppContext } from '../server/index.js';
import { csrfTokenOf } from '../server/auth/csrf.js';

export interface SimulationSnapshot {
  at: string;
  organisation: { L: number; P: number; l: number; pi: number; character: string };
  issues: Record<
    string,
    {
      L: number;
      P: number;
      l: number;
      pi: number;
      character: string;
      grounding: number | null;
      forecast: { date: string | null; into: string | null; already: boolean };
    }
  >;
}

export interface SimulationResult {
  snapshots: SimulationSnapshot[];
  changes: { at: string; issue: string; type: string; description: string }[];
}

export class SimulationError extends Error {}

type Step =
  | { at: number; order: number; kind: 'join'; member: Timeline['members'][number] }
  | { at: number; order: number; kind: 'event'; event: TimelineEvent; index: number }
  | { at: number; order: number; kind: 'ask' };

/** A client of the app through inject(), keeping its session cookie. */
export class Session {
  cookie: string | undefined;
  constructor(private readonly app: FastifyInstance) {}
  async call<T = Record<string, unknown>>(method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, body?: unknown): Promise<T> {
    const res = await this.app.inject({
      method,
      url,
      headers: {
        ...(this.cookie ? { cookie: `massline_session=${this.cookie}`, 'x-csrf-token': csrfTokenOf(this.cookie) } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    const set = res.cookies.find((c) => c.name === 'massline_session');
    if (set) this.cookie = set.value;
    if (res.statusCode >= 300) {
      const err = res.json() as { message?: string };
      throw new SimulationError(`${method} ${url.replace(/\/api\/orgs\/[^/]+/, '')}: ${res.statusCode} ${err.message ?? res.body}`);
    }
    return (res.body ? res.json() : {}) as T;
  }
}

export interface ReplayTarget {
  app: FastifyInstance;
  ctx: AppContext;
  /** The organisation and an organiser's session in it. */
  orgId: string;
  admin: Session;
  /** Set the context's clock. */
  setNow(ms: number): void;
  /** Accept members' statements as they come (an organisation with the strict policy). */
  moderate?: boolean;
}

export interface Replayed {
  issueIds: Map<string, string>;
  statementIds: Map<string, string>;
  claimIds: Map<string, string>;
  actionIds: Map<string, string>;
  /** The last instant replayed. */
  until: number;
}

/**
 * Replay a timeline's members and events into an organisation through its API, in time order,
 * the clock set to each instant; `onAsk` runs at each asked instant after the events up to it.
 */
export async function replayTimeline(
  target: ReplayTarget,
  timeline: Timeline,
  onAsk: (at: number, ids: Replayed) => Promise<void> = async () => undefined,
): Promise<Replayed> {
  const { app, ctx, orgId, admin } = target;
  const steps: Step[] = [
    ...timeline.members.map((member, i) => ({ at: member.joined, order: i, kind: 'join' as const, member })),
    ...timeline.events.map((event, i) => ({ at: event.at, order: 1e6 + i, kind: 'event' as const, event, index: i })),
    ...timeline.ask.map((at, i) => ({ at, order: 2e6 + i, kind: 'ask' as const })),
  ].sort((a, b) => a.at - b.at || a.order - b.order);
  const members = new Map<string, Session>();
  const ids: Replayed = { issueIds: new Map(), statementIds: new Map(), claimIds: new Map(), actionIds: new Map(), until: steps.at(-1)?.at ?? 0 };
  const { issueIds, statementIds, claimIds, actionIds } = ids;
  const claimTexts = new Map<string, string>();
  const reportIds = new Map<string, string>();
  const criticismIds = new Map<string, string>();
  const currentVersion = new Map<string, string>();
  const need = <T>(map: Map<string, T>, key: string, what: string): T => {
    const v = map.get(key);
    if (v === undefined) throw new SimulationError(`no ${what} "${key}" (yet)`);
    return v;
  };
  const member = (key: string) => need(members, key, 'member');
  const issue = (key: string) => need(issueIds, key, 'issue');
  const inIssue = (key: string) => ({ orgId, issueId: issue(key) });
  const advance = (issueKey: string) => admin.call<{ cycle: { phase: string } }>('POST', pathOf(routeTable.advanceCycle, inIssue(issueKey)), {});

  for (const step of steps) {
    target.setNow(step.at);
    if (step.kind === 'join') {
      // Organisers and admins join with their role: the leadership, whose own activity is not the masses' practice.
      const invite = await admin.call<{ token: string }>('POST', pathOf(routeTable.createInvite, { orgId }), { maxUses: 1, role: step.member.role });
      const session = new Session(app);
      await session.call('POST', pathOf(routeTable.acceptInvite, { token: invite.token }), {
        displayName: step.member.name ?? step.member.id,
        ...(step.member.constituency ? { constituency: step.member.constituency } : {}),
      });
      members.set(step.member.id, session);
      continue;
    }
    if (step.kind === 'ask') {
      await onAsk(step.at, ids);
      continue;
    }
    const e = step.event;
    try {
      switch (e.type) {
        case 'issue': {
          const r = await admin.call<{ id: string }>('POST', pathOf(routeTable.createIssue, { orgId }), { title: e.title, description: e.description ?? '' });
          issueIds.set(e.issue, r.id);
          break;
        }
        case 'statement': {
          const r = await member(e.member).call<{ id: string; status: string }>('POST', pathOf(routeTable.submitStatement, inIssue(e.issue)), { text: e.text });
          // Under the strict policy an organiser lets it through, as moderation would.
          if (r.status === 'unmoderated' && target.moderate)
            await admin.call('PATCH', pathOf(routeTable.moderate, { orgId, statementId: r.id }), { status: 'accepted' });
          statementIds.set(e.id, r.id);
          break;
        }
        case 'vote':
          await member(e.member).call('PUT', pathOf(routeTable.vote, { orgId, statementId: need(statementIds, e.statement, 'statement') }), { vote: e.value });
          break;
        case 'line': {
          // A line is published from concentrate: walk the cycle there (a finished cycle starts anew), then concentrate.
          let phase = (await admin.call<{ cycle: { phase: string } }>('GET', pathOf(routeTable.issue, inIssue(e.issue)))).cycle.phase;
          while (phase !== 'concentrate') phase = (await advance(e.issue)).cycle.phase;
          await ctx.jobs.analyses.analyzeNow(orgId, issue(e.issue));
          const cites = (keys: string[]) =>
            keys.map((k) =>
              statementIds.has(k) ? { kind: 'statement', ref: statementIds.get(k) } : { kind: 'report', ref: need(reportIds, k, 'statement or report') },
            );
          const draft = await admin.call<{ id: string; claims: { id: string }[] }>('POST', pathOf(routeTable.createDraft, inIssue(e.issue)), {
            claims: e.claims.map((c) => ({ text: c.text, cites: cites(c.cites) })),
          });
          e.claims.forEach((c, i) => {
            claimIds.set(c.id, draft.claims[i]!.id);
            claimTexts.set(c.id, c.text);
          });
          await admin.call('POST', pathOf(routeTable.publish, { orgId, versionId: draft.id }));
          currentVersion.set(e.issue, draft.id);
          break;
        }
        case 'endorse':
          await member(e.member).call('PUT', pathOf(routeTable.endorse, { orgId, versionId: need(currentVersion, e.issue, 'published line on issue') }), {
            kind: e.response,
            ...(e.text ? { text: e.text } : {}),
          });
          break;
        case 'report': {
          const r = await member(e.member).call<{ id: string }>('POST', pathOf(routeTable.fileReport, inIssue(e.issue)), {
            ...(e.claim ? { claimId: need(claimIds, e.claim, 'claim') } : {}),
            ...(e.verdict ? { verdict: e.verdict } : {}),
            ...(e.action ? { actionId: need(actionIds, e.action, 'action') } : {}),
            whatDone: e.text,
            whatHappened: e.text,
          });
          if (e.id) reportIds.set(e.id, r.id);
          break;
        }
        case 'advance':
          await advance(e.issue);
          break;
        case 'important':
          await member(e.member).call('PUT', pathOf(routeTable.markImportant, inIssue(e.issue)));
          break;
        case 'block':
          await admin.call('POST', pathOf(routeTable.markBlocks, inIssue(e.issue)), { blocks: issue(e.blocks) });
          break;
        case 'criticise': {
          const who = member(e.member);
          const [epoch] = (await who.call<{ epochs: { epoch: string; publicKey: string }[] }>('GET', pathOf(routeTable.criticismEpoch, { orgId }))).epochs;
          if (!epoch) throw new Error('criticism/epoch: no current epoch');
          const asked = await requestTokens(epoch.epoch, epoch.publicKey, 1);
          const signed = await who.call<{ blindSignatures: string[] }>('POST', pathOf(routeTable.criticismTokens, { orgId }), {
            epoch: epoch.epoch,
            blinded: asked.blinded,
          });
          const [token] = await asked.finish(signed.blindSignatures);
          // Spent as the pages do: a request with no session at all.
          const receipt = await new Session(app).call<{ id: string }>('POST', pathOf(routeTable.criticise, { orgId }), {
            token,
            target: e.issue ? { kind: 'issue', issueId: issue(e.issue) } : { kind: 'leadership' },
            text: e.text,
          });
          criticismIds.set(e.id, receipt.id);
          break;
        }
        case 'second':
          // The daily batch is published by a timer; the replay's clock jumps, so it publishes what is due itself.
          await ctx.jobs.criticism.publishDue();
          await member(e.member).call('PUT', pathOf(routeTable.second, { orgId, criticismId: need(criticismIds, e.criticism, 'criticism') }));
          break;
        case 'answer':
          await ctx.jobs.criticism.publishDue();
          await admin.call('POST', pathOf(routeTable.answerCriticism, { orgId, criticismId: need(criticismIds, e.criticism, 'criticism') }), { text: e.text });
          break;
        case 'action': {
          // The claim it puts to the test is named in its description, as an organiser would write it.
          const description = e.claim ? `Puts to the test: “${need(claimTexts, e.claim, 'claim')}”` : '';
          const r = await admin.call<{ id: string }>('POST', pathOf(routeTable.createAction, inIssue(e.issue)), { title: e.title, description });
          actionIds.set(e.id, r.id);
          break;
        }
        case 'join':
          await member(e.member).call('PUT', pathOf(routeTable.joinAction, { orgId, actionId: need(actionIds, e.action, 'action') }));
          break;
        case 'merge':
          await admin.call('POST', pathOf(routeTable.merge, { orgId, statementId: need(statementIds, e.from, 'statement') }), {
            into: need(statementIds, e.into, 'statement'),
          });
          break;
      }
    } catch (err) {
      throw new SimulationError(`events[${step.index}] (${e.type} at ${new Date(e.at).toISOString()}): ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  await ctx.jobs.analyses.drain();
  await ctx.jobs.criticism.publishDue();
  return ids;
}

export async function simulate(timeline: Timeline, options: { passwords?: AppContext['passwords'] } = {}): Promise<SimulationResult> {
  const instants = [...timeline.members.map((m) => m.joined), ...timeline.events.map((e) => e.at), ...timeline.ask];
  let now = instants.length ? Math.min(...instants) : Date.UTC(2026, 0, 1);
  const ctx = await createContext(
    loadConfig({}, { dataDir: ':memory:', logLevel: 'silent', analysisDebounceMs: 0, sessionDays: 365 * 100, rateLimits: 'off' }),
    {
      clock: () => new Date(now),
      analysisMode: 'inline',
      ...(options.passwords ? { passwords: options.passwords } : {}),
    },
  );
  const app = await buildApp(ctx);
  try {
    const admin = new Session(app);
    const me = await admin.call<{ organisation: { id: string } }>('POST', pathOf(routeTable.signup, {}), {
      organisation: { name: 'Simulation', slug: 'simulation' },
      displayName: 'Organiser',
      email: 'organiser@simulation.massline',
      password: 'simulation-only',
    });
    const orgId = me.organisation.id;
    await admin.call('PATCH', pathOf(routeTable.updateOrganisation, { orgId }), { moderation: 'permissive', settings: timeline.settings });
    const snapshots: SimulationSnapshot[] = [];
    const keyOfIssue = (ids: Replayed) => new Map([...ids.issueIds].map(([k, v]) => [v, k]));
    const ids = await replayTimeline({ app, ctx, orgId, admin, setNow: (ms) => (now = ms) }, timeline, async (at, ids) => {
      snapshots.push(snapshotOf(await admin.call('GET', pathOf(routeTable.health, { orgId }, { at: new Date(at).toISOString() })), keyOfIssue(ids)));
    });
    const until = new Date(Math.max(now, ...timeline.ask)).toISOString();
    const changes = await admin.call<{ changes: { iso: string; issueId: string; type: string; description: string }[] }>(
      'GET',
      pathOf(routeTable.changes, { orgId }, { at: until }),
    );
    const issueKey = keyOfIssue(ids);
    // Speak of statements and claims by the timeline's own keys.
    const keyOfId = new Map([...ids.statementIds, ...ids.claimIds].map(([k, v]) => [v, k]));
    const inKeys = (text: string) => text.replace(/[A-Za-z0-9_-]{16}/g, (id) => keyOfId.get(id) ?? id);
    return {
      snapshots,
      changes: changes.changes.map((c) => ({ at: c.iso, issue: issueKey.get(c.issueId) ?? c.issueId, type: c.type, description: inKeys(c.description) })),
    };
  } finally {
    await app.close();
    await ctx.close();
  }
}

interface HealthBody {
  at: string;
  organisation: { health: HealthFigures };
  issues: {
    issueId: string;
    health: HealthFigures;
    quality: { grounding: { value: number | null } };
    forecast: { date: string | null; into: string | null; already: boolean };
  }[];
}
interface HealthFigures {
  pureLogic: { value: number };
  practice: { value: number };
  l: number;
  pi: number;
  character: string;
}

function snapshotOf(body: HealthBody, keyOf: Map<string, string>): SimulationSnapshot {
  const figures = (h: HealthFigures) => ({ L: h.pureLogic.value, P: round(h.practice.value), l: round(h.l), pi: round(h.pi), character: h.character });
  return {
    at: body.at,
    organisation: figures(body.organisation.health),
    issues: Object.fromEntries(
      body.issues.map((i) => [
        keyOf.get(i.issueId) ?? i.issueId,
        { ...figures(i.health), grounding: i.quality.grounding.value, forecast: { date: i.forecast.date, into: i.forecast.into, already: i.forecast.already } },
      ]),
    ),
  };
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;
