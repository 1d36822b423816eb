/** The analysis worker thread: runs the engine off the request path. */
import { parentPort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { handle } from '../store/worker-protocol.js';
import { AnalysisRunner, type AnalystMessages } from './analysis-runner.js';

const runner = new AnalysisRunner(() => performance.now());

handle<AnalystMessages>(parentPort, { run: (request) => runner.run(request) });
