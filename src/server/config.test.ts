import { describe, expect, it } from 'vitest';
import { ConfigError, defaultRateLimits, defaultTimeouts, loadConfig, timeoutCheckIntervalMs } from './config.js';

describe('loadConfig', () => {
  it('defaults to the embedded database in ./data on port 8080', () => {
    const c = loadConfig({});
    expect(c.port).toBe(8080);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.dataDir.endsWith('/data')).toBe(true);
  });
  it('lets the command line win over the environment', () => {
    expect(loadConfig({ PORT: '9000' }, { port: 9100 }).port).toBe(9100);
    expect(loadConfig({ MASSLINE_DATA_DIR: '/tmp/a' }, { dataDir: '/tmp/b' }).dataDir).toBe('/tmp/b');
  });
  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
  });
  it('rate limits: the defaults, off, or some replaced; a wrong spec names the variable', () => {
    expect(loadConfig({}).rateLimits).toEqual(defaultRateLimits);
    expect(defaultRateLimits.login).toEqual([
      { max: 5, windowMs: 60_000 },
      { max: 30, windowMs: 3_600_000 },
    ]);
    expect(loadConfig({ MASSLINE_RATE_LIMITS: 'off' }).rateLimits).toBeNull();
    expect(loadConfig({ MASSLINE_RATE_LIMITS: 'off' }, { rateLimits: 'on' }).rateLimits).toEqual(defaultRateLimits);
    const some = loadConfig({ MASSLINE_RATE_LIMITS: 'vote=200/1m, login=3/30s+20/1d' }).rateLimits!;
    expect(some.vote).toEqual([{ max: 200, windowMs: 60_000 }]);
    expect(some.login).toEqual([
      { max: 3, windowMs: 30_000 },
      { max: 20, windowMs: 86_400_000 },
    ]);
    expect(some.statement).toEqual(defaultRateLimits.statement);
    expect(() => loadConfig({ MASSLINE_RATE_LIMITS: 'criticism=5/1h' })).toThrow(/MASSLINE_RATE_LIMITS: unknown limit "criticism"/);
    expect(() => loadConfig({ MASSLINE_RATE_LIMITS: 'vote=lots' })).toThrow(/MASSLINE_RATE_LIMITS: vote: "lots"/);
    expect(() => loadConfig({ MASSLINE_RATE_LIMITS: 'vote=5/0m' })).toThrow(ConfigError);
  });
  it('request limits: a login is limited per account too; anonymous routes share one limit a second', () => {
    expect(defaultRateLimits['login-account']).toEqual([
      { max: 10, windowMs: 60_000 },
      { max: 50, windowMs: 3_600_000 },
    ]);
    expect(defaultRateLimits.anonymous).toEqual([{ max: 20, windowMs: 1000 }]);
    expect(loadConfig({ MASSLINE_RATE_LIMITS: 'anonymous=200/1s,login-account=3/1m' }).rateLimits).toMatchObject({
      anonymous: [{ max: 200, windowMs: 1000 }],
      'login-account': [{ max: 3, windowMs: 60_000 }],
    });
  });
  it('timeouts and the body limit: defaults, or from the environment; the headers are due no later than the request', () => {
    const c = loadConfig({});
    expect(c.timeouts).toEqual(defaultTimeouts);
    expect(c.timeouts).toEqual({ headersMs: 15_000, requestMs: 30_000, idleMs: 120_000, keepAliveMs: 72_000 });
    expect(c.bodyLimit).toBe(64 * 1024);
    expect(timeoutCheckIntervalMs(c.timeouts)).toBe(3_000);
    const short = loadConfig({
      MASSLINE_REQUEST_TIMEOUT_MS: '500',
      MASSLINE_IDLE_TIMEOUT_MS: '30000',
      MASSLINE_KEEP_ALIVE_TIMEOUT_MS: '5000',
      MASSLINE_BODY_LIMIT_BYTES: '2048',
    });
    // The headers' default follows a shorter request timeout down.
    expect(short.timeouts).toEqual({ headersMs: 500, requestMs: 500, idleMs: 30_000, keepAliveMs: 5_000 });
    expect(timeoutCheckIntervalMs(short.timeouts)).toBe(100);
    expect(short.bodyLimit).toBe(2048);
    expect(() => loadConfig({ MASSLINE_HEADERS_TIMEOUT_MS: '20000', MASSLINE_REQUEST_TIMEOUT_MS: '10000' })).toThrow(
      /MASSLINE_HEADERS_TIMEOUT_MS: must be at most the request timeout \(10000 ms\)/,
    );
    expect(() => loadConfig({ MASSLINE_IDLE_TIMEOUT_MS: '1000' })).toThrow(/MASSLINE_IDLE_TIMEOUT_MS: must be at least 30000 ms/);
    expect(() => loadConfig({ MASSLINE_REQUEST_TIMEOUT_MS: '50' })).toThrow(/MASSLINE_REQUEST_TIMEOUT_MS: must be at least 100 ms/);
    expect(() => loadConfig({ MASSLINE_BODY_LIMIT_BYTES: '100' })).toThrow(/MASSLINE_BODY_LIMIT_BYTES: must be at least 1024 bytes/);
    expect(() => loadConfig({ MASSLINE_KEEP_ALIVE_TIMEOUT_MS: 'long' })).toThrow(/MASSLINE_KEEP_ALIVE_TIMEOUT_MS/);
  });
  it('a public origin is an http(s) origin without a path; proxies are addresses', () => {
    expect(loadConfig({}).publicOrigin).toBeUndefined();
    expect(loadConfig({ MASSLINE_PUBLIC_ORIGIN: 'https://Massline.Example.org:443' }).publicOrigin).toBe('https://massline.example.org');
    expect(() => loadConfig({ MASSLINE_PUBLIC_ORIGIN: 'https://massline.example.org/app' })).toThrow(/MASSLINE_PUBLIC_ORIGIN/);
    expect(() => loadConfig({ MASSLINE_PUBLIC_ORIGIN: 'massline.example.org' })).toThrow(/MASSLINE_PUBLIC_ORIGIN/);
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ MASSLINE_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8' }).trustProxy).toBe('127.0.0.1, 10.0.0.0/8');
    expect(() => loadConfig({ MASSLINE_TRUST_PROXY: 'true' })).toThrow(/MASSLINE_TRUST_PROXY/);
  });
  it('has no idle timeout unless one is set', () => {
    expect(loadConfig({}).sessionIdleDays).toBeNull();
    expect(loadConfig({ MASSLINE_SESSION_IDLE_DAYS: '14' }).sessionIdleDays).toBe(14);
  });
  it('serves and works in one process unless told otherwise; api and worker need PostgreSQL', () => {
    const pg = { DATABASE_URL: 'postgres://massline@127.0.0.1/massline' };
    expect(loadConfig({}).role).toBe('all');
    expect(loadConfig({ ...pg, MASSLINE_ROLE: 'worker' }).role).toBe('worker');
    expect(loadConfig({ ...pg, MASSLINE_ROLE: 'worker' }, { role: 'api' }).role).toBe('api');
    expect(() => loadConfig({ ...pg, MASSLINE_ROLE: 'cook' })).toThrow(/MASSLINE_ROLE: must be one of api, worker, all/);
    expect(() => loadConfig({ MASSLINE_ROLE: 'worker' })).toThrow(/MASSLINE_ROLE: worker needs PostgreSQL \(DATABASE_URL\)/);
    expect(() => loadConfig({}, { role: 'api' })).toThrow(/--role: api needs PostgreSQL/);
    expect(loadConfig({ MASSLINE_ROLE: 'all' }).role).toBe('all');
  });
  it('job expiry and maintenance: defaults, or whole seconds from 1 to 3600', () => {
    expect(loadConfig({}).jobExpireSeconds).toBe(120);
    expect(loadConfig({}).jobMaintenanceSeconds).toBe(30);
    const c = loadConfig({ MASSLINE_JOB_EXPIRE_SECONDS: '10', MASSLINE_JOB_MAINTENANCE_SECONDS: '1' });
    expect([c.jobExpireSeconds, c.jobMaintenanceSeconds]).toEqual([10, 1]);
    expect(() => loadConfig({ MASSLINE_JOB_EXPIRE_SECONDS: '0' })).toThrow(/MASSLINE_JOB_EXPIRE_SECONDS/);
    expect(() => loadConfig({ MASSLINE_JOB_EXPIRE_SECONDS: '1.5' })).toThrow(/MASSLINE_JOB_EXPIRE_SECONDS/);
    expect(() => loadConfig({ MASSLINE_JOB_MAINTENANCE_SECONDS: '86400' })).toThrow(/MASSLINE_JOB_MAINTENANCE_SECONDS/);
  });
});
