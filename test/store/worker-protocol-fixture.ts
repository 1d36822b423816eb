/**
 * A worker thread for test/store/worker-protocol.test.ts. It exists only as TypeScript source
 * (nothing compiles test/ to dist/), so a test that reaches it shows the worker was loaded from
 * source. It counts the requests it has answered, so a test can tell one thread from the next.
 */
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { DomainError, type ErrorCode } from '../../src/core/errors.js';
import { handle, type Message } from '../../src/store/worker-protocol.js';

export type FixtureMessages = {
  /** The text back, with how many requests this thread has answered before it. */
  echo: Message<string, { text: string; answered: number }>;
  /** Throws a DomainError with the code given, or, for null, a plain Error. */
  fail: Message<{ code: ErrorCode | null; message: string }, never>;
  /** Ends the thread without an answer. */
  crash: Message<number, never>;
};

const { closedMarker } = workerData as { closedMarker: string };
let answered = 0;

handle<FixtureMessages>(
  parentPort,
  {
    echo: (text) => ({ text, answered: answered++ }),
    fail: ({ code, message }) => {
      throw code === null ? new Error(message) : new DomainError(code, message);
    },
    crash: (exitCode) => process.exit(exitCode),
  },
  () => fs.writeFileSync(closedMarker, `closed after ${answered}`),
);
