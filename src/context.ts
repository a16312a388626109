// Per-request state (loaders, ids, signals) built by the server for every GraphQL operation, next to the
// long-lived services it points at (registry, engine, idempotency store) which are built once.

import type { Config } from './config.js';
import type { Registry } from './registry.js';
import type { Loaders } from './loaders.js';
import type { BatchEngine } from './batch/engine.js';
import type { IdempotencyStore } from './batch/idempotency.js';
import type { Logger } from './logger.js';
import type { Redact } from './redact.js';
import type { BatchJobs } from './jobs/service.js';
import type { Principal } from './access/scopes.js';

export interface Services {
  config: Readonly<Config>;
  registry: Registry;
  engine: BatchEngine;
  idempotency: IdempotencyStore;
  /** Batch jobs (startBatchUpdateJob): stored, queued and run apart from any request. */
  jobs: BatchJobs;
  logger: Logger;
  /** Removes configured credentials from text (log lines use the same redactor). */
  redact: Redact;
  /**
   * Vendor text as a client may see it: redacted, and without where or as whom taskhub reaches the vendor
   * (src/safe-text.ts). Applied once, where text leaves for a client: result messages, backendErrors, errors[].
   */
  clientText: (text: string) => string;
  /** Aborted when a graceful shutdown runs out of time; writes listen to this, not to the client. */
  shutdownSignal: AbortSignal;
}

export interface Context extends Services {
  loaders: Loaders;
  requestId: string;
  /** The client's request: reads stop when the client goes away. */
  signal: AbortSignal;
  /** Who is calling and with which scopes (src/access/). */
  principal: Principal;
  /** Who is calling, for scoping idempotency keys: the principal's name. */
  clientId: string;
}
