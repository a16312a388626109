// SuperOfficeClient.applyUpdates against the emulator over real loopback HTTP: outcomes AND what the
// vendor-side store holds afterwards.
import { applyUpdates } from '../../src/batch/apply.js';
import { describe, expect, it } from 'vitest';
import { SuperOfficeClient } from '../../src/vendors/superoffice/client.js';
import { SUPEROFFICE_DEMO_CREDENTIALS as CREDS } from '../../src/vendors/superoffice/emulator.js';
import type { EmptyCarrierShape, SuperOfficeEmulator } from '../../src/vendors/superoffice/emulator.js';
import type { SuperOfficeTaskUpdate } from '../../src/vendors/superoffice/model.js';
import type { FaultKind } from '../../src/vendors/emulator-kit.js';
import { SUPEROFFICE_TEST_POLICY as policy, useSuperOffice } from '../support/superoffice.js';

const { setup, track } = useSuperOffice();
const writable = (emu: SuperOfficeEmulator, id: number) => {
  const t = emu.tasks.get(id)!;
  return { State: t.State, Description: t.Description, Response: t.Response, Request: t.Request };
};
const all4 = (id: string, state: SuperOfficeTaskUpdate['state'] = 'Started'): SuperOfficeTaskUpdate =>
  ({ id, state, description: `d${id}`, response: `r${id}`, request: `q${id}` });
const putBodies = (emu: SuperOfficeEmulator) =>
  emu.server.requests.filter((r) => r.method === 'PUT').map((r) => ({ path: r.path, body: JSON.parse(r.body) as Record<string, unknown> }));
const rawPut = (emu: SuperOfficeEmulator, id: number, body: unknown) => fetch(`${emu.tenantUrl}/api/v1/BatchTask/${id}`, {
  method: 'PUT', body: JSON.stringify(body),
  headers: { authorization: `Bearer ${CREDS.token}`, 'content-type': 'application/json' },
});

describe('SuperOffice PUT: the whole writable set', () => {
  it('the emulator really resets writable fields a PUT leaves out (what the client must prevent)', async () => {
    const { emu } = await setup();
    expect((await rawPut(emu, 101, { Id: 101, Description: 'only this' })).status).toBe(200);
    expect(writable(emu, 101)).toEqual({ State: 'Unknown', Description: 'only this', Response: null, Request: null });
  });

  it('keeps unchanged writable fields: reads the task first and sends their current values', async () => {
    const { emu, client } = await setup();
    const before = writable(emu, 101);
    const [outcome] = await applyUpdates(client, [{ id: '101', description: 'Resent to bounced recipients' }]);
    expect(outcome).toMatchObject({ kind: 'UPDATED', task: { id: 101, description: 'Resent to bounced recipients', status: 'COMPLETED' } });
    expect(writable(emu, 101)).toEqual({ ...before, Description: 'Resent to bounced recipients' });
    expect(emu.server.count('GET', /BatchTask\/101$/)).toBe(1);
    expect(putBodies(emu)[0]!.body).toEqual({
      Id: 101, State: 'Succeeded', Description: 'Resent to bounced recipients', Response: 'Sent 1 204, bounced 17', Request: 'selection=412',
    });
  });

  it('skips the read when all four fields are given', async () => {
    const { emu, client } = await setup();
    const [outcome] = await applyUpdates(client, [all4('103', 'Failed')]);
    expect(outcome).toMatchObject({ kind: 'UPDATED', task: { status: 'FAILED', request: 'q103' } });
    expect(writable(emu, 103)).toEqual({ State: 'Failed', Description: 'd103', Response: 'r103', Request: 'q103' });
    expect(emu.server.count('GET')).toBe(0);
  });

  it('sends the path Id and an equal body Id; the emulator goes by the path', async () => {
    const { emu, client } = await setup();
    await applyUpdates(client, [{ id: '102', response: 'ack' }]);
    expect(putBodies(emu)).toEqual([expect.objectContaining({ path: '/Cust12345/api/v1/BatchTask/102', body: expect.objectContaining({ Id: 102 }) })]);
    await rawPut(emu, 105, { Id: 101, State: 'New', Description: 'via path' });
    expect(emu.tasks.get(105)!.Description).toBe('via path');
    expect(emu.tasks.get(101)!.Description).toBe('Newsletter to 1 204 recipients');
  });

  it('sets Aquired (sic) and reports IN_PROGRESS; non-writable fields and 7-digit dates are untouched', async () => {
    const { emu, client } = await setup();
    const [outcome] = await applyUpdates(client, [{ id: '108', state: 'Aquired' }]);
    expect(outcome).toMatchObject({ kind: 'UPDATED', task: { state: 'Aquired', vendorStatus: 'Aquired', status: 'IN_PROGRESS',
      created: '2024-04-04T11:11:11.1111111+02:00', name: 'Send invitations: Customer Day 2024' } });
    expect(emu.tasks.get(108)).toMatchObject({ State: 'Aquired', Request: 'project=31', Created: '2024-04-04T11:11:11.1111111+02:00' });
  });
});

describe('SuperOffice PUT: refusals and unconfirmed replies', () => {
  it.each(['empty-body', 'empty-object', 'zero-id'] as EmptyCarrierShape[])('an empty carrier (%s) is never UPDATED', async (shape) => {
    const { emu, client } = await setup();
    emu.emptyCarrierFor.add(102);
    emu.emptyCarrierShape = shape;
    const before = writable(emu, 102);
    const [outcome] = await applyUpdates(client, [{ id: '102', state: 'Succeeded' }]);
    expect(outcome).toMatchObject({ kind: 'ERROR', code: 'OUTCOME_UNKNOWN' });
    expect(writable(emu, 102)).toEqual(before);
  });

  it('a PUT answered with another task is not confirmed', async () => {
    const { emu, client } = await setup();
    emu.server.addFault({ fault: { kind: 'raw', status: 200, headers: {}, body: JSON.stringify({ ...emu.tasks.get(101), State: 'Failed' }) }, method: 'PUT' });
    const [outcome] = await applyUpdates(client, [all4('102')]);
    expect(outcome).toMatchObject({ kind: 'ERROR', code: 'OUTCOME_UNKNOWN' });
  });

  it('a PUT answered for the task, but without a value it was sent, is REJECTED: the vendor did not apply it', async () => {
    const { emu, client } = await setup();
    // 200 with the task as it was (a lying or rule-bound backend): nothing says the change was made.
    emu.server.addFault({ fault: { kind: 'raw', status: 200, headers: {}, body: JSON.stringify(emu.tasks.get(102)) }, method: 'PUT' });
    const [outcome] = await applyUpdates(client, [{ id: '102', state: 'Succeeded', description: 'Leads from trade fair' }]);
    expect(outcome).toMatchObject({ kind: 'ERROR', code: 'REJECTED', retryable: false });
    expect(outcome).toMatchObject({ message: expect.stringContaining('State Started, not Succeeded') });
  });

  it('unknown id: NOT_FOUND from the read, or from the PUT itself', async () => {
    const { emu, client } = await setup();
    const [read, put] = await applyUpdates(client, [{ id: '999', description: 'x' }, all4('998')]);
    expect(read).toMatchObject({ kind: 'ERROR', code: 'NOT_FOUND', vendorCode: 'SoNotFoundException', retryable: false });
    expect(put).toMatchObject({ kind: 'ERROR', code: 'NOT_FOUND', vendorCode: 'SoNotFoundException' });
    expect(emu.server.count('PUT')).toBe(1);
    emu.unknownIdOnPut = 'empty-carrier';
    const [carrier] = await applyUpdates(client, [all4('997')]);
    expect(carrier).toMatchObject({ kind: 'ERROR', code: 'OUTCOME_UNKNOWN' });
    expect(emu.tasks.has(997)).toBe(false);
  });

  // Only SuperOffice's own SoNotFoundException says "no such task". A 404 without it (a proxy, a web server
  // at a wrong base, ASP.NET's route miss) never reached the BatchTask API: nothing was applied, and the
  // task may well exist.
  it.each([
    ['an empty body', ''],
    ["ASP.NET's route miss", JSON.stringify({ Message: 'No HTTP resource was found that matches the request URI.' })],
  ])('a 404 with %s is BACKEND_UNAVAILABLE, not NOT_FOUND, on the PUT and on the read before it', async (_what, body) => {
    const { emu, client } = await setup();
    emu.server.addFault({ fault: { kind: 'raw', status: 404, headers: {}, body }, method: 'PUT', times: 1 });
    emu.server.addFault({ fault: { kind: 'raw', status: 404, headers: {}, body }, method: 'GET', times: 1 });
    const [put, read] = await applyUpdates(client, [all4('101'), { id: '102', description: 'x' }]);
    expect(put).toMatchObject({ kind: 'ERROR', code: 'BACKEND_UNAVAILABLE', retryable: true });
    expect(read).toMatchObject({ kind: 'ERROR', code: 'BACKEND_UNAVAILABLE', retryable: true });
    expect(emu.tasks.get(102)!.Description).toBe('Leads from trade fair');
  });

  it('400: a state the server does not know (pre-SucceededManualCleanup) is REJECTED', async () => {
    const { emu, client } = await setup();
    emu.legacyStates = true;
    const before = writable(emu, 102);
    const [outcome] = await applyUpdates(client, [{ id: '102', state: 'SucceededManualCleanup' }]);
    expect(outcome).toMatchObject({ kind: 'ERROR', code: 'REJECTED', vendorCode: 'ArgumentException', retryable: false });
    expect(writable(emu, 102)).toEqual(before);
  });

  it('403: a read-only task is PERMISSION_DENIED and unchanged', async () => {
    const { emu, client } = await setup();
    expect(emu.readOnly.has(109)).toBe(true);
    const before = writable(emu, 109);
    const [outcome] = await applyUpdates(client, [{ id: '109', description: 'nope' }]);
    expect(outcome).toMatchObject({ kind: 'ERROR', code: 'PERMISSION_DENIED', vendorCode: 'SoAccessDeniedException' });
    expect(writable(emu, 109)).toEqual(before);
  });

  it('412 is REJECTED; 401 is BACKEND_AUTH_FAILED for every item', async () => {
    const { emu, client } = await setup();
    emu.server.addFault({ fault: { kind: 'status', status: 412, body: '' }, method: 'PUT', times: 1 });
    expect((await applyUpdates(client, [all4('101')]))[0]).toMatchObject({ code: 'REJECTED' });
    const wrong = new SuperOfficeClient({ baseUrl: emu.tenantUrl, policy, token: 'bad' });
    track(wrong);
    const outcomes = await applyUpdates(wrong, [all4('102'), { id: '103', state: 'New' }]);
    expect(outcomes.map((o) => o.kind === 'ERROR' && o.code)).toEqual(['BACKEND_AUTH_FAILED', 'BACKEND_AUTH_FAILED']);
    expect(emu.tasks.get(102)!.Description).toBe('Leads from trade fair');
  });

  it('one outcome per item, in order, whatever each one met', async () => {
    const { emu, client } = await setup();
    const outcomes = await applyUpdates(client, [
      { id: '101', request: 'selection=413' }, { id: '999', state: 'New' }, { id: '109', state: 'New' },
      { id: '0102', state: 'New' }, { id: '102', state: 'Failed' },
    ]);
    expect(outcomes.map((o) => (o.kind === 'ERROR' ? o.code : o.kind)))
      .toEqual(['UPDATED', 'NOT_FOUND', 'PERMISSION_DENIED', 'INVALID_INPUT', 'UPDATED']);
    expect(emu.tasks.get(101)!.Request).toBe('selection=413');
    expect(emu.tasks.get(102)!.State).toBe('Failed');
    expect(emu.server.count('PATCH')).toBe(0);
  });

  it('PATCH is not a BatchTask route (405)', async () => {
    const { emu } = await setup();
    const res = await fetch(`${emu.tenantUrl}/api/v1/BatchTask/101`, {
      method: 'PATCH', headers: { authorization: `Bearer ${CREDS.token}`, 'content-type': 'application/merge-patch+json' }, body: '{"State":"New"}',
    });
    expect(res.status).toBe(405);
    expect(emu.tasks.get(101)!.State).toBe('Succeeded');
  });
});

// A PUT sets all four writable fields, from a read of the task just before: two batches changing different
// fields of one task at once would each write back the other's old value. SuperOffice has no ETag to guard
// it, so within a replica the read and the PUT of one task go one batch at a time.
describe('SuperOffice PUT: one task changed by two batches at once', () => {
  it('keeps both changes', async () => {
    const { emu, client } = await setup({ latencyMs: 150 });
    const [a, b] = await Promise.all([
      applyUpdates(client, [{ id: '108', description: 'from batch a' }]),
      applyUpdates(client, [{ id: '108', response: 'from batch b' }]),
    ]);
    expect([a[0]!.kind, b[0]!.kind]).toEqual(['UPDATED', 'UPDATED']);
    expect(emu.tasks.get(108)).toMatchObject({ Description: 'from batch a', Response: 'from batch b' });
  });
});

describe('SuperOffice PUT: bounded concurrency', () => {
  it.each([[3, 3], [undefined, 8]])('writeConcurrency %s → never more than %i PUTs in flight', async (wc, max) => {
    const { emu, client } = await setup({ extraTasks: 30 }, wc === undefined ? {} : { writeConcurrency: wc });
    emu.handlerDelayMs = 15;
    const ids = [...emu.tasks.keys()].filter((id) => !emu.readOnly.has(id)).slice(0, 30);
    const outcomes = await applyUpdates(client, ids.map((id) => all4(String(id), 'Succeeded')));
    expect(outcomes.every((o) => o.kind === 'UPDATED')).toBe(true);
    expect(ids.every((id) => emu.tasks.get(id)!.State === 'Succeeded')).toBe(true);
    expect(emu.maxConcurrentPuts).toBeLessThanOrEqual(max);
    expect(emu.maxConcurrentPuts).toBeGreaterThan(1);
  });

  it('the reads before PUTs are bounded per client too: two batches at once never have more than 8 GETs in flight', async () => {
    const { emu, client } = await setup({ extraTasks: 60 });
    emu.handlerDelayMs = 15;
    const ids = [...emu.tasks.keys()].filter((id) => !emu.readOnly.has(id)).slice(0, 60);
    // One field only: each item reads its task first, so both batches start with GETs.
    const batch = (part: number[]) => applyUpdates(client, part.map((id) => ({ id: String(id), description: `both ${id}` })));
    const outcomes = (await Promise.all([batch(ids.slice(0, 30)), batch(ids.slice(30))])).flat();
    expect(outcomes.every((o) => o.kind === 'UPDATED')).toBe(true);
    expect(ids.every((id) => emu.tasks.get(id)!.Description === `both ${id}`)).toBe(true);
    expect(emu.maxConcurrentGets).toBeLessThanOrEqual(8);
    expect(emu.maxConcurrentGets).toBeGreaterThan(1);
  });
});

describe('SuperOffice PUT: faults', () => {
  const items = () => [all4('101', 'Failed'), all4('102', 'Failed'), { id: '103', description: 'x' }];

  it('vendor down: every item BACKEND_UNAVAILABLE, retryable', async () => {
    const { emu, client } = await setup();
    await emu.close();
    const outcomes = await applyUpdates(client, items());
    expect(outcomes).toHaveLength(3);
    for (const o of outcomes) expect(o).toMatchObject({ kind: 'ERROR', code: 'BACKEND_UNAVAILABLE', retryable: true });
  });

  it.each<[string, FaultKind, boolean]>([
    ['reset before handling', { kind: 'reset' }, false],
    ['500', { kind: 'status', status: 500, body: { Error: true, ErrorType: 'Exception', ErrorMessage: 'boom' } }, false],
    ['garbage body', { kind: 'garbage' }, false],
    ['truncated body', { kind: 'truncate' }, true],
    ['reply lost after applying', { kind: 'reset-after-handling' }, true],
  ])('%s: one error outcome per item, nothing unconfirmed is UPDATED', async (_name, fault, applied) => {
    const { emu, client } = await setup();
    emu.server.addFault({ fault, method: 'PUT' });
    const outcomes = await applyUpdates(client, items());
    expect(outcomes).toHaveLength(3);
    for (const o of outcomes) expect(o).toMatchObject({ kind: 'ERROR', code: 'BACKEND_UNAVAILABLE' });
    expect(emu.tasks.get(101)!.State).toBe(applied ? 'Failed' : 'Succeeded');
    expect(emu.tasks.get(103)!.Description).toBe(applied ? 'x' : '');
  });

  it('a fault on one task leaves the others UPDATED', async () => {
    const { emu, client } = await setup();
    emu.server.addFault({ fault: { kind: 'status', status: 503 }, method: 'PUT', path: /BatchTask\/102$/ });
    const outcomes = await applyUpdates(client, items());
    expect(outcomes.map((o) => o.kind)).toEqual(['UPDATED', 'ERROR', 'UPDATED']);
    expect(emu.server.count('PUT', /BatchTask\/102$/)).toBe(1 + policy.maxRetries);
    expect(emu.tasks.get(102)!.State).toBe('Started');
  });
});
