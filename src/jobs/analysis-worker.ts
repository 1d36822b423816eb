/** The analysis worker thread: runs the engine off the request path. */
import { parentPort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { AnalysisRunner, type AnalysisRequest } from './analysis-runner.js';

const runner = new AnalysisRunner(() => performance.now());

parentPort?.on('message', (message: { id: number; request: AnalysisRequest }) => {
  try {
    parentPort?.postMessage({ id: message.id, reply: runner.run(message.request) });
  } catch (e) {
    parentPort?.postMessage({ id: message.id, error: e instanceof Error ? e.message : String(e) });
  }
});
