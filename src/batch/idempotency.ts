// Idempotency keys for batchUpdateTasks: input fingerprints, and the error for a key reused with another
// input (a client bug: guessing would either lose or repeat writes). Keys are honoured by BatchRuns
// (batch-runs.ts) over a RunStore, in process or on Redis.

import { createHash } from 'node:crypto';

export class IdempotencyConflictError extends Error {
  override readonly name = 'IdempotencyConflictError';
}

/** A stable digest of a JSON-able input: key order does not matter. The digest of `canonicalJson(value)`,
 *  fed to the hash piece by piece: a 100,000-item job's input never becomes one string (nor 100,000). */
export function fingerprintOf(value: unknown): string {
  const hash = createHash('sha256');
  writeCanonical(value, (piece) => hash.update(piece));
  return hash.digest('base64url');
}

/** JSON with object keys sorted and undefined members left out, so equal inputs give equal text. */
export function canonicalJson(value: unknown): string {
  const pieces: string[] = [];
  writeCanonical(value, (piece) => pieces.push(piece));
  return pieces.join('');
}

/** The canonical JSON of `value`, handed to `emit` piece by piece (the one walk both forms share). */
function writeCanonical(value: unknown, emit: (piece: string) => void): void {
  if (Array.isArray(value)) {
    emit('[');
    value.forEach((v, i) => { if (i > 0) emit(','); writeCanonical(v, emit); });
    emit(']');
  } else if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    emit('{');
    entries.forEach(([k, v], i) => { emit(`${i > 0 ? ',' : ''}${JSON.stringify(k)}:`); writeCanonical(v, emit); });
    emit('}');
  } else {
    emit(JSON.stringify(value ?? null));
  }
}
