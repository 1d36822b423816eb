/**
 * Live updates for the pages: one Server-Sent Events stream per page, of the caller's
 * organisation (docs/live.md). The stream names what changed (src/contract/live.ts); the page
 * loads it again. Organisers are told of every statement; plain members only of those they may
 * see.
 */
import { PassThrough } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { DomainError, roleAtLeast } from '../../core/index.js';
import type { LiveEvent } from '../../contract/index.js';
import { sessions } from '../../store/index.js';
import type { AppContext } from '../context.js';
import { authOf } from '../auth/session.js';
import { routeOptions } from './route-options.js';

/** A comment line this often keeps proxies and the browser from taking the stream for dead. */
const HEARTBEAT_MS = 25_000;
/** Every this many heartbeats the session is looked up again: a stream ends with its session or a change of role. */
const SESSION_CHECK_EVERY = 4;
/** How long the browser waits before reconnecting (the SSE `retry:` field). */
const RETRY_MS = 3_000;
/** Streams one member may hold open on one process (a tab each). */
const MAX_STREAMS_PER_MEMBER = 16;
/** A reader this far behind is let go: it reconnects and loads everything again. */
const MAX_BUFFERED_BYTES = 256 * 1024;
/** How long a new stream waits for this process to receive changes (PostgreSQL: its LISTEN connection). */
const LISTEN_WAIT_MS = 5_000;

export function liveRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    const open = new Set<PassThrough>();
    const perMember = new Map<string, number>();
    let nextId = 0;

    // Open streams would keep the server from closing: end them first.
    app.addHook('preClose', async () => {
      for (const stream of open) stream.end();
    });

    app.route({
      ...routeOptions('live'),
      handler: async (req, reply) => {
        const auth = authOf(req);
        const held = perMember.get(auth.memberId) ?? 0;
        if (held >= MAX_STREAMS_PER_MEMBER)
          throw new DomainError('rate_limited', `live: at most ${MAX_STREAMS_PER_MEMBER} live streams per member at once; close some pages`);
        void reply
          .header('content-type', 'text/event-stream; charset=utf-8')
          .header('cache-control', 'no-cache, no-transform')
          .header('x-accel-buffering', 'no');
        if (req.method === 'HEAD') return reply.send('');
        perMember.set(auth.memberId, held + 1);

        const stream = new PassThrough();
        open.add(stream);
        let unsubscribe = () => {};
        let heartbeats = 0;
        const heartbeat = setInterval(() => {
          if (stream.writableEnded) return;
          stream.write(': heartbeat\n\n');
          heartbeats += 1;
          if (heartbeats % SESSION_CHECK_EVERY === 0) void checkSession();
        }, HEARTBEAT_MS);
        heartbeat.unref();
        stream.on('close', () => {
          clearInterval(heartbeat);
          unsubscribe();
          open.delete(stream);
          const n = (perMember.get(auth.memberId) ?? 1) - 1;
          if (n > 0) perMember.set(auth.memberId, n);
          else perMember.delete(auth.memberId);
        });

        async function checkSession() {
          try {
            const found = await sessions.findLiveSession(ctx.store.db, auth.sessionId, ctx.clock().toISOString());
            if (!found || found.role !== auth.role || found.issued_role !== found.role) stream.end();
          } catch {
            // The database is away: the stream goes on; the next check will tell.
          }
        }

        const send = (event: LiveEvent) => {
          if (stream.writableEnded) return;
          if (stream.writableLength > MAX_BUFFERED_BYTES) {
            stream.end();
            return;
          }
          nextId += 1;
          stream.write(`id: ${nextId}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
        };

        await ctx.live.listening(LISTEN_WAIT_MS);
        // Ended meanwhile (the server is closing): the stream is sent as it is, empty.
        if (!stream.writableEnded) {
          stream.write(`retry: ${RETRY_MS}\n\n`);
          send({ type: 'ready' });
          const organiser = roleAtLeast(auth.role, 'organiser');
          unsubscribe = ctx.live.subscribe(auth.orgId, {
            change: (m) => {
              const event = organiser ? m.organisers : m.members;
              if (event) send(event);
            },
            resync: () => send({ type: 'resync' }),
          });
        }
        return reply.send(stream);
      },
    });
  };
}
