// Process entry: loadConfig(env) → start the emulators when no backend is configured → createApp →
// listen → graceful shutdown on SIGTERM/SIGINT (readiness 503 first, stop accepting, let in-flight
// batches finish within TASKHUB_SHUTDOWN_TIMEOUT_MS, then abort what is left and close the pools).

import type { AddressInfo } from 'node:net';
import { ConfigError, loadConfig, redactorFor } from './config.js';
import type { Config } from './config.js';
import { createLogger } from './logger.js';
import { BACKENDS } from './vendors/index.js';
import { createRegistry } from './registry.js';
import { createApp, GRAPHQL_ENDPOINT } from './server.js';
import { createHttpServer } from './http-server.js';
import type { EmbeddedBackends } from './embedded.js';
import { Metrics } from './metrics.js';
import { startTracing } from './tracing.js';
import { connectSharedState } from './redis/shared-state.js';
import { withBreakerLog } from './transport/breaker-log.js';
import { trackHttpDrain } from './http-drain.js';
import { boundHeapGrowth } from './heap-growth.js';
import { resolvesWithin } from './shared/resolves-within.js';

/** What SIGHUP does once the server runs; before that it is ignored (Node's default would end the process). */
let onHangUp = (): void => {};
process.on('SIGHUP', () => onHangUp());

async function main(): Promise<void> {
  boundHeapGrowth();
  let config: Readonly<Config>;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`taskhub: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }

  // Before anything opens a socket, so vendor calls are instrumented.
  const stopTracing = config.otelEnabled ? await startTracing() : undefined;

  let embedded: EmbeddedBackends | undefined;
  if (config.embedded) {
    // Imported only here: a process pointed at real vendors never loads the emulators.
    const { startEmbeddedBackends } = await import('./embedded.js');
    embedded = await startEmbeddedBackends({ latencyMs: config.embeddedLatencyMs });
    config = Object.freeze({ ...config, backends: embedded.settings });
  }
  const redact = redactorFor(config);
  const logger = createLogger({ level: config.logLevel, redact });
  if (embedded) {
    const urls = Object.fromEntries(config.vendors.map((v) => [v.inputField, embedded!.settings[v.backend]?.baseUrl]));
    logger.info(urls, 'no *_BASE_URL set: serving the embedded default, the built-in vendor emulators with demo tasks');
  }
  const configured = BACKENDS.filter((b) => config.backends[b] !== undefined);
  logger.info({ configured, notConfigured: BACKENDS.filter((b) => !configured.includes(b)) },
    `backends configured: ${configured.join(', ') || 'none'}`);
  if (config.apiKeys.length === 0 && !config.apiKeysFile && !config.jwt) {
    logger.warn('none of TASKHUB_API_KEYS, TASKHUB_API_KEYS_FILE, TASKHUB_JWT_JWKS_URL is set: /graphql is open to anyone who can reach it');
  }

  const metrics = new Metrics();
  // With TASKHUB_REDIS_URL, keyed batches (and vendor budgets, OAuth tokens) are shared by every replica.
  const shared = await connectSharedState(config, logger, metrics.redis);
  const registry = createRegistry(config, withBreakerLog(metrics.http, logger), shared.registryExtras);
  const app = createApp(config, registry, logger, {
    redact, metrics,
    ...(shared.redis ? { redis: shared.redis } : {}),
    ...(shared.runStore ? { runStore: shared.runStore } : {}),
    createJobs: shared.createJobs,
  });
  const server = createHttpServer(app.yoga, config.http);
  const drain = trackHttpDrain(server);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => { server.off('error', reject); resolve(); });
    });
  } catch (err) {
    // A port in use, a host that is not this machine's: the operator's setting, said as such, not a stack.
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    process.stderr.write(`taskhub: cannot listen on ${config.host}:${config.port} (HOST, PORT): ${code}\n`);
    process.exit(2);
  }
  const { port } = server.address() as AddressInfo;
  const shownHost = config.host.includes(':') ? `[${config.host}]` : config.host;
  logger.info({ url: `http://${shownHost}:${port}${GRAPHQL_ENDPOINT}` }, 'taskhub is serving GraphQL (GraphiQL on GET from a browser)');
  void app.readiness.start();

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: /ready now answers 503');
    app.readiness.beginShutdown();
    // From now on every answer closes its connection, so clients and load balancers holding keep-alive
    // connections to this replica reconnect (elsewhere, once they see the 503) during the drain window.
    drain.begin();
    // Keep accepting for a moment so a load balancer sees the 503 and stops sending (not for Ctrl-C).
    if (signal === 'SIGTERM') await new Promise((r) => setTimeout(r, config.shutdownDrainMs));
    drain.sweep();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const inTime = await resolvesWithin(closed, config.shutdownTimeoutMs, { unref: true });
    if (!inTime && drain.inFlight === 0) {
      server.closeAllConnections(); // every answer was sent: only idle sockets were left
    } else if (!inTime) {
      logger.warn({ inFlight: drain.inFlight }, 'in-flight requests did not finish in time; aborting them');
      app.abortInFlight();
      // Aborted writes still answer their items (as OUTCOME_UNKNOWN or BACKEND_UNAVAILABLE); give
      // those replies a moment to go out before the sockets are cut.
      await resolvesWithin(closed, 1_000, { unref: true });
      server.closeAllConnections();
    }
    await app.yoga.dispose();
    await app.services.jobs.close();
    await registry.close();
    await shared.close();
    await embedded?.close();
    await stopTracing?.();
    logger.info('stopped');
    process.exit(0);
  };
  // SIGHUP re-reads TASKHUB_API_KEYS_FILE (it is also watched); an invalid file keeps the keys in force.
  onHangUp = () => { app.access.reload(); };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`taskhub failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
