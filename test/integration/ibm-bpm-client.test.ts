// IbmBpmClient reads, lists, auth and readiness against the IBM BPM emulator over real loopback HTTP.
import { describe, expect, it } from 'vitest';
import { IBM_SEED_TASKS } from '../../src/vendors/ibm-bpm/emulator.js';
import { BackendError } from '../../src/errors.js';
import type { IbmBpmTask } from '../../src/vendors/ibm-bpm/model.js';
import { IBM_TEST_POLICY, useIbmBpm } from '../support/ibm-bpm.js';

const { setup } = useIbmBpm();
async function rejection(p: Promise<unknown>): Promise<BackendError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(BackendError);
  return err as BackendError;
}
const READY = '_TKI:a01b0130.23ef69dd.2c2a1ff5.7c9c0135';
const UNKNOWN_ID = '_TKI:a01b0130.23ef69dd.2c2a1ff5.00000000';
const seedIds = IBM_SEED_TASKS.map((t) => t.tkiid);

describe('IBM BPM reads', () => {
  it('reads one task, the tkiid colon encoded as %3A in one path segment', async () => {
    const { emu, client } = await setup();
    const [t] = await client.getTasks([READY]) as IbmBpmTask[];
    expect(t).toMatchObject({
      backend: 'IBM_BPM', nativeId: READY, tkiid: READY, name: 'ApproveInvoice', displayName: 'Approve invoice INV-2025-0815',
      status: 'READY', vendorStatus: 'STATE_READY', priority: 3, kind: 'KIND_HUMAN', assignedToType: 'Group',
    });
    expect(t!.customProperties).toEqual([{ key: 'costCenter', value: 'CC-4100' }, { key: 'region', value: 'EMEA' }]);
    expect(emu.server.requests[0]!.rawPath).toBe('/rest/bpm/htm/v1/task/_TKI%3Aa01b0130.23ef69dd.2c2a1ff5.7c9c0135');
    expect(emu.server.requests[0]!.headers.accept).toBe('application/json');
  });

  it('not found (404 CWTKA0024E) and vendor-refused format (400 CWTKA0001E) are null', async () => {
    const { emu, client } = await setup();
    emu.server.addFault({ method: 'GET', path: /0135$/, times: 1, fault: { kind: 'status', status: 400, body: { errorNumber: 'CWTKA0001E', errorMessage: 'CWTKA0001E: The format of the ID is invalid.' } } });
    expect(await client.getTasks([UNKNOWN_ID, READY])).toEqual([null, null]);
    expect(emu.server.count('GET')).toBe(2);
  });

  it('refuses what cannot be a tkiid without a call: path syntax, encodings, control characters, lone surrogates', async () => {
    const { emu, client } = await setup();
    const bad = ['', '..', '%2F..', '_TKI:a/../b?x=1#f', '_TKI:a\u0000b', '_TKI:a\nb', '_TKI:\ud800', 'PI-12345', `_TKI:${'a'.repeat(200)}`];
    for (const id of bad) expect(client.isValidNativeId(id), JSON.stringify(id)).toBe(false);
    expect(await client.getTasks(bad)).toEqual(bad.map(() => null));
    expect(emu.server.requests).toHaveLength(0);
    expect(client.isValidNativeId('_TKI:A01B0130.23ef69dd.2c2a1ff5.7c9c0135')).toBe(true);
  });

  it('fetches each of many ids once and answers in the order asked', async () => {
    const { emu, client } = await setup({ extraTasks: 40 });
    const generated = [...emu.tasks.keys()].slice(IBM_SEED_TASKS.length);
    const ids = [...generated, ...generated.slice(0, 10), UNKNOWN_ID, READY];
    const result = await client.getTasks(ids);
    expect(result.map((t) => (t === null ? null : (t as IbmBpmTask).tkiid))).toEqual([...ids.slice(0, -2), null, READY]);
    expect(emu.server.count('GET')).toBe(42);
    expect(new Set(emu.server.requests.map((r) => r.rawPath)).size).toBe(42);
  });

  it('reads at most readConcurrency (here 8) at a time', async () => {
    const { emu, client } = await setup({ extraTasks: 24, latencyMs: 40 }, { policy: { ...IBM_TEST_POLICY, readConcurrency: 8 } });
    emu.server.takePeakInFlight();
    await client.getTasks([...emu.tasks.keys()].slice(-24));
    // Counted by the emulator, from each request's arrival to its answer: timestamps taken after reading a
    // body raced a loaded machine (9 "at once" in one full run).
    const peak = emu.server.takePeakInFlight();
    expect(peak).toBeLessThanOrEqual(8);
    expect(peak).toBeGreaterThan(1);
    expect(emu.server.requests).toHaveLength(24);
  });

  it('a failing vendor gives a BackendError per id, not a rejection', async () => {
    const { emu, client } = await setup();
    emu.server.addFault({ fault: { kind: 'status', status: 500, body: { errorNumber: 'CWTKA9999E', errorMessage: 'boom' } } });
    const [e] = await client.getTasks([READY]);
    expect(e).toMatchObject({ code: 'BACKEND_UNAVAILABLE', retryable: true, status: 500 });
    expect(emu.server.count('GET')).toBe(3); // idempotent read retried twice
    emu.server.clearFaults();
    emu.server.addFault({ fault: { kind: 'garbage' } });
    expect((await client.getTasks([READY]))[0]).toMatchObject({ code: 'BACKEND_UNAVAILABLE', message: 'IBM BPM sent an unreadable task' });
  });

  it('wrong credentials are BACKEND_AUTH_FAILED everywhere', async () => {
    const { client } = await setup({}, { password: 'wrong' });
    expect((await client.getTasks([READY]))[0]).toMatchObject({ code: 'BACKEND_AUTH_FAILED', status: 401 });
    expect((await rejection(client.ping())).code).toBe('BACKEND_AUTH_FAILED');
    expect((await rejection(client.listTasks(0, 5))).code).toBe('BACKEND_AUTH_FAILED');
  });

  it('ping is one authenticated one-row list call', async () => {
    const { emu, client } = await setup();
    await client.ping();
    expect(emu.server.requests.map((r) => r.rawPath)).toEqual(['/rest/bpm/htm/v1/tasks/filter?offset=0&size=1']);
    expect(emu.server.requests[0]!.headers.authorization).toMatch(/^Basic /);
  });

  it('a down vendor makes ping fail as BACKEND_UNAVAILABLE', async () => {
    const { emu, client } = await setup();
    await emu.close();
    expect(await rejection(client.ping())).toMatchObject({ code: 'BACKEND_UNAVAILABLE', retryable: true });
  });
});

describe('IBM BPM lists', () => {
  it('the seed covers every status IBM can produce', async () => {
    const { client } = await setup();
    const { tasks, done } = await client.listTasks(0, 100);
    expect(done).toBe(true);
    expect(tasks.map((t) => t.nativeId)).toEqual(seedIds);
    expect(new Set(tasks.map((t) => t.status))).toEqual(new Set(['NEW', 'READY', 'IN_PROGRESS', 'SUSPENDED', 'COMPLETED', 'FAILED', 'CANCELLED', 'UNKNOWN']));
  });

  it('slices crossing vendor pages join up with no duplicate and nothing missing', async () => {
    const { emu, client } = await setup({ extraTasks: 17 }, { pageSize: 4 });
    const all = [...emu.tasks.keys()];
    const seen: string[] = [];
    let offset = 0;
    for (const limit of [3, 5, 7, 2, 9, 6, 11]) {
      const { tasks, done } = await client.listTasks(offset, limit);
      seen.push(...tasks.map((t) => t.nativeId));
      offset += tasks.length;
      if (done) break;
    }
    expect(seen).toEqual(all.slice(0, seen.length));
    const rest = await client.listTasks(offset, 100);
    expect([...seen, ...rest.tasks.map((t) => t.nativeId)]).toEqual(all);
    expect(rest.done).toBe(true);
    const calls = emu.server.requests.map((r) => r.query.get('size'));
    // a page of at most 4, and the row after it that says whether more follow
    expect(calls.every((s) => Number(s) <= 5)).toBe(true);
    expect(calls.some((s) => Number(s) === 5)).toBe(true);
  });

  it('knows whether the slice ends the list', async () => {
    const { client } = await setup({}, { pageSize: 5 });
    const n = seedIds.length;
    expect(await client.listTasks(n - 3, 2).then((s) => [s.tasks.length, s.done])).toEqual([2, false]);
    expect(await client.listTasks(n - 2, 2).then((s) => [s.tasks.length, s.done])).toEqual([2, true]);
    expect(await client.listTasks(n + 5, 2)).toEqual({ tasks: [], done: true });
  });

  it('a server that caps `size` below what was asked does not end the list early', async () => {
    const { emu, client } = await setup({ maxPageSize: 3 });
    const { tasks, done } = await client.listTasks(2, 8);
    expect(tasks.map((t) => t.nativeId)).toEqual(seedIds.slice(2, 10));
    expect(done).toBe(false);
    expect((await client.listTasks(0, 1000)).tasks.map((t) => t.nativeId)).toEqual(seedIds);
    expect(emu.server.count('GET')).toBeGreaterThan(5);
  });

  it('reads query-table style UPPER-CASE rows', async () => {
    const { emu, client } = await setup();
    emu.server.addFault({
      path: /tasks\/filter/, times: 1,
      fault: { kind: 'raw', status: 200, headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ identifier: 'TKIID', items: [{ TKIID: READY, NAME: 'ApproveInvoice', STATE: 2, PRIORITY: 3, SUSPENDED: true }] }) },
    });
    const { tasks } = await client.listTasks(0, 5);
    expect(tasks[0]).toMatchObject({ nativeId: READY, name: 'ApproveInvoice', vendorStatus: 'STATE_READY', status: 'SUSPENDED', priority: 3 });
  });

  it('a failing or garbled list is a BackendError', async () => {
    const { emu, client } = await setup();
    emu.server.addFault({ fault: { kind: 'status', status: 503 } });
    expect(await rejection(client.listTasks(0, 5))).toMatchObject({ code: 'BACKEND_UNAVAILABLE', retryable: true });
    emu.server.clearFaults();
    emu.server.addFault({ fault: { kind: 'truncate' } });
    expect((await rejection(client.listTasks(0, 5))).code).toBe('BACKEND_UNAVAILABLE');
    emu.server.clearFaults();
    emu.server.addFault({ fault: { kind: 'garbage' } });
    expect(await rejection(client.listTasks(0, 5))).toMatchObject({ code: 'BACKEND_UNAVAILABLE', message: 'IBM BPM sent an unreadable task list' });
  });
});
