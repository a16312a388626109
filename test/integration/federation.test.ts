// taskhub as an Apollo Federation v2 subgraph: `_service` and `_entities` over real HTTP, then composed with
// two small in-process subgraphs and queried through Hive Gateway, every hop a real socket on 127.0.0.1.
// "assignments" extends one entity type (K2Task.assignee); "watchers" extends every task through the Task
// entity interface (@interfaceObject) and returns Task references that taskhub resolves to concrete types.
// Each is composed with taskhub on its own: Hive Gateway 2.15.1 lost the @interfaceObject fields of K2Task
// when another subgraph also extended K2Task itself (seen while writing this; see the README).

import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import type { DocumentNode } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { composeServices } from '@theguild/federation-composition';
import { createGatewayRuntime } from '@graphql-hive/gateway';
import type { GatewayRuntime } from '@graphql-hive/gateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';
import { MAX_ENTITY_CALL, MAX_ENTITY_REPRESENTATIONS } from '../../src/schema/federation.js';

const KEY = 'federation-key-0123456789abcdef';
const AUTH = { authorization: `Bearer ${KEY}` };
const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@interfaceObject"])';
// Backend is an input type in taskhub too, so every subgraph that names it must list the same values.
const BACKEND_ENUM = 'enum Backend { ZUORA IBM_BPM K2 SUPEROFFICE }';

type Ref = { __typename: string; backend: string; nativeId: string };

const assignmentsTypeDefs = parse(`${LINK}
  ${BACKEND_ENUM}
  type K2Task @key(fields: "backend nativeId") { backend: Backend! nativeId: String! assignee: String }
  type Query { assignmentCount: Int! }
`);
const ASSIGNEES: Record<string, string> = { '12_8': 'K2:DENALLIX\\Joe' };

const watchersTypeDefs = parse(`${LINK}
  ${BACKEND_ENUM}
  type Task @key(fields: "backend nativeId") @interfaceObject { backend: Backend! nativeId: String! watchers: [String!]! }
  type Query { watched(by: String!): [Task]! }
`);
const WATCHED = [{ backend: 'K2', nativeId: '12_8' }, { backend: 'ZUORA', nativeId: '2771' }];

const servers: Server[] = [];
async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
}

async function post<T = any>(url: string, query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, body: (await res.json()) as { data?: T; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } };
}

let h: Harness;
let taskhubUrl: string;
let assignmentsUrl: string;
let watchersUrl: string;
const gateways: GatewayRuntime[] = [];
const assignmentsSeen: Ref[] = [];
const watchersSeen: Ref[] = [];

beforeAll(async () => {
  h = await startHarness({ env: { TASKHUB_API_KEYS: KEY } });
  taskhubUrl = `${await h.listen()}/graphql`;
  assignmentsUrl = await serve(createYoga({
    logging: false,
    schema: buildSubgraphSchema({
      typeDefs: assignmentsTypeDefs,
      resolvers: {
        K2Task: {
          __resolveReference: (ref: Ref) => { assignmentsSeen.push(ref); return ref; },
          assignee: (t: Ref) => ASSIGNEES[t.nativeId] ?? null,
        },
        Query: { assignmentCount: () => Object.keys(ASSIGNEES).length },
      },
    }),
  }));
  watchersUrl = await serve(createYoga({
    logging: false,
    schema: buildSubgraphSchema({
      typeDefs: watchersTypeDefs,
      resolvers: {
        Task: {
          __resolveReference: (ref: Ref) => { watchersSeen.push(ref); return ref; },
          watchers: (t: Ref) => [`ops-${t.nativeId}`],
        },
        Query: { watched: () => WATCHED },
      },
    }),
  }));
}, 30_000);

afterAll(async () => {
  for (const g of gateways) await g.dispose();
  for (const s of servers) await new Promise<void>((r) => { s.close(() => r()); s.closeAllConnections(); });
  await h?.close();
});

describe('taskhub as a subgraph', () => {
  it('composes beside another Relay-style subgraph: PageInfo is @shareable', () => {
    const relay = parse(`${LINK.replace('"@interfaceObject"', '"@shareable"')}
      type PageInfo @shareable { hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String endCursor: String }
      type TicketConnection { pageInfo: PageInfo! }
      type Query { tickets: TicketConnection! }`);
    const taskhub = parse(readFileSync(new URL('../../schema/subgraph.graphql', import.meta.url), 'utf8'));
    const composed = composeServices([
      { name: 'taskhub', typeDefs: taskhub, url: 'http://taskhub' }, { name: 'tickets', typeDefs: relay, url: 'http://tickets' },
    ]);
    expect(composed.errors?.map((e) => e.message) ?? []).toEqual([]);
  });

  it('answers _service { sdl } with the committed schema/subgraph.graphql: @link, @key on the entities, no _entities', async () => {
    const res = await post<{ _service: { sdl: string } }>(taskhubUrl, '{ _service { sdl } }', undefined, AUTH);
    expect(res.body.errors).toBeUndefined();
    const sdl = res.body.data!._service.sdl;
    expect(sdl).toBe(readFileSync(new URL('../../schema/subgraph.graphql', import.meta.url), 'utf8'));
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@shareable"])');
    for (const type of ['type ZuoraWorkflowTask', 'type IbmBpmTask', 'type K2Task', 'type BatchTask', 'interface Task']) {
      expect(sdl, type).toMatch(new RegExp(`${type} implements [^{]*\\n  @key\\(fields: "backend nativeId"\\)\\n\\{`));
    }
    expect(sdl).toContain('input TaskUpdateInput @oneOf {');
    expect(sdl).not.toMatch(/_entities|_service|_Any/);
  });

  it('_entities resolves a K2 task through the request loaders, null for a missing one or another vendor\'s key', async () => {
    const before = h.vendors.k2.server.requests.length;
    const res = await post(taskhubUrl, `query($r: [_Any!]!) {
      _entities(representations: $r) {
        __typename
        ... on K2Task { backend nativeId serialNumber folio status }
        ... on ZuoraWorkflowTask { nativeId actionType }
      }
    }`, { r: [
      { __typename: 'K2Task', backend: 'K2', nativeId: '12_8' },
      { __typename: 'K2Task', backend: 'K2', nativeId: '999_999' },
      { __typename: 'Task', backend: 'K2', nativeId: '12_8' },
      { __typename: 'Task', backend: 'ZUORA', nativeId: '2771' },
      { __typename: 'K2Task', backend: 'ZUORA', nativeId: '2771' },
    ] }, AUTH);
    expect(res.body.errors).toBeUndefined();
    const k2 = { __typename: 'K2Task', backend: 'K2', nativeId: '12_8', serialNumber: '12_8', folio: expect.any(String), status: 'READY' };
    expect(res.body.data._entities).toEqual([
      k2,
      null,
      k2, // a Task reference comes back as its concrete type
      { __typename: 'ZuoraWorkflowTask', nativeId: '2771', actionType: expect.any(String) },
      null, // K2Task is K2's type: a Zuora key under it names nothing
    ]);
    // 12_8 asked for twice, fetched once: _entities shares the per-request DataLoaders with task/node.
    expect(h.vendors.k2.server.requests.slice(before).map((r) => r.path).sort()).toEqual([
      '/K2Services/SyncREST.svc/Task/Items(12_8)', '/K2Services/SyncREST.svc/Task/Items(999_999)',
    ]);
  });

  it.each([
    ['a type that is no entity', { __typename: 'TaskConnection', backend: 'K2', nativeId: '12_8' }, /representations\[1\]: TaskConnection is not an entity/],
    ['an unknown type', { __typename: 'Nope', backend: 'K2', nativeId: '12_8' }, /representations\[1\]: Nope is not an entity/],
    ['no __typename', { backend: 'K2', nativeId: '12_8' }, /representations\[1\] must be an object with a __typename/],
    ['a string', 'K2Task:12_8', /representations\[1\] must be an object with a __typename/],
    ['an unknown backend', { __typename: 'Task', backend: 'k2', nativeId: '12_8' }, /representations\[1\]: backend must be one of ZUORA/],
    ['no nativeId', { __typename: 'K2Task', backend: 'K2' }, /representations\[1\]: nativeId must be a non-empty string/],
    ['a numeric nativeId', { __typename: 'Task', backend: 'ZUORA', nativeId: 2771 }, /representations\[1\]: nativeId must be a non-empty string/],
  ])('answers a representation with %s with BAD_USER_INPUT at its index, and the others as usual', async (what, bad, message) => {
    const vendorCalls = () => h.vendors.zuora.server.requests.length + h.vendors.k2.server.requests.length;
    // A document of its own per case (the comment), so its second run is its first compiled one.
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on K2Task { nativeId } } } # ${what}`;
    const before = vendorCalls();
    const res = await post(taskhubUrl, query,
      { r: [{ __typename: 'K2Task', backend: 'K2', nativeId: '12_8' }, bad, { __typename: 'K2Task', backend: 'K2', nativeId: '14_21' }] }, AUTH);
    expect(res.body.data._entities).toEqual([
      { __typename: 'K2Task', nativeId: '12_8' }, null, { __typename: 'K2Task', nativeId: '14_21' },
    ]);
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors?.[0]).toMatchObject({ message: expect.stringMatching(message), path: ['_entities', 1], extensions: { code: 'BAD_USER_INPUT' } });
    // The two good ones only: nothing is asked of any vendor for the refused one.
    expect(vendorCalls() - before).toBe(2);
    // The same from the second run on, when the document runs compiled.
    for (let run = 0; run < 2; run++) {
      const again = await post(taskhubUrl, query,
        { r: [{ __typename: 'K2Task', backend: 'K2', nativeId: '12_8' }, bad, { __typename: 'K2Task', backend: 'K2', nativeId: '14_21' }] }, AUTH);
      expect(again.body).toEqual(res.body);
    }
  });

  // A gateway merges the references of a whole query into one call: refusing the call made every task of it
  // null, and the gateway passed no error on.
  it(`answers the first ${MAX_ENTITY_REPRESENTATIONS} representations of a larger call; the rest are null, with one error, and never fetched`, async () => {
    const r = Array.from({ length: MAX_ENTITY_REPRESENTATIONS + 3 }, () => ({ __typename: 'K2Task', backend: 'K2', nativeId: '12_8' }));
    r[MAX_ENTITY_REPRESENTATIONS + 1] = { __typename: 'K2Task', backend: 'K2', nativeId: '14_21' };
    const before = h.vendors.k2.server.requests.length;
    const res = await post(taskhubUrl, 'query($r: [_Any!]!) { _entities(representations: $r) { __typename } }', { r }, AUTH);
    const answers = res.body.data._entities as unknown[];
    expect(answers).toHaveLength(MAX_ENTITY_REPRESENTATIONS + 3);
    expect(answers.slice(0, MAX_ENTITY_REPRESENTATIONS).every((a) => (a as { __typename?: string } | null)?.__typename === 'K2Task')).toBe(true);
    expect(answers.slice(MAX_ENTITY_REPRESENTATIONS)).toEqual([null, null, null]);
    expect((res.body.errors as Array<{ path: unknown[] }> | undefined)?.map((e) => e.path)).toEqual([['_entities', MAX_ENTITY_REPRESENTATIONS]]);
    expect(res.body.errors?.[0]).toMatchObject({ message: expect.stringMatching(/representations 1001 to 1003 are not answered/), extensions: { code: 'BAD_USER_INPUT' } });
    expect(h.vendors.k2.server.requests.slice(before).map((q) => q.path).filter((p) => p.includes('14_21'))).toEqual([]);
  });

  it(`refuses a call of more than ${MAX_ENTITY_CALL} representations whole, with one error`, async () => {
    const res = await post(taskhubUrl, 'query($r: [_Any!]!) { _entities(representations: $r) { __typename } }',
      { r: Array.from({ length: MAX_ENTITY_CALL + 1 }, () => 1) }, AUTH);
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors?.[0]).toMatchObject({ message: expect.stringMatching(/at most 10000 representations/), extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('keeps _service to itself when introspection is switched off, and still resolves entities', async () => {
    const closed = await startHarness({ env: { TASKHUB_INTROSPECTION: 'false' } });
    try {
      const sdl = await closed.gql('{ _service { sdl } }');
      expect(sdl.body.data).toBeNull();
      expect(sdl.body.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
      expect(sdl.text).not.toContain('@key');
      const entity = await closed.gql('query($r: [_Any!]!) { _entities(representations: $r) { ... on K2Task { serialNumber } } }',
        { r: [{ __typename: 'K2Task', backend: 'K2', nativeId: '12_8' }] });
      expect(entity.body).toEqual({ data: { _entities: [{ serialNumber: '12_8' }] } });
    } finally {
      await closed.close();
    }
  });
});

/**
 * Composes taskhub (from its own `_service { sdl }`) with `others` and serves the supergraph with Hive Gateway
 * in this process. The gateway passes the caller's API key on to taskhub only, so idempotency keys stay per
 * caller.
 */
async function startGateway(others: Array<{ name: string; typeDefs: DocumentNode; url: string }>) {
  const service = await post<{ _service: { sdl: string } }>(taskhubUrl, '{ _service { sdl } }', undefined, AUTH);
  const composed = composeServices([{ name: 'taskhub', typeDefs: parse(service.body.data!._service.sdl), url: taskhubUrl }, ...others]);
  expect(composed.errors?.map((e) => e.message) ?? []).toEqual([]);
  const gateway = createGatewayRuntime({
    supergraph: composed.supergraphSdl!,
    logging: false,
    propagateHeaders: {
      fromClientToSubgraphs: ({ request, subgraphName }) =>
        subgraphName === 'taskhub' ? { authorization: request.headers.get('authorization') } : undefined,
    },
  });
  gateways.push(gateway);
  return { url: await serve(gateway), publicSdl: composed.publicSdl! };
}

describe('behind Hive Gateway, with a subgraph extending K2Task', () => {
  let gatewayUrl = '';
  let publicSdl = '';
  beforeAll(async () => {
    ({ url: gatewayUrl, publicSdl } = await startGateway([{ name: 'assignments', typeDefs: assignmentsTypeDefs, url: assignmentsUrl }]));
  }, 30_000);

  it('composes without errors, and the public schema keeps the one-of batch item', () => {
    expect(publicSdl).toContain('input TaskUpdateInput @oneOf');
    expect(publicSdl).toMatch(/type K2Task implements [^{]*\{[^}]*\bassignee: String\b/);
  });

  it('answers a field of each subgraph in one query', async () => {
    const res = await post(gatewayUrl, `{
      assignmentCount
      tasks(first: 500, filter: { backends: [K2] }) {
        edges { node { __typename nativeId status ... on K2Task { serialNumber folio assignee } } }
        backendErrors { backend }
      }
    }`, undefined, AUTH);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.assignmentCount).toBe(1);
    expect(res.body.data.tasks.backendErrors).toEqual([]);
    const nodes = res.body.data.tasks.edges.map((e: { node: { nativeId: string } }) => e.node);
    expect(nodes.length).toBeGreaterThan(2);
    for (const n of nodes) {
      expect(n).toEqual({
        __typename: 'K2Task', nativeId: n.nativeId, serialNumber: n.nativeId, status: expect.any(String),
        folio: expect.anything(), assignee: ASSIGNEES[n.nativeId] ?? null,
      });
    }
    expect(nodes.find((n: { nativeId: string }) => n.nativeId === '12_8').assignee).toBe('K2:DENALLIX\\Joe');
    // The other subgraph was asked by the key taskhub returned.
    expect(assignmentsSeen).toContainEqual({ __typename: 'K2Task', backend: 'K2', nativeId: '12_8' });
  });

  it('passes mutations through to taskhub, and the gateway itself refuses a batch item naming two vendors', async () => {
    const ok = await post(gatewayUrl, `mutation {
      batchUpdateTasks(input: { dryRun: true, items: [{ k2: { serialNumber: "12_8", action: "Approve" } }] }) {
        succeeded results { __typename ... on TaskUpdated { task { nativeId ... on K2Task { assignee } } } }
      }
    }`, undefined, AUTH);
    expect(ok.body.errors).toBeUndefined();
    expect(ok.body.data.batchUpdateTasks).toEqual({ succeeded: 1, results: [{ __typename: 'TaskUpdated', task: { nativeId: '12_8', assignee: 'K2:DENALLIX\\Joe' } }] });

    const before = h.vendors.k2.server.requests.length;
    const two = await post(gatewayUrl, `mutation {
      batchUpdateTasks(input: { items: [{ k2: { serialNumber: "12_8", action: "Approve" }, zuora: { id: "2771" } }] }) { succeeded }
    }`, undefined, AUTH);
    expect(two.body.errors?.[0]?.message).toMatch(/exactly one key/);
    expect(h.vendors.k2.server.requests.length).toBe(before);
  });

  it('without the API key, taskhub refuses what the gateway forwards', async () => {
    const res = await post(gatewayUrl, '{ tasks(first: 1) { edges { node { nativeId } } } }');
    expect(res.body.data ?? null).toBeNull();
    expect(res.body.errors?.length).toBeGreaterThan(0);
  });
});

describe('behind Hive Gateway, with a subgraph extending every task through the Task interface', () => {
  let gatewayUrl = '';
  beforeAll(async () => {
    ({ url: gatewayUrl } = await startGateway([{ name: 'watchers', typeDefs: watchersTypeDefs, url: watchersUrl }]));
  }, 30_000);

  it('adds the @interfaceObject field to every vendor type, asking by the interface name', async () => {
    const res = await post(gatewayUrl, `{
      tasks(first: 500) { edges { node { __typename backend nativeId watchers } } }
    }`, undefined, AUTH);
    expect(res.body.errors).toBeUndefined();
    const nodes: Array<{ __typename: string; backend: string; nativeId: string; watchers: string[] }> = res.body.data.tasks.edges.map((e: { node: unknown }) => e.node);
    expect(new Set(nodes.map((n) => n.__typename))).toEqual(new Set(['ZuoraWorkflowTask', 'IbmBpmTask', 'K2Task', 'BatchTask']));
    for (const n of nodes) expect(n.watchers).toEqual([`ops-${n.nativeId}`]);
    expect(watchersSeen).toContainEqual({ __typename: 'Task', backend: 'K2', nativeId: '12_8' });
  });

  it('resolves Task references from the other subgraph through taskhub to their vendor types', async () => {
    const res = await post(gatewayUrl, `{
      watched(by: "ops") {
        __typename backend nativeId name watchers
        ... on K2Task { serialNumber }
        ... on ZuoraWorkflowTask { actionType }
      }
    }`, undefined, AUTH);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.watched).toEqual([
      { __typename: 'K2Task', backend: 'K2', nativeId: '12_8', name: expect.any(String), watchers: ['ops-12_8'], serialNumber: '12_8' },
      { __typename: 'ZuoraWorkflowTask', backend: 'ZUORA', nativeId: '2771', name: expect.any(String), watchers: ['ops-2771'], actionType: expect.any(String) },
    ]);
  });
});
