// createApp: the Yoga instance with its plugins and per-request context. It never listens: main.ts does,
// and tests call `app.yoga.fetch(...)` or serve it on port 0.

import { randomUUID } from 'node:crypto';
import { createYoga } from 'graphql-yoga';
import type { Plugin, YogaServerInstance } from 'graphql-yoga';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import type { GraphQLError, ValidationContext } from 'graphql';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { useIncrementalDelivery } from './plugins/use-incremental-delivery.js';
import { clientTextFor, redactorFor } from './config.js';
import type { Config } from './config.js';
import type { Redact } from './redact.js';
import type { Metrics } from './metrics.js';
import { bindRequestScope, requestScopeOf } from './request-scope.js';
import { useOperationSpans } from './tracing.js';
import type { Context, Services } from './context.js';
import type { Registry } from './registry.js';
import type { Logger } from './logger.js';
import { schemaFor } from './schema/index.js';
import { createLoaders } from './loaders.js';
import { BatchEngine } from './batch/engine.js';
import { BatchRuns } from './batch/batch-runs.js';
import { MemoryRunStore } from './batch/run-store-memory.js';
import type { RunStore } from './batch/run-store.js';
import { HEALTH_CHECK_UNMATCHABLE, Readiness, useProbeEndpoints } from './readiness.js';
import { createMemoryJobs } from './jobs/index.js';
import type { JobsFactory } from './jobs/index.js';
import type { BatchJobs } from './jobs/service.js';
import { principalOf, useAccess } from './plugins/use-access.js';
import { createAuthenticator } from './access/authenticate.js';
import type { Authenticator } from './access/authenticate.js';
import { useRequestBodyLimit } from './plugins/use-request-limits.js';
import { useCsrfPolicy } from './plugins/use-csrf-policy.js';
import { useNoSuggestions } from './plugins/use-no-suggestions.js';
import { useCaseInsensitiveMediaTypes, useExactGraphqlEndpoint, useJsonErrorBodies, useJsonQueryParams, usePersistedQueryRefusal } from './plugins/use-http-hygiene.js';
import { useNestingLimit } from './plugins/use-nesting-limit.js';
import { useCompiledQueries } from './plugins/use-compiled-queries.js';
import { useMutationExecutor } from './plugins/use-mutation-executor.js';
import { useReadSharing } from './plugins/use-read-sharing.js';
import { useQueryAdmission } from './plugins/use-query-admission.js';
import { DEFAULT_ADMISSION, QueryAdmission } from './query-admission.js';

/** Armor's limits, reported through graphql-js's validation context instead of thrown out of it. */
const reportedByValidation = {
  propagateOnRejection: false,
  onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(error)],
};

export const GRAPHQL_ENDPOINT = '/graphql';

export interface App {
  yoga: YogaServerInstance<Record<string, never>, Context>;
  readiness: Readiness;
  services: Services;
  /** Who may call: reload() re-reads TASKHUB_API_KEYS_FILE (main.ts calls it on SIGHUP). */
  access: Authenticator;
  /** Aborts writes still running when a graceful shutdown runs out of time. */
  abortInFlight(): void;
  /** Places for queries while the CPU is saturated; undefined with TASKHUB_QUERY_ADMISSION_FLOOR=0. */
  admission: QueryAdmission | undefined;
}

export interface AppOptions {
  /** Where keyed batches and their journals are kept; default in process (main.ts passes Redis when set). */
  runStore?: RunStore;
  /** The Redis connection when TASKHUB_REDIS_URL is set: /ready reports it. */
  redis?: { readonly up: boolean };
  /** Defaults to a redactor for the credentials in `config`. */
  redact?: Redact;
  /** Serves /metrics and counts batch outcomes; pass the same instance to createRegistry for vendor calls. */
  metrics?: Metrics;
  extraPlugins?: Plugin[];
  /** Run repeated queries compiled (graphql-jit); default true. Tests compare it with the standard executor. */
  compileQueries?: boolean;
  /** Places for queries while the CPU is saturated (query-admission.ts); default: built from TASKHUB_QUERY_ADMISSION_FLOOR. */
  queryAdmission?: QueryAdmission;
  /** Batch jobs; default: built by `createJobs`. */
  jobs?: BatchJobs;
  /** How batch jobs are built: default in this process (jobs are lost on restart); with TASKHUB_REDIS_URL,
   * connectSharedState's factory (loadJobsFactory), which is required then. */
  createJobs?: JobsFactory;
}

// Client-supplied request ids are echoed only when they are short and plain.
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export function createApp(config: Readonly<Config>, registry: Registry, logger: Logger, opts: AppOptions = {}): App {
  if (config.redisUrl && !opts.jobs && !opts.createJobs) {
    throw new Error('TASKHUB_REDIS_URL is set: pass createJobs from connectSharedState, or jobs would silently stay in process');
  }
  // Every write of every batch watches this one signal, through one listener (transport/abort-fanout.ts).
  const shutdown = new AbortController();
  const services: Services = {
    config,
    registry,
    engine: new BatchEngine(registry, logger, opts.metrics?.batch),
    batchRuns: new BatchRuns(opts.runStore ?? new MemoryRunStore(config.idempotencyTtlMs, config.batchLeaseMs), { logger }),
    // Jobs get an engine of their own: its items are counted as job items, not as batchUpdateTasks items.
    jobs: opts.jobs ?? (opts.createJobs ?? createMemoryJobs)({
      config, registry, engine: new BatchEngine(registry, logger), logger, writeSignal: shutdown.signal, ...(opts.metrics ? { observer: opts.metrics.jobs } : {}),
    }),
    logger,
    redact: opts.redact ?? redactorFor(config),
    clientText: clientTextFor(config, opts.redact),
    shutdownSignal: shutdown.signal,
  };
  const readiness = new Readiness(registry, logger, undefined, opts.redis);
  const access = createAuthenticator(config, logger);
  const { limits } = config;

  const requestLog = useRequestLog(logger);
  const admission = opts.queryAdmission
    ?? (config.queryAdmissionFloor > 0 ? new QueryAdmission({ ...DEFAULT_ADMISSION, floor: config.queryAdmissionFloor }) : undefined);
  if (admission) opts.metrics?.watchQueryAdmission(admission);
  const yoga = createYoga<Record<string, never>, Context>({
    schema: schemaFor(registry.vendors),
    graphqlEndpoint: GRAPHQL_ENDPOINT,
    healthCheckEndpoint: HEALTH_CHECK_UNMATCHABLE,
    // Yoga's default answers every origin's preflight and reflects the origin, with credentials: any web page
    // could then read an open taskhub (one without keys, on a private network) through its visitors' browsers.
    // Only the origins named are answered; keys travel in Authorization, so no credentials mode is needed.
    // Decided per request: an origin named (or any, with `*`) gets itself back; any other gets no CORS
    // headers at all (whatwg-node, given one origin, would send that one to every requester).
    cors: config.corsOrigins.length === 0 ? false : (request) => {
      const origin = request.headers.get('origin');
      if (origin === null || !(config.corsOrigins.includes('*') || config.corsOrigins.includes(origin))) return false;
      return { origin, credentials: false, exposedHeaders: ['x-request-id'], maxAge: 600 };
    },
    landingPage: false,
    graphiql: config.graphiql ? { title: 'taskhub' } : false,
    // GraphiQL with its assets inlined: the default page loads them from a public CDN, which leaves it
    // blank on machines without internet access (most places a task facade runs). Imported on the first
    // GraphiQL page only: the inlined assets are about 35 MB of RSS that an API-only process never needs.
    renderGraphiQL: async (options) => (await import('@graphql-yoga/render-graphiql')).renderGraphiQL(options),
    // Never expose internals, whatever NODE_ENV says: unexpected errors become "Unexpected error.".
    maskedErrors: { isDev: false },
    batching: { limit: limits.maxBatchOperations },
    // useRequestBodyLimit (below) enforces TASKHUB_MAX_BODY_BYTES for declared and chunked bodies alike.
    // Yoga's own 25 MB limit would pipe every body through a TransformStream on top (~2 % of a read's CPU).
    maxRequestBodySize: false,
    logging: {
      debug: (...args) => logger.debug(args.map(String).join(' ')),
      info: (...args) => logger.info(args.map(String).join(' ')),
      warn: (...args) => logger.warn(args.map(String).join(' ')),
      error: (...args) => {
        const err = args.find((a) => a instanceof Error);
        logger.error({ err }, 'graphql request failed');
      },
    },
    context: ({ request }): Context => {
      const requestId = requestIdOf(request);
      // Every vendor call this request makes watches its signal through one shared listener
      // (transport/abort-fanout.ts), so no listener limit needs raising.
      const principal = principalOf(request);
      // Vendor calls find the request id (and the request's memo) through the signal they carry. The
      // operations of a JSON batch share the request's signal, so they share one scope: a mutation among them
      // makes every read after it exclusive (plugins/use-read-sharing.ts).
      if (!requestScopeOf(request.signal)) bindRequestScope(request.signal, { requestId, exclusiveReads: !config.sharedReads });
      return {
        ...services,
        // The caller's name (a key's name, jwt:<sub>, anonymous), never the key itself.
        logger: logger.child({ requestId, client: principal.name }),
        loaders: createLoaders(registry, request.signal),
        requestId,
        signal: request.signal,
        principal,
        clientId: principal.name,
      };
    },
    plugins: [
      requestLog.first,
      useJsonErrorBodies(GRAPHQL_ENDPOINT),
      useExactGraphqlEndpoint(GRAPHQL_ENDPOINT),
      useCaseInsensitiveMediaTypes(),
      useRequestBodyLimit(limits.maxBodyBytes),
      useJsonQueryParams(GRAPHQL_ENDPOINT),
      useAccess(access, GRAPHQL_ENDPOINT, opts.metrics?.access),
      { onDispose: () => access.close() },
      usePersistedQueryRefusal(),
      useProbeEndpoints(readiness),
      // Queries by GET; form and text/plain POSTs only with a preflighted header (see the plugin for why).
      useCsrfPolicy(),
      // @defer and @stream, answered as multipart/mixed (or text/event-stream) to clients that accept it.
      ...useIncrementalDelivery(),
      EnvelopArmorPlugin({
        // Reported as validation errors, not thrown: thrown, they came back as a 200 without extensions.code
        // even to clients asking for application/graphql-response+json; reported, they are
        // GRAPHQL_VALIDATION_FAILED and 400, as any other refused document.
        maxDepth: { n: limits.maxDepth, ...reportedByValidation },
        maxAliases: { n: limits.maxAliases, ...reportedByValidation },
        maxTokens: { n: limits.maxTokens },
        maxDirectives: { n: 50, ...reportedByValidation },
        costLimit: { enabled: false },
        // Field suggestions would reveal the schema when introspection is off.
        blockFieldSuggestion: { enabled: !config.introspection },
      }),
      ...(config.introspection ? [] : [useDisableIntrospection(), useNoSuggestions()]),
      // Before parsing: graphql-js would overflow its stack on documents armor's maxDepth never gets to see.
      useNestingLimit(Math.min(limits.maxDepth + 100, 1000)),
      // Before the plugins that wrap execution (metrics, spans), so they wrap these executors too.
      ...(opts.compileQueries === false ? [] : [useCompiledQueries()]),
      useMutationExecutor(),
      useReadSharing(),
      ...(admission ? [useQueryAdmission(admission)] : []),
      ...(opts.metrics ? [opts.metrics.yogaPlugin()] : []),
      ...(config.otelEnabled ? [useOperationSpans()] : []),
      ...(opts.extraPlugins ?? []),
      // The CORS answer depends on the Origin: caches must keep one per origin (on the answer actually sent).
      ...(config.corsOrigins.length === 0 ? [] : [{ onResponse: ({ response }) => { response.headers.append('vary', 'Origin'); } } satisfies Plugin<Context>]),
      requestLog.last,
    ],
  });

  return { yoga, readiness, services, access, admission, abortInFlight: () => shutdown.abort(new Error('shutting down')) };
}

/**
 * The request's id, which the answer echoes (a client quotes it when reporting a problem) and the access
 * line and vendor calls carry: the caller's `x-request-id` when it is a plain token, else one made for it.
 */
const requestIds = new WeakMap<Request, string>();
function requestIdOf(request: Request): string {
  let id = requestIds.get(request);
  if (id === undefined) {
    const given = request.headers.get('x-request-id');
    requestIds.set(request, (id = given && REQUEST_ID.test(given) ? given : randomUUID()));
  }
  return id;
}

/**
 * `x-request-id` on every answer to /graphql, and one access-log line for it: refusals before GraphQL runs
 * (401, 403, 406, 413, 415…) and batches included, which carried neither. A batch's operations share the
 * request's id. Two plugins: `first` goes before any plugin that may answer early (its clock starts for
 * every request), `last` after every plugin that may replace the answer (its header is on the one sent).
 */
function useRequestLog(logger: Logger): { first: Plugin<Context>; last: Plugin<Context> } {
  const started = new WeakMap<Request, number>();
  return {
    first: {
      onRequest({ request, url }) { if (url.pathname === GRAPHQL_ENDPOINT) started.set(request, performance.now()); },
    },
    last: {
      onResponse({ request, response }) {
        const t0 = started.get(request);
        if (t0 === undefined) return;
        const id = requestIdOf(request);
        response.headers.set('x-request-id', id);
        logger.info({ requestId: id, client: principalOf(request).name, method: request.method, status: response.status,
          durationMs: Math.round(performance.now() - t0) }, 'graphql request');
      },
    },
  };
}

