/** The pages: the single-page app that `vite build` writes to dist/web, served beside the API. */
import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** dist/web, seen from src/server (tests) and from dist/server (the built command) alike: both sit two levels below the package root. */
export const webRoot = path.resolve(import.meta.dirname, '../../dist/web');

const YEAR_SECONDS = 365 * 86_400;

/**
 * Hashed assets are cached for good; every other GET outside /api answers index.html, so a
 * deep link (/join/…, /issues/…) opens the app, which routes on the client. Precompressed
 * .br/.gz files written by the build are sent when the browser accepts them.
 */
export async function webRoutes(app: FastifyInstance): Promise<void> {
  const built = fs.existsSync(path.join(webRoot, 'index.html'));
  if (built) await app.register(fastifyStatic, { root: webRoot, serve: false, preCompressed: true, index: false });

  app.get('/assets/*', { schema: { hide: true } }, async (req, reply) => {
    if (!built) return reply.callNotFound();
    const file = (req.params as { '*': string })['*'];
    return reply.sendFile(`assets/${file}`, { maxAge: YEAR_SECONDS * 1000, immutable: true });
  });

  app.get('/*', { schema: { hide: true } }, async (req, reply) => {
    const pathname = req.url.split('?')[0] ?? '/';
    if (pathname === '/api' || pathname.startsWith('/api/')) return reply.callNotFound();
    if (!built) {
      return reply.code(503).type('text/plain; charset=utf-8').send('The pages are not built yet: run `npm run build` (npm install does it too).\n');
    }
    // A top-level file of the build (icons, robots.txt) is sent as it is; anything else is a page.
    const name = pathname.slice(1);
    if (/^[\w.-]+\.(?:svg|png|ico|txt|webmanifest)$/.test(name) && fs.existsSync(path.join(webRoot, name))) {
      return reply.sendFile(name, { maxAge: 86_400_000 });
    }
    return sendPage(reply);
  });
}

/** The page, never cached stale; its security headers (CSP and the rest) are every response's (auth/headers.ts). */
function sendPage(reply: FastifyReply): FastifyReply {
  void reply.header('cache-control', 'no-cache');
  return reply.sendFile('index.html', { cacheControl: false });
}
