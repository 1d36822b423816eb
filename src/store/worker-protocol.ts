/**
 * The one protocol of the worker threads (the vote writer's, vote-writer*.ts; the analyst's,
 * jobs/analyst.ts and jobs/analysis-worker.ts). A message map names each request with what it
 * carries and what it is answered; inside the thread `handle` answers each request with its
 * handler, and outside it a `WorkerClient` sends them, each answer matched to its request.
 * An error thrown by a handler comes back as the same kind: a DomainError keeps its code,
 * anything else becomes an Error with its message.
 *
 * A client starts its thread with the first request, and again after one dies (a thread that
 * dies fails every request it held). The thread keeps the process alive only while a request is
 * in flight. A worker is the module beside its caller: the compiled .js in dist/, or, when the
 * caller runs from the TypeScript source (the tests), the .ts source loaded through tsx (a
 * devDependency), so a test never runs stale output.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type MessagePort } from 'node:worker_threads';
import { DomainError, type ErrorCode } from '../core/errors.js';

/** One request: what it carries, what it is answered. */
export interface Message<Request, Reply> {
  request: Request;
  reply: Reply;
}

/** A message map: per request name, its Message. */
export type MessageMap<M> = { [K in keyof M]: Message<unknown, unknown> };

type RequestOf<M, K extends keyof M> = M[K] extends Message<infer Request, unknown> ? Request : never;
type ReplyOf<M, K extends keyof M> = M[K] extends Message<unknown, infer Reply> ? Reply : never;

/** An error as it crosses: a DomainError keeps its code, anything else only its message. */
export type WireError = { code: ErrorCode | null; message: string };

export function toWire(error: unknown): WireError {
  return { code: error instanceof DomainError ? error.code : null, message: error instanceof Error ? error.message : String(error) };
}

export function fromWire(error: WireError): Error {
  return error.code === null ? new Error(error.message) : new DomainError(error.code, error.message);
}

/** What crosses into the thread: a request, or the word to finish. */
type Inbound = { id: number; name: string; request: unknown } | { close: true };
/** What crosses back: a request's answer or its error. */
type Outbound = { id: number; ok: true; reply: unknown } | { id: number; ok: false; error: WireError };

/** Per request name, the handler that answers it (on the thread, in the order requests arrive). */
export type Handlers<M extends MessageMap<M>> = { [K in keyof M]: (request: RequestOf<M, K>) => ReplyOf<M, K> };

/**
 * Inside the thread: answer each request on `port` with its handler. On the word to finish,
 * `onClose` runs (the requests before it have been answered) and the port closes, so the thread
 * ends.
 */
export function handle<M extends MessageMap<M>>(port: MessagePort | null, handlers: Handlers<M>, onClose?: () => void): void {
  if (!port) throw new Error('worker-protocol: run as a worker thread');
  port.on('message', (message: Inbound) => {
    if ('close' in message) {
      onClose?.();
      port.close();
      return;
    }
    let answer: Outbound;
    try {
      const handler = handlers[message.name as keyof M] as (request: unknown) => unknown;
      answer = { id: message.id, ok: true, reply: handler(message.request) };
    } catch (error) {
      answer = { id: message.id, ok: false, error: toWire(error) };
    }
    port.postMessage(answer);
  });
}

/** How to start a worker: the module's URL, or (run from TypeScript source) code that loads it. */
export type WorkerModule = { url: URL } | { code: string };

/**
 * The worker module `name` beside the calling module (`callerUrl`: its import.meta.url). From
 * TypeScript source, the thread first registers tsx's loader (on Node 20 a loader given in a
 * worker's execArgv does not reach the worker's imports), then imports the module.
 */
export function workerBeside(callerUrl: string, name: string): WorkerModule {
  if (!new URL(callerUrl).pathname.endsWith('.ts')) return { url: new URL(`./${name}.js`, callerUrl) };
  const tsxPackage = createRequire(callerUrl).resolve('tsx/package.json');
  const { exports } = JSON.parse(fs.readFileSync(tsxPackage, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  const api = pathToFileURL(path.resolve(path.dirname(tsxPackage), exports['./esm/api']!.import.default)).href;
  const source = new URL(`./${name}.ts`, callerUrl).href;
  return { code: `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); });` };
}

export interface WorkerClient<M extends MessageMap<M>> {
  /** Send a request (starting the thread if none runs); resolves with its answer, rejects with its error. */
  send<K extends keyof M & string>(name: K, request: RequestOf<M, K>): Promise<ReplyOf<M, K>>;
  /** Ask the thread to finish (its handle's onClose runs) and wait until it has exited. */
  close(): Promise<void>;
  /** Stop the thread at once: what it held fails. */
  terminate(): Promise<void>;
}

interface Pending {
  resolve: (reply: unknown) => void;
  reject: (error: Error) => void;
}

/** Outside the thread: a client of the worker `module`, started with `workerData`; `name` says whose thread died in an error. */
export function workerClient<M extends MessageMap<M>>(name: string, module: WorkerModule, workerData?: unknown): WorkerClient<M> {
  let current: { worker: Worker; pending: Map<number, Pending> } | null = null;
  let nextId = 1;

  const start = () => {
    const worker = 'url' in module ? new Worker(module.url, { workerData }) : new Worker(module.code, { eval: true, workerData });
    const pending = new Map<number, Pending>();
    const thread = { worker, pending };
    worker.unref();
    const failAll = (error: Error) => {
      if (current === thread) current = null;
      const held = [...pending.values()];
      pending.clear();
      for (const p of held) p.reject(error);
    };
    worker.on('message', (answer: Outbound) => {
      const p = pending.get(answer.id);
      if (!p) return;
      pending.delete(answer.id);
      if (pending.size === 0) worker.unref();
      if (answer.ok) p.resolve(answer.reply);
      else p.reject(fromWire(answer.error));
    });
    worker.on('error', failAll);
    worker.on('exit', (code) => failAll(new Error(`${name} exited (${code})`)));
    return thread;
  };

  return {
    send(requestName, request) {
      current ??= start();
      const { worker, pending } = current;
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (reply: unknown) => void, reject });
        worker.ref();
        const message: Inbound = { id, name: requestName, request };
        worker.postMessage(message);
      });
    },
    async close() {
      const thread = current;
      current = null;
      if (!thread) return;
      const exited = new Promise<void>((resolve) => thread.worker.once('exit', () => resolve()));
      // Kept alive until it has finished, or the process could end first.
      thread.worker.ref();
      const message: Inbound = { close: true };
      thread.worker.postMessage(message);
      await exited;
    },
    async terminate() {
      const thread = current;
      current = null;
      if (thread) await thread.worker.terminate();
    },
  };
}
