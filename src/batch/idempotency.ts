// Idempotency keys for batchUpdateTasks: input fingerprints, and the error for a key reused with another
// input (a client bug: guessing would either lose or repeat writes). Keys are honoured by BatchRuns
// (batch-runs.ts) over a RunStore, in process or on Redis.

import { createHash } from 'node:crypto';

export class IdempotencyConflictError extends Error {
  override readonly name = 'IdempotencyConflictError';
}

/** A stable digest of a JSON-able input: key order does not matter. */
export function fingerprintOf(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('base64url');
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
