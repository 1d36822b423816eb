/** Start the real server as a child process and wait until it says where it serves. */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '../..');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Everything it printed on stdout so far. */
  output(): string;
  stop(): Promise<void>;
}

/** Run `command args` (e.g. `npm start`, or node bin/massline serve) and resolve once it prints "serving on URL". */
/**
 * Start a server and resolve once it says where it serves and, with `ready`, once its output also
 * matches that (what it prints after the address, e.g. the demo's invite link, may come in a later
 * chunk of the pipe).
 */
export async function startServerProcess(
  command: string,
  args: string[],
  env: Record<string, string | undefined>,
  timeoutMs = 90_000,
  ready?: RegExp,
): Promise<ServerProcess> {
  const child = spawn(command, args, { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in ${timeoutMs} ms:\n${stdout}\n${stderr}`)), timeoutMs);
    const poll = setInterval(() => {
      const m = /serving on (http:\/\/\S+)/.exec(stdout);
      if (m?.[1] && (!ready || ready.test(stdout))) {
        clearTimeout(timer);
        clearInterval(poll);
        resolve(m[1]);
      }
    }, 50);
    child.on('exit', (code) => {
      clearTimeout(timer);
      clearInterval(poll);
      reject(new Error(`server exited with ${code}:\n${stdout}\n${stderr}`));
    });
  });
  child.removeAllListeners('exit');
  return {
    child,
    url,
    output: () => stdout,
    async stop() {
      if (child.exitCode !== null || child.pid === undefined) return;
      const exited = new Promise((r) => child.once('exit', r));
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        return;
      }
      await exited;
    },
  };
}

/** `massline serve` (the built binary) as a child: its process, address, and when it exits. */
export interface MasslineServer {
  child: ChildProcess;
  url: string;
  exited: Promise<void>;
}

/**
 * Start the built `massline serve` on a free port over `dataDir`, tracked in `children` (for an
 * afterAll that kills whatever is left), and wait for its "serving on" line; fail loudly otherwise.
 */
export function startMasslineServer(dataDir: string, env: NodeJS.ProcessEnv, children: Set<ChildProcess>): Promise<MasslineServer> {
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin/massline'), 'serve', '--port', '0', '--data-dir', dataDir], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => children.delete(child));
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not say "serving on" within 30 s\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, 30_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      const m = /serving on (http:\/\/\S+)/.exec(stdout);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve({ child, url: m[1], exited });
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code ?? signal}) before serving\nstdout: ${stdout}\nstderr: ${stderr}`));
    });
  });
}
