// What operators see: /metrics with bounded labels, request ids joining logs and vendor calls.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BATCH, startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(() => h.close());

const metrics = async () => (await h.app.yoga.fetch('http://taskhub/metrics')).text();
const series = (text: string) => text.split('\n').filter((l) => l && !l.startsWith('#'));

describe('/metrics', () => {
  it('counts vendor calls per backend and batch items per outcome', async () => {
    await h.gql('{ tasks(first: 500) { edges { node { id } } } }');
    await h.gql(BATCH, { input: { items: [{ k2: { serialNumber: '999_9', sleepSeconds: 5 } }, { zuora: { id: '2771', name: 'metrics' } }] } });
    const text = await metrics();
    for (const b of ['ZUORA', 'IBM_BPM', 'K2', 'SUPEROFFICE']) {
      expect(text).toMatch(new RegExp(`taskhub_backend_requests_total\\{backend="${b}",method="GET",status="2xx"\\} [1-9]`));
    }
    expect(text).toMatch(/taskhub_batch_items_total\{backend="K2",outcome="NOT_FOUND"\} 1/);
    expect(text).toMatch(/taskhub_batch_items_total\{backend="ZUORA",outcome="UPDATED"\} 1/);
    expect(text).toMatch(/taskhub_backend_request_duration_seconds_bucket\{le="0.005",backend="K2",method="POST"\}/);
    expect(text).toMatch(/graphql_envelop_phase_execute/);
  });

  it('shows the circuit breaker opening', async () => {
    const local = await startHarness({ env: { TASKHUB_BREAKER_FAILURES: '2', TASKHUB_MAX_RETRIES: '0', TASKHUB_BREAKER_RESET_MS: '60000' } });
    try {
      local.vendors.k2.server.addFault({ fault: { kind: 'status', status: 503 } });
      await local.gql('{ a: task(backend: K2, nativeId: "1_1") { id } b: task(backend: K2, nativeId: "1_2") { id } c: task(backend: K2, nativeId: "1_3") { id } }');
      const text = await (await local.app.yoga.fetch('http://taskhub/metrics')).text();
      expect(text).toMatch(/taskhub_backend_breaker_state\{backend="K2"\} 2/);
      expect(text).toMatch(/taskhub_backend_breaker_state\{backend="ZUORA"\} 0/);
    } finally {
      await local.close();
    }
  });

  it('shows the query admission: no limit and nothing waiting on an idle server', async () => {
    const text = await metrics();
    expect(text).toMatch(/^taskhub_query_admission_limit \+Inf$/m);
    expect(text).toMatch(/^taskhub_query_admission_waiting 0$/m);
    expect(text).toMatch(/^taskhub_query_admission_running 0$/m);
  });

  it('TASKHUB_QUERY_ADMISSION_FLOOR sets the places queries keep while the CPU is saturated; 0 turns it off', async () => {
    const three = await startHarness({ env: { TASKHUB_QUERY_ADMISSION_FLOOR: '3' } });
    const off = await startHarness({ env: { TASKHUB_QUERY_ADMISSION_FLOOR: '0' } });
    try {
      const gate = three.app.admission!;
      for (let i = 0; i < 6; i++) void gate.enter();
      for (let i = 0; i < 20; i++) gate.observe(1);
      expect(gate.current).toBe(3);
      for (let i = 0; i < 6; i++) gate.leave();

      expect(off.app.admission).toBeUndefined();
      const text = await (await off.app.yoga.fetch('http://taskhub/metrics')).text();
      expect(text).not.toMatch(/taskhub_query_admission/);
      expect((await off.gql('{ __typename }')).body).toEqual({ data: { __typename: 'Query' } });
    } finally {
      await three.close();
      await off.close();
    }
  });

  it('has no taskhub_redis_up without TASKHUB_REDIS_URL: an alert on it must not fire on a replica without Redis', async () => {
    const text = await metrics();
    expect(text).toMatch(/taskhub_backend_requests_total/);
    expect(text).not.toMatch(/^taskhub_redis_up /m);
  });

  it('does not grow with what clients send (operation names, URLs)', async () => {
    await h.gql('query Warm { __typename }');
    const before = series(await metrics()).length;
    for (let i = 0; i < 30; i++) {
      await h.app.yoga.fetch(`http://taskhub/graphql?x=${i}`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: `query Op${i} { __typename }`, operationName: `Op${i}` }),
      });
    }
    const after = series(await metrics());
    expect(after.some((l) => l.includes('Op17'))).toBe(false);
    // Only counters and bucket values change; process metrics may add a series or two.
    expect(after.length - before).toBeLessThan(5);
  });
});

describe('request ids', () => {
  it('are echoed, sent to Zuora as Zuora-Track-Id, and logged with the request', async () => {
    const from = h.vendors.zuora.server.requests.length;
    const res = await h.gql('{ task(backend: ZUORA, nativeId: "2772") { id } }', undefined, { 'x-request-id': 'trace-abc-123' });
    expect(res.body.errors).toBeUndefined();
    const zuoraCalls = h.vendors.zuora.server.requests.slice(from).filter((r) => r.path.startsWith('/workflows/'));
    expect(zuoraCalls.length).toBeGreaterThan(0);
    for (const call of zuoraCalls) expect(call.headers['zuora-track-id']).toBe('trace-abc-123');
    expect(h.logLines.some((l) => l.includes('"requestId":"trace-abc-123"') && l.includes('graphql request'))).toBe(true);
  });

  it('go to Zuora with the writes of a batch too, and with every list page', async () => {
    const from = h.vendors.zuora.server.requests.length;
    const res = await h.gql(BATCH, { input: { items: [{ zuora: { id: '2771', name: 'tracked write' } }] } }, { 'x-request-id': 'trace-write-1' });
    expect(res.body.errors).toBeUndefined();
    await h.gql('{ tasks(first: 5, filter: { backends: [ZUORA] }) { edges { node { id } } } }', undefined, { 'x-request-id': 'trace-list-2' });
    const calls = h.vendors.zuora.server.requests.slice(from).filter((r) => r.path.startsWith('/workflows/'));
    const ids = (pred: (path: string, method: string) => boolean) =>
      new Set(calls.filter((r) => pred(r.path, r.method)).map((r) => r.headers['zuora-track-id']));
    expect(ids((path, method) => method === 'PUT' && path.endsWith('/batch_update'))).toEqual(new Set(['trace-write-1']));
    expect(ids((path, method) => method === 'GET' && path === '/workflows/tasks')).toEqual(new Set(['trace-list-2']));
  });

  it('are on refusals made before GraphQL runs and on batches, each logged once with its status', async () => {
    const send = (id: string, init: RequestInit) => h.app.yoga.fetch('http://taskhub/graphql', {
      ...init, headers: { ...(init.headers as Record<string, string>), 'x-request-id': id },
    });
    const refused = await send('refused-415', { method: 'POST', headers: { 'content-type': 'text/xml' }, body: '<q/>' });
    expect(refused.status).toBe(415);
    expect(refused.headers.get('x-request-id')).toBe('refused-415');
    const unacceptable = await send('refused-406', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'image/png' }, body: '{"query":"{ __typename }"}' });
    expect(unacceptable.status).toBe(406);
    expect(unacceptable.headers.get('x-request-id')).toBe('refused-406');
    const batch = await send('batch-2', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[{"query":"{ __typename }"},{"query":"{ __typename }"}]' });
    expect(batch.status).toBe(200);
    expect(batch.headers.get('x-request-id')).toBe('batch-2');
    for (const [id, status] of [['refused-415', 415], ['refused-406', 406], ['batch-2', 200]] as const) {
      const lines = h.logLines.filter((l) => l.includes(`"requestId":"${id}"`) && l.includes('graphql request'));
      expect(lines, id).toHaveLength(1);
      expect(lines[0]).toContain(`"status":${status}`);
    }
  });

  it('are generated when the client sends none or an unusable one', async () => {
    const res = await h.app.yoga.fetch('http://taskhub/graphql', {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'bad id with spaces;"' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
