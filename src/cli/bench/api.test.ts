import { describe, expect, it } from 'vitest';
import { benchReport, parseApiBenchOptions, type ApiRun } from './api.js';

const defaults = {
  dialects: 'sqlite,postgres',
  connections: '10,50',
  seconds: '10',
  warmup: '2',
  maxRequests: '500000',
  members: '5000',
  statements: '200',
  serverNodeFlags: '',
};

describe('bench-api options', () => {
  it('reads the defaults: both dialects, 10 and 50 connections, one API process', () => {
    const parsed = parseApiBenchOptions(defaults);
    expect(parsed).toMatchObject({
      dialects: ['sqlite', 'postgres'],
      connections: [10, 50],
      seconds: 10,
      warmupSeconds: 2,
      apiProcesses: 1,
      ceiling: false,
      store: false,
    });
  });

  it('takes several API processes on PostgreSQL only', () => {
    expect(parseApiBenchOptions({ ...defaults, dialects: 'postgres', apiProcesses: '2' })).toMatchObject({ dialects: ['postgres'], apiProcesses: 2 });
    expect(parseApiBenchOptions({ ...defaults, apiProcesses: '2' })).toMatch(/^--api-processes: .*PostgreSQL/);
    expect(parseApiBenchOptions({ ...defaults, dialects: 'postgres', apiProcesses: '0' })).toMatch(/^--api-processes: an integer from 1 to 16/);
    expect(parseApiBenchOptions({ ...defaults, dialects: 'postgres', apiProcesses: 'two' })).toMatch(/^--api-processes/);
  });

  it('floods the anonymous routes only when asked, at a rate it can name', () => {
    expect(parseApiBenchOptions(defaults)).toMatchObject({ floodAnonymous: 0 });
    expect(parseApiBenchOptions({ ...defaults, floodAnonymous: '1000' })).toMatchObject({ floodAnonymous: 1000 });
    expect(parseApiBenchOptions({ ...defaults, floodAnonymous: 'lots' })).toMatch(/^--flood-anonymous: requests per second/);
    expect(parseApiBenchOptions({ ...defaults, floodAnonymous: '50000' })).toMatch(/^--flood-anonymous/);
    expect(parseApiBenchOptions({ ...defaults, floodAnonymous: '1000', floodNice: '19' })).toMatchObject({ floodNice: 19 });
    expect(parseApiBenchOptions({ ...defaults, floodNice: '20' })).toMatch(/^--flood-nice: a niceness from 0 to 19/);
  });

  it('names the option of a bad value', () => {
    expect(parseApiBenchOptions({ ...defaults, dialects: 'mysql' })).toMatch(/^--dialects/);
    expect(parseApiBenchOptions({ ...defaults, connections: '10,x' })).toMatch(/^--connections/);
    expect(parseApiBenchOptions({ ...defaults, seconds: '0' })).toMatch(/^--seconds/);
    expect(parseApiBenchOptions({ ...defaults, warmup: '-1' })).toMatch(/^--warmup/);
    expect(parseApiBenchOptions({ ...defaults, maxRequests: '20', connections: '50' })).toMatch(/^--max-requests/);
  });

  it("puts the ceiling and the store's runs in the JSON beside the API's, with the share of the Fastify ceiling at the same connections", () => {
    const run = (target: ApiRun['target'], connections: number, votesPerSec: number, p99Ms: number): ApiRun => ({
      target,
      connections,
      votesPerSec,
      p50Ms: p99Ms / 4,
      p99Ms,
      seconds: 10,
      requests: votesPerSec * 10,
      acknowledged: votesPerSec * 10,
      non2xx: 0,
      errors: 0,
      timeouts: 0,
      statusCodes: {},
    });
    const report = benchReport(
      [
        run('sqlite', 10, 3000, 12),
        run('sqlite', 50, 5000, 40),
        run('sqlite store, group commit', 50, 16000, 8),
        run('node:http', 50, 11000, 9),
        run('fastify', 50, 10000, 10),
      ],
      { dialects: ['sqlite'], apiProcesses: 1 },
    );
    expect(report).toEqual({
      sqlite: { '10': { votesPerSec: 3000, p50Ms: 3, p99Ms: 12 }, '50': { votesPerSec: 5000, p50Ms: 10, p99Ms: 40 } },
      store: { sqlite: { 'group commit': { '50': { votesPerSec: 16000, p50Ms: 2, p99Ms: 8 } } } },
      ceiling: { 'node:http': { '50': { votesPerSec: 11000, p50Ms: 2.25, p99Ms: 9 } }, fastify: { '50': { votesPerSec: 10000, p50Ms: 2.5, p99Ms: 10 } } },
      // No ceiling at 10 connections, so no share there.
      shareOfFastifyCeiling: { sqlite: { '50': 0.5 } },
    });
  });

  it('puts a run beside the anonymous flood in the JSON apart, with what the flood was answered', () => {
    const base = { connections: 10, seconds: 5, requests: 100, acknowledged: 100, non2xx: 0, errors: 0, timeouts: 0, statusCodes: {} };
    const report = benchReport(
      [
        { ...base, target: 'sqlite', votesPerSec: 1500, p50Ms: 5, p99Ms: 20 },
        {
          ...base,
          target: 'sqlite + anonymous flood',
          votesPerSec: 1450,
          p50Ms: 5.2,
          p99Ms: 21,
          flood: { rate: 1000, sent: 5000, errors: 0, statusCodes: { '429': 4750, '404': 250 }, generatorCpuSeconds: 0.9 },
        },
      ],
      { dialects: ['sqlite'], apiProcesses: 1 },
    );
    expect(report).toEqual({
      sqlite: { '10': { votesPerSec: 1500, p50Ms: 5, p99Ms: 20 } },
      anonymousFlood: { sqlite: { '10': { votesPerSec: 1450, p50Ms: 5.2, p99Ms: 21, floodRate: 1000, floodStatusCodes: { '429': 4750, '404': 250 } } } },
    });
  });
});
