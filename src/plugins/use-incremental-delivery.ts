// @defer and @stream (useDeferStream), plus one guard: an operation using them is refused before it runs
// when its answer could not reach the client:
// - in a batched request (a JSON array body), whose answer is one JSON array: Yoga would run the operation
//   and put `{}` in its place, so a streamed mutation wrote to the vendors and nobody learnt the outcome.
//   That operation alone gets a BAD_REQUEST error at its index and never runs; the batch's other
//   operations are independent of it and answer as usual (as they do when one of them fails validation);
// - when the client cannot take an incremental response (Accept without multipart/mixed,
//   text/event-stream or */*): 406. Without the guard Yoga would run it and only then answer 406.

import { BREAK, visit } from 'graphql';
import type { DocumentNode } from 'graphql';
import { createGraphQLError } from 'graphql-yoga';
import type { Plugin } from 'graphql-yoga';
import { useDeferStream } from '@graphql-yoga/plugin-defer-stream';

const INCREMENTAL_TYPES = /multipart\/mixed|text\/event-stream|\*\/\*/i;

// Yoga's parser cache hands out the same DocumentNode for the same query text, so each document is walked
// once, not on every request (the walk was ~0.6 % of a 50-field read's CPU).
const seen = new WeakMap<DocumentNode, boolean>();

export function usesIncrementalDelivery(document: DocumentNode): boolean {
  let found = seen.get(document);
  if (found === undefined) seen.set(document, (found = scan(document)));
  return found;
}

function scan(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Directive(node) {
      if (node.name.value === 'defer' || node.name.value === 'stream') { found = true; return BREAK; }
      return undefined;
    },
  });
  return found;
}

export function useIncrementalDelivery(): Plugin[] {
  // Requests whose body is a batch (a JSON array of operations): Yoga runs each operation with a context of
  // its own, but they share the Request.
  const batched = new WeakSet<Request>();
  const guard: Plugin = {
    onRequestParse({ request }) {
      return {
        onRequestParseDone({ requestParserResult }) {
          if (Array.isArray(requestParserResult)) batched.add(request);
        },
      };
    },
    onExecute({ args }) {
      const { request } = args.contextValue as { request: Request };
      const inBatch = batched.has(request);
      if (!inBatch && INCREMENTAL_TYPES.test(request.headers.get('accept') ?? '*/*')) return;
      if (!usesIncrementalDelivery(args.document)) return;
      if (inBatch) {
        throw createGraphQLError('@defer and @stream cannot be answered in a batched request (a JSON array body): send this operation on its own; nothing was run', {
          extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
        });
      }
      throw createGraphQLError('@defer and @stream need a client that accepts multipart/mixed or text/event-stream; nothing was run', {
        extensions: { code: 'NOT_ACCEPTABLE', http: { status: 406 } },
      });
    },
  };
  return [useDeferStream(), guard];
}
