// K2 reads over real sockets: the client against the K2 emulator on 127.0.0.1:0.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { K2Task } from '../../src/vendors/k2/model.js';
import { DEFAULT_TRAFFIC_POLICY } from '../../src/transport/policy.js';
import { K2Client } from '../../src/vendors/k2/client.js';
import { K2_DEMO_CREDENTIALS, K2_SERVICE_PATH, startK2Emulator } from '../../src/vendors/k2/emulator.js';
import type { K2Emulator } from '../../src/vendors/k2/emulator.js';
import { BackendError } from '../../src/errors.js';

// Reads at 8 at once: 16 against an in-process emulator on a loaded machine can miss the 1 s first-byte
// deadline and retry, which the call-counting tests would read as extra calls.
const policy = { ...DEFAULT_TRAFFIC_POLICY, retryBaseMs: 1, retryMaxMs: 20, firstByteTimeoutMs: 1000, totalTimeoutMs: 3000, breakerFailureThreshold: 1000, readConcurrency: 8 };
const SEED_VISIBLE = ['12_8', '14_21', '15_3', '19_10', '22_5', '23_7', '27_2', '31_14', '35_1'];
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

let emu: K2Emulator;
let client: K2Client;
const clients: K2Client[] = [];
const newClient = (baseUrl: string, password = K2_DEMO_CREDENTIALS.password) => {
  const c = new K2Client({ baseUrl, policy, username: K2_DEMO_CREDENTIALS.username, password });
  clients.push(c);
  return c;
};
const gets = (path?: RegExp) => emu.server.count('GET', path);

beforeAll(async () => {
  emu = await startK2Emulator({ extraTasks: 23 });
  client = newClient(emu.serviceRoot);
});
afterEach(() => {
  emu.server.clearFaults();
  Object.assign(emu, { failureStatus: 200, wrapSingleTask: false, maxPageSize: 0 });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await emu.close();
});

describe('K2 read one', () => {
  it('finds a task, with its data fields asked for and mapped', async () => {
    const [task] = await client.getTasks(['12_8']) as K2Task[];
    expect(task).toMatchObject({ serialNumber: '12_8', status: 'READY', vendorStatus: 'Available', name: 'Manager Approval' });
    expect(task!.processDataFields).toEqual([{ key: 'Amount', value: '412.80' }, { key: 'Currency', value: 'EUR' }]);
    expect(task!.actions).toContainEqual({ name: 'Rework', batchable: false });
    const req = emu.server.requests.at(-1)!;
    expect(req.path).toBe(`${K2_SERVICE_PATH}/Task/Items(12_8)`);
    expect(req.query.get('piDataField')).toBe('true');
    expect(req.query.get('actDataField')).toBe('true');
  });

  it('reads the same task whether or not K2 wraps it in a TaskCollection', async () => {
    emu.wrapSingleTask = true;
    expect(await client.getTasks(['19_10'])).toMatchObject([{ serialNumber: '19_10', status: 'SUSPENDED' }]);
  });

  it.each([200, 404] as const)('a 26030 Failure answered with HTTP %i is "not found"', async (status) => {
    emu.failureStatus = status;
    expect(await client.getTasks(['99_1'])).toEqual([null]);
  });

  it('a 24411 Failure is a PERMISSION_DENIED error for that id only', async () => {
    const [denied, found] = await client.getTasks(['2_34', '14_21']);
    expect(denied).toBeInstanceOf(BackendError);
    expect(denied).toMatchObject({ code: 'PERMISSION_DENIED', vendorCode: '24411' });
    expect(found).toMatchObject({ serialNumber: '14_21', status: 'IN_PROGRESS' });
  });

  it('refuses an invalid serial number without a call', async () => {
    expect(client.isValidNativeId('12_8')).toBe(true);
    for (const bad of ['12', '12_8)', '1_2/../x', '12_8?$top=0', 'a_b', '']) expect(client.isValidNativeId(bad)).toBe(false);
    const before = gets();
    expect(await client.getTasks(['12_8)/../Items', '../x'])).toEqual([null, null]);
    expect(gets()).toBe(before);
  });

  it('fetches each of many ids once and answers in the order given', async () => {
    const ids = ['1000_1', '1001_2', '1002_3', '1003_4', '1004_5', '1005_6', '1006_7', '1007_1', '1008_2', '1009_3',
      '1010_4', '1011_5', '1012_6', '1013_7', '1014_1', '1015_2', '1016_3', '1017_4', '1018_5', '1019_6', '77_7'];
    const asked = [...ids, ...ids.slice(0, 5)].reverse();
    const before = emu.server.requests.length;
    const out = await client.getTasks(asked);
    expect(out.map((t) => (t as K2Task | null)?.serialNumber ?? null)).toEqual(asked.map((id) => (id === '77_7' ? null : id)));
    const paths = emu.server.requests.slice(before).map((r) => r.path);
    expect(paths).toHaveLength(ids.length);
    expect(new Set(paths).size).toBe(ids.length);
  });

  it('retries a failed read and gives an error, not null, for garbage or a cut reply', async () => {
    emu.server.addFault({ fault: { kind: 'status', status: 503 }, method: 'GET', times: 1 });
    expect(await client.getTasks(['14_21'])).toMatchObject([{ serialNumber: '14_21' }]);
    emu.server.addFault({ fault: { kind: 'garbage' }, method: 'GET', times: 3 });
    expect((await client.getTasks(['14_21']))[0]).toBeInstanceOf(BackendError);
    emu.server.addFault({ fault: { kind: 'truncate' }, method: 'GET', times: 3 });
    expect((await client.getTasks(['14_21']))[0]).toMatchObject({ code: 'BACKEND_UNAVAILABLE' });
  });
});

describe('K2 list', () => {
  const all = async (pageSize: number) => {
    const seen: string[] = [];
    for (let offset = 0; ; offset += pageSize) {
      const page = await client.listTasks(offset, pageSize);
      seen.push(...page.tasks.map((t) => t.nativeId));
      if (page.done) return seen;
      expect(page.tasks).toHaveLength(pageSize);
    }
  };

  it('lists only the current user\'s worklist, in K2\'s order, every K2 status present', async () => {
    const { tasks, done } = await client.listTasks(0, 9);
    expect(tasks.map((t) => t.nativeId)).toEqual(SEED_VISIBLE);
    expect(done).toBe(false);
    expect(new Set(tasks.map((t) => t.status))).toEqual(new Set(['READY', 'IN_PROGRESS', 'SUSPENDED']));
    expect(new Set(tasks.map((t) => t.vendorStatus))).toEqual(new Set(['Available', 'Open', 'Allocated', 'Sleep']));
  });

  it.each([1, 4, 7, 32, 33, 100])('pages of %i give every task once', async (size) => {
    const ids = await all(size);
    expect(ids).toHaveLength(SEED_VISIBLE.length + 23);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.slice(0, 9)).toEqual(SEED_VISIBLE);
  });

  it('never sends $top=0, which K2 reads as "everything"', async () => {
    const before = emu.server.requests.length;
    expect(await client.listTasks(3, 0)).toMatchObject({ tasks: [], done: false });
    const sent = emu.server.requests.slice(before);
    expect(sent.length).toBeGreaterThan(0);
    for (const r of sent) expect(r.query.get('$top')).not.toBe('0');
  });

  it('still gets full pages and a true end when the server caps its replies', async () => {
    emu.maxPageSize = 3;
    const ids = await all(10);
    expect(ids).toHaveLength(32);
    expect(new Set(ids).size).toBe(32);
    expect(await client.listTasks(30, 5)).toMatchObject({ done: true, tasks: [{}, {}] });
  });

  it('throws a BackendError when the list cannot be read', async () => {
    emu.server.addFault({ fault: { kind: 'garbage' }, method: 'GET', times: 3 });
    await expect(client.listTasks(0, 5)).rejects.toMatchObject({ code: 'BACKEND_UNAVAILABLE' });
  });
});

describe('K2 auth, paths and ping', () => {
  it('pings with an authenticated $top=1 list read', async () => {
    await client.ping();
    const req = emu.server.requests.at(-1)!;
    expect(req.query.get('$top')).toBe('1');
    expect(req.headers['authorization']).toBe(basic(K2_DEMO_CREDENTIALS.username, K2_DEMO_CREDENTIALS.password));
  });

  it('a wrong password is BACKEND_AUTH_FAILED', async () => {
    const bad = newClient(emu.serviceRoot, 'wrong');
    await expect(bad.ping()).rejects.toMatchObject({ code: 'BACKEND_AUTH_FAILED' });
    expect((await bad.getTasks(['12_8']))[0]).toMatchObject({ code: 'BACKEND_AUTH_FAILED' });
  });

  it('paths are case-sensitive (the emulator answers 404 to another case)', async () => {
    const auth = basic(K2_DEMO_CREDENTIALS.username, K2_DEMO_CREDENTIALS.password);
    expect((await fetch(`${emu.serviceRoot}/task/items`, { headers: { authorization: auth } })).status).toBe(404);
    expect((await fetch(`${emu.server.url}/k2services/syncrest.svc/Task/Items`, { headers: { authorization: auth } })).status).toBe(404);
    expect((await fetch(`${emu.serviceRoot}/Task/Items`, { headers: { authorization: auth } })).status).toBe(200);
  });

  it('a K2 that is down fails the ping with BACKEND_UNAVAILABLE', async () => {
    const gone = await startK2Emulator();
    const root = gone.serviceRoot;
    await gone.close();
    await expect(newClient(root).ping()).rejects.toMatchObject({ code: 'BACKEND_UNAVAILABLE' });
  });
});
