// What the benchmark sends: the mixed batch (as GraphQL input items), the read queries, and the ideal
// critical path of a batch computed from latency, chunk sizes and concurrency.

import type { Backend } from '../src/domain.js';
import { loadConfig } from '../src/config.js';
import type { GeneratedIds } from './emulators.js';

export const BACKEND_ORDER: readonly Backend[] = ['ZUORA', 'IBM_BPM', 'K2', 'SUPEROFFICE'];

/** IBM applies one value set per call: this many distinct priorities give this many value sets. */
export const IBM_VALUE_SETS = 5;

/** One batch item exactly as GraphQL's TaskUpdateInput takes it (and as the baseline reads it). */
export type BatchItem =
  | { zuora: { id: string; name: string } }
  | { ibmBpm: { id: string; priority: number; description: string } }
  | { k2: { serialNumber: string; sleepSeconds: number } }
  | { superOffice: { id: string; description: string } };

/**
 * `size` items, evenly across the four vendors (item k goes to vendor k % 4), each a distinct task.
 * `run` changes the written values, so consecutive runs are real changes. K2 items sleep the task: an
 * action would take it off the worklist, and the next run could not use it again.
 */
export function batchItems(size: number, ids: GeneratedIds, run: number): BatchItem[] {
  const per = Math.ceil(size / 4);
  for (const b of BACKEND_ORDER) {
    if (ids[b].length < per) throw new Error(`the emulators hold ${ids[b].length} generated ${b} tasks; ${per} are needed`);
  }
  return Array.from({ length: size }, (_, k): BatchItem => {
    const j = Math.floor(k / 4);
    switch (k % 4) {
      case 0: return { zuora: { id: ids.ZUORA[j]!, name: `bench run ${run} item ${j}` } };
      case 1: return { ibmBpm: { id: ids.IBM_BPM[j]!, priority: 1 + (j % IBM_VALUE_SETS), description: `bench run ${run}` } };
      case 2: return { k2: { serialNumber: ids.K2[j]!, sleepSeconds: 60 } };
      default: return { superOffice: { id: ids.SUPEROFFICE[j]!, description: `bench run ${run} item ${j}` } };
    }
  });
}

// No `task` in the selection: TaskUpdated.task would read IBM and K2 tasks back (one GET each), which is
// a different workload from the update itself.
export const BATCH_MUTATION = `mutation Bench($input: BatchUpdateTasksInput!) {
  batchUpdateTasks(input: $input) {
    succeeded accepted failed
    results { __typename ... on TaskUpdateOutcome { index } ... on TaskUpdateError { code message } }
  }
}`;

const TASK_FIELDS = `fragment BenchTask on Task {
  id backend nativeId name status vendorStatus priority
  ... on ZuoraWorkflowTask { actionType workflowId tags }
  ... on IbmBpmTask { state owner dueTime customProperties { key value } }
  ... on K2Task { folio processName actions { name batchable } }
  ... on BatchTask { state progressPercent created }
}`;

export const LIST_QUERY = `query BenchList($first: Int!) {
  tasks(first: $first) {
    edges { cursor node { ...BenchTask } }
    pageInfo { hasNextPage endCursor }
    backendErrors { backend code message }
  }
}
${TASK_FIELDS}`;

export const NODES_QUERY = `query BenchNodes($ids: [ID!]!) {
  nodes(ids: $ids) { ...BenchTask }
}
${TASK_FIELDS}`;

/**
 * Sockets per vendor with nothing configured, read from taskhub's own traffic policy (README), so the ideal
 * path and the direct baseline follow its defaults (a vendor module may set its own: Zuora's is lower).
 */
export const SOCKETS: Readonly<Record<Backend, number>> = Object.fromEntries(
  Object.entries(loadConfig({}).traffic).map(([backend, policy]) => [backend, policy.maxConnections])) as Record<Backend, number>;

/** The facade's other outbound limits the critical path depends on (its defaults; see README traffic policy). */
export const LIMITS = {
  zuoraChunk: 50, ibmChunk: 500, k2Chunk: 100, soReads: 8, soWrites: 8,
} as const;

export interface IdealPath { totalMs: number; perBackendMs: Record<Backend, number> }

/**
 * The shortest possible wall time of a batch: every vendor call costs `latencyMs`, nothing else costs
 * anything, vendors run in parallel. Zuora's 50-item and K2's 100-item calls go out at once, on each
 * vendor's default sockets (SOCKETS); IBM sends one call per value set and 500 ids. SuperOffice reads then writes each task: 8 GETs and
 * 8 PUTs are in flight at once (two separate limits in the client), so a task's PUT overlaps the next
 * tasks' GETs and the batch takes ceil(n/8) GET rounds plus the last PUT. The Zuora token is cached
 * across batches, so a measured run fetches none.
 */
export function idealPath(size: number, latencyMs: number): IdealPath {
  const per = (k: number) => Math.floor(size / 4) + (k < size % 4 ? 1 : 0);
  const rounds = (calls: number, backend: Backend) => Math.ceil(calls / SOCKETS[backend]);
  const ibmCalls = Array.from({ length: IBM_VALUE_SETS }, (_, v) =>
    Math.ceil(Math.floor(per(1) / IBM_VALUE_SETS + (v < per(1) % IBM_VALUE_SETS ? 1 : 0)) / LIMITS.ibmChunk))
    .reduce((a, b) => a + b, 0);
  const so = per(3);
  const perBackendMs: Record<Backend, number> = {
    ZUORA: rounds(Math.ceil(per(0) / LIMITS.zuoraChunk), 'ZUORA') * latencyMs,
    IBM_BPM: rounds(ibmCalls, 'IBM_BPM') * latencyMs,
    K2: rounds(Math.ceil(per(2) / LIMITS.k2Chunk), 'K2') * latencyMs,
    SUPEROFFICE: so === 0 ? 0 : (Math.ceil(so / LIMITS.soReads) + 1) * latencyMs,
  };
  return { totalMs: Math.max(...Object.values(perBackendMs)), perBackendMs };
}
