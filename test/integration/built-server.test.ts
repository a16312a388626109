// What the built server (`node dist/main.js`, one file plus dist/chunks/: scripts/bundle-server.ts) must
// still do that the in-process tests cannot see:
// - OpenTelemetry: the SDK is a package of its own, loaded when TASKHUB_OTEL_ENABLED is set, while undici is
//   bundled. Vendor-call spans come from undici's diagnostics channels, so this checks they still reach the
//   exporter, under the operation's span, over real OTLP/HTTP.
// - A job file upload: its parsers live in a chunk and read schema/schema.graphql relative to it.
// - The subgraph SDL and compiled queries: two packages' imports are replaced in the bundle by shims
//   (scripts/bundle-shims/), so `_service` prints with Apollo's library from a chunk of its own, and graphql-jit
//   runs without fast-json-stringify.

import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReplica } from '../support/replica.js';
import type { Replica } from '../support/replica.js';

interface OtlpSpan { name: string; spanId: string; parentSpanId?: string; traceId: string }
const spans: OtlpSpan[] = [];
const collector = createServer((req, res) => {
  let body = '';
  req.on('data', (d) => { body += String(d); });
  req.on('end', () => {
    if (req.url === '/v1/traces') {
      const data = JSON.parse(body) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }> };
      for (const rs of data.resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans);
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
let taskhub: Replica;

beforeAll(async () => {
  await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
  const { port } = collector.address() as AddressInfo;
  // No vendor variables: it serves its embedded emulators.
  taskhub = await startReplica({
    TASKHUB_OTEL_ENABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, OTEL_BSP_SCHEDULE_DELAY: '50',
  });
}, 60_000);
afterAll(async () => { await taskhub?.kill(); collector.close(); });

describe('the built server', () => {
  it('exports the operation span with the vendor call under it', async () => {
    const res = await fetch(`${taskhub.url}/graphql`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query OpenOne { task(backend: K2, nativeId: "12_8") { id } }' }),
    });
    expect((await res.json() as { errors?: unknown }).errors).toBeUndefined();
    let op: OtlpSpan | undefined;
    for (let i = 0; i < 200 && !(op && spans.some((s) => s.parentSpanId === op!.spanId)); i++) {
      await new Promise((r) => setTimeout(r, 25));
      op = spans.find((s) => s.name === 'graphql.query OpenOne');
    }
    expect(op).toBeDefined();
    const children = spans.filter((s) => s.parentSpanId === op!.spanId);
    expect(children.length).toBeGreaterThan(0);
    expect(children.every((s) => s.traceId === op!.traceId)).toBe(true);
  }, 30_000);

  it('answers `_service { sdl }` with schema/subgraph.graphql, and runs a query compiled, again and again', async () => {
    const post = async (query: string) => (await fetch(`${taskhub.url}/graphql`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }),
    })).json() as Promise<{ data?: Record<string, unknown>; errors?: unknown }>;
    const service = await post('{ _service { sdl } }');
    expect(service.errors).toBeUndefined();
    expect((service.data?._service as { sdl: string }).sdl).toBe(readFileSync(new URL('../../schema/subgraph.graphql', import.meta.url), 'utf8'));
    for (let i = 0; i < 5; i++) {
      const read = await post('{ tasks(first: 3) { edges { node { backend nativeId name status } } } }');
      expect(read.errors).toBeUndefined();
      expect((read.data?.tasks as { edges: unknown[] }).edges).toHaveLength(3);
    }
  }, 30_000);

  it('takes a job file upload, checked against the schema the file parsers read from disk', async () => {
    const upload = async (line: string) => {
      const form = new FormData();
      form.set('operations', JSON.stringify({ query: 'mutation($f: File!) { startBatchUpdateJob(input: { file: $f }) { id total } }', variables: { f: null } }));
      form.set('map', JSON.stringify({ 0: ['variables.f'] }));
      form.set('0', new Blob([`${line}\n`]), 'updates.jsonl');
      const res = await fetch(`${taskhub.url}/graphql`, { method: 'POST', headers: { 'x-graphql-yoga-csrf': '1' }, body: form });
      return await res.json() as { data?: { startBatchUpdateJob: { id: string; total: number } } | null; errors?: Array<{ message: string }> };
    };
    expect((await upload('{"superOffice":{"id":"102","description":"from a file"}}')).data?.startBatchUpdateJob.total).toBe(1);
    const refused = await upload('{"superOffice":{"id":"102","colour":"blue"}}');
    expect(refused.errors?.[0]?.message).toContain('line 1: superOffice: Field "colour" is not defined by type "BatchTaskUpdateInput"');
  }, 30_000);
});
