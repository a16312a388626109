// ZuoraClient reads and auth against the emulator over real loopback HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ZuoraTask } from '../../src/vendors/zuora/model.js';
import { BackendError } from '../../src/errors.js';
import { DEFAULT_TRAFFIC_POLICY } from '../../src/transport/policy.js';
import { ZuoraClient } from '../../src/vendors/zuora/client.js';
import { ZUORA_DEMO_CREDENTIALS, startZuoraEmulator } from '../../src/vendors/zuora/emulator.js';
import type { ZuoraEmulator, ZuoraEmulatorOptions } from '../../src/vendors/zuora/emulator.js';

const policy = { ...DEFAULT_TRAFFIC_POLICY, retryBaseMs: 1, retryMaxMs: 20, firstByteTimeoutMs: 1000, totalTimeoutMs: 3000, breakerFailureThreshold: 1000 };
const emulators: ZuoraEmulator[] = [];
const clients: ZuoraClient[] = [];
const emulator = async (opts: ZuoraEmulatorOptions = {}) => {
  const e = await startZuoraEmulator({ host: '127.0.0.1', port: 0, ...opts });
  emulators.push(e);
  return e;
};
const client = (e: ZuoraEmulator, creds = ZUORA_DEMO_CREDENTIALS, readConcurrency?: number) => {
  const c = new ZuoraClient({ baseUrl: e.server.url, policy: { ...policy, ...(readConcurrency ? { readConcurrency } : {}) }, ...creds });
  clients.push(c);
  return c;
};
const rejection = async (p: Promise<unknown>) => p.then(() => { throw new Error('resolved'); }, (e: unknown) => e as BackendError);
const gets = (e: ZuoraEmulator, id: string | number) => e.server.count('GET', new RegExp(`^/workflows/tasks/${id}$`));

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all(emulators.map((e) => e.close()));
});

describe('reads', () => {
  let emu: ZuoraEmulator;
  let zuora: ZuoraClient;
  beforeAll(async () => { emu = await emulator(); zuora = client(emu); });

  it('reads one task by id, as a string path segment, with its Error details', async () => {
    const [task] = await zuora.getTasks(['2773']);
    expect(task).toMatchObject({ backend: 'ZUORA', id: 2773, nativeId: '2773', status: 'FAILED', vendorStatus: 'Error',
      actionType: 'Callout', errorClass: 'Workflow::Callout::Error', description: null, priority: null });
    expect((task as ZuoraTask).error).toMatch(/504/);
  });

  it('answers null for an id Zuora does not know', async () => {
    expect(await zuora.getTasks(['999999'])).toEqual([null]);
    expect(gets(emu, 999999)).toBe(1);
  });

  it('refuses ids that cannot be Zuora ids without calling Zuora', async () => {
    const before = emu.server.requests.length;
    expect(await zuora.getTasks(['abc', '0', '012', '-1', '../2771', '2771?x=1', '1e3'])).toEqual([null, null, null, null, null, null, null]);
    expect(emu.server.requests.length).toBe(before);
  });

  it('fetches each of many ids exactly once, answering in the order asked', async () => {
    const ids = ['2771', '2772', '2773', '2774', '2775', '2776', '2777', '2778', '2779', '2780', '2781', '2782', '888001', '888002'];
    const asked = [...ids, '2771', '888001', '2780'];
    const before = new Map(ids.map((id) => [id, gets(emu, id)]));
    const result = await zuora.getTasks(asked);
    expect(result.map((t) => (t && !(t instanceof Error) ? t.nativeId : t))).toEqual(asked.map((id) => (id.startsWith('888') ? null : id)));
    for (const id of ids) expect(gets(emu, id) - before.get(id)!).toBe(1);
  });

  it('reads many ids at most readConcurrency (here 8) at a time', async () => {
    // The emulator refuses (429) a 9th request in flight, each held 50 ms: a client sending more at once
    // would see refusals and resend them. Counted, not timed, so a loaded machine cannot fail it.
    const slow = await emulator({ latencyMs: 50, concurrencyLimit: 8 });
    const ids = [...slow.tasks.keys()].map(String);
    const result = await client(slow, ZUORA_DEMO_CREDENTIALS, 8).getTasks([...ids, ...ids.map((id) => `${id}0`)]);
    expect(result.filter((t) => t instanceof Error)).toEqual([]);
    expect(slow.server.requests.filter((r) => r.method === 'GET')).toHaveLength(24);
  });

  it('reports a failing id as an Error in its own slot, the others still answer', async () => {
    emu.server.addFault({ fault: { kind: 'status', status: 500, body: { message: 'boom' } }, method: 'GET', path: /^\/workflows\/tasks\/2775$/ });
    emu.server.addFault({ fault: { kind: 'garbage' }, method: 'GET', path: /^\/workflows\/tasks\/2776$/ });
    try {
      const [a, b, c] = await zuora.getTasks(['2774', '2775', '2776']);
      expect(a).toMatchObject({ nativeId: '2774' });
      expect(b).toBeInstanceOf(BackendError);
      expect(b).toMatchObject({ code: 'BACKEND_UNAVAILABLE', retryable: true });
      expect(c).toMatchObject({ code: 'BACKEND_UNAVAILABLE' });
    } finally { emu.server.clearFaults(); }
  });

  // Zuora lists RateLimit-* on every answer (vendors.md §1), and the emulator adds them to injected faults
  // too: read as a wait on a 503, RateLimit-Reset (up to 60 s) had ended every retry of a transient error.
  it('retries a transient 503, which carries RateLimit-Reset as every Zuora answer does', async () => {
    emu.server.addFault({ fault: { kind: 'status', status: 503 }, method: 'GET', path: /^\/workflows\/tasks\/2777$/, times: 1 });
    const res = await fetch(`${emu.server.url}/workflows/tasks/2777`);
    expect(res.status).toBe(503);
    expect(res.headers.get('ratelimit-reset')).toMatch(/^\d+$/);
    emu.server.addFault({ fault: { kind: 'status', status: 503 }, method: 'GET', path: /^\/workflows\/tasks\/2777$/, times: 1 });
    const [task] = await zuora.getTasks(['2777']);
    expect(task).toMatchObject({ nativeId: '2777' });
  });

  it('the seed holds every status Zuora can produce', async () => {
    const { tasks, done } = await zuora.listTasks(0, 100);
    expect(done).toBe(true);
    expect(new Set(tasks.map((t) => t.status))).toEqual(new Set(['READY', 'IN_PROGRESS', 'WAITING', 'COMPLETED', 'FAILED', 'CANCELLED']));
  });

  it('ping is an authenticated one-item list read without /v1', async () => {
    await zuora.ping();
    const last = emu.server.requests.at(-1)!;
    expect(last.rawPath).toBe('/workflows/tasks?page=1&page_length=1');
    expect(last.headers['authorization']).toMatch(/^Bearer \S+$/);
    expect(emu.server.requests.some((r) => r.rawPath.includes('/v1'))).toBe(false);
  });
});

describe('listTasks', () => {
  let emu: ZuoraEmulator;
  let zuora: ZuoraClient;
  let allIds: number[];
  beforeAll(async () => {
    emu = await emulator({ extraTasks: 238 }); // 250 tasks: two full pages and a short one
    zuora = client(emu);
    allIds = [...emu.tasks.keys()].sort((a, b) => a - b);
  });
  const ids = (tasks: readonly { nativeId: string }[]) => tasks.map((t) => Number(t.nativeId));

  it.each([[0, 10], [95, 10], [99, 2], [150, 120], [37, 200], [249, 5]])('offset %i limit %i crosses pages correctly', async (offset, limit) => {
    const { tasks, done } = await zuora.listTasks(offset, limit);
    expect(ids(tasks)).toEqual(allIds.slice(offset, offset + limit));
    expect(done).toBe(offset + limit >= allIds.length);
  });

  it('walking in slices that do not align with pages yields every task once', async () => {
    const seen: number[] = [];
    for (let offset = 0, done = false; !done; offset += 37) {
      const slice = await zuora.listTasks(offset, 37);
      seen.push(...ids(slice.tasks));
      done = slice.done;
    }
    expect(seen).toEqual(allIds);
  });

  it('asks for pages of 100 and never follows next_page to its other host', async () => {
    await zuora.listTasks(180, 50);
    const lists = emu.server.requests.filter((r) => r.path === '/workflows/tasks');
    expect(lists.length).toBeGreaterThan(0);
    for (const r of lists) expect(r.query.get('page_length')).toBe('100');
    expect(lists.slice(-2).map((r) => r.query.get('page'))).toEqual(['2', '3']);
  });

  it('past the end: empty and done', async () => {
    expect(await zuora.listTasks(250, 10)).toEqual({ tasks: [], done: true });
    expect(await zuora.listTasks(1000, 10)).toEqual({ tasks: [], done: true });
  });

  it('a last page exactly full ends the list when next_page is absent', async () => {
    const exact = await emulator({ tasks: [], extraTasks: 200 });
    const z = client(exact);
    const first = await z.listTasks(0, 100);
    expect(first.tasks).toHaveLength(100);
    expect(first.done).toBe(false);
    const second = await z.listTasks(100, 100);
    expect(ids(second.tasks)).toEqual(Array.from({ length: 100 }, (_, i) => 101 + i));
    expect(second.done).toBe(true);
  });
});

describe('auth', () => {
  it('gets one token with a form post and no Authorization header, then reuses it', async () => {
    const emu = await emulator();
    const zuora = client(emu);
    await zuora.getTasks(['2771']);
    await zuora.listTasks(0, 5);
    await zuora.ping();
    expect(emu.tokensIssued).toBe(1);
    const tokenCall = emu.server.requests.find((r) => r.path === '/oauth/token')!;
    expect(tokenCall.method).toBe('POST');
    expect(tokenCall.headers['authorization']).toBeUndefined();
    expect(tokenCall.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(Object.fromEntries(new URLSearchParams(tokenCall.body))).toEqual({
      client_id: ZUORA_DEMO_CREDENTIALS.clientId, client_secret: ZUORA_DEMO_CREDENTIALS.clientSecret, grant_type: 'client_credentials',
    });
  });

  it('concurrent first calls share one token fetch', async () => {
    const emu = await emulator();
    const zuora = client(emu);
    await Promise.all(['2771', '2772', '2773', '2774', '2775', '2776'].map((id) => zuora.getTasks([id])));
    expect(emu.tokensIssued).toBe(1);
  });

  it('a 401 gets one new token and one resend', async () => {
    const emu = await emulator();
    const zuora = client(emu);
    await zuora.getTasks(['2771']);
    emu.revokeTokens();
    expect(await zuora.getTasks(['2772'])).toMatchObject([{ nativeId: '2772' }]);
    expect(emu.tokensIssued).toBe(2);
    expect(gets(emu, 2772)).toBe(2);
  });

  it('still 401 after the new token: BACKEND_AUTH_FAILED, no loop', async () => {
    const emu = await emulator();
    const zuora = client(emu);
    emu.server.addFault({ fault: { kind: 'status', status: 401, body: { Errors: [{ code: 'unauthorized', status: 401, title: 'no' }] } }, path: /^\/workflows\// });
    const [res] = await zuora.getTasks(['2771']);
    expect(res).toMatchObject({ code: 'BACKEND_AUTH_FAILED' });
    expect(gets(emu, 2771)).toBe(2);
    expect(emu.tokensIssued).toBe(2);
  });

  it('refreshes before expires_in runs out instead of waiting for a 401', async () => {
    const emu = await emulator({ tokenTtlSeconds: 2 }); // reused for 1.8 s (a tenth of 2 s as margin)
    const zuora = client(emu);
    await zuora.getTasks(['2771']);
    await sleep(1_900); // inside the margin: the token still works but must not be used
    await zuora.getTasks(['2771']);
    expect(emu.tokensIssued).toBe(2);
    expect(gets(emu, 2771)).toBe(2); // a reactive refresh would have cost a third GET (the 401)
  });

  it('refused credentials: BACKEND_AUTH_FAILED without echoing the secret', async () => {
    const emu = await emulator();
    const zuora = client(emu, { clientId: ZUORA_DEMO_CREDENTIALS.clientId, clientSecret: 'wrong-secret-value' });
    const err = await rejection(zuora.ping());
    expect(err).toMatchObject({ code: 'BACKEND_AUTH_FAILED' });
    expect(err.message).not.toContain('wrong-secret-value');
    expect(emu.server.count('GET')).toBe(0);
  });

  it('token endpoint down or overloaded: BACKEND_UNAVAILABLE', async () => {
    const emu = await emulator();
    const zuora = client(emu);
    emu.server.addFault({ fault: { kind: 'status', status: 503 }, path: /^\/oauth\/token$/ });
    expect(await rejection(zuora.listTasks(0, 10))).toMatchObject({ code: 'BACKEND_UNAVAILABLE', retryable: true });
  });
});

describe('vendor down', () => {
  it('every read fails as BACKEND_UNAVAILABLE', async () => {
    const emu = await emulator();
    const zuora = client(emu);
    await emu.close();
    const [one] = await zuora.getTasks(['2771']);
    expect(one).toMatchObject({ code: 'BACKEND_UNAVAILABLE' });
    expect(await rejection(zuora.listTasks(0, 10))).toMatchObject({ code: 'BACKEND_UNAVAILABLE' });
  });
});
