// Queries a client sends more than once run as code compiled for their document (graphql-jit), instead of
// graphql-js walking the document field by field: no info object, path and argument map per field, which
// were most of a 300-task list's executor time and garbage. Everything else runs on the standard executor:
// - mutations and subscriptions (vendor-bound, and their inputs are @oneOf, which graphql-jit's variable
//   coercion does not enforce);
// - a query whose variables reach a @oneOf input, for the same reason;
// - documents holding @defer or @stream anywhere, which graphql-jit does not run. The test is the whole
//   document, whatever operation runs and whatever `if:` says: a compiled operation is kept for every
//   later run, whatever its variables, so `@defer(if: $d)` runs on the standard executor (which honours
//   `if: false`) even when $d is false, and so does `@defer(if: false)`;
// - a document's first run: compiling costs more than one interpretation, and a document built anew per
//   request (values inlined) would pay it every time.
// @envelop/graphql-jit is not used: it caches one compiled query per document, whatever operationName
// asks for, so a document holding two operations would run the first one compiled for both.
// graphql-jit (0.8.9, the latest release, and its main branch) writes the null of a list item whose promise
// rejects with `resultArray.push(null)`, at the end of the list as it is when the rejection lands, not at
// the item's index: `nodes` and `_entities` answered 2 or 4 entries for 3 ids. The code compiled for a query
// therefore calls list fields through settlingItems (below), which hands graphql-jit each rejection as an
// Error value instead, and graphql-jit places an Error value at its index.

import {
  GraphQLError, Kind, defaultFieldResolver, getNamedType, getNullableType, getOperationAST, getVariableValues,
  isInputObjectType, isIntrospectionType, isListType, isObjectType, typeFromAST,
} from 'graphql';
import type {
  DocumentNode, FieldNode, FragmentDefinitionNode, GraphQLField, GraphQLFieldResolver, GraphQLInputObjectType,
  GraphQLOutputType, GraphQLSchema, OperationDefinitionNode, SelectionSetNode,
} from 'graphql';
import { compileQuery, isCompiledQuery } from 'graphql-jit';
import { LRUCache } from 'lru-cache';
import type { CompiledQuery } from 'graphql-jit';
import type { Plugin } from 'graphql-yoga';
import { usesIncrementalDelivery } from './use-incremental-delivery.js';

interface Compiled { query: CompiledQuery['query']; document: DocumentNode; operation: OperationDefinitionNode }

interface Entry {
  runs: number;
  /** null: this operation always runs on the standard executor. */
  compiled?: Compiled | null;
}

/** Runs before compiling; the first run of a document is interpreted. */
const COMPILE_AT_RUN = 2;

/**
 * Documents whose runs and compiled code are kept, least recently used first out. Yoga's parser cache
 * hands out one DocumentNode per query text and keeps 1,024 of them; without a bound of its own, a client
 * sending a thousand different large queries twice each would hold a thousand compiled ones. An app's own
 * queries are a few dozen.
 */
export const MAX_COMPILED_DOCUMENTS = 256;

export function useCompiledQueries(opts: { maxDocuments?: number } = {}): Plugin {
  const byDocument = new LRUCache<DocumentNode, Map<string, Entry>>({ max: opts.maxDocuments ?? MAX_COMPILED_DOCUMENTS });
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      let entries = byDocument.get(args.document);
      if (!entries) byDocument.set(args.document, (entries = new Map()));
      const key = args.operationName ?? '';
      let entry = entries.get(key);
      // Keyed by operationName: Yoga refuses a name the document does not hold before execution, so a
      // document has at most one entry per operation it defines.
      if (!entry) entries.set(key, (entry = { runs: 0 }));
      if (entry.compiled === null) return;
      entry.runs += 1;
      if (entry.compiled === undefined) {
        if (entry.runs < COMPILE_AT_RUN) return;
        entry.compiled = compile(args.schema, args.document, args.operationName ?? undefined);
        if (entry.compiled === null) return;
      }
      const compiled = entry.compiled;
      setExecuteFn(async (a) => {
        // Variables graphql-js would refuse go to it, so the client gets its errors and its 400 (graphql-jit
        // answers them as a 200).
        const variables = compiled.operation.variableDefinitions ?? [];
        if (variables.length > 0 && getVariableValues(a.schema, variables, a.variableValues ?? {}).errors) return executeFn(a);
        const result = await compiled.query(a.rootValue, a.contextValue, a.variableValues ?? {});
        // The standard executor (as graphql-js) answers `{ errors, data }`, graphql-jit `{ data, errors }`; Yoga
        // serialises the keys in the order given, so a document's first run and the next ones differed.
        return result.errors ? { errors: result.errors.map((e) => located(e, compiled)), data: result.data } : result;
      });
    },
  };
}

function compile(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined): Compiled | null {
  const operation = getOperationAST(document, operationName);
  if (!operation || operation.operation !== 'query') return null;
  if (usesIncrementalDelivery(document) || variablesReachOneOf(schema, operation)) return null;
  // A document graphql-jit cannot compile still runs, on the standard executor.
  let compiled;
  try {
    compiled = withSettlingListItems(schema, () => compileQuery(schema, document, operationName, { disablingCapturingStackErrors: true }));
  } catch {
    return null;
  }
  if (!isCompiledQuery(compiled)) return null;
  return { query: compiled.query.bind(compiled), document, operation };
}

/**
 * Runs `compile` with every list field of `schema` resolving through settlingItems. graphql-jit takes each
 * field's resolver when it compiles, so the compiled code keeps the settling ones, and the standard executor,
 * which reads `field.resolve` as it runs, never sees them: compiling is synchronous, so no query runs before
 * they are put back. (A copy of the schema would do the same, but hand resolvers and type resolvers other
 * type objects and another `info.schema` than the ones they were built with.)
 */
function withSettlingListItems<T>(schema: GraphQLSchema, compile: () => T): T {
  const swapped: Array<[GraphQLField<unknown, unknown>, GraphQLFieldResolver<unknown, unknown> | undefined]> = [];
  try {
    for (const type of Object.values(schema.getTypeMap())) {
      // Introspection's lists are graphql-js's own, of plain values.
      if (!isObjectType(type) || isIntrospectionType(type)) continue;
      for (const field of Object.values(type.getFields())) {
        const depth = listDepth(field.type);
        if (depth === 0) continue;
        swapped.push([field, field.resolve]);
        field.resolve = settlingItems(field.resolve ?? defaultFieldResolver, depth);
      }
    }
    return compile();
  } finally {
    for (const [field, resolve] of swapped) field.resolve = resolve;
  }
}

/** How many lists `type` nests (`[[T]]`: 2); 0 when it is not a list. */
function listDepth(type: GraphQLOutputType): number {
  let depth = 0;
  for (let t = getNullableType(type); isListType(t); t = getNullableType(t.ofType)) depth++;
  return depth;
}

const isPromiseLike = (value: unknown): value is PromiseLike<unknown> =>
  typeof (value as { then?: unknown } | null)?.then === 'function';

/**
 * `resolve`, with each list item that is a promise turned into one that does not reject: a rejection
 * becomes its error, as a value. graphql-jit places an Error item at its index, with the item's path and
 * the error, and the standard executor (as graphql-js) answers an Error item exactly as a rejected one, so
 * the answers are the same. A list without promises (a page's edges: R1's 300 tasks) is returned as it is,
 * after one look at each item; one with promises (`nodes`, `_entities`) costs a promise more per item.
 */
function settlingItems(resolve: GraphQLFieldResolver<unknown, unknown>, depth: number): GraphQLFieldResolver<unknown, unknown> {
  return (source, args, context, info) => {
    const list = resolve(source, args, context, info);
    return isPromiseLike(list) ? Promise.resolve(list).then((l) => settled(l, depth)) : settled(list, depth);
  };
}

function settled(list: unknown, depth: number): unknown {
  // Not a list: graphql-jit answers it as the standard executor does (null, an Error, "Expected Iterable").
  if (list === null || typeof list !== 'object' || typeof (list as Iterable<unknown>)[Symbol.iterator] !== 'function') return list;
  // Another iterable is read once here; graphql-jit then reads the array.
  const items = Array.isArray(list) ? list : Array.from(list as Iterable<unknown>);
  if (depth === 1 && !items.some(isPromiseLike)) return items;
  const inner = depth > 1 ? (item: unknown) => settled(item, depth - 1) : undefined;
  return items.map((item) => (isPromiseLike(item) ? Promise.resolve(item).then(inner, asError) : inner ? inner(item) : item));
}

/**
 * What the standard executor (Yoga's, @graphql-tools/executor's coerceError, which it does not export) makes
 * of a rejection: the Error itself, a new one with the message of an object that has one, else the value as
 * text. graphql-jit, given the rejection itself, gave the same messages.
 */
function asError(err: unknown): Error {
  if (err instanceof Error) return err;
  const message = (err as { message?: unknown } | null)?.message;
  return new Error(typeof err === 'object' && err !== null && typeof message === 'string' ? message : String(err));
}

/**
 * graphql-jit's errors carry `locations` but not the AST nodes they come from, and Yoga rebuilds every error
 * from its nodes: without them a field error would lose its locations. The nodes are found again by the
 * error's path (errors are rare, so the walk is no cost).
 */
function located(error: GraphQLError, { document, operation }: Compiled): GraphQLError {
  const path = error.path ?? [];
  const nodes = fieldNodesAt(document, operation.selectionSet, path);
  const original = error.originalError;
  if (original instanceof GraphQLError && original.path) return original;
  return new GraphQLError(error.message, {
    nodes, path, originalError: original ?? null, ...(error.extensions ? { extensions: error.extensions } : {}),
  });
}

function fieldNodesAt(document: DocumentNode, root: SelectionSetNode, path: ReadonlyArray<string | number>): FieldNode[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  let sets: SelectionSetNode[] = [root];
  let nodes: FieldNode[] = [];
  for (const key of path) {
    if (typeof key === 'number') continue;
    nodes = [];
    const visit = (set: SelectionSetNode, seen: Set<string>): void => {
      for (const sel of set.selections) {
        if (sel.kind === Kind.FIELD) {
          if ((sel.alias ?? sel.name).value === key) nodes.push(sel);
        } else if (sel.kind === Kind.INLINE_FRAGMENT) {
          visit(sel.selectionSet, seen);
        } else if (!seen.has(sel.name.value)) {
          seen.add(sel.name.value);
          const fragment = fragments.get(sel.name.value);
          if (fragment) visit(fragment.selectionSet, seen);
        }
      }
    };
    for (const set of sets) visit(set, new Set());
    sets = nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
  }
  return nodes;
}

function variablesReachOneOf(schema: GraphQLSchema, operation: OperationDefinitionNode): boolean {
  const seen = new Set<GraphQLInputObjectType>();
  const reaches = (type: unknown): boolean => {
    const named = getNamedType(type as Parameters<typeof getNamedType>[0]);
    if (!isInputObjectType(named) || seen.has(named)) return false;
    seen.add(named);
    return named.isOneOf || Object.values(named.getFields()).some((f) => reaches(f.type));
  };
  // An unknown type fails validation before execution; treat it as reaching one, to be safe.
  return (operation.variableDefinitions ?? []).some((v) => {
    const type = typeFromAST(schema, v.type);
    return type === undefined || reaches(type);
  });
}
