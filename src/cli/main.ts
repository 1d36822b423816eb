#!/usr/bin/env node
/** The `massline` command. */
import { Command, Option } from 'commander';
import { z } from 'zod';
import { DomainError, moderationPolicies } from '../core/index.js';
import fs from 'node:fs';
import { Email, Password, Slug, Timeline } from '../contract/index.js';
import { pathOf, routeTable } from '../contract/route-table.js';
import { analyses, BackupError, issues, newToken } from '../store/index.js';
import { buildApp, ConfigError, createContext, loadConfig, warmModel, type AppContext, type ConfigOverrides } from '../server/index.js';
import { serveRoles, type ServeRole } from '../server/config.js';
import { DEMO, ensureDemo } from './demo.js';
import { createOrganisation, createOrganiser } from './operator.js';
import { PolisFormatError, writePolisConversation } from './polis/format.js';
import { exportPolis } from './polis/transfer.js';
import { simulate, SimulationError } from './simulate.js';

class UsageError extends Error {}

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

function overridesOf(opts: { dataDir?: string; port?: string; host?: string }): ConfigOverrides {
  const port = opts.port === undefined ? undefined : Number(opts.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new UsageError('--port: must be an integer from 0 to 65535');
  return { dataDir: opts.dataDir, port, host: opts.host };
}

async function withContext<T>(opts: { dataDir?: string }, work: (ctx: AppContext) => Promise<T>): Promise<T> {
  const ctx = await createContext(loadConfig(process.env, overridesOf(opts)));
  try {
    return await work(ctx);
  } finally {
    await ctx.close();
  }
}

function check<T>(schema: z.ZodType<T>, value: unknown, flag: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new UsageError(`${flag}: ${r.error.issues[0]?.message ?? 'invalid'}`);
  return r.data;
}

const dataDirOption = () =>
  new Option('--data-dir <dir>', 'where the embedded database lives (env MASSLINE_DATA_DIR; default ./data); DATABASE_URL selects PostgreSQL');

export function program(): Command {
  const cmd = new Command('massline').description('Massline: run the mass line with your members.').showHelpAfterError();

  cmd
    .command('serve')
    .description('serve the API (and pages) over HTTP; on PostgreSQL, also or only work the job queue (analyses, criticism publication)')
    .option('--port <port>', 'port to listen on (env PORT; default 8080)')
    .option('--host <host>', 'address to listen on (env HOST; default 127.0.0.1)')
    .addOption(dataDirOption())
    .addOption(
      new Option(
        '--role <role>',
        'api: answer requests; worker: take analysis and publication jobs from the PostgreSQL job queue, no HTTP; all: both (env MASSLINE_ROLE; default all; api and worker need DATABASE_URL)',
      ).choices(serveRoles),
    )
    .option('--demo', 'create the demo organisation on first run, and print how to log in')
    .action(async (opts: { port?: string; host?: string; dataDir?: string; role?: ServeRole; demo?: boolean }) => {
      const config = loadConfig(process.env, { ...overridesOf(opts), role: opts.role });
      if (opts.demo && config.role === 'worker') throw new UsageError('--demo: a worker serves no pages; give --demo to an api (or all) process');
      const ctx = await createContext(config, { queue: true });
      const stopOn = (close: () => Promise<void>) => {
        const stop = () =>
          void close().then(
            () => process.exit(0),
            (e: unknown) => {
              err(`massline: stopping: ${e instanceof Error ? e.message : String(e)}`);
              process.exit(1);
            },
          );
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      };
      const demo = opts.demo ? await ensureDemo(ctx, err) : null;
      // Bring every issue's analysis up to date in the background (a first run, or votes before a restart).
      for (const { orgId, issueId } of await analyses.issuesBehindTheirVotes(ctx.store.db)) await ctx.jobs.analyses.catchUp(orgId, issueId);
      if (config.role === 'worker') {
        stopOn(() => ctx.close());
        out('Massline is working: analyses and criticism publication from the job queue (database: PostgreSQL, role worker)');
        return;
      }
      const app = await buildApp(ctx);
      const address = await app.listen({ port: ctx.config.port, host: ctx.config.host });
      out(`Massline is serving on ${address} (database: ${ctx.store.dialect === 'sqlite' ? ctx.config.dataDir : `PostgreSQL, role ${config.role}`})`);
      // The model's figures made ready in the background: the first health page after a restart is not the one that waits.
      let stopping = false;
      warmModel(ctx).catch((e: unknown) => {
        // Stopped while it ran: the store closed under it, nothing to report.
        if (!stopping) err(`massline: making the model's figures ready: ${e instanceof Error ? e.message : String(e)}`);
      });
      if (demo) {
        out(`Demo organisation "${DEMO.slug}": log in as ${DEMO.email} / ${DEMO.password}`);
        out(
          `  ${routeTable.login.method} ${address}${pathOf(routeTable.login, {})} {"organisation":"${DEMO.slug}","email":"${DEMO.email}","password":"${DEMO.password}"}`,
        );
        out(
          `  Members join through ${address}${demo.invitePath}  (API: ${routeTable.acceptInvite.method} ${address}${pathOf(routeTable.acceptInvite, { token: demo.invitePath.replace('/join/', '') })})`,
        );
        out(`  API description: ${address}${pathOf(routeTable.openapi, {})}`);
      }
      stopOn(async () => {
        stopping = true;
        // Requests under way get a few seconds to finish (live streams are ended at once); a
        // connection still open after that, whose client has gone quiet, is cut.
        const cut = setTimeout(() => app.server.closeAllConnections(), 5_000);
        try {
          await app.close();
        } finally {
          clearTimeout(cut);
        }
        await ctx.close();
      });
    });

  cmd
    .command('migrate')
    .description('bring the database schema up to date')
    .addOption(dataDirOption())
    .action(async (opts: { dataDir?: string }) => {
      const config = loadConfig(process.env, overridesOf(opts));
      const { openStore } = await import('../store/index.js');
      const store = openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      try {
        const applied = await store.migrate();
        out(applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date');
      } finally {
        await store.close();
      }
    });

  const databaseUrlOption = () => new Option('--database-url <url>', 'PostgreSQL instead of the embedded database (default env DATABASE_URL)');

  cmd
    .command('backup')
    .description('write the whole database to one archive while the server keeps serving: one consistent snapshot, restorable into either database')
    .argument('<path>', "the archive to write (gzip'd JSON lines), e.g. massline-2025-01-31.jsonl.gz")
    .addOption(dataDirOption())
    .addOption(databaseUrlOption())
    .option('--json', 'print {tables, rows, bytes, seconds} as JSON')
    .action(async (file: string, opts: { dataDir?: string; databaseUrl?: string; json?: boolean }) => {
      const { backupCommand } = await import('./backup.js');
      await backupCommand(file, opts, { out });
    });

  cmd
    .command('restore')
    .description('restore an archive of `massline backup` into an empty database (SQLite or PostgreSQL, whichever made it), all or nothing')
    .argument('<path>', 'the archive to read')
    .addOption(dataDirOption())
    .addOption(databaseUrlOption())
    .option('--json', 'print {tables, rows, bytes, seconds} as JSON')
    .action(async (file: string, opts: { dataDir?: string; databaseUrl?: string; json?: boolean }) => {
      const { restoreCommand } = await import('./backup.js');
      await restoreCommand(file, opts, { out });
    });

  cmd
    .command('create-org')
    .description('create an organisation')
    .requiredOption('--name <name>', 'its name')
    .requiredOption('--slug <slug>', 'short name used to log in')
    .addOption(
      new Option('--moderation <policy>', 'statements shown before moderation (permissive) or only after (strict)')
        .choices(moderationPolicies)
        .default('strict'),
    )
    .addOption(dataDirOption())
    .option('--json', 'print JSON')
    .action(async (opts: { name: string; slug: string; moderation: 'strict' | 'permissive'; dataDir?: string; json?: boolean }) => {
      const slug = check(Slug, opts.slug, '--slug');
      const name = check(z.string().trim().min(1, 'must not be empty').max(120, 'must be at most 120 characters'), opts.name, '--name');
      await withContext(opts, async (ctx) => {
        const org = await createOrganisation(ctx.store.db, { name, slug, moderation: opts.moderation, at: ctx.clock().toISOString() });
        out(opts.json ? JSON.stringify({ id: org.id, slug: org.slug, name: org.name }) : `created organisation ${org.slug} (${org.id})`);
      });
    });

  cmd
    .command('create-organiser')
    .description('create an organiser (or admin) who logs in with e-mail and password')
    .requiredOption('--org <slug>', 'the organisation')
    .requiredOption('--email <email>', 'login e-mail')
    .option('--name <name>', 'display name', 'Organiser')
    .option('--password <password>', 'password (env MASSLINE_PASSWORD; generated and printed when absent)')
    .addOption(new Option('--role <role>', 'organiser or admin').choices(['organiser', 'admin']).default('admin'))
    .addOption(dataDirOption())
    .option('--json', 'print JSON')
    .action(async (opts: { org: string; email: string; name: string; password?: string; role: 'organiser' | 'admin'; dataDir?: string; json?: boolean }) => {
      const email = check(Email, opts.email, '--email');
      const generated = opts.password === undefined && !process.env.MASSLINE_PASSWORD;
      const password = check(Password, opts.password ?? process.env.MASSLINE_PASSWORD ?? newToken().slice(0, 20), '--password');
      await withContext(opts, async (ctx) => {
        const { org, member } = await createOrganiser(ctx.store.db, ctx.passwords, {
          orgSlug: opts.org,
          email,
          displayName: opts.name,
          password,
          role: opts.role,
          at: ctx.clock().toISOString(),
        });
        if (opts.json) out(JSON.stringify({ organisation: org.id, member: member.id, email, ...(generated ? { password } : {}) }));
        else out(`created ${opts.role} ${email} in ${org.slug}${generated ? `; password: ${password}` : ''}`);
      });
    });

  cmd
    .command('import-polis')
    .description('import a Pol.is export folder as a new issue (each participant becomes a member)')
    .argument('<dir>', 'folder with comments.csv and votes.csv or participants-votes.csv')
    .option('--org <slug>', 'organisation to import into (default: a new one named after the conversation)')
    .addOption(dataDirOption())
    .option('--json', 'print {organisation, issue, participants, statements, votes} as JSON')
    .action(async (dir: string, opts: { org?: string; dataDir?: string; json?: boolean }) => {
      const { importPolisCommand } = await import('./polis/command.js');
      const { slug, result } = await importPolisCommand(dir, opts, (work) => withContext(opts, work));
      if (opts.json) out(JSON.stringify(result));
      else out(`imported into ${slug}: issue ${result.issue}, ${result.participants} participants, ${result.statements} statements, ${result.votes} votes`);
    });

  cmd
    .command('export-polis')
    .description('write an issue as a Pol.is export folder')
    .requiredOption('--issue <id>', 'the issue')
    .requiredOption('--out <dir>', 'folder to write')
    .addOption(dataDirOption())
    .action(async (opts: { issue: string; out: string; dataDir?: string }) => {
      await withContext(opts, async (ctx) => {
        const issue = await issues.findIssueForOperator(ctx.store.db, opts.issue);
        if (!issue) throw new UsageError(`--issue: no issue ${opts.issue}`);
        const conversation = await exportPolis(ctx.store.db, issue.org_id, issue.id);
        writePolisConversation(opts.out, conversation);
        out(`exported ${conversation.comments.length} statements and ${conversation.votes.length} votes to ${opts.out}`);
      });
    });

  cmd
    .command('simulate')
    .description("replay a timeline (docs/simulate.md) into a fresh in-memory store and print the model's figures as JSON")
    .argument('<timeline>', 'a timeline JSON file')
    .action(async (file: string) => {
      let raw: unknown;
      try {
        raw = JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch (e) {
        throw new UsageError(`${file}: ${e instanceof Error ? e.message : String(e)}`);
      }
      const parsed = Timeline.safeParse(raw);
      if (!parsed.success) {
        const i = parsed.error.issues[0];
        throw new UsageError(`${file}: ${i?.path.join('.') || 'timeline'}: ${i?.message ?? 'invalid'}`);
      }
      out(JSON.stringify(await simulate(parsed.data), null, 2));
    });

  cmd
    .command('analyze')
    .description('run the opinion engine on a Pol.is export folder or a CSV with the header participant,statement,vote')
    .argument('<path>', 'folder or CSV file')
    .option('--json', 'print one JSON object')
    .action(async (path: string, opts: { json?: boolean }) => {
      const { analyzePath } = await import('./analyze.js');
      const r = analyzePath(path);
      if (opts.json) out(JSON.stringify(r));
      else {
        out(
          `${r.participants} participants, ${r.statements} statements, ${r.votes} votes; ${r.groups.length} opinion groups (${r.groups.map((g) => g.members.length).join(', ')} members) in ${r.computeSeconds.toFixed(3)} s`,
        );
        out(`consensus: ${r.consensus.join(', ') || 'none'}`);
        out(`representative: ${r.representative.join(', ') || 'none'}`);
      }
    });

  cmd
    .command('similar')
    .description('the 5 statements of a Pol.is export folder closest to a text, as suggested to a member typing it')
    .argument('<path>', 'Pol.is export folder')
    .argument('<text>', 'the text typed')
    .option('--json', 'print {"matches": [{"id", "statement", "score"}]}, best first')
    .action(async (path: string, text: string, opts: { json?: boolean }) => {
      const { similarIn } = await import('./similar.js');
      const r = similarIn(path, text);
      if (opts.json) out(JSON.stringify(r));
      else for (const m of r.matches) out(`${m.score.toFixed(3)}  ${m.id}: ${m.statement}`);
    });

  cmd
    .command('bench')
    .description(
      'measure the opinion engine: synthetic conversations (cold, and warm after 1 % new votes) and the Pol.is conversations, beside the numpy re-statement of Pol.is; then the text similarity index per keystroke at 10,000 statements',
    )
    .option('--sizes <list>', 'comma-separated MEMBERSxSTATEMENTS[@DENSITY] (default 10000x500,50000x1000,100000x2000 at 5 %)')
    .option('--no-baseline', 'skip the numpy baseline')
    .option('--json', 'print one JSON object last')
    .action(async (opts: { sizes?: string; baseline: boolean; json?: boolean }) => {
      const { runEngineBench } = await import('./bench/engine.js');
      const result = await runEngineBench({ ...(opts.sizes ? { sizes: opts.sizes.split(',') } : {}), baseline: opts.baseline, log: out });
      const { runTextBench } = await import('./bench/text.js');
      const text = runTextBench({ log: out });
      if (opts.json) out(JSON.stringify({ ...result, text }));
    });

  cmd
    .command('bench-api')
    .description('votes per second and latency of the real server under autocannon on loopback, on SQLite and an embedded PostgreSQL (npm run bench:api)')
    .option('--dialects <list>', 'sqlite, postgres or both', 'sqlite,postgres')
    .option('--connections <list>', 'concurrent connections of each run', '10,50')
    .option('--seconds <n>', 'length of each measured run', '10')
    .option('--warmup <n>', 'seconds of warm-up before each run', '2')
    .option('--max-requests <n>', 'at most this many requests per run', '500000')
    .option('--members <n>', 'members voting (each with a session)', '5000')
    .option('--statements <n>', 'statements voted on', '200')
    .option('--server-node-flags <flags>', 'extra node flags for the server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"', '')
    .option('--ceiling', 'also run the same load against servers that only answer (node:http, bare Fastify): what this machine serves at all')
    .option('--store', "also measure the store's vote writing alone, without HTTP: group commit, and a transaction per vote")
    .option('--api-processes <n>', 'API processes sharing the load, beside one analysis worker (more than one: PostgreSQL only)', '1')
    .option(
      '--flood-anonymous <n>',
      'request limits on; each run again beside this many requests a second on the anonymous routes (bad receipts, bad tokens, the keys)',
      '0',
    )
    .option(
      '--flood-nice <n>',
      "the flood's process niceness, 0 to 19: at 19 it runs on the CPU the server and the vote load leave, as an attacker's machine would not share theirs",
      '0',
    )
    .option('--json', 'print one JSON object last: {dialect: {connections: {votesPerSec, p50Ms, p99Ms}}}')
    .action(
      async (opts: {
        dialects: string;
        connections: string;
        seconds: string;
        warmup: string;
        maxRequests: string;
        members: string;
        statements: string;
        serverNodeFlags: string;
        ceiling?: boolean;
        store?: boolean;
        apiProcesses: string;
        floodAnonymous: string;
        floodNice: string;
        json?: boolean;
      }) => {
        const { parseApiBenchOptions, runApiBench } = await import('./bench/api.js');
        const parsed = parseApiBenchOptions(opts);
        if (typeof parsed === 'string') throw new UsageError(parsed);
        const result = await runApiBench({ ...parsed, log: out });
        if (opts.json) out(JSON.stringify(result.report));
        if (!result.clean) process.exitCode = 1;
      },
    );

  cmd
    .command('bench-abuse')
    .description(
      'a server one member cannot stall, on loopback: votes alone and beside one member looping every model route, slow-body connections cut by the timeouts, logins against one account from many addresses (request limits at their defaults)',
    )
    .option('--seconds <n>', 'length of each voting phase', '20')
    .option('--loops <n>', 'loops of the looping member at once', '1')
    .option('--voters <n>', 'members voting at the steady rate', '20')
    .option('--votes-per-second <n>', 'votes a second over all voters (at most one per voter)', '20')
    .option('--slow <n>', 'connections that promise a body and send a few bytes', '5000')
    .option('--request-timeout <ms>', "the server's request timeout for the run (headers: half)", '5000')
    .option('--logins <n>', 'wrong passwords against one account', '200')
    .option('--login-addresses <n>', 'addresses they come from (X-Forwarded-For, the bench trusted as a proxy)', '100')
    .option('--json', 'print one JSON object last: {loadavg, alone, beside, slowBodies, logins}')
    .action(
      async (opts: {
        seconds: string;
        loops: string;
        voters: string;
        votesPerSecond: string;
        slow: string;
        requestTimeout: string;
        logins: string;
        loginAddresses: string;
        json?: boolean;
      }) => {
        const { parseAbuseBenchOptions, runAbuseBench } = await import('./bench/abuse.js');
        const parsed = parseAbuseBenchOptions(opts);
        if (typeof parsed === 'string') throw new UsageError(parsed);
        const result = await runAbuseBench({ ...parsed, log: out });
        if (opts.json) out(JSON.stringify(result.report));
        if (!result.clean) process.exitCode = 1;
      },
    );

  cmd
    .command('bench-model')
    .description(
      "latency of the model's routes (health, trail, what-if, changes, principal contradiction, united front, embrace, a member's loop) on a large organisation written straight into the store: cold, warm and after new votes (npm run bench:model)",
    )
    .option('--dialects <list>', 'sqlite, postgres or both', 'sqlite')
    .option('--members <n>', 'members of the organisation', '100000')
    .option('--issues <n>', 'issues (every third has a published line, answers and reports)', '50')
    .option('--votes <n>', 'logged votes over all issues', '10000000')
    .option('--requests <n>', 'requests per route in each phase', '200')
    .option('--new-votes <n>', 'votes cast through the API before the last phase', '1000')
    .option('--route-seconds <n>', "a route's requests in one phase stop once they took this long", '600')
    .option('--request-timeout <n>', 'seconds before one request counts as failed', '600')
    .option('--seed <n>', 'seed of the generated organisation', '1')
    .option('--routes <list>', 'only these routes: health, trail, what-if, changes, principal-contradiction, united-front, embrace, member-loop')
    .option('--server-node-flags <flags>', 'extra node flags for the server, e.g. "--max-old-space-size=12288"', '')
    .option(
      '--database <file>',
      'SQLite only: this file instead of a temporary one; seeded if absent, used as it is if seeded before with the same --members, --issues, --votes and --seed',
    )
    .option('--keep', 'keep the SQLite database afterwards (the temporary one, or the --database file this run seeded)')
    .option('--seed-only', 'seed, then stop: no server, no requests')
    .option(
      '--json',
      'print one JSON object last: {dialect: {seed, newVotes, routes: {route: {cold|warm|afterNewVotes: {requests, firstMs, p50Ms, p99Ms, maxMs, failures}}}}}',
    )
    .action(
      async (opts: {
        dialects: string;
        members: string;
        issues: string;
        votes: string;
        requests: string;
        newVotes: string;
        routeSeconds: string;
        requestTimeout: string;
        seed: string;
        routes?: string;
        serverNodeFlags: string;
        database?: string;
        keep?: boolean;
        seedOnly?: boolean;
        json?: boolean;
      }) => {
        const { modelBenchDatabaseProblem, parseModelBenchOptions, runModelBench } = await import('./bench/model.js');
        const parsed = parseModelBenchOptions(opts);
        if (typeof parsed === 'string') throw new UsageError(parsed);
        const problem = modelBenchDatabaseProblem(parsed);
        if (problem !== null) throw new UsageError(problem);
        const result = await runModelBench({ ...parsed, log: out });
        if (opts.json) out(JSON.stringify(result.report));
        if (!result.clean) process.exitCode = 1;
      },
    );

  cmd
    .command('bench-pages')
    .description(
      'how long the pages that read the model (the health page, the principal contradiction, what became of my input) take to load in Chromium on the demo, cold then warm, with the API requests each load made (npm run bench:pages)',
    )
    .option('--loads <n>', 'loads of each page, the first cold', '30')
    .option('--pages <list>', 'only these pages: health, principal, my-input')
    .option('--data-dir <dir>', 'keep the demo in this folder (built there on first use) instead of a temporary one')
    .option('--load-timeout <n>', 'seconds before one load counts as failed', '120')
    .option(
      '--json',
      'print one JSON object last: {loadavg, pages: {page: {firstMs, p50Ms, p99Ms, maxMs, loadsMs, shown: {firstMs, p50Ms}, api: {first, warm: {requests, totalMs, firstStartMs, lastEndMs}, routes}}}}',
    )
    .action(async (opts: { loads: string; pages?: string; dataDir?: string; loadTimeout: string; json?: boolean }) => {
      const { parsePagesBenchOptions, runPagesBench } = await import('./bench/pages.js');
      const parsed = parsePagesBenchOptions(opts);
      if (typeof parsed === 'string') throw new UsageError(parsed);
      const result = await runPagesBench({ ...parsed, log: out });
      if (opts.json) out(JSON.stringify(result.report));
      if (!result.clean) process.exitCode = 1;
    });

  return cmd;
}

program()
  .parseAsync(process.argv)
  .catch((e: unknown) => {
    if (
      e instanceof UsageError ||
      e instanceof ConfigError ||
      e instanceof BackupError ||
      e instanceof PolisFormatError ||
      e instanceof DomainError ||
      e instanceof SimulationError
    ) {
      err(`massline: ${e.message}`);
      process.exit(2);
    }
    err(`massline: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(1);
  });
