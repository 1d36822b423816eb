/** A server of the API bench as a child process: started on loopback, its CPU time read, stopped. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

export interface ChildServer {
  url: string;
  child: ChildProcess;
  stderr(): string;
  stop(): Promise<void>;
}

/** Run `node [flags] script args` and resolve once it prints "serving on URL" (or what `ready` matches: a worker has no URL). */
export async function startChildServer(
  script: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; nodeFlags?: string[]; ready?: RegExp } = {},
): Promise<ChildServer> {
  const ready = options.ready ?? /serving on (http:\/\/\S+)/;
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), script, ...args], {
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not start within 60 s\n${stdout}\n${stderr}`));
    }, 60_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      const m = ready.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] ?? '');
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${code ?? signal}) before serving\n${stdout}\n${stderr}`));
    });
  });
  return {
    url,
    child,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * CPU seconds a process has used, whole and on its main thread (Linux /proc; null elsewhere).
 * Per vote, a figure less tied to the load generator's speed than votes per second, though on a
 * busy virtual machine it grows too.
 */
export function cpuSeconds(pid: number | undefined): { process: number; mainThread: number } | null {
  if (pid === undefined) return null;
  const ticks = (statFile: string) => {
    const fields = fs.readFileSync(statFile, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime, fields 14 and 15 of stat: the 12th and 13th after the command name.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  };
  try {
    return { process: ticks(`/proc/${pid}/stat`), mainThread: ticks(`/proc/${pid}/task/${pid}/stat`) };
  } catch {
    return null;
  }
}
