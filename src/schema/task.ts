// Node, the Task interface, the shared enums, and the read queries: node, nodes, task, tasks. The Backend
// enum and the Node/Task type resolution come from the vendor modules the schema is built for.

import { createGraphQLError } from 'graphql-yoga';
import { TASK_STATUSES } from '../domain.js';
import type { Backend, DomainTask, KeyValue, TaskStatus } from '../domain.js';
import { decodeCursor, decodeGlobalId, encodeCursor, encodeGlobalId } from '../global-id.js';
import { isBackendError } from '../errors.js';
import { listTaskPage } from '../task-list.js';
import { spendListRows, spendTaskById } from '../read-budget.js';
import type { ListBackendError, ListedTask } from '../task-list.js';
import type { Context } from '../context.js';
import type { Builder } from './builder.js';
import type { VendorSchemaKit } from './vendor-kit.js';
import type { AnyVendorModule } from '../vendors/vendor.js';

const STATUS_DESCRIPTIONS: Record<TaskStatus, string> = {
  NEW: 'Created, not yet ready to be worked on.',
  READY: 'Ready to be claimed or started.',
  IN_PROGRESS: 'Claimed, opened, allocated or running.',
  WAITING: 'Waiting on something outside the task.',
  SUSPENDED: 'Suspended or asleep; resumes later.',
  COMPLETED: 'Finished successfully.',
  FAILED: 'Ended in failure or expired.',
  CANCELLED: 'Stopped or terminated before completion.',
  UNKNOWN: 'The vendor reported a state taskhub does not map; see vendorStatus.',
};

/**
 * The shared types and the read queries. `typeNames` (backend → its task type) is filled as the vendor
 * types are defined; it is read only when a query resolves a task's type.
 */
/**
 * A Node type that is not a task (batch jobs): `load` answers `undefined` for ids that are not its own,
 * `owns` recognises its objects for `Node`'s type resolution.
 */
export interface OtherNodeKind {
  typeName: string;
  load(id: string, ctx: Context): Promise<object | null> | undefined;
  owns(value: object): boolean;
}

export function defineTaskTypes(
  builder: Builder, vendors: readonly AnyVendorModule[], typeNames: ReadonlyMap<Backend, string>,
  /** Filled in later in the build (jobs.ts): read at request time only. */
  otherNodes: readonly OtherNodeKind[] = [],
) {
  const BackendEnum = builder.enumType('Backend', {
    description: 'A vendor task system taskhub fronts.',
    values: Object.fromEntries(vendors.map((v) => [v.backend, { description: v.description }])),
  });
  const typeNameOf = (task: DomainTask): string => {
    const name = typeNames.get(task.backend);
    if (!name) throw new Error(`no GraphQL type for backend ${task.backend}`);
    return name;
  };

  const TaskStatusEnum = builder.enumType('TaskStatus', {
    description: "Normalised lifecycle state; the vendor's own word is in vendorStatus.",
    values: Object.fromEntries(TASK_STATUSES.map((s) => [s, { description: STATUS_DESCRIPTIONS[s] }])) as Record<TaskStatus, { description: string }>,
  });

  const KeyValueRef = builder.objectRef<KeyValue>('KeyValue').implement({
    description: 'A named string value (custom properties, data fields).',
    fields: (t) => ({
      key: t.exposeString('key', { description: 'The name.' }),
      value: t.exposeString('value', { description: 'The value, as the vendor holds it.' }),
    }),
  });

  const KeyValueInput = builder.inputType('KeyValueInput', {
    description: 'A named string value to set.',
    fields: (t) => ({
      key: t.string({ required: true, description: 'The name.' }),
      value: t.string({ required: true, description: 'The value.' }),
    }),
  });

  const loadNode = (ctx: Context, id: string) => {
    const ref = decodeGlobalId(id, ctx.registry.backends());
    if (ref) return loadTask(ctx, ref.backend, ref.nativeId);
    for (const kind of otherNodes) {
      const found = kind.load(id, ctx);
      if (found !== undefined) return found as Promise<DomainTask | null>;
    }
    return null;
  };

  const NodeRef = builder.interfaceRef<DomainTask>('Node').implement({
    description: 'An object with a global id that `node(id:)` resolves.',
    resolveType: (value) => otherNodes.find((k) => k.owns(value))?.typeName ?? typeNameOf(value),
    fields: (t) => ({
      id: t.id({
        description: 'Opaque global id; pass it to `node(id:)` to fetch the object again.',
        resolve: (task) => encodeGlobalId(task.backend, task.nativeId),
      }),
    }),
  });

  const TaskRef = builder.interfaceRef<DomainTask>('Task').implement({
    description: 'A work item held by one of the vendor backends. Each vendor has its own type with its own fields.',
    interfaces: [NodeRef],
    resolveType: typeNameOf,
    fields: (t) => ({
      backend: t.field({ type: BackendEnum, description: 'Which vendor holds the task.', resolve: (task) => task.backend }),
      nativeId: t.exposeString('nativeId', {
        description: `The id in the vendor system: ${vendors.map((v) => v.nativeIdName).join(', ')}.`,
      }),
      name: t.exposeString('name', { nullable: true, description: 'Human-readable name.' }),
      status: t.field({ type: TaskStatusEnum, description: 'Normalised lifecycle state.', resolve: (task) => task.status }),
      vendorStatus: t.exposeString('vendorStatus', { nullable: true, description: "The vendor's own status word, unchanged." }),
      description: t.exposeString('description', { nullable: true, description: 'Longer description, where the vendor has one.' }),
      priority: t.exposeInt('priority', { nullable: true, description: "Priority, in the vendor's own scale, where it has one." }),
    }),
  });

  builder.queryFields((t) => ({
    node: t.field({
      type: NodeRef,
      nullable: true,
      description: 'Any object by its global id; null when it no longer exists.',
      args: { id: t.arg.id({ required: true, description: 'A global id from a `Node.id` field.' }) },
      resolve: (_root, { id }, ctx) => loadNode(ctx, String(id)),
    }),
    nodes: t.field({
      type: [NodeRef],
      nullable: { list: false, items: true },
      description: 'Several objects by global id, in the order given; null for each that does not exist.',
      args: { ids: t.arg.idList({ required: true, description: 'Global ids from `Node.id` fields (at most 100).' }) },
      resolve: (_root, { ids }, ctx) => {
        if (ids.length > 100) throw createGraphQLError(`nodes accepts at most 100 ids; got ${ids.length}`, { extensions: { code: 'BAD_USER_INPUT' } });
        return ids.map((id) => loadNode(ctx, String(id)));
      },
    }),
    task: t.field({
      type: TaskRef,
      nullable: true,
      description: 'One task by backend and native id; null when the backend says it does not exist.',
      args: {
        backend: t.arg({ type: BackendEnum, required: true, description: 'The vendor holding the task.' }),
        nativeId: t.arg.string({ required: true, description: "The task's id in that vendor." }),
      },
      resolve: (_root, { backend, nativeId }, ctx) => loadTask(ctx, backend, nativeId),
    }),
    tasks: t.field({
      type: TaskConnectionRef,
      description: 'Tasks of every configured backend, merged into one list (backends in enum order, each in its own order), paged with one cursor.',
      args: {
        filter: t.arg({ type: TaskFilterInput, required: false, description: 'Restrict to some backends and statuses.' }),
        first: t.arg.int({ required: false, defaultValue: 50, description: 'Page size, 0 to 500.' }),
        after: t.arg.string({ required: false, description: 'Return tasks after this cursor (an `endCursor` or edge cursor).' }),
      },
      resolve: async (_root, { filter, first, after }, ctx) => {
        const size = first ?? 50;
        if (size < 0 || size > 500) {
          throw createGraphQLError(`first must be between 0 and 500; got ${size}`, { extensions: { code: 'BAD_USER_INPUT', argument: 'first' } });
        }
        const position = after ? decodeCursor(after, ctx.registry.backends()) : null;
        if (after && !position) {
          throw createGraphQLError('after is not a cursor returned by this API', { extensions: { code: 'BAD_USER_INPUT', argument: 'after' } });
        }
        if (position && filter?.backends?.length && !filter.backends.includes(position.backend)) {
          throw createGraphQLError(`after is a cursor in ${position.backend}'s tasks, which this filter leaves out; page with the filter the cursor came from`, {
            extensions: { code: 'BAD_USER_INPUT', argument: 'after' },
          });
        }
        const page = await listTaskPage(ctx.registry, {
          backends: filter?.backends ?? null, statuses: filter?.statuses ?? null, first: size, after: position,
          charge: (rows) => spendListRows(ctx.signal, rows),
        }, ctx.signal, ctx.logger);
        for (const { task } of page.items) ctx.loaders[task.backend]?.prime(task.nativeId, task);
        return page;
      },
    }),
  }));

  const TaskFilterInput = builder.inputType('TaskFilter', {
    description: 'Which tasks `tasks` returns; every given condition must hold.',
    fields: (t) => ({
      backends: t.field({ type: [BackendEnum], required: false, description: 'Only these backends (default: all configured).' }),
      statuses: t.field({ type: [TaskStatusEnum], required: false, description: 'Only tasks in one of these normalised statuses.' }),
    }),
  });

  const PageInfoRef = builder.objectRef<{ hasNextPage: boolean; endCursor: string | null; startCursor: string | null }>('PageInfo').implement({
    description: 'Relay page information.',
    // Relay's PageInfo is in every Relay-style subgraph: without @shareable, composing taskhub beside one
    // fails (INVALID_FIELD_SHARING), and only taskhub could mark its own copy.
    shareable: true,
    fields: (t) => ({
      hasNextPage: t.exposeBoolean('hasNextPage', { description: 'Whether more tasks follow this page.' }),
      hasPreviousPage: t.boolean({ description: 'Always false: the list pages forward only.', resolve: () => false }),
      startCursor: t.exposeString('startCursor', { nullable: true, description: 'Cursor of the first edge.' }),
      endCursor: t.exposeString('endCursor', { nullable: true, description: 'Cursor of the last edge; pass it as `after` for the next page.' }),
    }),
  });

  const TaskEdgeRef = builder.objectRef<ListedTask>('TaskEdge').implement({
    description: 'A task in a page of `tasks`.',
    fields: (t) => ({
      cursor: t.string({ description: 'Opaque position of this task in the merged list.', resolve: (e) => encodeCursor(e.position) }),
      node: t.field({ type: TaskRef, description: 'The task.', resolve: (e) => e.task }),
    }),
  });

  const BackendErrorRef = builder.objectRef<ListBackendError>('BackendError').implement({
    description: 'A backend that failed while this page was read; the other backends still answered.',
    fields: (t) => ({
      backend: t.field({ type: BackendEnum, description: 'The backend that failed.', resolve: (e) => e.backend }),
      code: t.exposeString('code', { description: 'BACKEND_UNAVAILABLE, BACKEND_AUTH_FAILED, BACKEND_NOT_CONFIGURED, ...' }),
      message: t.string({ description: 'What went wrong, safe to show to a person.', resolve: (e, _a, ctx) => ctx.clientText(e.message) }),
    }),
  });

  const TaskConnectionRef = builder.objectRef<{ items: ListedTask[]; hasNextPage: boolean; backendErrors: ListBackendError[] }>('TaskConnection').implement({
    description: 'A page of tasks across backends.',
    fields: (t) => ({
      edges: t.field({ type: [TaskEdgeRef], description: 'The tasks of this page, in list order.', resolve: (p) => p.items }),
      pageInfo: t.field({
        type: PageInfoRef,
        description: 'Where this page sits in the list.',
        resolve: (p) => ({
          hasNextPage: p.hasNextPage,
          startCursor: p.items.length ? encodeCursor(p.items[0]!.position) : null,
          endCursor: p.items.length ? encodeCursor(p.items[p.items.length - 1]!.position) : null,
        }),
      }),
      backendErrors: t.field({ type: [BackendErrorRef], description: 'Backends that failed during this page.', resolve: (p) => p.backendErrors }),
    }),
  });

  const kit: Omit<VendorSchemaKit, 'builder'> = { NodeRef, TaskRef, KeyValueRef, KeyValueInput, isTaskOf };
  return { ...kit, BackendEnum, TaskStatusEnum, PageInfoRef };
}

/** One task by backend and native id: null when the vendor says it does not exist or the id cannot be one. */
export async function loadTask(ctx: Context, backend: Backend, nativeId: string): Promise<DomainTask | null> {
  const loader = ctx.loaders[backend];
  if (!loader) {
    throw createGraphQLError(`backend ${backend} is not configured on this taskhub`, {
      extensions: { code: 'BACKEND_NOT_CONFIGURED', backend },
    });
  }
  spendTaskById(ctx.signal, ctx.loaders, backend, nativeId);
  try {
    return await loader.load(nativeId);
  } catch (err) {
    if (isBackendError(err)) {
      throw createGraphQLError(ctx.clientText(err.message), { extensions: { code: err.code, backend, retryable: err.retryable } });
    }
    throw err;
  }
}

export const isTaskOf = <B extends Backend>(backend: B) => (value: unknown): boolean =>
  typeof value === 'object' && value !== null && (value as { backend?: unknown }).backend === backend;

