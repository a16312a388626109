// Idempotency keys for batchUpdateTasks. A replay of a key within the TTL gets the stored results and
// nothing is resent; a concurrent duplicate waits for the first; the same key with a different input is
// refused (it is a client bug, and guessing would either lose or repeat writes).
// In memory by default; a shared store (Redis SET NX + a result key) can implement the same interface.

import { createHash } from 'node:crypto';

export class IdempotencyConflictError extends Error {
  override readonly name = 'IdempotencyConflictError';
}

export interface IdempotencyStore {
  /**
   * The stored or in-flight value for `key`, or the value of `compute()` registered under it. Throws
   * IdempotencyConflictError when `key` is held by a different `fingerprint`. A failed compute is not kept.
   */
  run<T>(key: string, fingerprint: string, compute: () => Promise<T>): Promise<T>;
}

interface Entry { fingerprint: string; expiresAt: number; value: Promise<unknown> }

export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly ttlMs: number, private readonly maxEntries = 10_000, private readonly now = Date.now) {}

  run<T>(key: string, fingerprint: string, compute: () => Promise<T>): Promise<T> {
    this.sweep();
    const existing = this.entries.get(key);
    if (existing) {
      if (existing.fingerprint !== fingerprint) {
        return Promise.reject(new IdempotencyConflictError(
          'idempotencyKey was already used with a different input; use a new key for a new batch'));
      }
      return existing.value as Promise<T>;
    }
    const value = compute();
    this.entries.set(key, { fingerprint, expiresAt: this.now() + this.ttlMs, value });
    value.catch(() => { if (this.entries.get(key)?.value === value) this.entries.delete(key); });
    return value;
  }

  private sweep() {
    const now = this.now();
    // Map keeps insertion order, and every entry has the same TTL: expired ones are at the front.
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt > now && this.entries.size < this.maxEntries) break;
      this.entries.delete(key);
    }
  }
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
