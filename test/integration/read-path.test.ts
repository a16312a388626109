// The read path end to end: GraphQL → facade → the four emulators over real sockets.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';
import { printSdl } from '../../src/schema/index.js';
import { TASK_STATUSES } from '../../src/domain.js';
import { encodeGlobalId } from '../../src/global-id.js';
import { MAX_LIST_ROWS_PER_REQUEST, MAX_TASKS_BY_ID_PER_REQUEST } from '../../src/read-budget.js';

const LIST = `query($first: Int, $after: String, $filter: TaskFilter) {
  tasks(first: $first, after: $after, filter: $filter) {
    edges { cursor node { id backend nativeId name status vendorStatus } }
    pageInfo { hasNextPage endCursor }
    backendErrors { backend code message }
  }
}`;

type Edge = { cursor: string; node: { id: string; backend: string; nativeId: string; status: string; vendorStatus: string } };

let h: Harness;
let all: Edge[];
beforeAll(async () => {
  h = await startHarness();
  const res = await h.gql(LIST, { first: 500 });
  expect(res.body.errors).toBeUndefined();
  all = res.body.data.tasks.edges;
});
afterAll(() => h.close());

async function pageThrough(first: number, filter?: object): Promise<Edge[]> {
  const seen: Edge[] = [];
  let after: string | null = null;
  for (let i = 0; i < 500; i++) {
    const res: { body: { data?: any; errors?: unknown[] } } = await h.gql(LIST, { first, after, filter });
    expect(res.body.errors).toBeUndefined();
    const { edges, pageInfo, backendErrors }: { edges: Edge[]; pageInfo: { hasNextPage: boolean; endCursor: string }; backendErrors: unknown[] } = res.body.data.tasks;
    expect(backendErrors).toEqual([]);
    expect(edges.length).toBeLessThanOrEqual(first);
    seen.push(...edges);
    if (!pageInfo.hasNextPage) return seen;
    expect(pageInfo.endCursor).toBe(edges[edges.length - 1].cursor);
    after = pageInfo.endCursor;
  }
  throw new Error('paging did not end');
}

describe('tasks', () => {
  it('lists the demo tasks of all four vendors, in backend order, covering every normalised status', () => {
    const backends = [...new Set(all.map((e) => e.node.backend))];
    expect(backends).toEqual(['ZUORA', 'IBM_BPM', 'K2', 'SUPEROFFICE']);
    const statuses = new Set(all.map((e) => e.node.status));
    for (const s of TASK_STATUSES) expect(statuses, `status ${s}`).toContain(s);
    expect(new Set(all.map((e) => e.node.id)).size).toBe(all.length);
  });

  it.each([1, 2, 3, 7, 11, 50])('pages of %i cross vendor boundaries with no duplicate and nothing missing', async (first) => {
    const paged = await pageThrough(first);
    expect(paged.map((e) => e.node.id)).toEqual(all.map((e) => e.node.id));
  });

  it('filters by backend and status, and pages the filtered list the same way', async () => {
    const filter = { backends: ['K2', 'IBM_BPM'], statuses: ['IN_PROGRESS', 'READY'] };
    const expected = all.filter((e) => ['K2', 'IBM_BPM'].includes(e.node.backend) && ['IN_PROGRESS', 'READY'].includes(e.node.status));
    expect(expected.length).toBeGreaterThan(2);
    const paged = await pageThrough(2, filter);
    expect(paged.map((e) => e.node.id)).toEqual(expected.map((e) => e.node.id));
  });

  it('refuses a cursor it did not issue and a page size out of range', async () => {
    const bad = await h.gql(LIST, { first: 5, after: 'not-a-cursor' });
    expect(bad.body.errors?.[0]?.message).toBe('after is not a cursor returned by this API');
    const big = await h.gql(LIST, { first: 100000 });
    expect(big.body.errors?.[0]?.message).toBe('first must be between 0 and 500; got 100000');
  });

  it('refuses a cursor of a backend the filter leaves out, instead of an empty last page', async () => {
    const zuoraCursor = all.find((e) => e.node.backend === 'ZUORA')!.cursor;
    const res = await h.gql(LIST, { first: 5, after: zuoraCursor, filter: { backends: ['K2'] } });
    expect(res.body.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/ZUORA.*filter/), extensions: { code: 'BAD_USER_INPUT', argument: 'after' },
    });
  });

  it('first: 0 says whether a task follows, at the start, in the middle and after the last', async () => {
    const at = async (after: string | null) => (await h.gql(LIST, { first: 0, after })).body.data.tasks;
    expect(await at(null)).toMatchObject({ edges: [], pageInfo: { hasNextPage: true } });
    expect((await at(all[3]!.cursor)).pageInfo.hasNextPage).toBe(true);
    expect((await at(all[all.length - 1]!.cursor)).pageInfo.hasNextPage).toBe(false);
  });
});

describe('task, node and nodes', () => {
  it('reads one task of each vendor with its own fields, and resolves it again by global id', async () => {
    for (const backend of ['ZUORA', 'IBM_BPM', 'K2', 'SUPEROFFICE']) {
      const edge = all.find((e) => e.node.backend === backend)!;
      const res = await h.gql(`query($b: Backend!, $n: String!, $id: ID!) {
        task(backend: $b, nativeId: $n) {
          __typename id nativeId status
          ... on ZuoraWorkflowTask { actionType workflowId tags }
          ... on IbmBpmTask { tkiid state displayName }
          ... on K2Task { serialNumber processName actions { name batchable } }
          ... on BatchTask { state progressPercent created }
        }
        node(id: $id) { id ... on Task { nativeId backend } }
      }`, { b: backend, n: edge.node.nativeId, id: edge.node.id });
      expect(res.body.errors).toBeUndefined();
      const task = res.body.data.task;
      expect(task.id).toBe(edge.node.id);
      expect(task.__typename).toBe({ ZUORA: 'ZuoraWorkflowTask', IBM_BPM: 'IbmBpmTask', K2: 'K2Task', SUPEROFFICE: 'BatchTask' }[backend]);
      expect(res.body.data.node).toEqual({ id: edge.node.id, nativeId: edge.node.nativeId, backend });
    }
  });

  it('answers null for a task the vendor does not have, and for an id that cannot exist without calling the vendor', async () => {
    const before = h.vendors.k2.server.requests.length;
    const res = await h.gql(`{
      missing: task(backend: K2, nativeId: "999_999") { id }
      invalid: task(backend: K2, nativeId: "../Items?$top=0") { id }
      zuoraMissing: task(backend: ZUORA, nativeId: "987654321") { id }
      soMissing: task(backend: SUPEROFFICE, nativeId: "99999") { id }
      ibmMissing: task(backend: IBM_BPM, nativeId: "_TKI:a01b0130.23ef69dd.2c2a1ff5.deadbeef") { id }
      bogusNode: node(id: "bm9wZQ") { id }
    }`);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data).toEqual({ missing: null, invalid: null, zuoraMissing: null, soMissing: null, ibmMissing: null, bogusNode: null });
    expect(h.vendors.k2.server.requests.slice(before).map((r) => r.path)).toEqual(['/K2Services/SyncREST.svc/Task/Items(999_999)']);
  });

  it('fetches each id once per request however many fields, aliases and nodes entries ask for it', async () => {
    const zuoraIds = all.filter((e) => e.node.backend === 'ZUORA').slice(0, 3);
    const soIds = all.filter((e) => e.node.backend === 'SUPEROFFICE').slice(0, 3);
    const zBefore = h.vendors.zuora.server.count('GET', /^\/workflows\/tasks\/\d+$/);
    const sBefore = h.vendors.superOffice.server.count('GET', /\/api\/v1\/BatchTask\/\d+$/);
    const aliases = [...zuoraIds, ...soIds, ...zuoraIds].map((e, i) =>
      `a${i}: task(backend: ${e.node.backend}, nativeId: "${e.node.nativeId}") { id name }`).join('\n');
    const res = await h.gql(`query($ids: [ID!]!) { ${aliases} nodes(ids: $ids) { id } }`,
      { ids: [...zuoraIds, ...soIds, ...soIds].map((e) => e.node.id) });
    expect(res.body.errors).toBeUndefined();
    expect(h.vendors.zuora.server.count('GET', /^\/workflows\/tasks\/\d+$/) - zBefore).toBe(3);
    expect(h.vendors.superOffice.server.count('GET', /\/api\/v1\/BatchTask\/\d+$/) - sBefore).toBe(3);
  });
});

describe('what one request may make taskhub read', () => {
  const vendorGets = () => [h.vendors.zuora, h.vendors.ibmBpm, h.vendors.k2, h.vendors.superOffice]
    .reduce((n, v) => n + v.server.requests.filter((r) => r.method === 'GET').length, 0);

  it(`reads at most ${MAX_TASKS_BY_ID_PER_REQUEST} tasks by id per request; the fields past it are BAD_USER_INPUT`, async () => {
    // 11 aliases of nodes(100 ids): 1,100 distinct well-formed Zuora ids, none of which exists.
    const ids = Array.from({ length: 1100 }, (_, i) => encodeGlobalId('ZUORA', String(500000 + i)));
    const aliases = Array.from({ length: 11 }, (_, a) => `n${a}: nodes(ids: $i${a}) { id }`).join(' ');
    const vars = Object.fromEntries(Array.from({ length: 11 }, (_, a) => [`i${a}`, ids.slice(a * 100, a * 100 + 100)]));
    const before = vendorGets();
    const res = await h.gql(`query(${Array.from({ length: 11 }, (_, a) => `$i${a}: [ID!]!`).join(', ')}) { ${aliases} }`, vars);
    expect(vendorGets() - before).toBeLessThanOrEqual(MAX_TASKS_BY_ID_PER_REQUEST);
    const refused = (res.body.errors ?? []).filter((e: { extensions?: { code?: string } }) => e.extensions?.code === 'BAD_USER_INPUT');
    expect(refused.length).toBeGreaterThanOrEqual(100);
    expect(refused[0].message).toMatch(/more than 1000 tasks by id.*split it/);
    // The same ids again, in a new request, are a new budget; one task asked twice costs once.
    const again = await h.gql('{ a: task(backend: ZUORA, nativeId: "2771") { id } b: task(backend: ZUORA, nativeId: "2771") { id } }');
    expect(again.body.errors).toBeUndefined();
  });

  // Each operation of a batched request has its own loaders: the same ids in every operation are read
  // again in each, so each operation's reads count.
  it('counts the same ids read again by each operation of a batched request', async () => {
    const ids = Array.from({ length: 200 }, (_, i) => encodeGlobalId('ZUORA', String(600000 + i)));
    const op = { query: 'query($a: [ID!]!, $b: [ID!]!) { a: nodes(ids: $a) { id } b: nodes(ids: $b) { id } }', variables: { a: ids.slice(0, 100), b: ids.slice(100) } };
    const res = await fetch(`${await h.listen()}/graphql`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(Array.from({ length: 6 }, () => op)),
    });
    const answers = await res.json() as Array<{ errors?: Array<{ message: string }> }>;
    expect(answers.slice(0, 5).every((a) => a.errors === undefined)).toBe(true);
    expect(answers[5]!.errors?.[0]?.message).toMatch(/more than 1000 tasks by id/);
  });

  // With a status filter a backend is read page after page until enough tasks match: the pages read count,
  // not the rows asked for.
  it('counts the vendor pages a status filter reads', async () => {
    const aliases = Array.from({ length: 20 }, (_, i) => `t${i}: tasks(first: 1, filter: { statuses: [CANCELLED] }) { edges { cursor } }`).join(' ');
    const res = await h.gql(`{ ${aliases} }`);
    expect((res.body.errors ?? []).some((e: { message: string }) => /more than 5000 task rows/.test(e.message))).toBe(true);
  });

  it(`lists at most ${MAX_LIST_ROWS_PER_REQUEST} rows per request, across every operation of a batched request`, async () => {
    // With a status filter each field reads a page of 100 rows from each of the 4 backends (the demo lists
    // are shorter): 400 rows a field, 2,800 an operation of 7; the second operation passes 5,000.
    const op = { query: `{ ${Array.from({ length: 7 }, (_, i) => `t${i}: tasks(first: 1, filter: { statuses: [CANCELLED] }) { edges { cursor } }`).join(' ')} }` };
    const res = await fetch(`${await h.listen()}/graphql`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([op, op]),
    });
    const [first, second] = await res.json() as Array<{ data?: Record<string, unknown> | null; errors?: Array<{ message: string; extensions?: { code?: string } }> }>;
    expect(first!.errors).toBeUndefined();
    expect(second!.errors?.[0]).toMatchObject({ message: expect.stringMatching(/more than 5000 task rows/), extensions: { code: 'BAD_USER_INPUT' } });
  });
});

describe('a backend that fails', () => {
  it('leaves the other backends answering, with a backendErrors entry', async () => {
    h.vendors.ibmBpm.server.addFault({ fault: { kind: 'status', status: 500, body: { errorNumber: 'CWTKE9999E', errorMessage: 'boom' } }, path: /tasks\/filter/ });
    try {
      const res = await h.gql(LIST, { first: 500 });
      expect(res.body.errors).toBeUndefined();
      const { edges, backendErrors } = res.body.data.tasks;
      expect(backendErrors).toEqual([{ backend: 'IBM_BPM', code: 'BACKEND_UNAVAILABLE', message: expect.any(String) }]);
      expect(edges.map((e: Edge) => e.node.id)).toEqual(all.filter((e) => e.node.backend !== 'IBM_BPM').map((e) => e.node.id));
    } finally {
      h.vendors.ibmBpm.server.clearFaults();
    }
  });

  // The first page goes on past Zuora, which failed once: the walk never comes back to Zuora's tasks, so
  // every later page, the last included, must say they are missing, or a script would take it as complete.
  it('a walk past a backend that failed says so on every later page, to the last', async () => {
    h.vendors.zuora.server.addFault({ fault: { kind: 'status', status: 503 }, method: 'GET', path: /^\/workflows\/tasks$/, times: 3 });
    const pages: Array<{ edges: Edge[]; pageInfo: { hasNextPage: boolean; endCursor: string }; backendErrors: Array<{ backend: string; message: string }> }> = [];
    let after: string | null = null;
    do {
      const res: { body: { data?: { tasks: (typeof pages)[number] } } } = await h.gql(LIST, { first: 10, after });
      const page = res.body.data!.tasks;
      pages.push(page);
      after = page.pageInfo.endCursor;
    } while (pages[pages.length - 1]!.pageInfo.hasNextPage && pages.length < 100);
    expect(pages.length).toBeGreaterThan(2);
    expect(pages.flatMap((p) => p.edges).some((e) => e.node.backend === 'ZUORA')).toBe(false);
    for (const page of pages) expect(page.backendErrors.map((e) => e.backend), JSON.stringify(page.backendErrors)).toEqual(['ZUORA']);
    expect(pages[pages.length - 1]!.backendErrors[0]!.message).toMatch(/failed on an earlier page of this walk/);
    h.vendors.zuora.server.clearFaults();
    // A walk that starts again, with Zuora back, reads it all.
    expect((await pageThrough(50)).map((e) => e.node.id)).toEqual(all.map((e) => e.node.id));
  });
});

describe('schema', () => {
  it('has a description on every type and field', async () => {
    const sdl = await printSdl();
    // Every declaration (type, field, argument, enum value) must follow a description block.
    const lines = sdl.split('\n');
    const missing: string[] = [];
    lines.forEach((line, i) => {
      const trimmed = line.trim();
      const isDecl = /^(type|interface|union|enum|input|scalar)\s/.test(trimmed) || /^[a-zA-Z_]\w*(\(|:)/.test(trimmed) || /^[A-Za-z_]\w*$/.test(trimmed);
      if (!isDecl || trimmed.startsWith('schema') || trimmed === '') return;
      const prev = lines[i - 1]?.trim() ?? '';
      if (!prev.endsWith('"""')) missing.push(trimmed);
    });
    expect(lines.length).toBeGreaterThan(500);
    expect(missing).toEqual([]);
  });
});

describe('a status-filtered page over an unpaged vendor list', () => {
  it('reads SuperOffice\'s whole list once per request, however many slices the filter needs', async () => {
    const big = await startHarness({ extraTasks: 500 });
    try {
      const before = big.vendors.superOffice.server.count('GET', /\/BatchTask\/All$/);
      // UNKNOWN is one state in seven: 51 matches need about 360 tasks, i.e. four slices of 100.
      const res = await big.gql(LIST, { first: 50, filter: { backends: ['SUPEROFFICE'], statuses: ['UNKNOWN'] } });
      expect(res.body.data.tasks.edges).toHaveLength(50);
      expect(res.body.data.tasks.pageInfo.hasNextPage).toBe(true);
      expect(big.vendors.superOffice.server.count('GET', /\/BatchTask\/All$/) - before).toBe(1);
    } finally {
      await big.close();
    }
  });
});

describe('a page of one backend holding more tasks than the page', () => {
  // Every vendor call is a round trip before the page can be answered, and a second call for one more task
  // (to know whether a next page exists) cost a whole vendor page on Zuora: the vendor's own "more follows"
  // (Zuora's next_page, the extra row IBM and K2 are asked for) answers hasNextPage in the same call.
  let big: Harness;
  beforeAll(async () => { big = await startHarness({ extraTasks: 250 }); });
  afterAll(() => big.close());
  const servers = () => ({ ZUORA: big.vendors.zuora.server, IBM_BPM: big.vendors.ibmBpm.server, K2: big.vendors.k2.server, SUPEROFFICE: big.vendors.superOffice.server });
  const sizeOf = async (backend: string) => (await big.gql(LIST, { first: 500, filter: { backends: [backend] } })).body.data.tasks.edges.length as number;

  it.each(['ZUORA', 'IBM_BPM', 'K2', 'SUPEROFFICE'] as const)('%s: first: 100 is one vendor call, and says a next page exists', async (backend) => {
    const server = servers()[backend];
    const before = server.count('GET'); // Zuora's token is a POST
    const res = await big.gql(LIST, { first: 100, filter: { backends: [backend] } });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.tasks.edges).toHaveLength(100);
    expect(res.body.data.tasks.pageInfo.hasNextPage).toBe(true);
    expect(server.count('GET') - before).toBe(1);
  });

  it.each(['ZUORA', 'IBM_BPM', 'K2', 'SUPEROFFICE'] as const)('%s: a page that ends where the list ends says no next page; one task short, it says one', async (backend) => {
    const size = await sizeOf(backend);
    expect(size).toBeGreaterThan(250);
    const exact = await big.gql(LIST, { first: size, filter: { backends: [backend] } });
    expect(exact.body.data.tasks.edges).toHaveLength(size);
    expect(exact.body.data.tasks.pageInfo.hasNextPage).toBe(false);
    const short = await big.gql(LIST, { first: size - 1, filter: { backends: [backend] } });
    expect(short.body.data.tasks.edges).toHaveLength(size - 1);
    expect(short.body.data.tasks.pageInfo.hasNextPage).toBe(true);
    const last = await big.gql(LIST, { first: 5, after: short.body.data.tasks.pageInfo.endCursor, filter: { backends: [backend] } });
    expect(last.body.data.tasks.edges.map((e: Edge) => e.node.nativeId)).toEqual(exact.body.data.tasks.edges.slice(-1).map((e: Edge) => e.node.nativeId));
    expect(last.body.data.tasks.pageInfo.hasNextPage).toBe(false);
  });

  it('across backends, a page filled by the first one still says a next page exists when only a later one has more', async () => {
    const zuora = await sizeOf('ZUORA');
    const res = await big.gql(LIST, { first: zuora, filter: { backends: ['ZUORA', 'IBM_BPM'] } });
    expect(res.body.data.tasks.edges).toHaveLength(zuora);
    expect(res.body.data.tasks.edges.every((e: Edge) => e.node.backend === 'ZUORA')).toBe(true);
    expect(res.body.data.tasks.pageInfo.hasNextPage).toBe(true);
  });
});

describe('unconfigured backend', () => {
  it('its tasks are absent from lists; asking for it by filter says it is not configured', async () => {
    const partial = await startHarness({ without: ['SUPEROFFICE'] });
    try {
      const res = await partial.gql(LIST, { first: 500 });
      expect(res.body.data.tasks.edges.some((e: Edge) => e.node.backend === 'SUPEROFFICE')).toBe(false);
      expect(res.body.data.tasks.backendErrors).toEqual([]);
      const filtered = await partial.gql(LIST, { first: 5, filter: { backends: ['SUPEROFFICE'] } });
      expect(filtered.body.data.tasks.backendErrors).toEqual([{ backend: 'SUPEROFFICE', code: 'BACKEND_NOT_CONFIGURED', message: 'backend SUPEROFFICE is not configured on this taskhub' }]);
    } finally {
      await partial.close();
    }
  });
});
