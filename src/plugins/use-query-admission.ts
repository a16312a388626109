// Queries wait for a place before they execute, and the places follow the event loop's utilisation,
// sampled every `sampleMs` (src/query-admission.ts says why and how). Never held: mutations (vendor writes;
// a batch may run for minutes) and documents with @defer or @stream (their answer streams for as long as
// the client reads it, and graphql-js's executor alone runs them).

import { performance } from 'node:perf_hooks';
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import type { QueryAdmission } from '../query-admission.js';
import { usesIncrementalDelivery } from './use-incremental-delivery.js';

export function useQueryAdmission(admission: QueryAdmission, sampleMs = 100): Plugin<Context> {
  let last = performance.eventLoopUtilization();
  const sampler = setInterval(() => {
    const now = performance.eventLoopUtilization();
    admission.observe(performance.eventLoopUtilization(now, last).utilization);
    last = now;
  }, sampleMs);
  sampler.unref();
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      if (getOperationAST(args.document, args.operationName)?.operation !== 'query') return;
      if (usesIncrementalDelivery(args.document)) return;
      setExecuteFn(async (a) => {
        // A client gone while its query waited: it never runs (the rejection goes nowhere).
        await admission.enter((a.contextValue as Context).signal);
        try {
          return await executeFn(a);
        } finally {
          admission.leave();
        }
      });
    },
    onDispose() {
      clearInterval(sampler);
    },
  };
}
