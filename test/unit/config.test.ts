import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, redactorFor } from '../../src/config.js';

const problemsOf = (env: Record<string, string>) => {
  try { loadConfig(env); } catch (e) { if (e instanceof ConfigError) return e.problems; throw e; }
  return [];
};

describe('loadConfig', () => {
  it('defaults to the embedded emulators on 127.0.0.1:4000', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 4000, host: '127.0.0.1', embedded: true, maxBatchItems: 1000, apiKeys: [] });
    expect(c.backends).toEqual({});
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('configures a backend from its base URL and credentials, leaving the others unconfigured', () => {
    const c = loadConfig({ K2_BASE_URL: 'https://k2.example.com/K2Services/SyncREST.svc/', K2_USERNAME: 'svc', K2_PASSWORD: 'pw' });
    expect(c.embedded).toBe(false);
    expect(c.backends).toEqual({ K2: { baseUrl: 'https://k2.example.com/K2Services/SyncREST.svc', username: 'svc', password: 'pw' } });
  });

  it('says which variable is wrong, what was expected and what came, all at once', () => {
    const problems = problemsOf({ PORT: 'eighty', ZUORA_BASE_URL: 'https://rest.test.zuora.com', TASKHUB_MAX_BATCH_ITEMS: '0' });
    expect(problems).toEqual(expect.arrayContaining([
      "PORT must be a whole number from 0 to 65535; got 'eighty'",
      'ZUORA_CLIENT_ID is required when ZUORA_BASE_URL is set',
      'ZUORA_CLIENT_SECRET is required when ZUORA_BASE_URL is set',
      "TASKHUB_MAX_BATCH_ITEMS must be a whole number from 1 to 100000; got '0'",
    ]));
  });

  it('refuses base URLs with credentials in them, without echoing them', () => {
    const problems = problemsOf({ IBM_BPM_BASE_URL: 'https://admin:s3cret@bpm.example.com', IBM_BPM_USERNAME: 'u', IBM_BPM_PASSWORD: 'p' });
    expect(problems.join('\n')).toMatch(/IBM_BPM_BASE_URL must not carry credentials/);
    expect(problems.join('\n')).not.toContain('s3cret');
  });

  it('refuses a non-URL and a non-http scheme', () => {
    expect(problemsOf({ K2_BASE_URL: 'not a url', K2_USERNAME: 'u', K2_PASSWORD: 'p' })[0]).toMatch(/K2_BASE_URL must be an absolute http\(s\) URL/);
    expect(problemsOf({ K2_BASE_URL: 'ftp://k2', K2_USERNAME: 'u', K2_PASSWORD: 'p' })[0]).toMatch(/must use http or https/);
  });

  it('an invalid base URL does not silently fall back to the embedded emulators', () => {
    expect(problemsOf({ ZUORA_BASE_URL: '::' }).length).toBeGreaterThan(0);
  });

  it('lets a backend override the shared traffic policy', () => {
    const c = loadConfig({ TASKHUB_TOTAL_TIMEOUT_MS: '9000', K2_TOTAL_TIMEOUT_MS: '20000', TASKHUB_FIRST_BYTE_TIMEOUT_MS: '5000' });
    expect(c.traffic.ZUORA.totalTimeoutMs).toBe(9000);
    expect(c.traffic.K2.totalTimeoutMs).toBe(20000);
    expect(problemsOf({ TASKHUB_TOTAL_TIMEOUT_MS: '100' }).join()).toMatch(/first-byte timeout .* must not exceed the total timeout/);
  });

  it('reads the read concurrency per backend, 16 by default', () => {
    const c = loadConfig({ TASKHUB_READ_CONCURRENCY: '12', IBM_BPM_READ_CONCURRENCY: '50' });
    expect(c.traffic.ZUORA.readConcurrency).toBe(12);
    expect(c.traffic.IBM_BPM.readConcurrency).toBe(50);
    expect(loadConfig({}).traffic.K2.readConcurrency).toBe(16);
    expect(problemsOf({ ZUORA_READ_CONCURRENCY: '0' }).join()).toMatch(/ZUORA_READ_CONCURRENCY must be a whole number from 1/);
  });

  it("caps sockets at 64 per vendor, Zuora's at 32 (under its tenant's concurrency limit of 40), variables first", () => {
    const { traffic } = loadConfig({});
    expect([traffic.ZUORA.maxConnections, traffic.IBM_BPM.maxConnections, traffic.K2.maxConnections, traffic.SUPEROFFICE.maxConnections])
      .toEqual([32, 64, 64, 64]);
    const shared = loadConfig({ TASKHUB_MAX_CONNECTIONS: '100' }).traffic;
    expect([shared.ZUORA.maxConnections, shared.K2.maxConnections]).toEqual([100, 100]);
    const own = loadConfig({ ZUORA_MAX_CONNECTIONS: '10', TASKHUB_MAX_CONNECTIONS: '100' }).traffic;
    expect([own.ZUORA.maxConnections, own.IBM_BPM.maxConnections]).toEqual([10, 100]);
  });

  // Node's timers take at most 2^31-1 ms; a longer one fires after 1 ms, which would fail every vendor call.
  it('refuses a timeout past what a timer can hold', () => {
    expect(problemsOf({ TASKHUB_TOTAL_TIMEOUT_MS: '3000000000' })).toEqual([expect.stringMatching(/TASKHUB_TOTAL_TIMEOUT_MS.*2147483647/)]);
    expect(problemsOf({ K2_BREAKER_RESET_MS: '2147483648' })).toEqual([expect.stringMatching(/K2_BREAKER_RESET_MS/)]);
    expect(loadConfig({ TASKHUB_TOTAL_TIMEOUT_MS: '2147483647', TASKHUB_FIRST_BYTE_TIMEOUT_MS: '1000' }).traffic.ZUORA.totalTimeoutMs).toBe(2147483647);
  });

  it('parses API keys and refuses short ones', () => {
    expect(loadConfig({ TASKHUB_API_KEYS: ' aaaaaaaaaaaaaaaa , bbbbbbbbbbbbbbbbbbbb ' }).apiKeys).toEqual(['aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbbbbbb']);
    expect(problemsOf({ TASKHUB_API_KEYS: 'short' })).toEqual(['TASKHUB_API_KEYS: every key must be at least 16 characters long']);
    // Set, but holding no key: refused, never read as "no access control" (which would open the server).
    for (const empty of ['', '   ', ',', ' , ,', ',,,']) {
      expect(problemsOf({ TASKHUB_API_KEYS: empty })).toEqual([expect.stringMatching(/TASKHUB_API_KEYS is set but holds no key/)]);
    }
  });

  it('names LOG_LEVEL when its value is not a level', () => {
    expect(problemsOf({ LOG_LEVEL: 'verbose' })).toEqual(["LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent; got 'verbose'"]);
    expect(loadConfig({ LOG_LEVEL: 'DEBUG' }).logLevel).toBe('debug');
  });

  it('refuses a base URL with a path where the vendor has none; K2 must name its service root', () => {
    const creds = { ZUORA_CLIENT_ID: 'i', ZUORA_CLIENT_SECRET: 's', IBM_BPM_USERNAME: 'u', IBM_BPM_PASSWORD: 'p', K2_USERNAME: 'u', K2_PASSWORD: 'p', SUPEROFFICE_TOKEN: 't' };
    expect(problemsOf({ ...creds, ZUORA_BASE_URL: 'https://rest.test.zuora.com/v1/' }))
      .toEqual(["ZUORA_BASE_URL must be a base without a path, such as https://rest.test.zuora.com; got the path '/v1/'"]);
    expect(problemsOf({ ...creds, IBM_BPM_BASE_URL: 'https://bpm.example.com:9443/rest/bpm/htm/v1' }))
      .toEqual(["IBM_BPM_BASE_URL must be a base without a path, such as https://bpm.example.com:9443; got the path '/rest/bpm/htm/v1'"]);
    expect(problemsOf({ ...creds, K2_BASE_URL: 'https://k2.example.com/' }))
      .toEqual(["K2_BASE_URL must be the service root ending in /K2Services/SyncREST.svc; got the path '/'"]);
    expect(problemsOf({ ...creds, SUPEROFFICE_BASE_URL: 'https://online.superoffice.com/Cust12345/api/v1' }))
      .toEqual(["SUPEROFFICE_BASE_URL must be the tenant root, such as https://online.superoffice.com/Cust12345 (without /api); got the path '/Cust12345/api/v1'"]);
    // What the contract allows.
    const c = loadConfig({ ...creds, ZUORA_BASE_URL: 'https://rest.test.zuora.com/', IBM_BPM_BASE_URL: 'https://bpm.example.com:9443',
      K2_BASE_URL: 'https://k2.example.com/K2Services/SyncREST.svc', SUPEROFFICE_BASE_URL: 'https://online.superoffice.com/Cust12345' });
    expect(Object.values(c.backends).map((b) => b?.baseUrl)).toEqual([
      'https://rest.test.zuora.com', 'https://bpm.example.com:9443', 'https://k2.example.com/K2Services/SyncREST.svc', 'https://online.superoffice.com/Cust12345',
    ]);
  });

  it('reads the query admission floor: 8 by default, 0 for off', () => {
    expect(loadConfig({}).queryAdmissionFloor).toBe(8);
    expect(loadConfig({ TASKHUB_QUERY_ADMISSION_FLOOR: '0' }).queryAdmissionFloor).toBe(0);
    expect(loadConfig({ TASKHUB_QUERY_ADMISSION_FLOOR: '3' }).queryAdmissionFloor).toBe(3);
    expect(problemsOf({ TASKHUB_QUERY_ADMISSION_FLOOR: '-1' })).toEqual(["TASKHUB_QUERY_ADMISSION_FLOOR must be a whole number from 0 to 100000; got '-1'"]);
  });

  it('reads booleans strictly', () => {
    expect(loadConfig({ TASKHUB_INTROSPECTION: 'false' }).introspection).toBe(false);
    expect(problemsOf({ TASKHUB_INTROSPECTION: 'maybe' })).toEqual(["TASKHUB_INTROSPECTION must be true or false; got 'maybe'"]);
  });

  it('takes a redis:// or rediss:// URL with user, password and db, and never echoes a password', () => {
    expect(loadConfig({}).redisUrl).toBeUndefined();
    expect(loadConfig({ TASKHUB_REDIS_URL: 'rediss://app:p%40ss@redis.internal:6380/2' }).redisUrl).toBe('rediss://app:p%40ss@redis.internal:6380/2');
    const bad = problemsOf({ TASKHUB_REDIS_URL: 'http://app:hunter22@redis.internal/x?tls=1' });
    expect(bad.join('\n')).toMatch(/TASKHUB_REDIS_URL must use redis:\/\/ or rediss:\/\//);
    expect(bad.join('\n')).toMatch(/TASKHUB_REDIS_URL: the path must be a database number/);
    expect(bad.join('\n')).not.toContain('hunter22');
    expect(problemsOf({ TASKHUB_REDIS_URL: 'redis://:hunter22@' }).join('\n')).not.toContain('hunter22');
    expect(problemsOf({ TASKHUB_REDIS_URL: 'not a url hunter22' })).toEqual([
      'TASKHUB_REDIS_URL must be a URL such as redis://host:6379/0 or rediss://user:password@host:6380; got a value that is not a URL',
    ]);
  });

  it('reads per-backend request rates (unset: no limit)', () => {
    const c = loadConfig({ K2_MAX_REQUESTS_PER_SECOND: '20' });
    expect(c.maxRequestsPerSecond).toEqual({ ZUORA: undefined, IBM_BPM: undefined, K2: 20, SUPEROFFICE: undefined });
    expect(problemsOf({ ZUORA_MAX_REQUESTS_PER_SECOND: '0' })).toEqual(["ZUORA_MAX_REQUESTS_PER_SECOND must be a whole number from 1 to 1000000; got '0'"]);
  });

  it('redacts the Redis password', () => {
    const redact = redactorFor({ vendors: [], backends: {}, apiKeys: [], redisUrl: 'redis://u:s3cretpass@h:6379' });
    expect(redact('AUTH s3cretpass failed')).not.toContain('s3cretpass');
  });
});
