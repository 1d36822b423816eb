/** The real server with the demo organisation, on a free port and a fresh data directory. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, repoRoot, startServerProcess, type ServerProcess } from '../../test/_util/server-process.js';

export interface DemoServer {
  server: ServerProcess;
  url: string;
  dataDir: string;
  organiser: { organisation: string; email: string; password: string };
  invitePath: string;
  stop(): Promise<void>;
}

export async function startDemoServer(): Promise<DemoServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'massline-e2e-'));
  const port = await freePort();
  // The first run builds the demo (the Pol.is import, five months replayed, a blind-signing key per
  // week of criticism): over a minute and a half on a busy two-core machine.
  const server = await startServerProcess(
    'node',
    ['bin/massline', 'serve', '--demo', '--port', String(port), '--data-dir', dataDir],
    { MASSLINE_LOG_LEVEL: 'warn' },
    240_000,
    /Members join through \S+/,
  );
  const out = server.output();
  const login = /log in as (\S+) \/ (\S+)/.exec(out);
  const invite = /Members join through \S+?(\/join\/\S+)/.exec(out);
  if (!login?.[1] || !login[2] || !invite?.[1]) throw new Error(`the demo did not print its login and invite link:\n${out}`);
  return {
    server,
    url: server.url,
    dataDir,
    organiser: { organisation: 'demo', email: login[1], password: login[2] },
    invitePath: invite[1],
    async stop() {
      await server.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Build the pages when src/web (or the build's config) changed since dist/web was built. */
export function ensurePagesBuilt(): void {
  const manifest = path.join(repoRoot, 'dist/web/.vite/manifest.json');
  const built = fs.existsSync(manifest) ? fs.statSync(manifest).mtimeMs : 0;
  const newest = Math.max(newestMtime(path.join(repoRoot, 'src/web')), fs.statSync(path.join(repoRoot, 'vite.config.ts')).mtimeMs);
  if (built >= newest) return;
  // The test runner sets NODE_ENV=test, which would build React's development bundle.
  const env = { ...process.env, NODE_ENV: 'production' };
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: repoRoot,
    encoding: 'utf8',
    env,
  });
  if (r.status !== 0) throw new Error(`vite build failed:\n${r.stdout}\n${r.stderr}`);
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}
