import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeCursor, decodeGlobalId, encodeCursor, encodeGlobalId } from '../../src/global-id.js';
import { BACKENDS } from '../../src/backends/index.js';
import { IdempotencyConflictError, MemoryIdempotencyStore, canonicalJson, fingerprintOf } from '../../src/batch/idempotency.js';

describe('global ids and cursors', () => {
  it('round-trip any backend and native id', () => {
    fc.assert(fc.property(fc.constantFrom(...BACKENDS), fc.string({ minLength: 1 }), (backend, nativeId) => {
      expect(decodeGlobalId(encodeGlobalId(backend, nativeId))).toEqual({ backend, nativeId });
    }));
    fc.assert(fc.property(fc.constantFrom(...BACKENDS), fc.nat(999_999_999), (backend, offset) => {
      expect(decodeCursor(encodeCursor({ backend, offset }))).toEqual({ backend, offset });
    }));
  });

  it('refuse anything they did not produce', () => {
    for (const bad of ['', 'abc', Buffer.from('Task:NOPE:1').toString('base64url'), Buffer.from('Task:K2:').toString('base64url')]) {
      expect(decodeGlobalId(bad)).toBeNull();
    }
    expect(decodeCursor(Buffer.from('c1:K2:-1').toString('base64url'))).toBeNull();
    expect(decodeCursor('!!!')).toBeNull();
  });
});

describe('MemoryIdempotencyStore', () => {
  it('returns the stored value for a replay without computing again', async () => {
    const store = new MemoryIdempotencyStore(60_000);
    let calls = 0;
    const compute = async () => ++calls;
    expect(await store.run('k', 'f', compute)).toBe(1);
    expect(await store.run('k', 'f', compute)).toBe(1);
    expect(calls).toBe(1);
  });

  it('makes a concurrent duplicate wait for the first', async () => {
    const store = new MemoryIdempotencyStore(60_000);
    let release!: (v: string) => void;
    let calls = 0;
    const compute = () => { calls++; return new Promise<string>((r) => { release = r; }); };
    const a = store.run('k', 'f', compute);
    const b = store.run('k', 'f', compute);
    release('done');
    expect(await Promise.all([a, b])).toEqual(['done', 'done']);
    expect(calls).toBe(1);
  });

  it('refuses the same key with a different input', async () => {
    const store = new MemoryIdempotencyStore(60_000);
    await store.run('k', 'f1', async () => 1);
    await expect(store.run('k', 'f2', async () => 2)).rejects.toBeInstanceOf(IdempotencyConflictError);
  });

  it('forgets a failed computation, and entries past their TTL', async () => {
    let now = 0;
    const store = new MemoryIdempotencyStore(1_000, 10_000, () => now);
    await expect(store.run('k', 'f', async () => { throw new Error('x'); })).rejects.toThrow('x');
    await new Promise((r) => setImmediate(r));
    expect(await store.run('k', 'f', async () => 2)).toBe(2);
    now = 5_000;
    expect(await store.run('k', 'f', async () => 3)).toBe(3);
  });

  it('is bounded by stored items, not entries: the oldest entries make room', async () => {
    const store = new MemoryIdempotencyStore(60_000, 100);
    await store.run('a', 'f', async () => 'a', 60);
    await store.run('b', 'f', async () => 'b', 30);
    await store.run('c', 'f', async () => 'c', 20); // 110 > 100: 'a' goes
    let recomputed = 0;
    expect(await store.run('a', 'f', async () => { recomputed++; return 'a2'; }, 60)).toBe('a2');
    expect(recomputed).toBe(1);
    // 'a' (60) came back: 'b', now the oldest, made room; 'c' is still stored.
    expect(await store.run('c', 'f', async () => 'c2', 20)).toBe('c');
  });

  it('fingerprints ignore key order but not values', () => {
    expect(canonicalJson({ b: 1, a: [{ y: 2, x: 1 }] })).toBe('{"a":[{"x":1,"y":2}],"b":1}');
    expect(fingerprintOf({ a: 1, b: 2 })).toBe(fingerprintOf({ b: 2, a: 1 }));
    expect(fingerprintOf({ a: 1 })).not.toBe(fingerprintOf({ a: 2 }));
  });
});
