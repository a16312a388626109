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
   * `weight` is what the stored value costs (the batch's item count), for stores that bound memory.
   */
  run<T>(key: string, fingerprint: string, compute: () => Promise<T>, weight?: number): Promise<T>;
}

interface Entry { fingerprint: string; expiresAt: number; value: Promise<unknown>; weight: number }

/**
 * Bounded by total weight (stored items), not by entry count: one entry may hold a thousand results.
 * When full, the oldest entries go first, so a replay older than that is sent again; the README says so.
 */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, Entry>();
  private weight = 0;

  constructor(private readonly ttlMs: number, private readonly maxWeight = 100_000, private readonly now = Date.now) {}

  run<T>(key: string, fingerprint: string, compute: () => Promise<T>, weight = 1): Promise<T> {
    this.sweep(weight);
    const existing = this.entries.get(key);
    if (existing) {
      if (existing.fingerprint !== fingerprint) {
        return Promise.reject(new IdempotencyConflictError(
          'idempotencyKey was already used with a different input; use a new key for a new batch'));
      }
      return existing.value as Promise<T>;
    }
    const value = compute();
    this.entries.set(key, { fingerprint, expiresAt: this.now() + this.ttlMs, value, weight });
    this.weight += weight;
    value.catch(() => { if (this.entries.get(key)?.value === value) this.delete(key); });
    return value;
  }

  private delete(key: string) {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.weight -= entry.weight;
  }

  /** Drops expired entries, then the oldest until `incoming` fits. */
  private sweep(incoming: number) {
    const now = this.now();
    // Map keeps insertion order, and every entry has the same TTL: expired ones are at the front.
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt > now && this.weight + incoming <= this.maxWeight) break;
      this.delete(key);
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
