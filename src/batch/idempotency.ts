// Idempotency keys for batchUpdateTasks: input fingerprints, and the error for a key reused with another
// input (a client bug: guessing would either lose or repeat writes). Keys are honoured by BatchRuns
// (batch-runs.ts) over a RunStore, in process or on Redis.

import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';

export class IdempotencyConflictError extends Error {
  override readonly name = 'IdempotencyConflictError';
}

/** A stable digest of a JSON-able input: key order does not matter. The digest of `canonicalJson(value)`,
 *  fed to the hash piece by piece: a 100,000-item job's input never becomes one string (nor 100,000). */
export function fingerprintOf(value: unknown): string {
  const hash = createHash('sha256');
  feedCanonical(hash, value);
  return hash.digest('base64url');
}

function feedCanonical(hash: Hash, value: unknown): void {
  if (Array.isArray(value)) {
    hash.update('[');
    value.forEach((v, i) => { if (i > 0) hash.update(','); feedCanonical(hash, v); });
    hash.update(']');
  } else if (value && typeof value === 'object') {
    const entries = sortedEntries(value as Record<string, unknown>);
    hash.update('{');
    entries.forEach(([k, v], i) => { hash.update(`${i > 0 ? ',' : ''}${JSON.stringify(k)}:`); feedCanonical(hash, v); });
    hash.update('}');
  } else {
    hash.update(JSON.stringify(value ?? null));
  }
}

const sortedEntries = (value: Record<string, unknown>) => Object.entries(value)
  .filter(([, v]) => v !== undefined)
  .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = sortedEntries(value as Record<string, unknown>);
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
