import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeCursor, decodeGlobalId, encodeCursor, encodeGlobalId } from '../../src/global-id.js';
import { BACKENDS } from '../../src/vendors/index.js';
import { canonicalJson, fingerprintOf } from '../../src/batch/idempotency.js';

describe('global ids and cursors', () => {
  it('round-trip any backend and native id', () => {
    fc.assert(fc.property(fc.constantFrom(...BACKENDS), fc.string({ minLength: 1 }), (backend, nativeId) => {
      expect(decodeGlobalId(encodeGlobalId(backend, nativeId))).toEqual({ backend, nativeId });
    }));
    fc.assert(fc.property(fc.constantFrom(...BACKENDS), fc.nat(999_999_999), (backend, offset) => {
      expect(decodeCursor(encodeCursor({ backend, offset }))).toEqual({ backend, offset });
    }));
    // Skipped backends are ones before the position's own, each once (as listTaskPage issues them).
    fc.assert(fc.property(fc.integer({ min: 1, max: BACKENDS.length - 1 }), fc.nat(999_999_999), (at, offset) => {
      const skipped = BACKENDS.slice(0, at);
      expect(decodeCursor(encodeCursor({ backend: BACKENDS[at]!, offset, skipped }))).toEqual({ backend: BACKENDS[at], offset, skipped });
    }));
  });

  it('refuse anything they did not produce', () => {
    for (const bad of ['', 'abc', Buffer.from('Task:NOPE:1').toString('base64url'), Buffer.from('Task:K2:').toString('base64url')]) {
      expect(decodeGlobalId(bad)).toBeNull();
    }
    expect(decodeCursor(Buffer.from('c1:K2:-1').toString('base64url'))).toBeNull();
    expect(decodeCursor(Buffer.from('c2:K2:3:NOPE').toString('base64url'))).toBeNull();
    // Forged skipped lists: repeated, or naming a backend at or after the position's own.
    expect(decodeCursor(Buffer.from(`c2:K2:3:${'ZUORA,'.repeat(1000)}ZUORA`).toString('base64url'))).toBeNull();
    expect(decodeCursor(Buffer.from('c2:ZUORA:3:K2').toString('base64url'))).toBeNull();
    expect(decodeCursor(Buffer.from('c2:K2:3:K2').toString('base64url'))).toBeNull();
    expect(decodeCursor(Buffer.from('c2:K2:3:ZUORA,IBM_BPM').toString('base64url'))).toEqual({ backend: 'K2', offset: 3, skipped: ['ZUORA', 'IBM_BPM'] });
    expect(decodeCursor(Buffer.from('c2:K2:3:').toString('base64url'))).toBeNull();
    expect(decodeCursor('!!!')).toBeNull();
  });
});

describe('fingerprints', () => {
  it('fingerprints ignore key order but not values', () => {
    expect(canonicalJson({ b: 1, a: [{ y: 2, x: 1 }] })).toBe('{"a":[{"x":1,"y":2}],"b":1}');
    expect(fingerprintOf({ a: 1, b: 2 })).toBe(fingerprintOf({ b: 2, a: 1 }));
    expect(fingerprintOf({ a: 1 })).not.toBe(fingerprintOf({ a: 2 }));
    // Fed to the hash piece by piece, it is still the digest of the canonical JSON text.
    const input = { items: [{ backend: 'K2', update: { serialNumber: '12_8', action: 'Approve', gone: undefined } }, null, 'x"y', 1.5, true], dryRun: false };
    expect(fingerprintOf(input)).toBe(createHash('sha256').update(canonicalJson(input)).digest('base64url'));
  });
});
