// OpenTelemetry when enabled: one span per GraphQL operation, vendor HTTP calls as its children.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const undici = new UndiciInstrumentation();
let h: Harness;

beforeAll(async () => {
  provider.register();
  undici.setTracerProvider(provider);
  undici.enable();
  h = await startHarness({ env: { TASKHUB_OTEL_ENABLED: 'true' } });
});
afterAll(async () => { await h.close(); undici.disable(); await provider.shutdown(); });

describe('tracing', () => {
  it('puts the vendor calls of an operation under its span', async () => {
    exporter.reset();
    const res = await h.gql('query OpenOne { task(backend: K2, nativeId: "12_8") { id } }');
    expect(res.body.errors).toBeUndefined();
    const spans = exporter.getFinishedSpans();
    const op = spans.find((s) => s.name === 'graphql.query OpenOne');
    expect(op).toBeDefined();
    const vendorCalls = spans.filter((s) => s.parentSpanContext?.spanId === op!.spanContext().spanId && s.name.startsWith('GET'));
    expect(vendorCalls.length).toBeGreaterThan(0);
    expect(vendorCalls[0]!.attributes['url.full']).toMatch(/\/K2Services\/SyncREST\.svc\/Task\/Items\(12_8\)/);
    // Credentials travel in headers, which the span does not record.
    expect(JSON.stringify(spans.map((s) => s.attributes))).not.toContain(h.vendors.settings.K2!.password);
  });
});
