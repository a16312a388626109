// The facade under test, built in this process the way src/main.ts builds it (loadConfig → redactor,
// logger, metrics → createRegistry → createApp; tracing off, its default) and served by node:http on a
// loopback port, pointed at the emulator process. Logging is off: a log line per request would be measured
// too.

import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { loadConfig, redactorFor } from '../src/config.js';
import type { BackendSettings } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { Metrics } from '../src/metrics.js';
import { createRegistry } from '../src/registry.js';
import { createApp } from '../src/server.js';

export interface Facade {
  /** http://127.0.0.1:port/graphql */
  url: string;
  /** POSTs a GraphQL operation; the body is sent as given (serialised once by the caller). */
  post<T>(body: string): Promise<{ status: number; json: { data?: T; errors?: Array<{ message: string }> } }>;
  close(): Promise<void>;
}

export async function startFacade(backends: BackendSettings, env: Record<string, string> = {}): Promise<Facade> {
  const config = Object.freeze({ ...loadConfig({ TASKHUB_MAX_BATCH_ITEMS: '10000', ...env }), backends });
  const redact = redactorFor(config);
  const metrics = new Metrics();
  const registry = createRegistry(config, metrics.http);
  const app = createApp(config, registry, createLogger({ level: 'silent', redact }), { redact, metrics });
  const server: Server = createServer(app.yoga);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  return {
    url,
    async post<T>(body: string) {
      const res = await request(url, {
        method: 'POST', body, headers: { 'content-type': 'application/json', accept: 'application/json' },
        headersTimeout: 600_000, bodyTimeout: 600_000,
      });
      return { status: res.statusCode, json: (await res.body.json()) as { data?: T; errors?: Array<{ message: string }> } };
    },
    async close() {
      await new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); });
      await app.yoga.dispose();
      await registry.close();
    },
  };
}
