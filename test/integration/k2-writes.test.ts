// K2 UpdateTasks over real sockets: outcomes AND what the emulator's store holds afterwards.
import { applyUpdates } from '../../src/batch/apply.js';
import fc from 'fast-check';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { K2TaskUpdate } from '../../src/vendors/k2/model.js';
import { DEFAULT_TRAFFIC_POLICY } from '../../src/transport/policy.js';
import { K2Client } from '../../src/vendors/k2/client.js';
import { parseK2 } from '../../src/vendors/k2/mapping.js';
import { K2_DEMO_CREDENTIALS, startK2Emulator } from '../../src/vendors/k2/emulator.js';
import type { K2Emulator } from '../../src/vendors/k2/emulator.js';

const policy = { ...DEFAULT_TRAFFIC_POLICY, retryBaseMs: 1, retryMaxMs: 20, firstByteTimeoutMs: 1000, totalTimeoutMs: 3000, breakerFailureThreshold: 1000 };
const UPDATE_PATH = /\/Task\/Items\/UpdateTasks$/;

let emu: K2Emulator;
let client: K2Client;
const started: K2Emulator[] = [];
const clients: K2Client[] = [];
const connect = (e: K2Emulator) => {
  const c = new K2Client({ baseUrl: e.serviceRoot, policy, ...K2_DEMO_CREDENTIALS });
  clients.push(c);
  return c;
};
const posts = () => emu.server.count('POST', UPDATE_PATH);
const codes = (out: import('../../src/domain.js').UpdateOutcome[]) => out.map((o) => (o.kind === 'ERROR' ? o.code : o.kind));

// A fresh seeded K2 per test: writes move tasks on, and faults must not leak.
beforeEach(async () => {
  emu = await startK2Emulator({ extraTasks: 260 });
  started.push(emu);
  client = connect(emu);
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all(started.map((e) => e.close()));
});

describe('K2 UpdateTasks behaviour', () => {
  it('applies a batchable action: confirmed, the item leaves the worklist, its fields recorded', async () => {
    const out = await applyUpdates(client, [{ serialNumber: '12_8', action: 'Approve', processDataFields: [{ key: 'Amount', value: '99.00' }] }]);
    expect(out).toEqual([{ kind: 'UPDATED' }]);
    expect(emu.tasks.has('12_8')).toBe(false);
    expect(emu.applied).toMatchObject([{ serialNumber: '12_8', action: 'a:Approve', fields: { ProcessDataField: [{ key: 'Amount', value: '99.00' }] } }]);
    const req = emu.server.requests.at(-1)!;
    expect(req.headers['content-type']).toBe('application/xml');
    expect(() => JSON.parse(req.body)).toThrow();
  });

  it('maps each result back by correlation ID (K2 lists Failures first)', async () => {
    const out = await applyUpdates(client, [
      { serialNumber: '14_21', redirectTo: 'K2:DENALLIX\\Joe' },
      { serialNumber: '2_34', action: 'Approve' },
      { serialNumber: '12_8', delegateTo: 'K2:DENALLIX\\Anna' },
      { serialNumber: '99_1', action: 'Approve' },
      { serialNumber: '22_5', action: 'Approve' },
      { serialNumber: '27_2', action: 'No Such Action' },
      { serialNumber: '15_3', action: 'Approve' },
    ]);
    expect(codes(out)).toEqual(['UPDATED', 'PERMISSION_DENIED', 'UPDATED', 'NOT_FOUND', 'REJECTED', 'REJECTED', 'NOT_FOUND']);
    expect(out[1]).toMatchObject({ vendorCode: '24411', retryable: false });
    expect(out[3]).toMatchObject({ vendorCode: '26030' });
    expect(out[4]).toMatchObject({ vendorCode: '26036', message: expect.stringContaining('not batchable') });
    // Allocated to Joe: no slot left for the service account, which K2 answers as it answers an unknown item.
    expect(out[6]).toMatchObject({ vendorCode: '26030' });
    expect(emu.tasks.get('14_21')).toMatchObject({ status: 'Allocated', allocatedUser: 'K2:DENALLIX\\Joe' });
    expect(emu.tasks.get('12_8')).toMatchObject({ status: 'Allocated', allocatedUser: 'K2:DENALLIX\\Anna' });
    expect(emu.tasks.get('15_3')).toMatchObject({ status: 'Allocated', allocatedUser: 'K2:DENALLIX\\Joe' });
    expect(emu.tasks.get('22_5')).toMatchObject({ status: 'Available' });
    expect(emu.tasks.get('27_2')).toMatchObject({ status: 'Available' });
    expect(emu.applied.map((a) => a.serialNumber)).toEqual(['14_21', '12_8']);
    expect(posts()).toBe(1);
  });

  it('sleeps for N seconds, sleeps for ever with 0, and wakes with a negative number', async () => {
    const out = await applyUpdates(client, [
      { serialNumber: '12_8', sleepSeconds: 3600 }, { serialNumber: '14_21', sleepSeconds: 0 }, { serialNumber: '19_10', sleepSeconds: -1 },
    ]);
    expect(codes(out)).toEqual(['UPDATED', 'UPDATED', 'UPDATED']);
    expect(emu.tasks.get('12_8')!.status).toBe('Sleep');
    expect(emu.tasks.get('12_8')!.sleepUntil).not.toBeNull();
    expect(emu.tasks.get('14_21')).toMatchObject({ status: 'Sleep', sleepUntil: null });
    expect(emu.tasks.get('19_10')).toMatchObject({ status: 'Available', sleepUntil: null });
    expect(emu.applied.map((a) => a.action)).toEqual(['s:3600', 's:0', 's:-1']);
  });

  it('refuses invalid items before sending and still sends the valid ones', async () => {
    const out = await applyUpdates(client, [
      { serialNumber: '12_8', action: 'Approve', redirectTo: 'K2:X' }, { serialNumber: '14_21', sleepSeconds: 0 },
    ]);
    expect(out[0]).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('got action and redirectTo') });
    expect(out[1]).toEqual({ kind: 'UPDATED' });
    expect(emu.applied.map((a) => a.serialNumber)).toEqual(['14_21']);
  });

  it('says ACCEPTED, not UPDATED, when K2 applies and answers an empty 200', async () => {
    emu.emptyReplies = true;
    const out = await applyUpdates(client, [{ serialNumber: '12_8', action: 'Approve' }, { serialNumber: '99_9', action: 'Approve' }]);
    expect(out.map((o) => o.kind)).toEqual(['ACCEPTED', 'ACCEPTED']);
    expect(emu.tasks.has('12_8')).toBe(false);
  });

  it('sends at most 100 items per POST, one POST per chunk, all confirmed', async () => {
    const updates: K2TaskUpdate[] = Array.from({ length: 250 }, (_, i) => ({ serialNumber: `${1000 + i}_${1 + (i % 7)}`, sleepSeconds: 0 }));
    const out = await applyUpdates(client, updates);
    expect(out.every((o) => o.kind === 'UPDATED')).toBe(true);
    expect(posts()).toBe(3);
    const sizes = emu.server.requests.filter((r) => r.method === 'POST')
      .map((r) => (parseK2(r.body) as any).UpdateTaskCollection.UpdateTask.length).sort((a: number, b: number) => a - b);
    expect(sizes).toEqual([50, 100, 100]);
    expect(emu.applied).toHaveLength(250);
    expect(updates.every((u) => emu.tasks.get(u.serialNumber)!.status === 'Sleep')).toBe(true);
  });
});

describe('K2 field values arrive byte-exact', () => {
  const nasty = ['<a href="x">&amp;</a>', `it's "quoted"`, '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>&x;',
    '<![CDATA[ raw ]]>', 'Zoë 😀 中文 \u200b', '  \r\n\tline\r\n', 'true', '', '&#65; &nbsp; &lt;'];

  it('in all four field lists', async () => {
    const kv = nasty.map((value, i) => ({ key: `${i}-${value}` || 'k', value }));
    const out = await applyUpdates(client, [{
      serialNumber: '14_21', sleepSeconds: 0, processDataFields: kv, activityDataFields: kv, processXmlFields: kv, activityXmlFields: kv,
    }]);
    expect(out).toEqual([{ kind: 'UPDATED' }]);
    const fields = emu.tasks.get('14_21')!.fields;
    for (const kind of ['ProcessDataField', 'ActivityDataField', 'ProcessXmlField', 'ActivityXmlField'] as const) {
      for (const { key, value } of kv) expect(fields[kind].get(key)).toBe(value);
    }
    const [read] = await client.getTasks(['14_21']);
    expect((read as { processDataFields: unknown[] }).processDataFields).toEqual(expect.arrayContaining(kv));
  });

  it('for any XML-representable string', async () => {
    const xmlChar = fc.string({ unit: 'binary', maxLength: 40 })
      .filter((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.test(s) && s.trim() !== '');
    await fc.assert(fc.asyncProperty(xmlChar, fc.string({ unit: 'binary', maxLength: 60 }).filter((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.test(s)), async (key, value) => {
      const [o] = await applyUpdates(client, [{ serialNumber: '23_7', sleepSeconds: 0, activityXmlFields: [{ key, value }] }]);
      expect(o).toEqual({ kind: 'UPDATED' });
      expect(emu.tasks.get('23_7')!.fields.ActivityXmlField.get(key)).toBe(value);
    }), { numRuns: 60 });
  });
});
