// shared-reads.ts through VendorTransport, against a loopback server that reads its state when a request
// arrives and answers it later: identical query reads in flight go out once, and never across a write.

import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BackendError } from '../../../src/errors.js';
import { bindRequestScope } from '../../../src/request-scope.js';
import type { RequestScope } from '../../../src/request-scope.js';
import { DEFAULT_TRAFFIC_POLICY } from '../../../src/transport/policy.js';
import { VendorTransport } from '../../../src/transport/vendor-transport.js';
import type { HttpRequest } from '../../../src/transport/vendor-transport.js';

interface Vendor {
  /** Requests as they arrived: method, path, and whether the client went away before the answer. */
  seen: Array<{ method: string; path: string; cutOff: boolean }>;
  value: string;
  /** How long a GET is held before it is answered with the value read on its arrival. */
  getDelayMs: number;
  getStatus: number;
  transport: VendorTransport;
  shared: number;
}

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => { await Promise.all(open.splice(0).map((o) => o.close())); });

async function vendor(policy: Partial<typeof DEFAULT_TRAFFIC_POLICY> = {}): Promise<Vendor> {
  const v = { seen: [], value: 'before', getDelayMs: 200, getStatus: 200, shared: 0 } as unknown as Vendor;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const entry = { method: req.method!, path: req.url!, cutOff: false };
    v.seen.push(entry);
    res.on('close', () => { if (!res.writableFinished) entry.cutOff = true; });
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      if (req.method === 'PUT') {
        v.value = body;
        res.end('{}');
        return;
      }
      const value = v.value;
      setTimeout(() => { res.statusCode = v.getStatus; res.end(JSON.stringify({ value })); }, v.getDelayMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  open.push({ close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) });
  v.transport = new VendorTransport('ZUORA', `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    { ...DEFAULT_TRAFFIC_POLICY, maxRetries: 0, ...policy }, { observer: { onSharedRead: () => { v.shared += 1; } } });
  open.push(v.transport);
  return v;
}

/** The signal of a GraphQL request: a query unless `exclusive`. */
function request(scope: Partial<RequestScope> = {}): AbortController {
  const c = new AbortController();
  bindRequestScope(c.signal, { requestId: 'r', ...scope });
  return c;
}

const get = (v: Vendor, signal: AbortSignal | undefined, headers: Record<string, string> = { authorization: 'Bearer t' }) =>
  v.transport.request({ method: 'GET', path: '/tasks/1', headers, idempotent: true, signal } satisfies HttpRequest)
    .then((r) => ({ status: r.status, value: (JSON.parse(r.text()) as { value: string }).value }));
const put = (v: Vendor, value: string, signal?: AbortSignal) =>
  v.transport.request({ method: 'PUT', path: '/tasks/1', body: value, idempotent: true, signal });
const until = (cond: () => boolean) => vi.waitUntil(cond, { timeout: 10_000, interval: 5 });

describe('identical reads in flight', () => {
  it('go out once for queries of different requests, and each gets the reply', async () => {
    const v = await vendor();
    const [a, b] = await Promise.all([get(v, request().signal), get(v, request().signal)]);
    expect(a).toEqual({ status: 200, value: 'before' });
    expect(b).toEqual(a);
    expect(v.seen).toHaveLength(1);
    expect(v.shared).toBe(1);
  });

  it('are not shared when they differ in a header (another token) or path', async () => {
    const v = await vendor();
    await Promise.all([get(v, request().signal), get(v, request().signal, { authorization: 'Bearer other' })]);
    expect(v.seen).toHaveLength(2);
    expect(v.shared).toBe(0);
  });

  it('are sent again once the reply is in: nothing is kept', async () => {
    const v = await vendor();
    await get(v, request().signal);
    v.value = 'later';
    expect(await get(v, request().signal)).toEqual({ status: 200, value: 'later' });
    expect(v.seen).toHaveLength(2);
  });

  it('are never shared outside a GraphQL request, or by a request that runs a mutation', async () => {
    const v = await vendor();
    await Promise.all([get(v, undefined), get(v, undefined)]);
    expect(v.seen).toHaveLength(2);
    await Promise.all([get(v, request().signal), get(v, request({ exclusiveReads: true }).signal)]);
    expect(v.seen).toHaveLength(4);
    expect(v.shared).toBe(0);
  });

  it('a read after a confirmed write is sent after it, not joined to a read sent before it', async () => {
    const v = await vendor();
    const early = get(v, request().signal);
    await until(() => v.seen.length === 1);
    await put(v, 'after');
    const late = await get(v, request().signal);
    expect(late).toEqual({ status: 200, value: 'after' });
    expect(await early).toEqual({ status: 200, value: 'before' });
    expect(v.seen.map((s) => s.method)).toEqual(['GET', 'PUT', 'GET']);
  });

  it('a read made while a write is under way is not joined to a read from before the write either', async () => {
    const v = await vendor();
    const early = get(v, request().signal);
    await until(() => v.seen.length === 1);
    const writing = put(v, 'after');
    const during = get(v, request().signal);
    await Promise.all([early, writing, during]);
    expect(v.seen.filter((s) => s.method === 'GET')).toHaveLength(2);
    expect(v.shared).toBe(0);
  });

  it('a caller who leaves is answered at once; the read goes on for the others', async () => {
    const v = await vendor();
    const first = request();
    const leaving = get(v, first.signal);
    const staying = get(v, request().signal);
    await until(() => v.seen.length === 1);
    first.abort(new Error('client gone'));
    const left = await leaving.catch((e: unknown) => e);
    expect(left).toBeInstanceOf(BackendError);
    expect(left).toMatchObject({ code: 'BACKEND_UNAVAILABLE', retryable: true, message: 'ZUORA call cancelled' });
    expect(await staying).toEqual({ status: 200, value: 'before' });
    expect(v.seen).toEqual([{ method: 'GET', path: '/tasks/1', cutOff: false }]);
  });

  it('a caller whose request has already ended sends nothing and is told so, as without sharing', async () => {
    const v = await vendor();
    const gone = request();
    gone.abort(new Error('client gone'));
    const err = await get(v, gone.signal).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'BACKEND_UNAVAILABLE', retryable: true, message: 'ZUORA call cancelled before it was sent' });
    expect(v.seen).toHaveLength(0);
  });

  it('is cancelled when its last caller leaves, and a new caller then gets a read of its own', async () => {
    const v = await vendor({ totalTimeoutMs: 60_000, firstByteTimeoutMs: 60_000 });
    v.getDelayMs = 30_000;
    const a = request();
    const b = request();
    const answers = [get(v, a.signal).catch((e: unknown) => e), get(v, b.signal).catch((e: unknown) => e)];
    await until(() => v.seen.length === 1);
    a.abort(new Error('gone'));
    b.abort(new Error('gone'));
    for (const e of await Promise.all(answers)) expect(e).toMatchObject({ code: 'BACKEND_UNAVAILABLE', message: 'ZUORA call cancelled' });
    await until(() => v.seen[0]!.cutOff);
    v.getDelayMs = 10;
    expect(await get(v, request().signal)).toEqual({ status: 200, value: 'before' });
    expect(v.seen).toHaveLength(2);
  });

  it('a shared reply is parsed and mapped once: every caller gets the same value', async () => {
    const v = await vendor();
    let reads = 0;
    const readValue = async (signal: AbortSignal) => {
      const res = await v.transport.request({ method: 'GET', path: '/tasks/1', headers: { authorization: 'Bearer t' }, idempotent: true, signal });
      return res.readOnce('value', () => { reads += 1; return JSON.parse(res.text()) as { value: string }; });
    };
    const [a, b] = await Promise.all([readValue(request().signal), readValue(request().signal)]);
    expect(a).toEqual({ value: 'before' });
    expect(b).toBe(a);
    expect(reads).toBe(1);
  });

  it('a reading that throws is not kept: the next reader tries again', async () => {
    const v = await vendor();
    const res = await v.transport.request({ method: 'GET', path: '/tasks/1', idempotent: true, signal: request().signal });
    expect(() => res.readOnce('value', () => { throw new Error('unreadable'); })).toThrow('unreadable');
    expect(res.readOnce('value', () => 'read')).toBe('read');
    expect(res.readOnce('value', () => 'again')).toBe('read');
    expect(res.readOnce('other', () => 'other')).toBe('other');
  });

  it('share a vendor error status and a failure alike', async () => {
    const v = await vendor();
    v.getStatus = 503;
    const statuses = await Promise.all([get(v, request().signal), get(v, request().signal)]);
    expect(statuses.map((s) => s.status)).toEqual([503, 503]);
    expect(v.seen).toHaveLength(1);

    const gone = new VendorTransport('ZUORA', 'http://127.0.0.1:9', { ...DEFAULT_TRAFFIC_POLICY, maxRetries: 0 });
    open.push(gone);
    const refused = (signal: AbortSignal) => gone.request({ method: 'GET', path: '/x', idempotent: true, signal }).catch((e: unknown) => e);
    const [x, y] = await Promise.all([refused(request().signal), refused(request().signal)]);
    expect(x).toMatchObject({ code: 'BACKEND_UNAVAILABLE' });
    expect(y).toBe(x);
  });
});
