// The vendor module contract, proven: a sixth vendor (test/support/demo-vendor, one folder) registered by
// this test alone goes through the real server (config, registry, schema, loaders, batch engine) and the
// CLI's column help, while the committed schema for the real four stays as it is.

import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VENDORS } from '../../src/vendors/index.js';
import { loadConfig, redactorFor } from '../../src/config.js';
import { createRegistry } from '../../src/registry.js';
import { createApp } from '../../src/server.js';
import type { App } from '../../src/server.js';
import { createLogger } from '../../src/logger.js';
import { startEmbeddedBackends } from '../../src/embedded.js';
import { printClientSdl, schema, schemaFor } from '../../src/schema/index.js';
import { columnsHelp } from '../../src/cli/columns.js';
import { encodeGlobalId } from '../../src/global-id.js';
import { BATCH, TEST_TRAFFIC_ENV } from '../support/harness.js';
import { demo } from '../support/demo-vendor/index.js';

const SIX = [...VENDORS, demo] as const;
let app: App;
let embedded: Awaited<ReturnType<typeof startEmbeddedBackends<typeof SIX>>>;

beforeAll(async () => {
  embedded = await startEmbeddedBackends({}, SIX);
  const config = Object.freeze({ ...loadConfig(TEST_TRAFFIC_ENV, SIX), backends: embedded.settings });
  const logger = createLogger({ level: 'silent', redact: redactorFor(config), destination: new Writable({ write(_c, _e, cb) { cb(); } }) });
  app = createApp(config, createRegistry(config), logger);
});
afterAll(async () => { await app?.services.registry.close(); await embedded?.close(); });

const gql = async (query: string, variables?: Record<string, unknown>) => {
  const res = await app.yoga.fetch('http://taskhub/graphql', {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: any; errors?: unknown[] };
};

describe('a sixth vendor, registered by the test', () => {
  it('is listed, read, and resolved by node, with its own fields', async () => {
    const list = await gql('{ tasks(first: 10, filter: { backends: [DEMO] }) { edges { node { backend nativeId name status ... on DemoTask { note } } } backendErrors { backend } } }');
    expect(list.errors).toBeUndefined();
    expect(list.data.tasks.edges.map((e: { node: unknown }) => e.node)).toEqual([
      { backend: 'DEMO', nativeId: 'd1', name: 'Water the plants', status: 'READY', note: null },
      { backend: 'DEMO', nativeId: 'd2', name: 'Feed the cat', status: 'COMPLETED', note: 'twice' },
    ]);
    const read = await gql('query($id: ID!) { task(backend: DEMO, nativeId: "d2") { name ... on DemoTask { note } } node(id: $id) { __typename ... on Task { nativeId } } }',
      { id: encodeGlobalId('DEMO', 'd1') });
    expect(read.data).toEqual({ task: { name: 'Feed the cat', note: 'twice' }, node: { __typename: 'DemoTask', nativeId: 'd1' } });
  });

  it('takes part in a mixed batch dry run, validated and looked up, nothing written', async () => {
    const res = await gql(BATCH, { input: { dryRun: true, items: [
      { demo: { id: 'd1', note: 'dry' } }, { demo: { id: 'nope' , note: 'x' } }, { k2: { serialNumber: '12_8', action: 'Approve' } }, { demo: { id: 'd9', note: 'x' } },
    ] } });
    expect(res.errors).toBeUndefined();
    const results = res.data.batchUpdateTasks.results;
    expect(results.map((r: { __typename: string; index: number; backend: string }) => [r.index, r.backend, r.__typename])).toEqual([
      [0, 'DEMO', 'TaskUpdated'], [1, 'DEMO', 'InvalidTaskUpdate'], [2, 'K2', 'TaskUpdated'], [3, 'DEMO', 'TaskNotFound'],
    ]);
    expect(results[1].message).toMatch(/^items\[1\]\.demo: id must look like d1/);
    expect(embedded.demo.tasks.get('d1')!.note).toBeNull();
    expect(embedded.demo.server.count('PUT')).toBe(0);
  });

  it("appears in the CLI's columns, read from its schema's SDL", () => {
    const help = columnsHelp(printClientSdl(schemaFor(SIX)));
    expect(help).toMatch(/DEMO \(DemoTaskUpdateInput\); id → id/);
    expect(help).toMatch(/note\s+String - New note\./);
    expect(columnsHelp()).not.toContain('DEMO');
  });

  it('leaves the committed schema of the real four as it is', () => {
    expect(printClientSdl(schema)).toBe(readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8'));
    expect(printClientSdl(schema)).not.toContain('Demo');
  });
});
