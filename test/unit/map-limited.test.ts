// mapLimited: the one bounded map adapters use for calls without a batch form.

import { describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { mapLimited } from '../../src/vendors/concurrency.js';

describe('mapLimited', () => {
  it('never has more than `limit` in flight, keeps every slot busy, and answers in input order', async () => {
    let inFlight = 0;
    let most = 0;
    const delays = [30, 5, 20, 1, 15, 2, 25, 3, 10, 4];
    const out = await mapLimited(delays, 3, async (ms) => {
      most = Math.max(most, ++inFlight);
      await sleep(ms);
      inFlight -= 1;
      return ms * 2;
    });
    expect(out).toEqual(delays.map((ms) => ms * 2));
    expect(most).toBe(3);
  });

  it('handles no items, a limit above the item count, and a limit below 1', async () => {
    expect(await mapLimited([], 4, async (x: number) => x)).toEqual([]);
    expect(await mapLimited([1, 2], 16, async (x) => x + 1)).toEqual([2, 3]);
    expect(await mapLimited([1, 2, 3], 0, async (x) => x * 10)).toEqual([10, 20, 30]);
  });

  it('rejects with the first failure', async () => {
    await expect(mapLimited([1, 2, 3], 2, async (x) => { if (x === 2) throw new Error('two'); return x; })).rejects.toThrow('two');
  });
});
