// IbmBpmClient.applyUpdates against the IBM BPM emulator: outcomes AND what the vendor's store holds after.
import { applyUpdates } from '../../src/batch/apply.js';
import { describe, expect, it } from 'vitest';
import { IbmBpmClient } from '../../src/vendors/ibm-bpm/client.js';
import { IBM_BPM_DEMO_CREDENTIALS as CREDS, IBM_FOREIGN_TKIID, IBM_RESTRICTED_TKIID } from '../../src/vendors/ibm-bpm/emulator.js';
import type { IbmBpmEmulator } from '../../src/vendors/ibm-bpm/emulator.js';
import type { UpdateOutcome } from '../../src/domain.js';
import type { IbmBpmTaskUpdate } from '../../src/vendors/ibm-bpm/model.js';
import { IBM_TEST_POLICY as policy, useIbmBpm } from '../support/ibm-bpm.js';

const { setup, track } = useIbmBpm();
const id = (n: number) => `_TKI:a01b0130.23ef69dd.2c2a1ff5.7c9c01${n.toString(16)}`;
const [READY, CLAIMED, RUNNING, INACTIVE, SUSPENDED, FINISHED, FORWARDED, , , TERMINATED] = [0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e].map(id);
const UNKNOWN_ID = '_TKI:a01b0130.23ef69dd.2c2a1ff5.00000000';
const puts = (emu: IbmBpmEmulator) => emu.server.requests.filter((r) => r.method === 'PUT');
const prio = (emu: IbmBpmEmulator, tkiid: string) => emu.tasks.get(tkiid)!.priority;
const kinds = (os: UpdateOutcome[]) => os.map((o) => (o.kind === 'ERROR' ? o.code : o.kind));

describe('IBM BPM bulk update', () => {
  it('an empty 200 body means every id was updated; one PUT for one value set', async () => {
    const { emu, client } = await setup();
    const out = await applyUpdates(client, [
      { id: READY!, priority: 9, customProperties: [{ key: 'region', value: 'APAC' }] },
      { id: CLAIMED!, customProperties: [{ key: 'region', value: 'APAC' }], priority: 9 },
    ]);
    expect(out).toEqual([{ kind: 'UPDATED' }, { kind: 'UPDATED' }]);
    expect(puts(emu)).toHaveLength(1);
    const req = puts(emu)[0]!;
    expect(req.rawPath).toBe('/rest/bpm/htm/v1/task?action=update');
    expect(req.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req.body)).toEqual({ updatedTaskIDs: [READY, CLAIMED], updatedPropertyValues: { customProperties: { region: 'APAC' }, priority: 9 } });
    expect([prio(emu, READY!), prio(emu, CLAIMED!)]).toEqual([9, 9]);
    expect(emu.tasks.get(READY!)!.customProperties).toEqual({ costCenter: 'CC-4100', region: 'APAC' });
  });

  it('heterogeneous values: one PUT per distinct value set, each task ends with its own value', async () => {
    const { emu, client } = await setup();
    const updates: IbmBpmTaskUpdate[] = [
      { id: READY!, priority: 1 }, { id: CLAIMED!, priority: 2 }, { id: RUNNING!, priority: 1 },
      { id: INACTIVE!, displayName: 'Credit check (rush)', priority: 2 }, { id: SUSPENDED!, priority: 2, displayName: 'Credit check (rush)' },
      { id: id(0x40), priority: 2 },
    ];
    const out = await applyUpdates(client, updates);
    expect(kinds(out)).toEqual(Array(6).fill('UPDATED'));
    expect(puts(emu)).toHaveLength(3);
    expect(updates.map((u) => prio(emu, u.id))).toEqual([1, 2, 1, 2, 2, 2]);
    expect(emu.tasks.get(INACTIVE!)!.displayName).toBe('Credit check (rush)');
    expect(emu.tasks.get(CLAIMED!)!.displayName).toBe('Review insurance claim CLM-20931');
  });

  it('failedUpdates: each failed tkiid gets its own error, the rest are updated', async () => {
    const { emu, client } = await setup();
    const ids = [READY!, UNKNOWN_ID, FINISHED!, IBM_RESTRICTED_TKIID, 'bogus-id', FORWARDED!, TERMINATED!, CLAIMED!];
    const out = await applyUpdates(client, ids.map((i) => ({ id: i, priority: 7 })));
    // 'bogus-id' cannot be a tkiid: refused before the call, and not sent.
    expect(kinds(out)).toEqual(['UPDATED', 'NOT_FOUND', 'REJECTED', 'PERMISSION_DENIED', 'INVALID_INPUT', 'REJECTED', 'REJECTED', 'UPDATED']);
    expect(out.map((o) => (o.kind === 'ERROR' ? o.vendorCode : undefined)))
      .toEqual([undefined, 'CWTKA0024E', 'CWTKA0007E', 'CWTKA0012E', undefined, 'CWTKA0007E', 'CWTKA0007E', undefined]);
    expect(JSON.parse(puts(emu)[0]!.body).updatedTaskIDs).not.toContain('bogus-id');
    expect(out[2]).toMatchObject({ message: 'CWTKA0007E: The state of the object does not allow the requested action.', retryable: false });
    expect(puts(emu)).toHaveLength(1);
    expect([READY!, CLAIMED!].map((i) => prio(emu, i))).toEqual([7, 7]);
    expect([FINISHED!, IBM_RESTRICTED_TKIID, FORWARDED!, TERMINATED!].map((i) => prio(emu, i))).toEqual([5, 5, 5, 5]);
  });

  it('accepts failedOperations too', async () => {
    const { emu, client } = await setup();
    emu.server.addFault({ method: 'PUT', times: 1, fault: { kind: 'raw', status: 200, headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ description: '1 of 2 failed', failedOperations: [{ tkiid: CLAIMED, errorNumber: 'CWTKA0012E', errorMessage: 'CWTKA0012E: No authorization' }] }) } });
    const out = await applyUpdates(client, [{ id: READY!, priority: 4 }, { id: CLAIMED!, priority: 4 }]);
    expect(out).toEqual([{ kind: 'UPDATED' }, { kind: 'ERROR', code: 'PERMISSION_DENIED', vendorCode: 'CWTKA0012E', message: 'CWTKA0012E: No authorization', retryable: false }]);
  });

  // A report is a list of failures: every id it leaves out is taken as updated. An entry that names no id
  // of the call (a tkiid never sent, or one mangled on the way) may be about any of them, so the ids it
  // does not name are not confirmed either way.
  it('a report naming a tkiid that was not sent leaves the tasks it does not name unconfirmed', async () => {
    const { emu, client } = await setup();
    emu.reportForeignIdOnce();
    const out = await applyUpdates(client, [{ id: READY!, priority: 8 }, { id: FINISHED!, priority: 8 }]);
    expect(kinds(out)).toEqual(['OUTCOME_UNKNOWN', 'REJECTED']);
    expect(out[0]).toMatchObject({ retryable: true });
    expect(JSON.stringify(out)).not.toContain(IBM_FOREIGN_TKIID);
    expect([prio(emu, READY!), prio(emu, FINISHED!)]).toEqual([8, 5]);
  });

  it.each([
    ['in upper case', (t: string) => t.toUpperCase()],
    ['with spaces around it', (t: string) => ` ${t} `],
  ])('a failure naming the tkiid %s settles that task, not the others', async (_how, spell) => {
    const { emu, client } = await setup();
    emu.server.addFault({ method: 'PUT', times: 1, fault: { kind: 'raw', status: 200, headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ failedUpdates: [{ tkiid: spell(READY!), errorNumber: 'CWTKA0007E', errorMessage: 'CWTKA0007E: The state of the object does not allow the requested action.' }] }) } });
    const out = await applyUpdates(client, [{ id: READY!, priority: 4 }, { id: CLAIMED!, priority: 4 }]);
    expect(out).toEqual([
      { kind: 'ERROR', code: 'REJECTED', vendorCode: 'CWTKA0007E', message: 'CWTKA0007E: The state of the object does not allow the requested action.', retryable: false },
      { kind: 'UPDATED' },
    ]);
  });

  it('splits more than 500 ids into several PUTs', async () => {
    const { emu, client } = await setup({ extraTasks: 1100 });
    const ids = [...emu.tasks.keys()].slice(-1100);
    const out = await applyUpdates(client, ids.map((i) => ({ id: i, workBasketName: 'Overflow' })));
    expect(out.every((o) => o.kind === 'UPDATED')).toBe(true);
    expect(puts(emu).map((r) => JSON.parse(r.body).updatedTaskIDs.length).sort((a, b) => a - b)).toEqual([100, 500, 500]);
    expect(ids.every((i) => emu.tasks.get(i)!.workBasketName === 'Overflow')).toBe(true);
  });

  it('invalid updates are INVALID_INPUT and never sent', async () => {
    const { emu, client } = await setup();
    const out = await applyUpdates(client, [{ id: READY!, priority: 1.5 }, { id: CLAIMED! }, { id: RUNNING!, dueTime: 'tomorrow' }]);
    expect(kinds(out)).toEqual(['INVALID_INPUT', 'INVALID_INPUT', 'INVALID_INPUT']);
    expect(puts(emu)).toHaveLength(0);
  });

  it('a whole-call 400 naming one tkiid settles that one and resends the rest', async () => {
    const { emu, client } = await setup();
    const body = { errorNumber: 'CWTKA0001E', errorMessage: `CWTKA0001E: The format of the ID ''${CLAIMED}'' is invalid.`, errorMessageParameters: [CLAIMED] };
    emu.server.addFault({ method: 'PUT', times: 1, fault: { kind: 'status', status: 400, body } });
    const out = await applyUpdates(client, [READY!, CLAIMED!, RUNNING!].map((i) => ({ id: i, priority: 6 })));
    expect(kinds(out)).toEqual(['UPDATED', 'NOT_FOUND', 'UPDATED']);
    expect(JSON.parse(puts(emu)[1]!.body).updatedTaskIDs).toEqual([READY, RUNNING]);
    expect([READY!, CLAIMED!, RUNNING!].map((i) => prio(emu, i))).toEqual([6, 5, 6]);
  });

  it('whole-call 400, 401 and 403 refuse every item of the call', async () => {
    const { emu, client } = await setup();
    emu.server.addFault({ method: 'PUT', times: 1, fault: { kind: 'status', status: 400, body: { errorNumber: 'CWTBF0005E', errorMessage: 'CWTBF0005E: bad value' } } });
    expect(await applyUpdates(client, [{ id: READY!, priority: 2 }])).toEqual([{ kind: 'ERROR', code: 'REJECTED', vendorCode: 'CWTBF0005E', message: 'CWTBF0005E: bad value', retryable: false }]);
    emu.server.addFault({ method: 'PUT', times: 1, fault: { kind: 'status', status: 403, body: { errorNumber: 'CWTBG0549E', errorMessage: 'not allowed' } } });
    expect(kinds(await applyUpdates(client, [{ id: READY!, priority: 2 }]))).toEqual(['PERMISSION_DENIED']);
    const wrong = new IbmBpmClient({ baseUrl: emu.server.url, policy, username: CREDS.username, password: 'nope' });
    track(wrong);
    expect(kinds(await applyUpdates(wrong, [{ id: READY!, priority: 2 }, { id: CLAIMED!, priority: 3 }]))).toEqual(['BACKEND_AUTH_FAILED', 'BACKEND_AUTH_FAILED']);
    expect([prio(emu, READY!), prio(emu, CLAIMED!)]).toEqual([3, 5]);
  });
});

describe('IBM BPM bulk update under faults: one outcome per item, nothing unconfirmed is UPDATED', () => {
  const two: IbmBpmTaskUpdate[] = [{ id: READY!, priority: 1 }, { id: CLAIMED!, priority: 1 }];

  it('vendor down', async () => {
    const { emu, client } = await setup();
    await emu.close();
    const out = await applyUpdates(client, two);
    expect(out).toHaveLength(2);
    expect(out.every((o) => o.kind === 'ERROR' && o.code === 'BACKEND_UNAVAILABLE' && o.retryable)).toBe(true);
  });

  it('connection reset before handling', async () => {
    const { emu, client } = await setup();
    emu.server.addFault({ method: 'PUT', fault: { kind: 'reset' } });
    expect(kinds(await applyUpdates(client, two))).toEqual(['BACKEND_UNAVAILABLE', 'BACKEND_UNAVAILABLE']);
    expect([prio(emu, READY!), prio(emu, CLAIMED!)]).toEqual([3, 5]);
  });

  it('500 is retried, then BACKEND_UNAVAILABLE; a single 500 is recovered by the retry', async () => {
    const { emu, client } = await setup();
    emu.server.addFault({ method: 'PUT', fault: { kind: 'status', status: 500, body: { errorNumber: 'CWTKA9999E', programmersDetails: 'at com.ibm...' } } });
    const out = await applyUpdates(client, two);
    expect(out.every((o) => o.kind === 'ERROR' && o.code === 'BACKEND_UNAVAILABLE' && o.retryable && !o.message.includes('com.ibm'))).toBe(true);
    expect(puts(emu)).toHaveLength(3);
    expect(prio(emu, READY!)).toBe(3);
    emu.server.clearFaults();
    emu.server.addFault({ method: 'PUT', times: 1, fault: { kind: 'status', status: 500 } });
    expect(kinds(await applyUpdates(client, two))).toEqual(['UPDATED', 'UPDATED']);
    expect(prio(emu, READY!)).toBe(1);
  });

  it('garbage 200 body: OUTCOME_UNKNOWN, retryable', async () => {
    const { emu, client } = await setup();
    emu.server.addFault({ method: 'PUT', fault: { kind: 'garbage' } });
    const out = await applyUpdates(client, two);
    expect(out.map((o) => o.kind === 'ERROR' && [o.code, o.retryable])).toEqual([['OUTCOME_UNKNOWN', true], ['OUTCOME_UNKNOWN', true]]);
    expect(out[0]).toMatchObject({ message: expect.stringMatching(/unreadable/) });
  });

  it('truncated reply after the vendor applied it: not UPDATED', async () => {
    const { emu, client } = await setup();
    emu.server.addFault({ method: 'PUT', fault: { kind: 'raw', status: 200, headers: { 'content-type': 'application/json' }, body: '{"failedUpdates":[{"tkiid":' } });
    expect(kinds(await applyUpdates(client, two))).toEqual(['OUTCOME_UNKNOWN', 'OUTCOME_UNKNOWN']);
    emu.server.clearFaults();
    emu.server.addFault({ method: 'PUT', fault: { kind: 'truncate' } });
    // FINISHED fails, so the reply has a body to cut
    const out = await applyUpdates(client, [{ id: READY!, priority: 4 }, { id: FINISHED!, priority: 4 }]);
    expect(kinds(out)).toEqual(['BACKEND_UNAVAILABLE', 'BACKEND_UNAVAILABLE']);
    expect(prio(emu, READY!)).toBe(4);
  });

  it('a vendor that never answers times out per item', async () => {
    const { emu, client } = await setup({}, { policy: { ...policy, firstByteTimeoutMs: 100, totalTimeoutMs: 600, maxRetries: 1 } });
    emu.server.addFault({ method: 'PUT', fault: { kind: 'hang' } });
    expect(kinds(await applyUpdates(client, two))).toEqual(['BACKEND_UNAVAILABLE', 'BACKEND_UNAVAILABLE']);
  });

  it('a fault on one of two concurrent calls touches only that call\'s items', async () => {
    const { emu, client } = await setup();
    emu.server.addFault({ method: 'PUT', times: 1, fault: { kind: 'garbage' } });
    const out = kinds(await applyUpdates(client, [{ id: READY!, priority: 1 }, { id: CLAIMED!, priority: 2 }, { id: RUNNING!, priority: 1 }]));
    expect(out).toHaveLength(3);
    expect(out[0]).toBe(out[2]);
    expect([out[0], out[1]].sort()).toEqual(['OUTCOME_UNKNOWN', 'UPDATED']);
  });
});
