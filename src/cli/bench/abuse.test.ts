import { describe, expect, it } from 'vitest';
import { parseAbuseBenchOptions } from './abuse.js';

const defaults = { seconds: '20', loops: '1', voters: '20', votesPerSecond: '20', slow: '5000', requestTimeout: '5000', logins: '200', loginAddresses: '100' };

describe('bench-abuse options', () => {
  it('reads the defaults: one loop, twenty voters at one vote a second each, 5,000 slow bodies cut after 5 s', () => {
    expect(parseAbuseBenchOptions(defaults)).toEqual({
      seconds: 20,
      loops: 1,
      voters: 20,
      votesPerSecond: 20,
      slowConnections: 5000,
      requestTimeoutMs: 5000,
      logins: 200,
      loginAddresses: 100,
    });
  });

  it('keeps the voters under their own vote limit, and everything bounded', () => {
    expect(parseAbuseBenchOptions({ ...defaults, votesPerSecond: '21' })).toMatch(/^--votes-per-second: at most one a second per voter/);
    expect(parseAbuseBenchOptions({ ...defaults, seconds: '601' })).toMatch(/^--seconds: at most 600/);
    expect(parseAbuseBenchOptions({ ...defaults, loops: '51' })).toMatch(/^--loops: at most 50/);
    expect(parseAbuseBenchOptions({ ...defaults, slow: '50001' })).toMatch(/^--slow: at most 50000/);
    expect(parseAbuseBenchOptions({ ...defaults, requestTimeout: '99' })).toMatch(/^--request-timeout: milliseconds from 100 to 60000/);
  });

  it('names the option of a bad value', () => {
    expect(parseAbuseBenchOptions({ ...defaults, seconds: '0' })).toMatch(/^--seconds: a positive integer/);
    expect(parseAbuseBenchOptions({ ...defaults, loops: 'ten' })).toMatch(/^--loops: a positive integer/);
    expect(parseAbuseBenchOptions({ ...defaults, loginAddresses: '-1' })).toMatch(/^--login-addresses: a positive integer/);
  });
});
