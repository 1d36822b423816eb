/** The demo organisation that `npm start` serves: a real Pol.is conversation, an organiser, an invite. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pathOf, routeTable } from '../contract/route-table.js';
import { events, inTransaction, invites, members, newToken, organisations, tokenHash } from '../store/index.js';
import { buildApp, createContext, type AppContext } from '../server/index.js';
import { demoStory } from './demo-story.js';
import { replayTimeline, Session } from './simulate.js';
import { readPolisConversation } from './polis/format.js';
import { importPolis } from './polis/transfer.js';
import { createOrganisation, createOrganiser } from './operator.js';

export const DEMO = {
  slug: 'demo',
  name: 'Demo Transport Workers’ Association',
  email: 'organiser@demo.massline',
  password: 'massline-demo',
} as const;

const demoDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../demo/vtaiwan.uberx');

/**
 * Replay the demo's story (five months of two issues) through the API, with a clock of its own
 * over the same database, ending now.
 */
async function tellDemoStory(ctx: AppContext, orgId: string): Promise<void> {
  const end = ctx.clock().getTime();
  let now = end;
  // Sessions of the replay are never handed out; they only need to outlive five simulated months. Months of
  // members' input arrive in moments, so the request limits are off.
  const story = await createContext(
    { ...ctx.config, sessionDays: 365, rateLimits: null },
    { clock: () => new Date(now), analysisMode: 'inline', passwords: ctx.passwords },
  );
  const app = await buildApp(story);
  try {
    const admin = new Session(app);
    await admin.call('POST', pathOf(routeTable.login, {}), { organisation: DEMO.slug, email: DEMO.email, password: DEMO.password });
    await replayTimeline({ app, ctx: story, orgId, admin, setNow: (ms) => (now = Math.min(ms, end)), moderate: true }, demoStory(end));
  } finally {
    await app.close();
    await story.close();
  }
}

export interface DemoInfo {
  created: boolean;
  orgId: string;
  issueId: string | null;
  /** A member invite link's path, made fresh on every start (only its hash is stored). */
  invitePath: string;
}

/** Create the demo organisation on first run; on later runs, keep it as it is. */
export async function ensureDemo(ctx: AppContext, log: (line: string) => void): Promise<DemoInfo> {
  const db = ctx.store.db;
  const at = ctx.clock().toISOString();
  let org = await organisations.findOrganisationBySlug(db, DEMO.slug);
  let created = false;
  let issueId: string | null = null;
  if (!org) {
    log('First run: creating the demo organisation from a real Pol.is conversation (vTaiwan, UberX)…');
    org = await createOrganisation(db, { name: DEMO.name, slug: DEMO.slug, moderation: 'strict', at });
    const { member } = await createOrganiser(db, ctx.passwords, {
      orgSlug: DEMO.slug,
      email: DEMO.email,
      displayName: 'Demo Organiser',
      password: DEMO.password,
      role: 'admin',
      at,
    });
    const result = await importPolis(db, readPolisConversation(demoDir), { orgId: org.id, actorId: member.id, at });
    issueId = result.issue;
    log(`Imported ${result.participants} participants, ${result.statements} statements, ${result.votes} votes.`);
    await tellDemoStory(ctx, org.id);
    created = true;
  }
  const organiser = await members.findMemberByEmail(db, org.id, DEMO.email);
  const token = newToken();
  await inTransaction(db, async (trx) => {
    const invite = await invites.createInvite(trx, {
      orgId: org.id,
      tokenHash: tokenHash(token),
      role: 'member',
      constituency: null,
      maxUses: 1000,
      expiresAt: new Date(ctx.clock().getTime() + 30 * 86_400_000).toISOString(),
      createdBy: organiser?.id ?? null,
      at,
    });
    await events.recordEvent(trx, { orgId: org.id, type: 'invite.created', at, actorId: organiser?.id ?? null, data: { inviteId: invite.id, demo: true } });
  });
  return { created, orgId: org.id, issueId, invitePath: `/join/${token}` };
}
