// A query's vendor reads may join an identical read already in flight for another request
// (transport/shared-reads.ts). Anything else (a mutation, a subscription, an operation that cannot be
// found) marks its request's scope before it runs: its reads may feed writes (a vendor's read-modify-write
// under a task lock, the batch engine's checks, the read-back of updated tasks) and must be sent for it
// alone.

import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import { requestScopeOf } from '../request-scope.js';

export function useReadSharing(): Plugin<Context> {
  return {
    onExecute({ args }) {
      if (getOperationAST(args.document, args.operationName)?.operation === 'query') return;
      const scope = requestScopeOf((args.contextValue as Context).signal);
      if (scope) scope.exclusiveReads = true;
    },
  };
}
