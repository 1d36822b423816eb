/**
 * The worker threads' protocol (src/store/worker-protocol.ts), against a worker of its own
 * (worker-protocol-fixture.ts): answers matched to their requests in order, errors back as the
 * same kind, a thread that dies failing what it held and the next request starting a new one,
 * close running the thread's own close first, and a worker loaded from its TypeScript source.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/core/errors.js';
import { workerBeside, workerClient, type WorkerClient } from '../../src/store/worker-protocol.js';
import type { FixtureMessages } from './worker-protocol-fixture.js';

const clients: WorkerClient<FixtureMessages>[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.terminate()));
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function fixture(): { client: WorkerClient<FixtureMessages>; closedMarker: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'massline-worker-'));
  dirs.push(dir);
  const closedMarker = path.join(dir, 'closed');
  const client = workerClient<FixtureMessages>('fixture thread', workerBeside(import.meta.url, 'worker-protocol-fixture'), { closedMarker });
  clients.push(client);
  return { client, closedMarker };
}

describe('worker protocol', () => {
  it('finds a worker beside compiled JavaScript as its .js file, and beside TypeScript source as code that loads its .ts', () => {
    expect(workerBeside('file:///app/dist/store/vote-writer.js', 'vote-writer-worker')).toEqual({
      url: new URL('file:///app/dist/store/vote-writer-worker.js'),
    });
    const fromSource = workerBeside(import.meta.url, 'worker-protocol-fixture');
    expect('code' in fromSource && fromSource.code).toContain(new URL('./worker-protocol-fixture.ts', import.meta.url).href);
  });

  it('answers each request with its own reply, in the order sent, from a worker that exists only as source', async () => {
    const { client } = fixture();
    const texts = Array.from({ length: 50 }, (_, i) => `t${i}`);
    const replies = await Promise.all(texts.map((t) => client.send('echo', t)));
    expect(replies).toEqual(texts.map((text, answered) => ({ text, answered })));
  });

  it('brings a DomainError back with its code, and any other error as an Error with its message', async () => {
    const { client } = fixture();
    const domain = await client.send('fail', { code: 'conflict', message: 'already there' }).catch((e: unknown) => e);
    expect(domain).toBeInstanceOf(DomainError);
    expect(domain).toMatchObject({ code: 'conflict', message: 'already there' });
    const plain = await client.send('fail', { code: null, message: 'broke' }).catch((e: unknown) => e);
    expect(plain).toBeInstanceOf(Error);
    expect(plain).not.toBeInstanceOf(DomainError);
    expect((plain as Error).message).toBe('broke');
    // The thread goes on after an error.
    expect(await client.send('echo', 'after')).toEqual({ text: 'after', answered: 0 });
  });

  it('fails every request a dying thread held, and starts a new thread for the next one', async () => {
    const { client } = fixture();
    expect(await client.send('echo', 'a')).toEqual({ text: 'a', answered: 0 });
    const held = client.send('echo', 'b');
    const crashed = client.send('crash', 3);
    const after = client.send('echo', 'c');
    expect(await held).toEqual({ text: 'b', answered: 1 });
    await expect(crashed).rejects.toThrow('fixture thread exited (3)');
    await expect(after).rejects.toThrow('fixture thread exited (3)');
    expect(await client.send('echo', 'd')).toEqual({ text: 'd', answered: 0 });
  });

  it('closes after the requests sent before it are answered, running the thread’s close, and starts anew after', async () => {
    const { client, closedMarker } = fixture();
    const replies = Promise.all(['a', 'b', 'c'].map((t) => client.send('echo', t)));
    await client.close();
    expect((await replies).map((r) => r.text)).toEqual(['a', 'b', 'c']);
    expect(fs.readFileSync(closedMarker, 'utf8')).toBe('closed after 3');
    expect(await client.send('echo', 'again')).toEqual({ text: 'again', answered: 0 });
  });

  it('fails what is in flight when terminated', async () => {
    const { client } = fixture();
    const inFlight = client.send('echo', 'x');
    await client.terminate();
    await expect(inFlight).rejects.toThrow('fixture thread exited');
  });
});
