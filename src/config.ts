// loadConfig(env): every setting validated at start into one frozen object. Problems are collected and
// reported together, each naming the variable, what was expected and what was given (secrets are never
// echoed). Every variable is listed with its default in the README's configuration table.

import { DEFAULT_ADMISSION } from './query-admission.js';
import type { Backend } from './domain.js';
import { DEFAULT_TRAFFIC_POLICY } from './transport/policy.js';
import type { TrafficPolicy } from './transport/policy.js';
import { DEFAULT_READ_CONCURRENCY } from './vendors/concurrency.js';
import type { ReadPolicy } from './vendors/concurrency.js';
import { VENDORS } from './vendors/index.js';
import type { BackendSettings } from './vendors/index.js';
import type { AnyVendorModule, EnvReader, VendorSecrets } from './vendors/vendor.js';
import { createRedactor } from './redact.js';
import { safeText } from './safe-text.js';
import type { JwtSettings } from './access/jwt.js';
import type { Redact } from './redact.js';
import type { HttpServerTimeouts } from './http-server.js';

export type { BackendSettings };

export interface Config {
  port: number;
  host: string;
  /** True when no *_BASE_URL is set: start the built-in emulators and point the facade at them. */
  embedded: boolean;
  /** Latency the embedded emulators add to every answer (demo and benchmarks). */
  embeddedLatencyMs: number;
  /** The vendor modules this configuration was read for (the registry's list, or a test's). */
  vendors: readonly AnyVendorModule[];
  /** Settings of each configured vendor, by backend. */
  backends: BackendSettings;
  /** Traffic policy by backend, for every vendor module (configured or not). */
  traffic: Record<Backend, TrafficPolicy & ReadPolicy>;
  apiKeys: readonly string[];
  /** TASKHUB_API_KEYS_FILE: named keys with scopes, stored as SHA-256 digests (src/access/api-key-file.ts). */
  apiKeysFile?: string;
  /** Bearer JWTs verified against an identity provider's JWKS (src/access/jwt.ts). */
  jwt?: JwtSettings;
  maxBatchItems: number;
  idempotencyTtlMs: number;
  /** Batch jobs (startBatchUpdateJob): size limit, how long a job and its results are kept, jobs run at once. */
  jobs: { maxItems: number; ttlMs: number; concurrency: number };
  introspection: boolean;
  graphiql: boolean;
  /**
   * A query's vendor read may join an identical read already in flight for another request
   * (transport/shared-reads.ts); false sends every read for its own request.
   */
  sharedReads: boolean;
  /**
   * Queries always let run at once while the CPU is saturated (src/query-admission.ts); more wait for a
   * place. 0 turns the admission off: every query runs at once.
   */
  queryAdmissionFloor: number;
  /**
   * Web origins whose pages may call taskhub from a browser (CORS), `*` for any; empty: none, only pages
   * served from taskhub's own origin (GraphiQL) or through the same reverse proxy.
   */
  corsOrigins: readonly string[];
  limits: { maxDepth: number; maxAliases: number; maxTokens: number; maxBatchOperations: number; maxBodyBytes: number };
  /** How long a client may take to send a request, and keep an idle connection open. */
  http: HttpServerTimeouts;
  shutdownTimeoutMs: number;
  /** After SIGTERM, /ready answers 503 this long while the server still accepts, so load balancers drain it. */
  shutdownDrainMs: number;
  logLevel: string;
  /** OpenTelemetry spans (OTLP over HTTP, configured by the standard OTEL_* variables). */
  otelEnabled: boolean;
  /** TASKHUB_REDIS_URL: shared state for several replicas; undefined keeps everything in process. */
  redisUrl: string | undefined;
  /** How long a replica's claim on a running keyed batch lasts without renewal (a crash frees it after this). */
  batchLeaseMs: number;
  /** <BACKEND>_MAX_REQUESTS_PER_SECOND: requests per second to each vendor, across replicas; undefined = no limit. */
  maxRequestsPerSecond: Record<Backend, number | undefined>;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

type Env = Record<string, string | undefined>;

// Suffixes of the per-backend traffic settings: `<BACKEND>_TOTAL_TIMEOUT_MS` overrides `TASKHUB_TOTAL_TIMEOUT_MS`.
const TRAFFIC_DEFAULTS: Readonly<TrafficPolicy & ReadPolicy> = { ...DEFAULT_TRAFFIC_POLICY, readConcurrency: DEFAULT_READ_CONCURRENCY };
/** Node's timers hold at most 2^31-1 ms; a longer one fires after 1 ms (with a TimeoutOverflowWarning). */
const TIMER_MAX_MS = 2 ** 31 - 1;
// [setting, variable suffix, least value, greatest value]
const TRAFFIC_VARS: ReadonlyArray<[keyof (TrafficPolicy & ReadPolicy), string, number, number?]> = [
  ['connectTimeoutMs', 'CONNECT_TIMEOUT_MS', 1, TIMER_MAX_MS],
  ['firstByteTimeoutMs', 'FIRST_BYTE_TIMEOUT_MS', 1, TIMER_MAX_MS],
  ['totalTimeoutMs', 'TOTAL_TIMEOUT_MS', 1, TIMER_MAX_MS],
  ['maxRetries', 'MAX_RETRIES', 0],
  ['retryBaseMs', 'RETRY_BASE_MS', 0, TIMER_MAX_MS],
  ['retryMaxMs', 'RETRY_MAX_MS', 0, TIMER_MAX_MS],
  ['maxConnections', 'MAX_CONNECTIONS', 1],
  ['readConcurrency', 'READ_CONCURRENCY', 1],
  ['maxResponseBytes', 'MAX_RESPONSE_BYTES', 1024],
  ['breakerFailureThreshold', 'BREAKER_FAILURES', 1],
  ['breakerResetMs', 'BREAKER_RESET_MS', 1, TIMER_MAX_MS],
];

/** pino's levels: anything else makes pino throw at start, naming no variable. */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function loadConfig(env: Env, vendors: readonly AnyVendorModule[] = VENDORS): Readonly<Config> {
  const problems: string[] = [];
  const str = (name: string) => {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const int = (name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number => {
    const raw = str(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!/^-?\d+$/.test(raw) || n < min || n > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max}; got '${raw.slice(0, 40)}'`);
      return fallback;
    }
    return n;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = str(name);
    if (raw === undefined) return fallback;
    if (/^(true|1|yes|on)$/i.test(raw)) return true;
    if (/^(false|0|no|off)$/i.test(raw)) return false;
    problems.push(`${name} must be true or false; got '${raw.slice(0, 40)}'`);
    return fallback;
  };
  const baseUrl = (name: string, pathRule: (path: string) => string | null = () => null): string | undefined => {
    const raw = str(name);
    if (raw === undefined) return undefined;
    let url: URL;
    try { url = new URL(raw); } catch {
      problems.push(`${name} must be an absolute http(s) URL such as https://host:port/path; got a value that is not a URL`);
      return undefined;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') problems.push(`${name} must use http or https; got '${url.protocol}'`);
    // Never echo userinfo: it is a credential.
    if (url.username || url.password) problems.push(`${name} must not carry credentials; use the backend's own credential variables`);
    if (url.search || url.hash) problems.push(`${name} must be a base without query or fragment`);
    const wrongPath = pathRule(url.pathname);
    if (wrongPath) problems.push(`${name} must be ${wrongPath}; got the path '${url.pathname.slice(0, 80)}'`);
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  };
  const logLevel = (raw: string | undefined): string => {
    if (raw === undefined) return 'info';
    if (LOG_LEVELS.includes(raw.toLowerCase())) return raw.toLowerCase();
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; got '${raw.slice(0, 40)}'`);
    return 'info';
  };
  const need = (name: string, because: string): string => {
    const v = str(name);
    if (v === undefined) problems.push(`${name} is required when ${because} is set`);
    return v ?? '';
  };

  const reader: EnvReader = { str, int, need };
  const backends: BackendSettings = {};
  for (const vendor of vendors) {
    const url = baseUrl(vendor.settings.baseUrlVar, vendor.settings.basePathProblem);
    if (url) backends[vendor.backend] = vendor.settings.read(reader, url);
  }
  // A base URL variable that is set but invalid must not silently fall back to the embedded emulators.
  const anyBaseUrlGiven = vendors.some((v) => str(v.settings.baseUrlVar) !== undefined);

  const traffic = {} as Record<Backend, TrafficPolicy & ReadPolicy>;
  for (const { backend, traffic: vendorDefaults } of vendors) {
    // <BACKEND>_X, else TASKHUB_X, else the vendor's own default, else taskhub's.
    const defaults = { ...TRAFFIC_DEFAULTS, ...vendorDefaults };
    const policy = { ...defaults };
    for (const [key, suffix, min, max] of TRAFFIC_VARS) {
      const global = int(`TASKHUB_${suffix}`, defaults[key], min, max);
      policy[key] = int(`${backend}_${suffix}`, global, min, max);
    }
    if (policy.firstByteTimeoutMs > policy.totalTimeoutMs) {
      problems.push(`${backend}: the first-byte timeout (${policy.firstByteTimeoutMs} ms) must not exceed the total timeout (${policy.totalTimeoutMs} ms)`);
    }
    traffic[backend] = Object.freeze(policy);
  }

  const maxRequestsPerSecond = {} as Record<Backend, number | undefined>;
  for (const { backend } of vendors) {
    const name = `${backend}_MAX_REQUESTS_PER_SECOND`;
    maxRequestsPerSecond[backend] = str(name) === undefined ? undefined : int(name, 0, 1, 1_000_000);
  }

  const apiKeys = (str('TASKHUB_API_KEYS') ?? '').split(',').map((k) => k.trim()).filter(Boolean);
  // Set but empty of keys ("", ",", a template whose secret is missing) would otherwise read as "no access
  // control": an open server. Unset is the only way to run without keys.
  if (env['TASKHUB_API_KEYS'] !== undefined && apiKeys.length === 0) {
    problems.push('TASKHUB_API_KEYS is set but holds no key (comma-separated keys of at least 16 characters); unset it to run without keys');
  }
  if (apiKeys.some((k) => k.length < 16)) problems.push('TASKHUB_API_KEYS: every key must be at least 16 characters long');

  const apiKeysFile = str('TASKHUB_API_KEYS_FILE');
  const jwksUrl = str('TASKHUB_JWT_JWKS_URL');
  let jwt: JwtSettings | undefined;
  if (jwksUrl !== undefined) {
    let url: URL | undefined;
    try { url = new URL(jwksUrl); } catch { /* reported below */ }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) problems.push('TASKHUB_JWT_JWKS_URL must be an http(s) URL');
    // Both are required: without them a token minted for another application would be accepted here.
    jwt = {
      jwksUrl,
      issuer: need('TASKHUB_JWT_ISSUER', 'TASKHUB_JWT_JWKS_URL'),
      audience: need('TASKHUB_JWT_AUDIENCE', 'TASKHUB_JWT_JWKS_URL'),
      jwksCooldownMs: int('TASKHUB_JWT_JWKS_COOLDOWN_MS', 30_000, 0, 3_600_000),
    };
  }

  const corsOrigins = corsOriginsOf(str('TASKHUB_CORS_ORIGINS'), problems);

  const config: Config = {
    port: int('PORT', 4000, 0, 65535),
    host: str('HOST') ?? '127.0.0.1',
    embedded: !anyBaseUrlGiven,
    vendors,
    embeddedLatencyMs: int('TASKHUB_EMULATOR_LATENCY_MS', 0, 0, 60_000),
    backends,
    traffic,
    apiKeys: Object.freeze(apiKeys),
    ...(apiKeysFile === undefined ? {} : { apiKeysFile }),
    ...(jwt === undefined ? {} : { jwt: Object.freeze(jwt) }),
    maxBatchItems: int('TASKHUB_MAX_BATCH_ITEMS', 1000, 1, 100_000),
    idempotencyTtlMs: int('TASKHUB_IDEMPOTENCY_TTL_SECONDS', 86_400, 1) * 1000,
    jobs: {
      maxItems: int('TASKHUB_MAX_JOB_ITEMS', 100_000, 1, 10_000_000),
      ttlMs: int('TASKHUB_JOB_TTL_SECONDS', 604_800, 1, 31_536_000) * 1000,
      concurrency: int('TASKHUB_JOB_CONCURRENCY', 2, 1, 64),
    },
    introspection: bool('TASKHUB_INTROSPECTION', true),
    graphiql: bool('TASKHUB_GRAPHIQL', true),
    sharedReads: bool('TASKHUB_SHARED_READS', true),
    queryAdmissionFloor: int('TASKHUB_QUERY_ADMISSION_FLOOR', DEFAULT_ADMISSION.floor, 0, 100_000),
    corsOrigins,
    limits: {
      maxDepth: int('TASKHUB_MAX_DEPTH', 12, 1, 1000),
      maxAliases: int('TASKHUB_MAX_ALIASES', 100, 1, 10_000),
      maxTokens: int('TASKHUB_MAX_TOKENS', 100_000, 100, 10_000_000),
      maxBatchOperations: int('TASKHUB_MAX_BATCH_OPERATIONS', 10, 1, 1000),
      maxBodyBytes: int('TASKHUB_MAX_BODY_BYTES', 10 * 1024 * 1024, 1024),
    },
    http: {
      requestTimeoutMs: int('TASKHUB_REQUEST_TIMEOUT_MS', 30_000, 100, 3_600_000),
      headersTimeoutMs: int('TASKHUB_HEADERS_TIMEOUT_MS', 10_000, 100, 3_600_000),
      keepAliveTimeoutMs: int('TASKHUB_KEEP_ALIVE_TIMEOUT_MS', 65_000, 100, 3_600_000),
    },
    shutdownTimeoutMs: int('TASKHUB_SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
    shutdownDrainMs: int('TASKHUB_SHUTDOWN_DRAIN_MS', 1_000, 0, 600_000),
    logLevel: logLevel(str('LOG_LEVEL')),
    otelEnabled: bool('TASKHUB_OTEL_ENABLED', false),
    redisUrl: redisUrl(str('TASKHUB_REDIS_URL'), problems),
    batchLeaseMs: int('TASKHUB_BATCH_LEASE_MS', 12_000, 1_000, 60_000),
    maxRequestsPerSecond,
  };
  if (config.http.headersTimeoutMs > config.http.requestTimeoutMs) {
    problems.push(`TASKHUB_HEADERS_TIMEOUT_MS (${config.http.headersTimeoutMs}) must not exceed TASKHUB_REQUEST_TIMEOUT_MS (${config.http.requestTimeoutMs})`);
  }
  // A shared variable is read once per backend: its problem is said once.
  if (problems.length) throw new ConfigError([...new Set(problems)]);
  return Object.freeze(config);
}

/**
 * TASKHUB_REDIS_URL: redis:// or rediss://, with an optional user, password and database number
 * (`rediss://user:pass@host:6380/2`). The password is a credential: never part of a problem message.
 */
/**
 * TASKHUB_CORS_ORIGINS: comma-separated origins (`https://app.example.com`, `http://localhost:5173`) or `*`.
 * Each must be an origin exactly as a browser sends it (scheme, host, port; no path), or it would never match.
 */
function corsOriginsOf(raw: string | undefined, problems: string[]): readonly string[] {
  if (raw === undefined) return [];
  const origins = raw.split(',').map((o) => o.trim()).filter(Boolean);
  if (origins.length === 0) problems.push('TASKHUB_CORS_ORIGINS is set but names no origin; unset it to allow none');
  for (const origin of origins) {
    if (origin === '*') continue;
    let url: URL | undefined;
    try { url = new URL(origin); } catch { /* reported below */ }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== origin) {
      problems.push(`TASKHUB_CORS_ORIGINS: '${origin.slice(0, 80)}' is not an origin such as https://app.example.com (scheme, host and port only, no trailing slash)`);
    }
  }
  return Object.freeze(origins);
}

function redisUrl(raw: string | undefined, problems: string[]): string | undefined {
  if (raw === undefined) return undefined;
  const name = 'TASKHUB_REDIS_URL';
  let url: URL;
  try { url = new URL(raw); } catch {
    problems.push(`${name} must be a URL such as redis://host:6379/0 or rediss://user:password@host:6380; got a value that is not a URL`);
    return undefined;
  }
  const before = problems.length;
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') problems.push(`${name} must use redis:// or rediss://; got '${url.protocol.slice(0, 20)}'`);
  if (!url.hostname) problems.push(`${name} must name a host`);
  if (!/^\/?(\d{1,5})?$/.test(url.pathname)) problems.push(`${name}: the path must be a database number (/0 to /15 on a default server)`);
  if (url.search || url.hash) problems.push(`${name} must not carry a query or fragment`);
  return problems.length === before ? raw : undefined;
}

/** The password in a Redis URL, for the redactor. */
export function redisPasswordOf(redisUrl: string | undefined): string | undefined {
  if (!redisUrl) return undefined;
  try { return decodeURIComponent(new URL(redisUrl).password) || undefined; } catch { return undefined; }
}

/** What each configured vendor says must not leave the process (secrets) or reach a client (identities). */
export function secretsOf(config: Pick<Config, 'vendors' | 'backends'>): VendorSecrets {
  const all: VendorSecrets = { secrets: [], basicPairs: [], identities: [] };
  for (const vendor of config.vendors) {
    const settings = config.backends[vendor.backend];
    if (!settings) continue;
    const s = vendor.settings.secrets(settings);
    all.secrets.push(...s.secrets);
    all.basicPairs.push(...s.basicPairs);
    all.identities.push(...s.identities);
  }
  return all;
}

/** Redacts every credential this configuration holds (and its Basic/base64 forms) from outgoing text. */
export function redactorFor(config: Pick<Config, 'vendors' | 'backends' | 'apiKeys'> & Partial<Pick<Config, 'redisUrl'>>): Redact {
  const { secrets, basicPairs } = secretsOf(config);
  return createRedactor([...secrets, ...config.apiKeys, redisPasswordOf(config.redisUrl) ?? ''].filter(Boolean), basicPairs);
}

/** Text bound for a client: redacted, then made safe by the one rule (no hosts, ports, URLs or accounts). */
export function clientTextFor(config: Pick<Config, 'vendors' | 'backends' | 'apiKeys'>, redact: Redact = redactorFor(config)): (text: string) => string {
  const { identities } = secretsOf(config);
  return (text) => safeText(redact(text), identities);
}
