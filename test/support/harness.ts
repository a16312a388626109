// The whole pipeline for tests: the four vendor emulators on 127.0.0.1 port 0, the real registry and
// clients, and the Yoga app. `gql` goes through yoga.fetch (no port needed); `listen()` serves it on a real
// port for HTTP-level tests. Every secret the harness configures is listed, so tests can scan for leaks.

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { loadConfig, redactorFor } from '../../src/config.js';
import type { Config } from '../../src/config.js';
import type { VendorSettings } from '../../src/vendors/vendor.js';
import { createRegistry } from '../../src/registry.js';
import { createApp } from '../../src/server.js';
import { createHttpServer } from '../../src/http-server.js';
import type { App } from '../../src/server.js';
import { createLogger } from '../../src/logger.js';
import { startEmbeddedBackends } from '../../src/embedded.js';
import { Metrics } from '../../src/metrics.js';
import type { EmbeddedBackends } from '../../src/embedded.js';
import { connectSharedState } from '../../src/redis/shared-state.js';

export const TEST_TRAFFIC_ENV = {
  TASKHUB_CONNECT_TIMEOUT_MS: '500',
  TASKHUB_FIRST_BYTE_TIMEOUT_MS: '1500',
  TASKHUB_TOTAL_TIMEOUT_MS: '3000',
  TASKHUB_RETRY_BASE_MS: '1',
  TASKHUB_RETRY_MAX_MS: '50',
  TASKHUB_BREAKER_RESET_MS: '200',
};

export interface Harness {
  vendors: EmbeddedBackends;
  app: App;
  config: Readonly<Config>;
  /** Every log line written during the test file. */
  logLines: string[];
  secrets: string[];
  gql<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<{ status: number; body: { data?: T; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }; text: string }>;
  listen(): Promise<string>;
  close(): Promise<void>;
}

export async function startHarness(opts: {
  env?: Record<string, string>;
  /** Drop these backends from the configuration (to test BACKEND_NOT_CONFIGURED). */
  without?: Array<keyof Config['backends']>;
  extraTasks?: number;
  /** false: every query on graphql-js's executor (to compare the compiled one with it). */
  compileQueries?: boolean;
  /** Replace some backends' settings (e.g. a base URL where nothing listens). */
  override?: { [backend: string]: VendorSettings & Record<string, unknown> };
} = {}): Promise<Harness> {
  const vendors = await startEmbeddedBackends({ extraTasks: opts.extraTasks ?? 0 });
  const base = loadConfig({ ...TEST_TRAFFIC_ENV, ...opts.env });
  const backends = { ...vendors.settings };
  for (const b of opts.without ?? []) delete backends[b];
  Object.assign(backends, opts.override);
  const config = Object.freeze({ ...base, backends });
  const s = vendors.settings;
  const secrets = [s.ZUORA!.clientSecret, s.IBM_BPM!.password, s.K2!.password, s.SUPEROFFICE!.token, ...(s.SUPEROFFICE!.appToken ? [s.SUPEROFFICE!.appToken] : []), ...config.apiKeys];
  const logLines: string[] = [];
  const sink = new Writable({ write(chunk, _enc, cb) { logLines.push(String(chunk)); cb(); } });
  const redact = redactorFor(config);
  const logger = createLogger({ level: 'debug', redact, destination: sink });
  const metrics = new Metrics();
  // TASKHUB_REDIS_URL in `env` shares keyed batches through that Redis, as main.ts does.
  const shared = await connectSharedState(config, logger, metrics.redis);
  const registry = createRegistry(config, metrics.http, shared.registryExtras);
  const app = createApp(config, registry, logger, {
    redact, metrics,
    ...(shared.redis ? { redis: shared.redis } : {}),
    ...(shared.runStore ? { runStore: shared.runStore } : {}),
    createJobs: shared.createJobs,
    ...(opts.compileQueries === false ? { compileQueries: false } : {}),
  });
  let server: Server | undefined;

  return {
    vendors, app, config, logLines, secrets,
    async gql(query, variables, headers = {}) {
      const res = await app.yoga.fetch('http://taskhub/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const text = await res.text();
      return { status: res.status, body: JSON.parse(text), text };
    },
    async listen() {
      server = createHttpServer(app.yoga, config.http);
      await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    async close() {
      if (server) await new Promise<void>((r) => { server!.close(() => r()); server!.closeAllConnections(); });
      await app.yoga.dispose();
      await app.services.jobs.close();
      await registry.close();
      await shared.close();
      await vendors.close();
    },
  };
}

/** Fragment selecting everything a result union member says. */
export const RESULT_FIELDS = `
  __typename
  ... on TaskUpdateOutcome { index backend nativeId }
  ... on TaskUpdateError { code message vendorCode retryable }
  ... on TaskUpdateAccepted { message }
  ... on TaskUpdated { task { id nativeId status vendorStatus name } }
`;

export const BATCH = `mutation($input: BatchUpdateTasksInput!) {
  batchUpdateTasks(input: $input) { succeeded accepted failed results { ${RESULT_FIELDS} } }
}`;
