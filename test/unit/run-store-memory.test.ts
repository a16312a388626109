import { describe, expect, it } from 'vitest';
import { MemoryRunStore } from '../../src/batch/run-store-memory.js';

describe('MemoryRunStore', () => {
  it('is bounded by stored items, not runs: the oldest finished runs make room', async () => {
    const store = new MemoryRunStore(60_000, 1_000, 100);
    for (const [id, total] of [['a', 60], ['b', 30]] as const) {
      expect(await store.claim(id, 'f', 'o', total)).toBe('claimed');
      await store.finish(id, 'o', []);
    }
    expect(await store.claim('c', 'f', 'o', 20)).toBe('claimed'); // 110 > 100: 'a' goes
    expect(await store.claim('a', 'f', 'o2', 60)).toBe('claimed');
    expect(await store.claim('c', 'f', 'o3', 20)).toBe('running'); // still held by 'o'
  });

  it('never drops a run under its holder, and forgets runs past their TTL', async () => {
    let now = 0;
    const store = new MemoryRunStore(1_000, 500, 10, () => now);
    expect(await store.claim('live', 'f', 'o', 10)).toBe('claimed');
    expect(await store.claim('other', 'f', 'o', 5)).toBe('claimed'); // over the bound, but 'live' is held
    expect(await store.claim('live', 'f', 'x', 10)).toBe('running');
    now = 5_000;
    expect(await store.claim('live', 'f', 'x', 10)).toBe('claimed');
  });
});
