// The Zuora emulator reproduces the documented vendor behaviour (vendors.md §1), checked with plain HTTP
// so a regression in the emulator cannot hide behind the client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gunzipSync, gzipSync } from 'node:zlib';
import { request } from 'undici';
import { ZUORA_DEMO_CREDENTIALS, startZuoraEmulator } from '../../src/vendors/zuora/emulator.js';
import type { ZuoraEmulator } from '../../src/vendors/zuora/emulator.js';

let emu: ZuoraEmulator;
let token: string;

interface Reply { status: number; headers: Record<string, string>; body: Buffer; json: () => any }
async function call(method: string, path: string, opts: { headers?: Record<string, string>; body?: string | Buffer; auth?: boolean } = {}): Promise<Reply> {
  const headers = { ...(opts.auth === false ? {} : { authorization: `Bearer ${token}` }), ...opts.headers };
  const res = await request(emu.server.url + path, { method: method as 'GET', headers, body: opts.body });
  const body = Buffer.from(await res.body.arrayBuffer());
  const flat = Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, String(v)]));
  return { status: res.statusCode, headers: flat, body, json: () => JSON.parse(body.toString('utf8')) };
}
const form = (fields: Record<string, string>) => ({
  headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString(), auth: false,
});
const demoForm = { client_id: ZUORA_DEMO_CREDENTIALS.clientId, client_secret: ZUORA_DEMO_CREDENTIALS.clientSecret, grant_type: 'client_credentials' };
const put = (data: unknown, headers: Record<string, string> = {}) =>
  call('PUT', '/workflows/tasks/batch_update', { headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(data) });

beforeAll(async () => {
  emu = await startZuoraEmulator({ host: '127.0.0.1', port: 0, extraTasks: 100 });
  token = (await call('POST', '/oauth/token', form(demoForm))).json().access_token;
});
afterAll(async () => { await emu.close(); });

describe('oauth', () => {
  it('issues a bearer token for the demo credentials (36-char id, secret ≤ 42)', async () => {
    expect(ZUORA_DEMO_CREDENTIALS.clientId).toHaveLength(36);
    expect(ZUORA_DEMO_CREDENTIALS.clientSecret.length).toBeLessThanOrEqual(42);
    const res = await call('POST', '/oauth/token', form(demoForm));
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ access_token: expect.any(String), expires_in: 3599, jti: expect.any(String), scope: expect.any(String), token_type: 'bearer' });
  });

  it('refuses wrong secrets (401), an Authorization header, JSON bodies and other grant types (400)', async () => {
    expect((await call('POST', '/oauth/token', form({ ...demoForm, client_secret: 'nope' }))).status).toBe(401);
    expect((await call('POST', '/oauth/token', { ...form(demoForm), headers: { ...form(demoForm).headers, authorization: 'Basic eDp5' } })).status).toBe(400);
    expect((await call('POST', '/oauth/token', { headers: { 'content-type': 'application/json' }, body: JSON.stringify(demoForm), auth: false })).status).toBe(400);
    expect((await call('POST', '/oauth/token', form({ ...demoForm, grant_type: 'password' }))).status).toBe(400);
  });

  it('401 without a valid token, with the documented WWW-Authenticate and an Errors body', async () => {
    const res = await call('GET', '/workflows/tasks/2771', { headers: { authorization: 'Bearer not-a-token' } });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Basic realm=Zuora API, ZSession realm=Zuora API, Bearer realm=Zuora API');
    expect(res.json().Errors[0]).toMatchObject({ status: 401 });
  });

  it('revokeTokens invalidates every token issued so far', async () => {
    const own = await startZuoraEmulator();
    try {
      const t = JSON.parse((await request(`${own.server.url}/oauth/token`, { method: 'POST', ...form(demoForm) }).then((r) => r.body.text()))).access_token;
      const get = () => request(`${own.server.url}/workflows/tasks/2771`, { headers: { authorization: `Bearer ${t}` } }).then(async (r) => { await r.body.dump(); return r.statusCode; });
      expect(await get()).toBe(200);
      own.revokeTokens();
      expect(await get()).toBe(401);
      expect(own.tokensIssued).toBe(1);
    } finally { await own.close(); }
  });

  it('tokens expire after tokenTtlSeconds', async () => {
    const own = await startZuoraEmulator({ tokenTtlSeconds: 0 });
    try {
      const reply = JSON.parse(await request(`${own.server.url}/oauth/token`, { method: 'POST', ...form(demoForm) }).then((r) => r.body.text()));
      expect(reply.expires_in).toBe(0);
      const res = await request(`${own.server.url}/workflows/tasks/2771`, { headers: { authorization: `Bearer ${reply.access_token}` } });
      await res.body.dump();
      expect(res.statusCode).toBe(401);
    } finally { await own.close(); }
  });
});

describe('headers on every answer', () => {
  it('RateLimit-* and the echoed Zuora-Track-Id, also on errors', async () => {
    for (const res of [await call('GET', '/workflows/tasks/2771', { headers: { 'zuora-track-id': 'taskhub-42' } }),
      await call('GET', '/workflows/tasks/1', { headers: { 'zuora-track-id': 'taskhub-42' } })]) {
      expect(res.headers['ratelimit-limit']).toMatch(/;w=60/);
      expect(Number(res.headers['ratelimit-remaining'])).toBeGreaterThanOrEqual(0);
      expect(Number(res.headers['ratelimit-reset'])).toBeGreaterThanOrEqual(0);
      expect(res.headers['zuora-track-id']).toBe('taskhub-42');
    }
  });

  it.each([['x'.repeat(65)], ['a:b'], ['a;b'], ['a"b'], ["a'b"]])('rejects Zuora-Track-Id %j with 400', async (trackId) => {
    expect((await call('GET', '/workflows/tasks/2771', { headers: { 'zuora-track-id': trackId } })).status).toBe(400);
  });

  it('gzips only replies over 1000 bytes, and only when asked', async () => {
    const big = await call('GET', '/workflows/tasks?page=1&page_length=100', { headers: { 'accept-encoding': 'gzip' } });
    expect(big.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(big.body).toString()).data).toHaveLength(100);
    expect((await call('GET', '/workflows/tasks?page=1&page_length=100')).headers['content-encoding']).toBeUndefined();
    const small = await call('GET', '/workflows/tasks/2900', { headers: { 'accept-encoding': 'gzip' } });
    expect(small.body.length).toBeLessThanOrEqual(1000);
    expect(small.headers['content-encoding']).toBeUndefined();
  });

  it('has no /v1 prefix', async () => {
    expect((await call('GET', '/v1/workflows/tasks/2771')).status).toBe(404);
  });
});

describe('the tenant concurrency limit (switched on)', () => {
  it('answers 429 with Retry-After to API requests beyond it, counting each until answered; token requests do not count', async () => {
    const one = `/workflows/tasks/${[...emu.tasks.keys()][0]}`;
    emu.concurrencyLimit = 3;
    emu.server.latencyMs = 200;
    try {
      const before = emu.refusedForConcurrency;
      const [a, b, c, d, tokenReply] = await Promise.all([
        ...Array.from({ length: 4 }, () => call('GET', one)),
        call('POST', '/oauth/token', form(demoForm)),
      ]);
      const statuses = [a, b, c, d].map((r) => r!.status).sort();
      expect(statuses).toEqual([200, 200, 200, 429]);
      const refused = [a, b, c, d].find((r) => r!.status === 429)!;
      expect(refused.headers['retry-after']).toBe('1');
      expect(refused.json().Errors[0]).toMatchObject({ status: 429, code: 'request_exceeded_limit' });
      expect(tokenReply!.status).toBe(200);
      expect(emu.refusedForConcurrency - before).toBe(1);
      // Answered requests no longer count.
      expect((await call('GET', one)).status).toBe(200);
    } finally {
      emu.concurrencyLimit = undefined;
      emu.server.latencyMs = 0;
    }
  });
});

describe('reads', () => {
  it('GET one answers a bare Task; unknown ids 404 with Errors', async () => {
    const res = await call('GET', '/workflows/tasks/2771');
    expect(res.json()).toMatchObject({ id: 2771, status: 'Success', workflow_id: 476 });
    const missing = await call('GET', '/workflows/tasks/123456');
    expect(missing.status).toBe(404);
    expect(missing.json().Errors).toHaveLength(1);
  });

  it('lists with an absolute next_page on another host, absent on the last page; page_length max 100', async () => {
    const first = (await call('GET', '/workflows/tasks?page=1&page_length=100')).json();
    expect(first.pagination).toEqual({ next_page: 'https://rest.zuora.com/workflows/tasks?page=2&page_length=100', page: 1, page_length: 100 });
    const last = (await call('GET', '/workflows/tasks?page=2&page_length=100')).json();
    expect(last.data).toHaveLength(12);
    expect(last.pagination.next_page).toBeUndefined();
    expect((await call('GET', '/workflows/tasks')).json().data).toHaveLength(20);
    expect((await call('GET', '/workflows/tasks?page_length=101')).status).toBe(400);
  });

  it('filters by tags[] with any-of semantics', async () => {
    const ids = (await call('GET', '/workflows/tasks?tags[]=slack&tags[]=crm')).json().data.map((t: { id: number }) => t.id);
    expect(ids).toEqual([2773, 2782]);
  });
});

describe('batch_update', () => {
  it.each([[{}], [{ data: [] }], [{ data: 'x' }], [{ data: Array.from({ length: 51 }, (_, i) => ({ id: 2771 + i, name: 'n' })) }]])(
    '400 for data %#', async (body) => {
      const res = await put(body);
      expect(res.status).toBe(400);
      expect(res.json().Errors[0]).toMatchObject({ code: 'invalid', status: 400, title: expect.any(String) });
    });

  it('404 (not 400) when an item has no id, nothing applied', async () => {
    const res = await put({ data: [{ id: 2771, name: 'nope' }, { name: 'no id' }] });
    expect(res.status).toBe(404);
    expect(res.json().Errors[0].title).toBe('One or more tasks are missing the required `id` field');
    expect(emu.tasks.get(2771)!.name).not.toBe('nope');
  });

  it.each([0, 10_000_000, 1.5])('400 for concurrent_limit %d', async (limit) => {
    expect((await put({ data: [{ id: 2771, concurrent_limit: limit }] })).status).toBe(400);
    expect(emu.tasks.get(2771)!.concurrent_limit).toBe(9999999);
  });

  it('unknown ids: whole batch 404 by default, partial 200 when switched at runtime', async () => {
    emu.unknownIdMode = 'batch404';
    expect((await put({ data: [{ id: 2772, name: 'first' }, { id: 424242, name: 'x' }] })).status).toBe(404);
    expect(emu.tasks.get(2772)!.name).toBe('Balance above threshold?');
    emu.unknownIdMode = 'partial200';
    const res = await put({ data: [{ id: 2772, name: 'second' }, { id: 424242, name: 'x' }] });
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ data: [{ id: 2772, name: 'second' }], pagination: { page: null, page_length: null } });
    expect(emu.tasks.get(2772)!.name).toBe('second');
    expect(emu.tasks.has(424242)).toBe(false);
    emu.unknownIdMode = 'batch404';
  });

  it('accepts a gzipped request body', async () => {
    const body = gzipSync(JSON.stringify({ data: [{ id: 2773, tags: ['gz'] }] }));
    const res = await call('PUT', '/workflows/tasks/batch_update', { headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body });
    expect(res.status).toBe(200);
    expect(emu.tasks.get(2773)!.tags).toEqual(['gz']);
  });
});
