// SuperOfficeClient reads, lists, auth and readiness against the emulator over real loopback HTTP.
import { describe, expect, it } from 'vitest';
import { SuperOfficeClient } from '../../src/vendors/superoffice/client.js';
import { SUPEROFFICE_DEMO_CREDENTIALS as CREDS, superOfficeSeed } from '../../src/vendors/superoffice/emulator.js';
import type { SuperOfficeEmulator } from '../../src/vendors/superoffice/emulator.js';
import { BackendError } from '../../src/errors.js';
import type { SuperOfficeTask } from '../../src/vendors/superoffice/model.js';
import { SUPEROFFICE_TEST_POLICY as policy, useSuperOffice } from '../support/superoffice.js';

const { setup, track } = useSuperOffice();
const gets = (emu: SuperOfficeEmulator) => emu.server.count('GET');
async function rejection(p: Promise<unknown>): Promise<BackendError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(BackendError);
  return err as BackendError;
}

describe('SuperOffice reads', () => {
  it('found, not found, and invalid ids refused without a call', async () => {
    const { emu, client } = await setup();
    const [found, missing, padded, pathy] = await client.getTasks(['101', '99', '0101', '1/../2']);
    expect(found).toMatchObject({ backend: 'SUPEROFFICE', nativeId: '101', status: 'COMPLETED', vendorStatus: 'Succeeded' });
    expect(missing).toBeNull();
    expect(padded).toBeNull();
    expect(pathy).toBeNull();
    expect(emu.server.requests.map((r) => r.path)).toEqual(
      expect.arrayContaining(['/Cust12345/api/v1/BatchTask/101', '/Cust12345/api/v1/BatchTask/99']));
    expect(gets(emu)).toBe(2);
  });

  it('keeps 7-digit dates with their offset verbatim', async () => {
    const { client } = await setup();
    const [t] = await client.getTasks(['102']) as SuperOfficeTask[];
    expect(t!.created).toBe('2024-04-02T13:02:55.3943072+02:00');
    expect(t!.lastStarted).toBe('2024-04-02T13:03:01.0000001+02:00');
  });

  it('maps Aquired (sic) to IN_PROGRESS', async () => {
    const { client } = await setup();
    const [t] = await client.getTasks(['104']);
    expect(t).toMatchObject({ state: 'Aquired', vendorStatus: 'Aquired', status: 'IN_PROGRESS' });
  });

  it('fetches each of many ids once, at most readConcurrency (here 8) at a time', async () => {
    const { emu, client } = await setup({ extraTasks: 40 }, { policy: { ...policy, readConcurrency: 8 } });
    emu.handlerDelayMs = 15;
    const ids = Array.from({ length: 50 }, (_, i) => String(101 + i));
    const result = await client.getTasks([...ids, ...ids.slice(0, 10), '9999']);
    expect(result.slice(0, 50).map((t) => (t as SuperOfficeTask).nativeId)).toEqual(ids);
    expect(result.at(-1)).toBeNull();
    expect(gets(emu)).toBe(51);
    for (const id of ids) expect(emu.server.count('GET', new RegExp(`/BatchTask/${id}$`))).toBe(1);
    expect(emu.maxConcurrentGets).toBeLessThanOrEqual(8);
    expect(emu.maxConcurrentGets).toBeGreaterThan(1);
  });

  it('a failing id gets its own error; the others still come back', async () => {
    const { emu, client } = await setup();
    emu.server.addFault({ fault: { kind: 'status', status: 500 }, method: 'GET', path: /BatchTask\/103$/ });
    const [a, b, c] = await client.getTasks(['101', '103', '105']);
    expect(a).toMatchObject({ id: 101 });
    expect(b).toBeInstanceOf(BackendError);
    expect((b as BackendError).code).toBe('BACKEND_UNAVAILABLE');
    expect(c).toMatchObject({ id: 105, status: 'FAILED' });
  });

  it('a carrier for another task is never passed off as the requested one', async () => {
    const { emu, client } = await setup();
    emu.server.addFault({
      fault: { kind: 'raw', status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(superOfficeSeed()[0]) },
      method: 'GET', path: /BatchTask\/102$/,
    });
    const [t] = await client.getTasks(['102']);
    expect(t).toBeInstanceOf(BackendError);
  });
});

describe('SuperOffice list (GET /BatchTask/All, sliced)', () => {
  it('pages with offsets across any boundary: nothing duplicated, nothing missing, in Id order', async () => {
    const { emu, client } = await setup({ extraTasks: 23 });
    const seen: number[] = [];
    let done = false;
    for (let offset = 0; !done; offset += 7) {
      const page = await client.listTasks(offset, 7);
      seen.push(...page.tasks.map((t) => (t as SuperOfficeTask).id));
      done = page.done;
    }
    expect(seen).toEqual([...emu.tasks.keys()].sort((a, b) => a - b));
    expect(seen).toHaveLength(33);
    expect(emu.server.count('GET', /\/BatchTask\/All$/)).toBe(5);
  });

  it('sorts by Id even when the vendor does not', async () => {
    const seed = superOfficeSeed();
    const { client } = await setup({ tasks: [seed[4]!, seed[0]!, seed[2]!] });
    const page = await client.listTasks(1, 5);
    expect(page.tasks.map((t) => t.nativeId)).toEqual(['103', '105']);
    expect(page.done).toBe(true);
    const first = await client.listTasks(0, 2);
    expect(first.done).toBe(false);
  });

  it('covers every status the vendor can produce', async () => {
    const { client } = await setup();
    const { tasks } = await client.listTasks(0, 100);
    expect(new Set(tasks.map((t) => t.status))).toEqual(new Set(['NEW', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'UNKNOWN']));
  });

  it('a garbage or non-array list is a BackendError', async () => {
    const { emu, client } = await setup();
    emu.server.addFault({ fault: { kind: 'garbage' }, path: /All$/, times: 1 });
    expect((await rejection(client.listTasks(0, 5))).code).toBe('BACKEND_UNAVAILABLE');
    emu.server.addFault({ fault: { kind: 'raw', status: 200, headers: {}, body: '{"Id":101}' }, path: /All$/, times: 1 });
    expect((await rejection(client.listTasks(0, 5))).code).toBe('BACKEND_UNAVAILABLE');
  });
});

describe('SuperOffice auth and readiness', () => {
  it('sends the bearer token, and SO-AppToken only when configured', async () => {
    const { emu, client } = await setup();
    await client.ping();
    expect(emu.server.requests[0]!.headers.authorization).toBe(`Bearer ${CREDS.token}`);
    expect(emu.server.requests[0]!.headers['so-apptoken']).toBeUndefined();
    expect(emu.server.requests[0]!.path).toBe('/Cust12345/api/v1/BatchTask/0');
    const withApp = new SuperOfficeClient({ baseUrl: emu.tenantUrl, policy, token: CREDS.token, appToken: CREDS.appToken });
    track(withApp);
    await withApp.ping();
    expect(emu.server.requests[1]!.headers['so-apptoken']).toBe(CREDS.appToken);
  });

  it('a wrong token, or a missing app token where required, is BACKEND_AUTH_FAILED', async () => {
    const { emu } = await setup({ requireAppToken: true });
    const noApp = new SuperOfficeClient({ baseUrl: emu.tenantUrl, policy, token: CREDS.token });
    const wrong = new SuperOfficeClient({ baseUrl: emu.tenantUrl, policy, token: '8A:Cust12345.wrong', appToken: CREDS.appToken });
    const good = new SuperOfficeClient({ baseUrl: emu.tenantUrl, policy, token: CREDS.token, appToken: CREDS.appToken });
    track(noApp, wrong, good);
    expect((await rejection(noApp.ping())).code).toBe('BACKEND_AUTH_FAILED');
    const err = await rejection(wrong.ping());
    expect(err.code).toBe('BACKEND_AUTH_FAILED');
    expect(err.message).not.toContain('wrong');
    await expect(good.ping()).resolves.toBeUndefined();
    expect((await wrong.getTasks(['101']))[0]).toMatchObject({ code: 'BACKEND_AUTH_FAILED' });
  });

  it('the emulator refuses Basic, as Online does', async () => {
    const { emu } = await setup();
    const res = await fetch(`${emu.tenantUrl}/api/v1/BatchTask/101`, {
      headers: { authorization: 'Basic ' + Buffer.from('tje0:Tje0').toString('base64') },
    });
    expect(res.status).toBe(401);
  });

  it('readiness reads one task by an id never handed out, not the unpaged list: a large tenant stays ready under a small reply cap', async () => {
    const { emu } = await setup({ extraTasks: 2_000 });
    const small = new SuperOfficeClient({ baseUrl: emu.tenantUrl, policy: { ...policy, maxResponseBytes: 16 * 1024 }, token: CREDS.token });
    track(small);
    await expect(small.ping()).resolves.toBeUndefined();
    expect(emu.server.requests.map((r) => r.path)).toEqual(['/Cust12345/api/v1/BatchTask/0']);
  });

  it('a base URL that is not the tenant root fails readiness', async () => {
    const { emu } = await setup();
    const lost = new SuperOfficeClient({ baseUrl: emu.server.url, policy, token: CREDS.token });
    track(lost);
    const err = await rejection(lost.ping());
    expect(err.code).toBe('BACKEND_UNAVAILABLE');
    expect(err.message).toContain('tenant root');
  });

  it('the emulator drops the offset under SO-TimeZone, as documented', async () => {
    const { emu } = await setup();
    const res = await fetch(`${emu.tenantUrl}/api/v1/BatchTask/102`, {
      headers: { authorization: `Bearer ${CREDS.token}`, 'so-timezone': 'NO' },
    });
    expect(((await res.json()) as { Created: string }).Created).toBe('2024-04-02T13:02:55.3943072');
  });
});
