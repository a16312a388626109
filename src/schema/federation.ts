// Apollo Federation v2: the vendors' task types, and the Task interface, are entities keyed by
// `backend nativeId`, so other subgraphs can reference taskhub tasks or add fields to them.
//
// The Task interface carries the same @key (Federation 2.3+ entity interface): a subgraph that knows only
// "a task" (an assignment, a comment) can return `Task` references or extend every task type at once with
// `type Task @key(fields: "backend nativeId") @interfaceObject`, without naming the vendor types.
// Every implementation here has that key too, as composition requires.

import { isUnionType } from 'graphql';
import type { GraphQLFieldResolver, GraphQLSchema } from 'graphql';
import { createGraphQLError } from 'graphql-yoga';
import type { Backend, DomainTask } from '../domain.js';
import type { Context } from '../context.js';
import type { Builder } from './builder.js';
import type { VendorSchemaKit } from './vendor-kit.js';
import { loadTask } from './task.js';

/** What a gateway sends in `_entities(representations:)` for a task, besides `__typename`. */
interface TaskKey { backend: Backend; nativeId: string }

/**
 * Most representations one `_entities` call answers; those past it are null, with one error at the first
 * of them. A gateway sends one per task it needs (a page of another subgraph's list), merged over a whole
 * query; the request's read budget (src/read-budget.ts) bounds the vendor calls they cost either way.
 */
export const MAX_ENTITY_REPRESENTATIONS = 1000;
/** Most representations one `_entities` call may carry at all: past it the call is refused whole. */
export const MAX_ENTITY_CALL = 10 * MAX_ENTITY_REPRESENTATIONS;

/**
 * The task a representation names, through the request's DataLoaders (so `_entities` shares the one-fetch-
 * per-task guarantee with `task`/`node`); null when the vendor has no such task, when the key is not a
 * task key, or when it names another backend than `expected` (an entity type belongs to one vendor).
 */
async function resolveTask(ref: Partial<TaskKey>, ctx: Context, expected?: Backend): Promise<DomainTask | null> {
  const { backend, nativeId } = ref;
  if (typeof nativeId !== 'string' || typeof backend !== 'string' || !ctx.registry.backends().includes(backend)) return null;
  if (expected && backend !== expected) return null;
  return loadTask(ctx, backend, nativeId);
}

/** Marks each vendor's task type (`vendorTypes`: backend → type name) and the Task interface as entities. */
export function defineEntities(builder: Builder, TaskRef: VendorSchemaKit['TaskRef'], vendorTypes: ReadonlyMap<Backend, string>): void {
  const taskKey = builder.selection<TaskKey>('backend nativeId');
  // The vendor types are defined (and not exported) by their own files; the builder resolves a type by its
  // name, and fails the build if a name here has no implementation.
  type EntityRef = ReturnType<typeof builder.objectRef<DomainTask>>;
  for (const [backend, name] of vendorTypes) {
    builder.asEntity(name as unknown as EntityRef, { key: taskKey, resolveReference: (ref, ctx) => resolveTask(ref, ctx, backend) });
  }
  // A `Task` reference resolves to the concrete type through the interface's resolveType.
  builder.asEntity(TaskRef, { key: taskKey, resolveReference: (ref, ctx) => resolveTask(ref, ctx) });
}

/**
 * Applies three rules to the federation fields Pothos adds to Query: `_service { sdl }` answers `sdl` (the
 * committed schema/subgraph.graphql, printed on first use, so a gateway composes exactly what is reviewed); it
 * is the whole schema, so it is refused when introspection is switched off (TASKHUB_INTROSPECTION=false); and
 * `_entities` answers each representation at its index, a malformed one with an error (those past
 * MAX_ENTITY_REPRESENTATIONS with null and one error; a call past MAX_ENTITY_CALL is refused whole).
 * Returns the same schema.
 */
export function guardFederationFields(schema: GraphQLSchema, sdl: () => Promise<string>): GraphQLSchema {
  const fields = schema.getQueryType()?.getFields() ?? {};
  const service = fields['_service'];
  const entities = fields['_entities'];
  if (!service || !entities?.resolve) throw new Error('the subgraph schema lacks _service or _entities');

  const serviceResolve: GraphQLFieldResolver<unknown, Context> = (_source, _args, ctx) => {
    if (!ctx.config.introspection) {
      throw createGraphQLError('_service is disabled along with introspection; compose from schema/subgraph.graphql', {
        extensions: { code: 'FORBIDDEN' },
      });
    }
    return sdl().then((text) => ({ sdl: text }));
  };
  service.resolve = serviceResolve;

  // What a representation may name: the members of _Entity, and Task (an entity interface). Apollo's resolver
  // throws a bare Error on anything else (an internal error, logged with its stack), so it is checked first.
  const entityUnion = schema.getType('_Entity');
  const entityNames = [...(isUnionType(entityUnion) ? entityUnion.getTypes().map((t) => t.name) : []), 'Task'].sort();
  const refuse = (message: string) => createGraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', argument: 'representations' } });

  /** What is wrong with representation `i`, or null. */
  const problemOf = (r: unknown, i: number, ctx: Context): string | null => {
    const typename = r !== null && typeof r === 'object' ? (r as { __typename?: unknown }).__typename : undefined;
    if (typeof typename !== 'string') return `representations[${i}] must be an object with a __typename`;
    if (!entityNames.includes(typename)) {
      // The list of entities is schema, kept to itself when introspection is off.
      const which = ctx.config.introspection ? ` (${entityNames.join(', ')})` : '';
      return `representations[${i}]: ${typename.slice(0, 100)} is not an entity of this subgraph${which}`;
    }
    const { backend, nativeId } = r as Partial<Record<keyof TaskKey, unknown>>;
    if (typeof backend !== 'string' || !ctx.registry.backends().includes(backend as Backend)) {
      return `representations[${i}]: backend must be one of ${ctx.registry.backends().join(', ')}`;
    }
    if (typeof nativeId !== 'string' || nativeId === '') return `representations[${i}]: nativeId must be a non-empty string`;
    return null;
  };

  // One answer per representation, at its index: a bad one is an error there, and the others resolve. A
  // gateway merges the references of a whole query into one call, so a refusal of the call would have made
  // every task of it null, with no error reaching the client.
  const entitiesResolve: GraphQLFieldResolver<unknown, Context, { representations: unknown[] }> = entities.resolve;
  entities.resolve = (source, args: { representations: unknown[] }, ctx, info) => {
    const count = args.representations.length;
    // Far past what any gateway sends: one error, before any work (each answer costs memory and time).
    if (count > MAX_ENTITY_CALL) throw refuse(`_entities takes at most ${MAX_ENTITY_CALL} representations a call; got ${count}`);
    const answers: unknown[] = new Array(count).fill(null);
    const valid: unknown[] = [];
    const at: number[] = [];
    args.representations.forEach((r, i) => {
      if (i >= MAX_ENTITY_REPRESENTATIONS) return;
      const problem = problemOf(r, i, ctx);
      if (problem === null) { valid.push(r); at.push(i); } else answers[i] = refuse(problem);
    });
    // Those past the first MAX_ENTITY_REPRESENTATIONS are null, with one error, at the first of them.
    if (count > MAX_ENTITY_REPRESENTATIONS) {
      answers[MAX_ENTITY_REPRESENTATIONS] = refuse(`representations ${MAX_ENTITY_REPRESENTATIONS + 1} to ${count} are not answered: `
        + `_entities answers at most ${MAX_ENTITY_REPRESENTATIONS} a call; send the rest in another`);
    }
    if (valid.length === 0) return answers;
    return Promise.resolve(entitiesResolve(source, { ...args, representations: valid }, ctx, info)).then((resolved) => {
      (resolved as unknown[]).forEach((value, k) => { answers[at[k]!] = value; });
      return answers;
    });
  };
  return schema;
}
