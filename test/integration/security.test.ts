// Who may call, what a request may cost, and what never leaves the process: API keys, CSRF, query limits,
// introspection, masked errors, and a scan of every response and log line for the configured secrets.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { connect } from 'node:net';
import { BATCH, startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';

const KEY = 'test-key-0123456789abcdef';
const OTHER_KEY = 'other-key-0123456789abcdef';

let h: Harness;
let url: string;
const responses: string[] = [];
const post = async (body: unknown, headers: Record<string, string> = {}) => {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body),
  });
  const text = await res.text();
  responses.push(text, JSON.stringify([...res.headers]));
  return { status: res.status, text, json: () => JSON.parse(text) };
};
const auth = { authorization: `Bearer ${KEY}` };

beforeAll(async () => {
  h = await startHarness({ env: { TASKHUB_API_KEYS: `${KEY},${OTHER_KEY}`, TASKHUB_MAX_ALIASES: '5', TASKHUB_MAX_BATCH_OPERATIONS: '2', TASKHUB_MAX_BODY_BYTES: '200000' } });
  url = await h.listen();
});
afterAll(() => h.close());

describe('API keys', () => {
  it('refuses /graphql without a valid key with 401, and serves it with one', async () => {
    const q = { query: '{ tasks(first: 1) { edges { node { id } } } }' };
    expect((await post(q)).status).toBe(401);
    expect((await post(q, { authorization: 'Bearer wrong-key-0123456789abcdef' })).status).toBe(401);
    expect((await post(q, { authorization: `Basic ${KEY}` })).status).toBe(401);
    const ok = await post(q, auth);
    expect(ok.status).toBe(200);
    expect(ok.json().data.tasks.edges).toHaveLength(1);
    expect((await post(q, { authorization: `Bearer ${OTHER_KEY}` })).status).toBe(200);
  });

  it('leaves /health, /ready and the GraphiQL page open', async () => {
    expect((await fetch(`${url}/health`)).status).toBe(200);
    await h.app.readiness.start();
    const ready = await fetch(`${url}/ready`);
    expect(ready.status).toBe(200);
    expect(ready.headers.get('content-type')).toBe('application/json');
    expect(await ready.json()).toMatchObject({ ready: true, backends: { ZUORA: true } });
    expect((await fetch(`${url}/ready?probe=1`)).status).toBe(200);
    // Only the path itself: a path that merely ends with it is the API's, behind the key.
    expect((await fetch(`${url}/graphql/ready`)).status).not.toBe(200);
    const page = await fetch(`${url}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/graphiql/i);
  });

  it('scopes idempotency keys by API key: the same key from another client is its own batch', async () => {
    const input = { items: [{ zuora: { id: '2771', name: 'scoped' } }], idempotencyKey: 'shared-name' };
    const before = h.vendors.zuora.server.count('PUT');
    await post({ query: BATCH, variables: { input } }, auth);
    await post({ query: BATCH, variables: { input } }, { authorization: `Bearer ${OTHER_KEY}` });
    expect(h.vendors.zuora.server.count('PUT') - before).toBe(2);
  });
});

describe('request limits', () => {
  it('refuses too deep, too many aliases, too many batched operations and too large bodies, clearly', async () => {
    // Five levels against a limit of 3 (introspection fields do not count: graphql-armor's default).
    const shallow = await startHarness({ env: { TASKHUB_MAX_DEPTH: '3' } });
    try {
      const deep = await shallow.gql('{ tasks { edges { node { ... on K2Task { actions { name } } } } } }');
      expect(deep.body.errors?.[0]?.message).toMatch(/depth limit of 3 exceeded/i);
      expect(shallow.vendors.k2.server.requests).toHaveLength(0);
    } finally {
      await shallow.close();
    }
    const aliases = await post({ query: `{ ${Array.from({ length: 7 }, (_, i) => `a${i}: task(backend: K2, nativeId: "12_8") { id }`).join(' ')} }` }, auth);
    expect(aliases.json().errors?.[0]?.message, aliases.text).toMatch(/aliases limit of 5 exceeded/i);
    const batch = await post([{ query: '{ __typename }' }, { query: '{ __typename }' }, { query: '{ __typename }' }], auth);
    expect(batch.status).toBe(413);
    expect(batch.text).toMatch(/Batching is limited to 2 operations/);
    const big = await post({ query: '{ __typename }', variables: { pad: 'x'.repeat(300_000) } }, auth);
    expect(big.status).toBe(413);
    expect(big.json().errors[0].message).toMatch(/at most 200000 are accepted/);
  });

  it('answers a document over a limit as any refused document: 400 and GRAPHQL_VALIDATION_FAILED to graphql-response+json clients', async () => {
    const strict = { ...auth, accept: 'application/graphql-response+json' };
    const documents = {
      aliases: `{ ${Array.from({ length: 7 }, (_, i) => `a${i}: task(backend: K2, nativeId: "12_8") { id }`).join(' ')} }`,
      directives: `{ tasks(first: 1) ${'@include(if: true) '.repeat(51)}{ edges { cursor } } }`,
      depth: `{ ${'tasks(first: 1) { edges { node { ... on K2Task { actions { name } } } } } '.replace(/name/, 'name batchable')} }`,
    };
    for (const [limit, query] of Object.entries({ aliases: documents.aliases, directives: documents.directives })) {
      const res = await post({ query }, strict);
      expect(res.status, limit).toBe(400);
      expect(res.json().errors[0], limit).toMatchObject({ message: expect.stringMatching(/limit of \d+ exceeded/), extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    }
    const shallow = await startHarness({ env: { TASKHUB_MAX_DEPTH: '3' } });
    try {
      const res = await shallow.app.yoga.fetch('http://x/graphql', {
        method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' }, body: JSON.stringify({ query: documents.depth }),
      });
      expect(res.status).toBe(400);
      expect((await res.json()).errors[0]).toMatchObject({ message: expect.stringMatching(/depth limit of 3 exceeded/i), extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    } finally {
      await shallow.close();
    }
  });

  it('answers GET queries without any extra header (urql and Apollo defaults); never runs a mutation by GET', async () => {
    const q = encodeURIComponent('{ __typename }');
    const bare = await fetch(`${url}/graphql?query=${q}`, { headers: { ...auth, accept: 'application/json' } });
    expect(bare.status).toBe(200);
    expect(await bare.json()).toEqual({ data: { __typename: 'Query' } });
    const before = h.vendors.zuora.server.count('PUT');
    const m = encodeURIComponent('mutation { batchUpdateTasks(input: { items: [{ zuora: { id: "2771", name: "by GET" } }] }) { succeeded } }');
    const get = await fetch(`${url}/graphql?query=${m}`, { headers: { ...auth, accept: 'application/json' } });
    expect(get.status).toBe(405);
    expect(h.vendors.zuora.server.count('PUT')).toBe(before);
  });

  it('refuses form and text/plain POSTs without a preflight header (403, nothing sent), even on an open taskhub', async () => {
    const open = await startHarness();
    try {
      const openUrl = await open.listen();
      const mutation = 'mutation { batchUpdateTasks(input: { items: [{ zuora: { id: "2771", name: "csrf" } }] }) { succeeded } }';
      const attempts: Array<[string, BodyInit]> = [
        ['application/x-www-form-urlencoded', new URLSearchParams({ query: mutation }).toString()],
        ['text/plain', JSON.stringify({ query: mutation })],
        ['text/plain;charset=UTF-8', JSON.stringify({ query: '{ tasks(first: 1) { edges { node { id } } } }' })],
      ];
      for (const [type, body] of attempts) {
        const res = await fetch(`${openUrl}/graphql`, { method: 'POST', headers: { 'content-type': type }, body });
        expect(res.status, type).toBe(403);
        expect((await res.json()).errors[0]).toMatchObject({ message: expect.stringMatching(/CSRF/), extensions: { code: 'CSRF_REFUSED' } });
      }
      const form = new FormData();
      form.set('operations', JSON.stringify({ query: mutation }));
      form.set('map', '{}');
      const multipart = await fetch(`${openUrl}/graphql`, { method: 'POST', body: form });
      expect(multipart.status).toBe(403);
      expect(open.vendors.zuora.server.requests).toHaveLength(0);
      // A GraphQL multipart request that carries a preflight header goes through (uploads, e.g. Apollo's upload link).
      const preflighted = await fetch(`${openUrl}/graphql`, { method: 'POST', headers: { 'apollo-require-preflight': 'true' }, body: form });
      expect(preflighted.status).toBe(200);
      expect((await preflighted.json()).data.batchUpdateTasks.succeeded).toBe(1);
    } finally {
      await open.close();
    }
  });

  it('can switch introspection off, without leaking field names through suggestions', async () => {
    const closed = await startHarness({ env: { TASKHUB_INTROSPECTION: 'false' } });
    try {
      const intro = await closed.gql('{ __schema { types { name } } }');
      expect(intro.body.errors?.[0]?.message).toMatch(/introspection has been disabled/i);
      const typo = await closed.gql('{ taskz(first: 1) { edges { cursor } } }');
      expect(typo.text).not.toMatch(/Did you mean/);
      // Enum values and input fields are schema too, in the document and in variables alike.
      const probes = [
        await closed.gql('{ task(backend: K, nativeId: "1") { id } }'),
        await closed.gql('query($f: TaskFilter) { tasks(filter: $f) { edges { cursor } } }', { f: { statuses: ['REDY'] } }),
        await closed.gql('query($f: TaskFilter) { tasks(filter: $f) { edges { cursor } } }', { f: { backendz: ['K2'] } }),
      ];
      for (const probe of probes) {
        expect(probe.body.errors?.length).toBeGreaterThan(0);
        expect(probe.text).not.toMatch(/Did you mean|READY|"backends"/);
      }
    } finally {
      await closed.close();
    }
  });
});

describe('bad input', () => {
  it('malformed GraphQL and JSON get clear errors and no backend call', async () => {
    const before = h.vendors.zuora.server.requests.length;
    const syntax = await post({ query: 'mutation { batchUpdateTasks(input: { items: [ { zuora: { id: "1" } ' }, auth);
    expect(syntax.json().errors[0].message).toMatch(/Syntax Error/);
    const notJson = await fetch(`${url}/graphql`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"query": ' });
    expect(notJson.status).toBe(400);
    responses.push(await notJson.text());
    expect(h.vendors.zuora.server.requests.length).toBe(before);
  });

  it('random batches never make the server fail: always one result per item, never HTTP 500', async () => {
    const id = fc.oneof(fc.constantFrom('2771', '2772', '101', '12_8', '_TKI:a01b0130.23ef69dd.2c2a1ff5.7c9c0135', '0', '-1', '', '99999999999'), fc.string({ maxLength: 12 }));
    const text = fc.option(fc.string({ maxLength: 20 }), { nil: undefined });
    const itemArb = fc.oneof(
      fc.record({ zuora: fc.record({ id, name: text, concurrentLimit: fc.option(fc.integer({ min: -5, max: 10_000_000 }), { nil: undefined }) }, { requiredKeys: ['id'] }) }),
      fc.record({ ibmBpm: fc.record({ id, priority: fc.option(fc.integer(), { nil: undefined }), dueTime: text }, { requiredKeys: ['id'] }) }),
      fc.record({ k2: fc.record({ serialNumber: id, action: text, redirectTo: text, sleepSeconds: fc.option(fc.integer({ min: -100, max: 100 }), { nil: undefined }) }, { requiredKeys: ['serialNumber'] }) }),
      fc.record({ superOffice: fc.record({ id, state: fc.option(fc.constantFrom('New', 'Aquired', 'All', 'Failed'), { nil: undefined }), description: text }, { requiredKeys: ['id'] }) }),
    );
    await fc.assert(fc.asyncProperty(fc.array(itemArb, { maxLength: 25 }), fc.boolean(), async (items, dryRun) => {
      const res = await post({ query: BATCH, variables: { input: { items, dryRun } } }, auth);
      expect(res.status).toBe(200);
      const body = res.json();
      expect(body.errors).toBeUndefined();
      expect(body.data.batchUpdateTasks.results).toHaveLength(items.length);
      body.data.batchUpdateTasks.results.forEach((r: { index: number }, i: number) => expect(r.index).toBe(i));
    }), { numRuns: 40 });
  });
});

describe('hostile input gets a 4xx or a per-id null, never a 500', () => {
  const errorLines = () => h.logLines.filter((l) => JSON.parse(l).level >= 50);
  const nested = (n: number) => `{ ${'a { '.repeat(n)}b${' }'.repeat(n)} }`;

  it('a document nested 2,000 or 20,000 deep is refused like one nested 1,000 deep: a 4xx JSON error, no stack overflow', async () => {
    const errorsBefore = errorLines().length;
    for (const n of [2_000, 20_000]) {
      const res = await post({ query: nested(n) }, auth);
      expect(res.status, res.text).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.json().errors[0].message).toMatch(/nest/i);
    }
    const list = await post({ query: `{ tasks(filter: ${'{ backends: ['.repeat(1500)}K2${'] }'.repeat(1500)}) { edges { cursor } } }` }, auth);
    expect(list.status).toBeLessThan(500);
    expect(list.json().errors[0].message).toMatch(/nest/i);
    expect(errorLines().length).toBe(errorsBefore);
  });

  it('GET with variables or extensions that are not JSON is a 400 saying so, as for POST', async () => {
    const q = encodeURIComponent('{ __typename }');
    for (const param of ['variables', 'extensions']) {
      const res = await fetch(`${url}/graphql?query=${q}&${param}=nope`, { headers: { ...auth, accept: 'application/json', 'x-graphql-yoga-csrf': '1' } });
      const text = await res.text();
      responses.push(text);
      expect(res.status, text).toBe(400);
      expect(JSON.parse(text).errors[0].message).toContain(param);
    }
  });

  it('IBM ids that cannot be tkiids are null in reads and INVALID_INPUT in writes, and nothing reaches IBM; valid ids in the same request still answer', async () => {
    const ok = '_TKI:a01b0130.23ef69dd.2c2a1ff5.7c9c0135';
    const hostile = ['..', '.', '%2F..', '../task', '_TKI:..', '_TKI:a/../b', '_TKI:a%2F..', '_TKI:a b', '\ud800', '_TKI:a01b\ud800', 'PI-12345', '_TKI:'];
    const ibm = h.vendors.ibmBpm.server;
    const before = ibm.requests.length;
    for (const bad of hostile) {
      const res = await post({ query: 'query($bad: String!, $ok: String!) { bad: task(backend: IBM_BPM, nativeId: $bad) { id } ok: task(backend: IBM_BPM, nativeId: $ok) { nativeId } }', variables: { bad, ok } }, auth);
      expect(res.status).toBe(200);
      expect(res.json(), JSON.stringify(bad)).toEqual({ data: { bad: null, ok: { nativeId: ok } } });
    }
    const items = [...hostile.map((id) => ({ ibmBpm: { id, priority: 2 } })), { ibmBpm: { id: ok, priority: 2 } }];
    const res = await post({ query: BATCH, variables: { input: { items } } }, auth);
    const results = res.json().data.batchUpdateTasks.results;
    expect(results.map((r: { __typename: string }) => r.__typename)).toEqual([...hostile.map(() => 'InvalidTaskUpdate'), 'TaskUpdated']);
    const received = ibm.requests.slice(before);
    expect(received.filter((r) => r.method === 'GET').every((r) => r.rawPath === '/rest/bpm/htm/v1/task/_TKI%3Aa01b0130.23ef69dd.2c2a1ff5.7c9c0135')).toBe(true);
    const puts = received.filter((r) => r.method === 'PUT');
    expect(puts.map((r) => JSON.parse(r.body).updatedTaskIDs)).toEqual([[ok]]);
  });
});

describe('HTTP framing', () => {
  it('TASKHUB_MAX_BODY_BYTES holds for a chunked body too: 413 with a JSON error, nothing run', async () => {
    const chunk = new TextEncoder().encode(' '.repeat(64 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent === 0) c.enqueue(new TextEncoder().encode('{"query":"{ __typename }","variables":{"pad":"'));
        if (sent >= 1024 * 1024) { c.enqueue(new TextEncoder().encode('"}}')); c.close(); return; }
        c.enqueue(chunk);
        sent += chunk.length;
      },
    });
    const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body, duplex: 'half' } as RequestInit);
    const text = await res.text();
    responses.push(text);
    expect(res.status, text).toBe(413);
    expect(JSON.parse(text).errors[0].message).toMatch(/at most 200000/);
    // Within the limit, a chunked body is served as usual.
    const small = new ReadableStream<Uint8Array>({ start(c) { c.enqueue(new TextEncoder().encode('{"query":"{ __typename }"}')); c.close(); } });
    const ok = await fetch(`${url}/graphql`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: small, duplex: 'half' } as RequestInit);
    expect(await ok.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('a slow client is cut off: unfinished headers and unfinished bodies do not hold a socket', async () => {
    const slow = await startHarness({ env: { TASKHUB_HEADERS_TIMEOUT_MS: '300', TASKHUB_REQUEST_TIMEOUT_MS: '600' } });
    try {
      const base = new URL(await slow.listen());
      // Resolves with what the server said before it closed the socket; the test's own timeout is the bound.
      const heldOpen = (send: string) => new Promise<string>((resolve, reject) => {
        const socket = connect(Number(base.port), base.hostname, () => socket.write(send));
        let said = '';
        socket.on('data', (d) => { said += String(d); });
        socket.on('close', () => resolve(said));
        socket.on('error', reject);
      });
      const [headers, body] = await Promise.all([
        heldOpen('POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n'),
        heldOpen('POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"query":'),
      ]);
      expect(headers).toMatch(/^HTTP\/1\.1 408/);
      expect(body).toMatch(/^HTTP\/1\.1 408/);
    } finally {
      await slow.close();
    }
  }, 20_000);

  it('media types ignore case', async () => {
    for (const type of ['APPLICATION/JSON', 'Application/Json; charset=UTF-8']) {
      const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { ...auth, 'content-type': type, accept: 'Application/JSON' }, body: JSON.stringify({ query: '{ __typename }' }) });
      expect(res.status, type).toBe(200);
      expect(await res.json()).toEqual({ data: { __typename: 'Query' } });
    }
  });

  it('every 4xx has a JSON body that says what was wrong', async () => {
    const cases: Array<[string, RequestInit, number, RegExp]> = [
      ['/graphql', { method: 'POST', headers: { ...auth, 'content-type': 'text/xml' }, body: '<q/>' }, 415, /Content-Type "text\/xml" is not supported/],
      ['/graphql', { method: 'POST', headers: { ...auth, 'content-type': 'application/json', accept: 'text/csv' }, body: JSON.stringify({ query: '{ __typename }' }) }, 406, /Accept "text\/csv"/],
      ['/nowhere', { headers: auth }, 404, /GraphQL is at \/graphql/],
      ['/graphql', { method: 'DELETE', headers: { ...auth, 'x-graphql-yoga-csrf': '1' } }, 405, /GET and POST/],
    ];
    for (const [path, init, status, message] of cases) {
      const res = await fetch(`${url}${path}`, init);
      const text = await res.text();
      responses.push(text);
      expect(res.status, `${path} ${text}`).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(JSON.parse(text).errors[0].message).toMatch(message);
    }
  });
});

describe('no leaks', () => {
  it('a vendor echoing our credentials in an error does not pass them on', async () => {
    const echo = `auth failed for ${h.secrets.join(' ')} Basic ${Buffer.from(`bpmadmin:${h.vendors.settings.IBM_BPM!.password}`).toString('base64')}`;
    h.vendors.ibmBpm.server.addFault({ fault: { kind: 'status', status: 400, body: { errorNumber: 'CWTKA0013E', errorMessage: echo } }, method: 'PUT' });
    try {
      const res = await post({ query: BATCH, variables: { input: { items: [{ ibmBpm: { id: '_TKI:a01b0130.23ef69dd.2c2a1ff5.7c9c0135', priority: 3 } }] } } }, auth);
      expect(res.json().data.batchUpdateTasks.results[0].code).toBe('REJECTED');
    } finally {
      h.vendors.ibmBpm.server.clearFaults();
    }
  });

  it('wrong vendor credentials are reported without the credentials', async () => {
    const s = h.vendors.settings;
    const wrong = await startHarness({ override: { IBM_BPM: { ...s.IBM_BPM!, password: 'definitely-wrong-password' }, ZUORA: { ...s.ZUORA!, clientSecret: 'definitely-wrong-secret' } } });
    try {
      const res = await wrong.gql(BATCH, { input: { items: [{ ibmBpm: { id: '_TKI:a01b0130.23ef69dd.2c2a1ff5.7c9c0135', priority: 3 } }, { zuora: { id: '2771', name: 'x' } }] } });
      const r = res.body.data.batchUpdateTasks.results;
      expect(r.map((x: { code: string }) => x.code)).toEqual(['BACKEND_AUTH_FAILED', 'BACKEND_AUTH_FAILED']);
      const all = res.text + wrong.logLines.join('');
      expect(all).not.toContain('definitely-wrong-password');
      expect(all).not.toContain('definitely-wrong-secret');
    } finally {
      await wrong.close();
    }
  });

  it('no response or log line of this file carries a configured secret, a Basic credential or a stack trace', () => {
    const basic = (u: string, p: string) => Buffer.from(`${u}:${p}`).toString('base64');
    const s = h.vendors.settings;
    const needles = [...h.secrets, basic(s.IBM_BPM!.username, s.IBM_BPM!.password), basic(s.K2!.username, s.K2!.password)];
    const haystack = [...responses, ...h.logLines];
    expect(haystack.length).toBeGreaterThan(50);
    for (const text of haystack) {
      for (const secret of needles) expect(text.includes(secret), `leak of a secret in: ${text.slice(0, 200)}`).toBe(false);
    }
    for (const text of responses) expect(text).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
  });
});
