// @defer and @stream (useDeferStream), plus one guard: an operation that would answer incrementally is
// refused before it runs when its answer could not reach the client:
// - in a batched request (a JSON array body), whose answer is one JSON array: Yoga would run the operation
//   and put `{}` in its place, so a streamed mutation wrote to the vendors and nobody learnt the outcome.
//   That operation alone gets a BAD_REQUEST error at its index and never runs; the batch's other
//   operations are independent of it and answer as usual (as they do when one of them fails validation);
// - when the client cannot take an incremental response (Accept without multipart/mixed,
//   text/event-stream or */*): 406. Without the guard Yoga would run it and only then answer 406.
// "Would answer incrementally" is decided as the executor decides it: the operation that runs (not the
// others in the document), the fragments it reaches, `if:` (a literal or a variable) and @skip/@include.

import {
  BREAK, GraphQLIncludeDirective, GraphQLSkipDirective, Kind, getOperationAST, getVariableValues, visit,
} from 'graphql';
import type {
  DirectiveNode, DocumentNode, FragmentDefinitionNode, GraphQLSchema, OperationDefinitionNode, SelectionSetNode,
} from 'graphql';
import { createGraphQLError } from 'graphql-yoga';
import type { Plugin } from 'graphql-yoga';
import { useDeferStream } from '@graphql-yoga/plugin-defer-stream';

const INCREMENTAL_TYPES = /multipart\/mixed|text\/event-stream|\*\/\*/i;

// Yoga's parser cache hands out the same DocumentNode for the same query text, so each document is walked
// once, not on every request (the walk was ~0.6 % of a 50-field read's CPU).
const seen = new WeakMap<DocumentNode, boolean>();

/**
 * Whether the document holds @defer or @stream anywhere, in any of its operations, whatever their `if:`
 * says. A superset of what answers incrementally: the compiled-queries and mutation-executor plugins keep
 * such documents on Yoga's executor (the only one that streams, and which honours `if: false`), and query
 * admission never holds them (their answer streams for as long as the client reads it).
 */
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

/**
 * Whether running `operationName` of `document` with these (uncoerced) variables may answer incrementally:
 * the operation reaches a @defer or @stream whose `if` is not false, through fields and fragments that
 * @skip/@include do not leave out. When a value cannot be told (a variable graphql-js will refuse, or one
 * not given), it counts as deferring and as included: the answer errs towards "incremental", never away.
 * An operation the document does not hold (or cannot tell apart) runs nothing, so it is not incremental.
 */
export function deliversIncrementally(
  schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, variables: unknown,
): boolean {
  if (!usesIncrementalDelivery(document)) return false;
  const operation = getOperationAST(document, operationName);
  if (!operation) return false;
  return reachesIncremental(schema, document, operation, variables && typeof variables === 'object' ? variables as Record<string, unknown> : {});
}

function reachesIncremental(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, raw: Record<string, unknown>): boolean {
  // Only the variables an `if:` names are coerced, each once, as the executor coerces them (defaults included).
  const coerced = new Map<string, unknown>();
  const valueOf = (name: string): unknown => {
    if (coerced.has(name)) return coerced.get(name);
    let value: unknown;
    const definition = operation.variableDefinitions?.find((d) => d.variable.name.value === name);
    if (definition) {
      const result = getVariableValues(schema, [definition], raw, { maxErrors: 1 });
      if (result.coerced && Object.hasOwn(result.coerced, name)) value = result.coerced[name];
    }
    coerced.set(name, value);
    return value;
  };
  /** The `if:` of the directive named `name` on a node: true, false, or undefined (absent, or not known). */
  const condition = (directives: readonly DirectiveNode[] | undefined, name: string): { present: boolean; value?: unknown } => {
    const directive = directives?.find((d) => d.name.value === name);
    if (!directive) return { present: false };
    const arg = directive.arguments?.find((a) => a.name.value === 'if');
    if (!arg) return { present: true };
    if (arg.value.kind === Kind.BOOLEAN) return { present: true, value: arg.value.value };
    if (arg.value.kind === Kind.VARIABLE) return { present: true, value: valueOf(arg.value.name.value) };
    return { present: true };
  };
  const included = (directives: readonly DirectiveNode[] | undefined): boolean =>
    !directives?.length || (condition(directives, GraphQLSkipDirective.name).value !== true
      && condition(directives, GraphQLIncludeDirective.name).value !== false);
  /** @defer or @stream on this node, not turned off (`if` defaults to true). */
  const on = (directives: readonly DirectiveNode[] | undefined, name: 'defer' | 'stream'): boolean => {
    const c = condition(directives, name);
    return c.present && c.value !== false;
  };

  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const walked = new Set<string>();
  const reaches = (set: SelectionSetNode): boolean => {
    for (const sel of set.selections) {
      if (!included(sel.directives)) continue;
      if (sel.kind === Kind.FIELD) {
        if (on(sel.directives, 'stream') || (sel.selectionSet !== undefined && reaches(sel.selectionSet))) return true;
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        if (on(sel.directives, 'defer') || reaches(sel.selectionSet)) return true;
      } else {
        if (on(sel.directives, 'defer')) return true;
        // A fragment walked once and found without @defer/@stream is the same wherever else it is spread.
        if (walked.has(sel.name.value)) continue;
        walked.add(sel.name.value);
        const fragment = fragments.get(sel.name.value);
        if (fragment && reaches(fragment.selectionSet)) return true;
      }
    }
    return false;
  };
  return reaches(operation.selectionSet);
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
    // A subscription's answer is a stream of events, which a batch's one JSON array cannot carry either:
    // Yoga put `{}` in its place.
    onSubscribe({ args }) {
      const { request } = args.contextValue as { request: Request };
      if (!batched.has(request)) return;
      throw createGraphQLError('A subscription cannot be answered in a batched request (a JSON array body): send it on its own', {
        extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
      });
    },
    onExecute({ args }) {
      const { request } = args.contextValue as { request: Request };
      const inBatch = batched.has(request);
      if (!inBatch && INCREMENTAL_TYPES.test(request.headers.get('accept') ?? '*/*')) return;
      if (!deliversIncrementally(args.schema, args.document, args.operationName, args.variableValues)) return;
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
