import { describe, expect, it } from 'vitest';
import { parseApiBenchOptions } from './api.js';

const defaults = { dialects: 'sqlite,postgres', connections: '10,50', seconds: '10', warmup: '2', maxRequests: '500000', members: '5000', statements: '200', serverNodeFlags: '' };

describe('bench-api options', () => {
  it('reads the defaults: both dialects, 10 and 50 connections, one API process', () => {
    const parsed = parseApiBenchOptions(defaults);
    expect(parsed).toMatchObject({ dialects: ['sqlite', 'postgres'], connections: [10, 50], seconds: 10, warmupSeconds: 2, apiProcesses: 1, ceiling: false, store: false });
  });

  it('takes several API processes on PostgreSQL only', () => {
    expect(parseApiBenchOptions({ ...defaults, dialects: 'postgres', apiProcesses: '2' })).toMatchObject({ dialects: ['postgres'], apiProcesses: 2 });
    expect(parseApiBenchOptions({ ...defaults, apiProcesses: '2' })).toMatch(/^--api-processes: .*PostgreSQL/);
    expect(parseApiBenchOptions({ ...defaults, dialects: 'postgres', apiProcesses: '0' })).toMatch(/^--api-processes: an integer from 1 to 16/);
    expect(parseApiBenchOptions({ ...defaults, dialects: 'postgres', apiProcesses: 'two' })).toMatch(/^--api-processes/);
  });

  it('names the option of a bad value', () => {
    expect(parseApiBenchOptions({ ...defaults, dialects: 'mysql' })).toMatch(/^--dialects/);
    expect(parseApiBenchOptions({ ...defaults, connections: '10,x' })).toMatch(/^--connections/);
    expect(parseApiBenchOptions({ ...defaults, seconds: '0' })).toMatch(/^--seconds/);
    expect(parseApiBenchOptions({ ...defaults, warmup: '-1' })).toMatch(/^--warmup/);
    expect(parseApiBenchOptions({ ...defaults, maxRequests: '20', connections: '50' })).toMatch(/^--max-requests/);
  });
});
