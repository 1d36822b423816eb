/**
 * The looping member of `massline bench-abuse`, as a child process of its own so that its
 * requests do not share an event loop with the voters it runs beside: `node abuse-loop.js URL
 * ORG ISSUE SESSION LOOPS SECONDS` asks for every model route in turn, as fast as they are
 * answered, in LOOPS loops at once for SECONDS, and prints what it was answered as one JSON line.
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { pathOf, routeTable } from '../../contract/route-table.js';
import { csrfTokenOf } from '../../server/auth/csrf.js';

export interface LoopFigures {
  requests: number;
  perSecond: number;
  statusCodes: Record<string, number>;
  /** By route (its path after the organisation's, without the issue's id): status → count. */
  byRoute: Record<string, Record<string, number>>;
}

async function loop(url: string, orgId: string, issueId: string, token: string, loops: number, seconds: number): Promise<LoopFigures> {
  const o = `${url}${pathOf(routeTable.organisation, { orgId })}`;
  const inOrg = { orgId };
  const inIssue = { orgId, issueId };
  const routes = [
    pathOf(routeTable.health, inOrg),
    pathOf(routeTable.changes, inOrg),
    pathOf(routeTable.principal, inOrg),
    pathOf(routeTable.myInput, inOrg),
    pathOf(routeTable.analysis, inIssue),
    pathOf(routeTable.themes, inIssue),
    pathOf(routeTable.unitedFront, inIssue),
    pathOf(routeTable.healthTrail, inIssue),
    pathOf(routeTable.whatIf, inIssue, { everyWeeks: 4, members: 100 }),
  ].map((p) => `${url}${p}`);
  const headers = { cookie: `massline_session=${token}; massline_csrf=${csrfTokenOf(token)}` };
  const statusCodes: Record<string, number> = {};
  const byRoute: Record<string, Record<string, number>> = {};
  const names = routes.map((r) => r.slice(o.length).replace(issueId, ':issueId').replace(/\?.*$/, ''));
  let requests = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: loops }, async (_, l) => {
      for (let n = l; performance.now() < end; n++) {
        let status = 'error';
        try {
          const r = await fetch(routes[n % routes.length]!, { headers });
          await r.arrayBuffer();
          status = String(r.status);
        } catch {
          // Counted as an error below.
        }
        statusCodes[status] = (statusCodes[status] ?? 0) + 1;
        const route = (byRoute[names[n % routes.length]!] ??= {});
        route[status] = (route[status] ?? 0) + 1;
        requests += 1;
      }
    }),
  );
  return { requests, perSecond: Math.round(requests / ((performance.now() - start) / 1000)), statusCodes, byRoute };
}

/** Loop in a child process; resolves when it has ended, with its figures. */
export function loopInChild(url: string, orgId: string, issueId: string, token: string, loops: number, seconds: number): Promise<LoopFigures> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), url, orgId, issueId, token, String(loops), String(seconds)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`the looping member failed (${code}): ${err.trim()}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1)!) as LoopFigures);
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [url, orgId, issueId, token, loops, seconds] = process.argv.slice(2);
  loop(url!, orgId!, issueId!, token!, Number(loops), Number(seconds)).then(
    (f) => process.stdout.write(`${JSON.stringify(f)}\n`),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
