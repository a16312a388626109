// Prometheus metrics at /metrics. Every label set is bounded: backends (the registry's), methods, status classes,
// breaker states and result types are closed lists; nothing a client sends becomes a label (no URLs, no
// operation names), so a hostile or chatty client cannot grow the series count.

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { usePrometheus } from '@graphql-yoga/plugin-prometheus';
import type { Plugin } from 'graphql-yoga';
import type { Backend } from './domain.js';
import { BACKENDS } from './vendors/index.js';
import type { HttpObserver } from './transport/vendor-transport.js';
import type { BatchObserver } from './batch/engine.js';
import type { RedisObserver } from './redis/connection.js';
import type { JobObserver } from './jobs/runner.js';
import type { AccessObserver } from './plugins/use-access.js';

const BREAKER_VALUE: Record<string, number> = { closed: 0, 'half-open': 1, open: 2 };

export class Metrics {
  readonly registry = new Registry();
  readonly http: HttpObserver;
  readonly batch: BatchObserver;
  readonly redis: RedisObserver;
  readonly jobs: JobObserver;
  readonly access: AccessObserver;

  /** `backends`: the breaker gauge starts at 0 (closed) for each. */
  constructor(backends: readonly Backend[] = BACKENDS) {
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    const calls = new Counter({
      name: 'taskhub_backend_requests_total', help: 'Vendor HTTP attempts, by backend, method and status class (or error).',
      labelNames: ['backend', 'method', 'status'], registers,
    });
    const latency = new Histogram({
      name: 'taskhub_backend_request_duration_seconds', help: 'Vendor HTTP attempt duration.',
      labelNames: ['backend', 'method'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers,
    });
    const retries = new Counter({ name: 'taskhub_backend_retries_total', help: 'Retries of idempotent vendor calls.', labelNames: ['backend'], registers });
    const sharedReads = new Counter({
      name: 'taskhub_backend_shared_reads_total', help: 'Vendor reads answered by an identical read already in flight, not sent again.',
      labelNames: ['backend'], registers,
    });
    const breaker = new Gauge({ name: 'taskhub_backend_breaker_state', help: 'Circuit breaker: 0 closed, 1 half-open, 2 open.', labelNames: ['backend'], registers });
    for (const b of backends) breaker.set({ backend: b }, 0);
    const items = new Counter({
      name: 'taskhub_batch_items_total', help: 'batchUpdateTasks items by backend and outcome (UPDATED, ACCEPTED or the error code).',
      labelNames: ['backend', 'outcome'], registers,
    });
    const batches = new Histogram({
      name: 'taskhub_batch_duration_seconds', help: 'batchUpdateTasks engine time, all backends.',
      labelNames: ['dry_run'], buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60], registers,
    });
    const jobs = new Counter({
      name: 'taskhub_jobs_total', help: 'Batch jobs entering each state (QUEUED, RUNNING, COMPLETED, CANCELLED, FAILED) on this replica.',
      labelNames: ['state'], registers,
    });
    const jobItems = new Counter({
      name: 'taskhub_job_items_total', help: 'Batch job items answered on this replica, by backend and outcome (UPDATED, ACCEPTED or the error code).',
      labelNames: ['backend', 'outcome'], registers,
    });

    const redisErrors = new Counter({
      name: 'taskhub_redis_errors_total', help: 'Failed Redis commands and connection attempts, by purpose (claim, journal, read, budget, token, connection, ...).',
      labelNames: ['op'], registers,
    });
    // Made on the first word from a Redis connection: a gauge without labels is exported (as 0) from the
    // start, and a replica without Redis would look like one whose Redis is down.
    let redisUp: Gauge | undefined;
    this.redis = {
      onError: (op) => redisErrors.inc({ op }),
      onState: (up) => {
        redisUp ??= new Gauge({ name: 'taskhub_redis_up', help: '1 while Redis answers, 0 otherwise (absent without TASKHUB_REDIS_URL).', registers });
        redisUp.set(up ? 1 : 0);
      },
    };
    const access = new Counter({
      name: 'taskhub_graphql_access_total',
      help: 'GraphQL requests by client (API key name; all JWTs as "jwt", bounding the series) and decision.',
      labelNames: ['client', 'result'], registers,
    });
    this.access = {
      onAccess: ({ client, result }) => access.inc({ client: client.startsWith('jwt:') ? 'jwt' : client, result }),
    };

    // Every vendor call is counted: the labelled series are looked up once per label set, not hashed
    // from a label object on every call (a 50-task read makes 50 calls).
    const callSeries = new Map<string, ReturnType<typeof calls.labels>>();
    const latencySeries = new Map<string, ReturnType<typeof latency.labels>>();
    this.http = {
      onAttempt: (e) => {
        const status = e.status === null ? (e.error ?? 'error').slice(0, 32) : `${Math.floor(e.status / 100)}xx`;
        const key = `${e.backend} ${e.method}`;
        let latencyOf = latencySeries.get(key);
        if (!latencyOf) latencySeries.set(key, latencyOf = latency.labels({ backend: e.backend, method: e.method }));
        let callsOf = callSeries.get(`${key} ${status}`);
        // Error words are a closed list, but bounded here all the same.
        if (!callsOf) {
          callsOf = calls.labels({ backend: e.backend, method: e.method, status });
          if (callSeries.size < 1000) callSeries.set(`${key} ${status}`, callsOf);
        }
        callsOf.inc();
        latencyOf.observe(e.durationMs / 1000);
      },
      onRetry: (backend) => retries.inc({ backend }),
      onSharedRead: (backend) => sharedReads.inc({ backend }),
      onBreakerChange: (backend, state) => breaker.set({ backend }, BREAKER_VALUE[state] ?? -1),
    };
    this.batch = {
      onBatch: ({ results, durationMs, dryRun }) => {
        batches.observe({ dry_run: String(dryRun) }, durationMs / 1000);
        for (const r of results) items.inc({ backend: r.backend, outcome: r.outcome.kind === 'ERROR' ? r.outcome.code : r.outcome.kind });
      },
    };
    this.jobs = {
      onJobState: (state) => jobs.inc({ state }),
      onJobItems: (results) => {
        for (const r of results) jobItems.inc({ backend: r.backend, outcome: r.outcome.kind === 'ERROR' ? r.outcome.code : r.outcome.kind });
      },
    };
  }

  /** The query admission's places, running and waiting queries, read at each scrape. */
  watchQueryAdmission(admission: { readonly current: number; readonly inFlight: number; readonly queued: number }): void {
    const registers = [this.registry];
    new Gauge({
      name: 'taskhub_query_admission_limit', help: 'Queries let run at once while the CPU is saturated (+Inf: no limit).',
      registers, collect() { this.set(admission.current); },
    });
    new Gauge({ name: 'taskhub_query_admission_running', help: 'Queries executing.', registers, collect() { this.set(admission.inFlight); } });
    new Gauge({
      name: 'taskhub_query_admission_waiting', help: 'Queries waiting for a place while the CPU is saturated.',
      registers, collect() { this.set(admission.queued); },
    });
  }

  /** GraphQL-level metrics (parse, validate, execute, HTTP) and the /metrics endpoint. */
  yogaPlugin(): Plugin {
    return usePrometheus({
      endpoint: '/metrics',
      registry: this.registry,
      labels: { url: false, operationName: false },
      // Off: the deprecated-field counter walks every document with TypeInfo on every request (about 4 % of
      // the CPU of a 50-alias read in the profile), and the request-time summary repeats the request
      // duration histogram with per-observation quantile upkeep.
      metrics: { graphql_envelop_deprecated_field: false, graphql_envelop_request_time_summary: false },
    }) as Plugin;
  }
}
