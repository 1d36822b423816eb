/**
 * The ceiling of `massline bench-api --ceiling`: servers that do nothing but answer a vote's
 * request with a vote's response, run as a child process like the real server, so the bench can
 * say how many requests per second this machine serves at all under the same load generator.
 * `http`: node:http alone; `fastify`: a Fastify route that parses the JSON body.
 */
import http from 'node:http';
import Fastify from 'fastify';
import { routeTable } from '../../contract/route-table.js';

const kind = process.argv[2];
const answer = (vote: unknown) => ({ statementId: 'AAAAAAAAAAAAAAAA', vote, changed: true });

if (kind === 'http') {
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.end(JSON.stringify(answer((JSON.parse(body || '{}') as { vote?: unknown }).vote ?? null)));
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    if (address && typeof address === 'object') process.stdout.write(`serving on http://127.0.0.1:${address.port}\n`);
  });
} else if (kind === 'fastify') {
  const app = Fastify();
  app.put(routeTable.vote.path, async (req) => answer((req.body as { vote?: unknown }).vote ?? null));
  app.listen({ port: 0, host: '127.0.0.1' }).then(
    (address) => process.stdout.write(`serving on ${address}\n`),
    (e: unknown) => {
      process.stderr.write(`api-ceiling-server: cannot listen: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
} else {
  process.stderr.write('usage: api-ceiling-server http|fastify\n');
  process.exit(2);
}
