// Mutations run on graphql-js's own executor instead of Yoga's (@graphql-tools/executor). Before coercing
// a variable, that executor copies all of it (`snapshotInputValue`) into null-prototype objects, which V8
// keeps in dictionary mode, so coercing them is slower too: for a 100,000-item `startBatchUpdateJob` that
// was ~0.4 s of the ~1.7 s upload and ~35 MB of garbage, for a copy nothing reads. graphql-js coerces the
// parsed JSON as it is. Mutations are served as before otherwise:
// - @defer and @stream stay on Yoga's executor, which alone streams them;
// - a request graphql-js refuses before running anything (variables it cannot coerce, an operation it
//   cannot find) is run again by Yoga's executor, which answers it as before: its messages, at most 50 of
//   them, and HTTP 400. No resolver has run at that point, so nothing is sent twice.
// Queries go to the compiled-queries plugin; subscriptions keep Yoga's executor.

import { execute, getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { usesIncrementalDelivery } from './use-incremental-delivery.js';

export function useMutationExecutor(): Plugin {
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      if (getOperationAST(args.document, args.operationName)?.operation !== 'mutation') return;
      if (usesIncrementalDelivery(args.document)) return;
      setExecuteFn(async (a) => {
        let result;
        try {
          result = await execute(a);
        } catch {
          // Thrown only by graphql-js's argument checks, before any resolver runs.
          return executeFn(a);
        }
        // No `data` at all: graphql-js stopped before executing (an execution always sets `data`).
        return 'data' in result ? result : executeFn(a);
      });
    },
  };
}
