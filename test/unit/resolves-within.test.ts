// resolvesWithin: the time limit shutdown puts on closing the HTTP server and the batch job queue.

import { describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { resolvesWithin } from '../../src/shared/resolves-within.js';

describe('resolvesWithin', () => {
  it('is true when the work resolves in time, false when the time runs out first', async () => {
    expect(await resolvesWithin(sleep(5), 1_000)).toBe(true);
    expect(await resolvesWithin(new Promise(() => {}), 20)).toBe(false);
    expect(await resolvesWithin(sleep(50), 10, { unref: true })).toBe(false);
  });

  it('passes a rejection in time on', async () => {
    await expect(resolvesWithin(Promise.reject(new Error('close failed')), 1_000)).rejects.toThrow('close failed');
  });
});
