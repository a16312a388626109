// OpenTelemetry, opt-in (TASKHUB_OTEL_ENABLED=true; off by default). A span per GraphQL operation, and
// under it a span per vendor HTTP call (undici's diagnostics channels, via @opentelemetry/instrumentation-
// undici). Exported with OTLP over HTTP to OTEL_EXPORTER_OTLP_ENDPOINT (the SDK's standard variables).
// Without a registered SDK the OpenTelemetry API is a no-op, so the plugin costs nothing when off.

import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { Tracer } from '@opentelemetry/api';
import type { Plugin } from 'graphql-yoga';
import { getOperationAST } from 'graphql';

/** Starts the OpenTelemetry SDK; returns its shutdown. Loaded lazily so the default path imports none of it. */
export async function startTracing(serviceName = 'taskhub'): Promise<() => Promise<void>> {
  const [{ NodeSDK }, { OTLPTraceExporter }, { UndiciInstrumentation }] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/instrumentation-undici'),
  ]);
  const sdk = new NodeSDK({ serviceName, traceExporter: new OTLPTraceExporter(), instrumentations: [new UndiciInstrumentation()] });
  sdk.start();
  return () => sdk.shutdown();
}

/** A span per GraphQL operation; vendor-call spans made during execution become its children. */
export function useOperationSpans(tracer: Tracer = trace.getTracer('taskhub')): Plugin {
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const op = getOperationAST(args.document, args.operationName);
      const name = `graphql.${op?.operation ?? 'operation'}${op?.name ? ` ${op.name.value}` : ''}`;
      setExecuteFn(async (execArgs) => tracer.startActiveSpan(name, {
        attributes: { 'graphql.operation.type': op?.operation ?? 'unknown', 'graphql.operation.name': op?.name?.value ?? '' },
      }, async (span) => {
        try {
          const result = await executeFn(execArgs);
          if (result && 'errors' in result && result.errors?.length) span.setStatus({ code: SpanStatusCode.ERROR });
          return result;
        } catch (err) {
          span.setStatus({ code: SpanStatusCode.ERROR });
          throw err;
        } finally {
          span.end();
        }
      }));
    },
  };
}

