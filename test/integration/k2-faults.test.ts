// K2 writes when K2 or the network misbehaves, and K2's documented quirks seen from the wire.
// A K2 POST is an action: it is sent once, and a lost reply is OUTCOME_UNKNOWN, never UPDATED.
import { applyUpdates } from '../../src/batch/apply.js';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { UpdateOutcome } from '../../src/domain.js';
import { DEFAULT_TRAFFIC_POLICY } from '../../src/transport/policy.js';
import { K2Client } from '../../src/vendors/k2/client.js';
import { K2_DEMO_CREDENTIALS, startK2Emulator } from '../../src/vendors/k2/emulator.js';
import type { K2Emulator } from '../../src/vendors/k2/emulator.js';
import type { FaultKind } from '../../src/vendors/emulator-kit.js';

const policy = { ...DEFAULT_TRAFFIC_POLICY, retryBaseMs: 1, retryMaxMs: 20, firstByteTimeoutMs: 1000, totalTimeoutMs: 3000, breakerFailureThreshold: 1000 };
const UPDATE_PATH = /\/Task\/Items\/UpdateTasks$/;
const AUTH = `Basic ${Buffer.from(`${K2_DEMO_CREDENTIALS.username}:${K2_DEMO_CREDENTIALS.password}`).toString('base64')}`;
const TWO = [{ serialNumber: '12_8', action: 'Approve' }, { serialNumber: '14_21', redirectTo: 'K2:DENALLIX\\Joe' }];

let emu: K2Emulator;
let client: K2Client;
const started: K2Emulator[] = [];
const clients: K2Client[] = [];
const connect = (root: string, password = K2_DEMO_CREDENTIALS.password) => {
  const c = new K2Client({ baseUrl: root, policy, username: K2_DEMO_CREDENTIALS.username, password });
  clients.push(c);
  return c;
};
const posts = () => emu.server.count('POST', UPDATE_PATH);
const expectAll = (out: UpdateOutcome[], shape: object) => {
  expect(out).toHaveLength(TWO.length);
  for (const o of out) expect(o).toMatchObject(shape);
};
const post = (body: string, contentType: string) =>
  fetch(`${emu.serviceRoot}/Task/Items/UpdateTasks`, { method: 'POST', body, headers: { authorization: AUTH, 'content-type': contentType } });

beforeEach(async () => {
  emu = await startK2Emulator();
  started.push(emu);
  client = connect(emu.serviceRoot);
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all(started.map((e) => e.close()));
});

describe('K2 write faults: one outcome per item, nothing unconfirmed is UPDATED, never resent', () => {
  it.each<[string, FaultKind, boolean]>([
    ['500', { kind: 'status', status: 500 }, false],
    ['503', { kind: 'status', status: 503, headers: { 'retry-after': '0' } }, false],
    ['reply lost after applying', { kind: 'reset-after-handling' }, true],
    ['connection reset before handling', { kind: 'reset' }, false],
    ['truncated reply', { kind: 'truncate' }, true],
    ['garbage reply', { kind: 'garbage' }, false],
    ['no reply before the deadline', { kind: 'hang' }, false],
  ])('%s → OUTCOME_UNKNOWN, retryable false, one POST', async (_label, fault, applied) => {
    emu.server.addFault({ fault, method: 'POST', path: UPDATE_PATH });
    expectAll(await applyUpdates(client, TWO), { kind: 'ERROR', code: 'OUTCOME_UNKNOWN', retryable: false });
    expect(posts()).toBe(1);
    expect(emu.tasks.has('12_8')).toBe(!applied);
  });

  it('K2 down (connection refused) → BACKEND_UNAVAILABLE, retryable', async () => {
    const root = emu.serviceRoot;
    await emu.close();
    expectAll(await applyUpdates(connect(root), TWO), { kind: 'ERROR', code: 'BACKEND_UNAVAILABLE', retryable: true });
  });

  it('a 202 means K2 did not apply it → REJECTED for each item', async () => {
    emu.server.addFault({ fault: { kind: 'status', status: 202 }, method: 'POST', times: 1 });
    expectAll(await applyUpdates(client, TWO), { code: 'REJECTED', retryable: false, message: expect.stringContaining('202') });
    expect(emu.tasks.get('14_21')!.status).toBe('Open');
  });

  it('a reply without an item\'s ID leaves that item OUTCOME_UNKNOWN and ignores IDs never sent', async () => {
    const body = '<MultipleOperationResult xmlns="http://schemas.k2.com/framework/d1"><Success ID="1000"/><Success ID="1007"/></MultipleOperationResult>';
    emu.server.addFault({ fault: { kind: 'raw', status: 200, headers: { 'content-type': 'application/xml' }, body }, method: 'POST' });
    const out = await applyUpdates(client, TWO);
    expect(out[0]).toEqual({ kind: 'UPDATED' });
    expect(out[1]).toMatchObject({ code: 'OUTCOME_UNKNOWN', retryable: false });
  });

  it('401 → BACKEND_AUTH_FAILED, 403 → PERMISSION_DENIED, nothing applied', async () => {
    expectAll(await applyUpdates(connect(emu.serviceRoot, 'nope'), TWO), { code: 'BACKEND_AUTH_FAILED', retryable: false });
    emu.server.addFault({ fault: { kind: 'status', status: 403 }, method: 'POST', times: 1 });
    expectAll(await applyUpdates(client, TWO), { code: 'PERMISSION_DENIED' });
    expect(emu.applied).toEqual([]);
  });

  it('a caller that already gave up sends nothing', async () => {
    const out = await applyUpdates(client, TWO, { signal: AbortSignal.abort() });
    expectAll(out, { code: 'BACKEND_UNAVAILABLE' });
    expect(posts()).toBe(0);
  });
});

describe('K2 documented quirks, as the emulator reproduces them', () => {
  const updateXml = (taskNs: string, processNs = 'http://schemas.k2.com/process/d1') =>
    `<t:UpdateTaskCollection xmlns:t="${taskNs}" xmlns:p="${processNs}"><t:UpdateTask ID="1000" Action="s:0">` +
    '<t:Task SerialNumber="12_8"><p:ProcessDataField Name="Amount">1.00</p:ProcessDataField></t:Task></t:UpdateTask></t:UpdateTaskCollection>';

  it('a JSON body gets 202 and changes nothing', async () => {
    const res = await post(JSON.stringify({ ID: 1000, Action: 'a:Approve', Task: { SerialNumber: '12_8' } }), 'application/json');
    expect(res.status).toBe(202);
    expect(emu.tasks.get('12_8')!.status).toBe('Available');
    expect(emu.applied).toEqual([]);
  });

  it('a wrong task namespace is silently ignored: nothing applied, no result', async () => {
    const res = await post(updateXml('http://schemas.k2.com/task/d2'), 'application/xml');
    expect(res.status).toBe(200);
    expect(await res.text()).not.toMatch(/Success|Failure/);
    expect(emu.applied).toEqual([]);
    expect(emu.tasks.get('12_8')!.status).toBe('Available');
  });

  it('data fields in a wrong process namespace are ignored, the action still applies', async () => {
    const res = await post(updateXml('http://schemas.k2.com/task/d1', 'urn:other'), 'application/xml');
    expect(await res.text()).toContain('<Success ID="1000"/>');
    expect(emu.tasks.get('12_8')).toMatchObject({ status: 'Sleep' });
    expect(emu.tasks.get('12_8')!.fields.ProcessDataField.get('Amount')).toBe('412.80');
  });

  it('stores XML field values sent escaped or, as K2 Five\'s page shows them, unescaped', async () => {
    const body = '<t:UpdateTaskCollection xmlns:t="http://schemas.k2.com/task/d1" xmlns:p="http://schemas.k2.com/process/d1">' +
      '<t:UpdateTask ID="1" Action="s:0"><t:Task SerialNumber="12_8">' +
      '<p:ProcessXmlField Name="Escaped">&lt;Doc&gt;&lt;A&gt;1&lt;/A&gt;&lt;/Doc&gt;</p:ProcessXmlField>' +
      '<p:ActivityXmlField Name="Raw"><Doc><A>1</A></Doc></p:ActivityXmlField></t:Task></t:UpdateTask></t:UpdateTaskCollection>';
    expect(await (await post(body, 'application/xml')).text()).toContain('<Success ID="1"/>');
    expect(emu.tasks.get('12_8')!.fields.ProcessXmlField.get('Escaped')).toBe('<Doc><A>1</A></Doc>');
    expect(emu.tasks.get('12_8')!.fields.ActivityXmlField.get('Raw')).toBe('<Doc><A>1</A></Doc>');
  });

  it('accepts the long, case-insensitive action prefixes, a bare action name and a dateTime sleep', async () => {
    const body = '<t:UpdateTaskCollection xmlns:t="http://schemas.k2.com/task/d1">' +
      ['Action:Approve|12_8', 'REDIRECT:K2:DENALLIX\\Joe|14_21', 'Sleep:2031-05-01T10:00:00Z|23_7', 'Approve|27_2']
        .map((s, i) => `<t:UpdateTask ID="${1000 + i}" Action="${s.split('|')[0]}"><t:Task SerialNumber="${s.split('|')[1]}"/></t:UpdateTask>`).join('') +
      '</t:UpdateTaskCollection>';
    const text = await (await post(body, 'application/xml')).text();
    expect(text.match(/<Success ID="\d+"\/>/g)).toHaveLength(4);
    expect(emu.tasks.has('12_8')).toBe(false);
    expect(emu.tasks.get('14_21')).toMatchObject({ status: 'Allocated', allocatedUser: 'K2:DENALLIX\\Joe' });
    expect(emu.tasks.get('23_7')).toMatchObject({ status: 'Sleep', sleepUntil: expect.stringMatching(/^2031-05-01T10:00/) });
    expect(emu.tasks.has('27_2')).toBe(false);
  });

  it('unauthenticated calls get a 401 Basic challenge', async () => {
    const res = await fetch(`${emu.serviceRoot}/Task/Items`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic/);
  });
});
