// Query admission: nothing waits while the event loop has room; while it is saturated the places shrink to
// the floor and no further, waiting queries are let in first come first served as places free, a query
// whose client left while it waited never runs, and the limit goes away once the loop has room again.

import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { useQueryAdmission } from '../../src/plugins/use-query-admission.js';
import { QueryAdmission } from '../../src/query-admission.js';

const SETTINGS = { floor: 4, busy: 0.85, idle: 0.6 };

/** Enters `n` queries; returns which have been admitted so far, by index. */
async function enterMany(gate: QueryAdmission, n: number, signals: Array<AbortSignal | undefined> = []) {
  const admitted: number[] = [];
  const entries = Array.from({ length: n }, (_, i) => gate.enter(signals[i]).then(() => { admitted.push(i); }));
  await flush();
  return { admitted, entries };
}
const flush = () => new Promise((resolve) => setImmediate(resolve));

/** A gate with `running` queries in and the limit at the floor (4), as after a saturated stretch. */
function saturatedGate(running: number): QueryAdmission {
  const gate = new QueryAdmission(SETTINGS);
  for (let i = 0; i < running; i++) void gate.enter();
  for (let i = 0; i < 20; i++) gate.observe(1);
  expect(gate.current).toBe(4);
  return gate;
}

describe('QueryAdmission', () => {
  it('admits every query at once while the loop is not saturated', async () => {
    const gate = new QueryAdmission(SETTINGS);
    gate.observe(0.5);
    const { admitted } = await enterMany(gate, 50);
    expect(admitted).toHaveLength(50);
    expect(gate.current).toBe(Infinity);
  });

  it('shrinks by a quarter per saturated sample, down to the floor and no further', () => {
    const gate = new QueryAdmission(SETTINGS);
    for (let i = 0; i < 30; i++) void gate.enter();
    gate.observe(0.99);
    expect(gate.current).toBe(22);
    gate.observe(0.99);
    expect(gate.current).toBe(16);
    for (let i = 0; i < 40; i++) gate.observe(1);
    expect(gate.current).toBe(4);
    // 30 still running: no one leaves early, none is cut off.
    expect(gate.inFlight).toBe(30);
  });

  it('holds new queries while saturated and lets them in, first come first served, as places free', async () => {
    const gate = saturatedGate(6);
    const { admitted } = await enterMany(gate, 3);
    expect(admitted).toEqual([]);
    expect(gate.queued).toBe(3);
    gate.leave(); gate.leave();
    await flush();
    // 6 → 4 running: still at the limit, so nobody yet.
    expect(admitted).toEqual([]);
    gate.leave();
    await flush();
    expect(admitted).toEqual([0]);
    gate.leave(); gate.leave();
    await flush();
    expect(admitted).toEqual([0, 1, 2]);
    expect(gate.inFlight).toBe(4);
  });

  it('grows back while the loop has room, lets the waiting in, and drops the limit', async () => {
    const gate = saturatedGate(10);
    const { admitted } = await enterMany(gate, 5);
    expect(admitted).toEqual([]);
    for (let i = 0; i < 100 && gate.current !== Infinity; i++) gate.observe(0.3);
    await flush();
    expect(gate.current).toBe(Infinity);
    expect(admitted).toEqual([0, 1, 2, 3, 4]);
  });

  it('between idle and busy: grows while queries wait, and holds when none does', async () => {
    const gate = saturatedGate(10);
    gate.observe(0.7);
    expect(gate.current).toBe(4);
    const { admitted } = await enterMany(gate, 1);
    expect(admitted).toEqual([]);
    gate.observe(0.7);
    expect(gate.current).toBe(5);
    gate.observe(0.9);
    expect(gate.current).toBe(4);
  });

  it('a query whose client leaves while it waits never runs, and takes no place', async () => {
    const gate = saturatedGate(8);
    const gone = new AbortController();
    const { admitted, entries } = await enterMany(gate, 2, [gone.signal, undefined]);
    gone.abort(new Error('client gone'));
    await expect(entries[0]).rejects.toThrow('client gone');
    expect(gate.queued).toBe(1);
    for (let i = 0; i < 5; i++) gate.leave();
    await flush();
    expect(admitted).toEqual([1]);
    expect(gate.inFlight).toBe(4);
  });

  it('refuses at once a query whose client has already left', async () => {
    const gate = new QueryAdmission(SETTINGS);
    const gone = new AbortController();
    gone.abort(new Error('gone'));
    await expect(gate.enter(gone.signal)).rejects.toThrow('gone');
    expect(gate.inFlight).toBe(0);
  });
});

describe('useQueryAdmission', () => {
  /** The executor the plugin installs for `source`, or undefined when it leaves the operation alone. */
  function wrapped(gate: QueryAdmission, source: string, executeFn: (a: unknown) => Promise<unknown>) {
    const plugin = useQueryAdmission(gate, 60_000);
    let installed: ((a: unknown) => Promise<unknown>) | undefined;
    plugin.onExecute!({ args: { document: parse(source) }, executeFn, setExecuteFn: (fn: typeof installed) => { installed = fn; } } as never);
    void plugin.onDispose?.();
    return installed;
  }
  const signal = new AbortController().signal;

  it('holds a query for a place and frees it when the query ends, result or error', async () => {
    const gate = new QueryAdmission(SETTINGS);
    let during = -1;
    const run = wrapped(gate, '{ __typename }', async () => { during = gate.inFlight; return { data: {} }; })!;
    await expect(run({ contextValue: { signal } })).resolves.toEqual({ data: {} });
    expect(during).toBe(1);
    expect(gate.inFlight).toBe(0);
    const failing = wrapped(gate, '{ __typename }', () => Promise.reject(new Error('boom')))!;
    await expect(failing({ contextValue: { signal } })).rejects.toThrow('boom');
    expect(gate.inFlight).toBe(0);
  });

  it('leaves mutations and @defer/@stream documents alone', () => {
    const gate = new QueryAdmission(SETTINGS);
    const executeFn = async () => ({ data: {} });
    expect(wrapped(gate, 'mutation { __typename }', executeFn)).toBeUndefined();
    expect(wrapped(gate, '{ ... @defer { __typename } }', executeFn)).toBeUndefined();
    expect(wrapped(gate, 'query { __typename }', executeFn)).toBeTypeOf('function');
  });
});
