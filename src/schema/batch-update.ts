// batchUpdateTasks: its input (a @oneOf per item), its result union, and the resolver that hands the
// batch to the engine (optionally behind an idempotency key).

import { Kind } from 'graphql';
import type { GraphQLResolveInfo, SelectionSetNode } from 'graphql';
import { createGraphQLError } from 'graphql-yoga';
import type { EnumRef } from '@pothos/core';
import type { Backend, ErrorCode, OutcomeError, TaskUpdate } from '../domain.js';
import type { ItemResult } from '../batch/plan.js';
import { IdempotencyConflictError, fingerprintOf } from '../batch/idempotency.js';
import { RunStoreUnavailableError } from '../batch/run-store.js';
import type { BatchJournal } from '../batch/journal.js';
import type { Recovery } from '../batch/batch-runs.js';
import { outcomeError } from '../domain.js';
import { ResultFeed } from '../batch/result-feed.js';
import { refuseOutsideWriteScopes } from '../access/scopes.js';
import { scopedSignal } from '../request-scope.js';
import type { Builder, SchemaTypes } from './builder.js';
import type { VendorSchemaKit, VendorSchemaParts } from './vendor-kit.js';
import type { WriteBehaviour } from '../vendors/vendor.js';
import { spendTaskById } from '../read-budget.js';

/** A vendor's update input as the @oneOf field `field` carries it, and how the vendor treats writes. */
export interface VendorInput { backend: Backend; field: string; parts: VendorSchemaParts<unknown>; writes: WriteBehaviour }

export function defineBatchUpdate(
  builder: Builder, BackendEnum: EnumRef<SchemaTypes, string, string>, TaskRef: VendorSchemaKit['TaskRef'], vendors: readonly VendorInput[],
) {
  // The result descriptions name the vendors whose writes behave specially, in their modules' own words.
  const unreadable = vendors.flatMap(({ writes }) => writes.unreadableAfter ?? []);
  const unconfirmed = vendors.flatMap(({ writes }) => writes.unconfirmedWhen ?? []);
  const notIdempotent = vendors.filter(({ writes }) => !writes.idempotent).map(({ backend }) => backend);

  const TaskUpdateInput = builder.inputType('TaskUpdateInput', {
    description: 'One update: set exactly one field, named after the vendor holding the task.',
    isOneOf: true,
    fields: (t) => Object.fromEntries(vendors.map(({ field, parts }) => [field, t.field({ type: parts.input, description: parts.inputDescription })])),
  });

  /** @oneOf guarantees exactly one field is set; the schema validated it before we got here. */
  function toTaskUpdate(item: Record<string, unknown>): TaskUpdate {
    for (const { backend, field, parts } of vendors) {
      const value = item[field];
      if (value !== null && value !== undefined) return { backend, update: parts.toUpdate(value) };
    }
    throw new Error('a TaskUpdateInput with no field set passed @oneOf validation');
  }

  const BatchUpdateTasksInput = builder.inputType('BatchUpdateTasksInput', {
    description: 'A batch of task updates for any mix of backends.',
    fields: (t) => ({
      items: t.field({ type: [TaskUpdateInput], required: true, description: 'The updates; each gets exactly one result, at its own index.' }),
      dryRun: t.boolean({ defaultValue: false, description: 'Validate and look every task up, but write nothing.' }),
      idempotencyKey: t.string({ description: 'A replay with the same key (within the TTL, same input) returns the stored results; nothing is resent. 1 to 255 characters.' }),
    }),
  });

  // ---- results ----

  const OutcomeRef = builder.interfaceRef<ItemResult>('TaskUpdateOutcome').implement({
    description: 'What happened to one input item.',
    fields: (t) => ({
      index: t.exposeInt('index', { description: '0-based position of the item in input.items.' }),
      backend: t.field({ type: BackendEnum, description: 'The backend the item was for.', resolve: (r) => r.backend }),
      nativeId: t.exposeString('nativeId', { description: 'The task id the item named.' }),
    }),
  });

  const errorOf = (r: ItemResult) => r.outcome as OutcomeError;

  const ErrorRef = builder.interfaceRef<ItemResult>('TaskUpdateError').implement({
    description: 'An item that was not applied (or whose fate is unknown: code OUTCOME_UNKNOWN).',
    interfaces: [OutcomeRef],
    fields: (t) => ({
      code: t.string({
        description: 'NOT_FOUND, PERMISSION_DENIED, REJECTED, INVALID_INPUT, BACKEND_NOT_CONFIGURED, BACKEND_UNAVAILABLE, BACKEND_AUTH_FAILED, OUTCOME_UNKNOWN, or CANCELLED (a batch job item never sent because the job was cancelled).',
        resolve: (r) => errorOf(r).code,
      }),
      message: t.string({ description: 'What went wrong, safe to show to a person.', resolve: (r, _a, ctx) => ctx.clientText(errorOf(r).message) }),
      vendorCode: t.string({ nullable: true, description: "The vendor's own error code, e.g. CWTKA0024E, 24411, SoNotFoundException.", resolve: (r, _a, ctx) => { const code = errorOf(r).vendorCode; return code === undefined ? null : ctx.clientText(code); } }),
      retryable: t.boolean({ description: 'Whether sending the same item again may succeed and is safe.', resolve: (r) => errorOf(r).retryable }),
    }),
  });

  const UpdatedRef = builder.objectRef<ItemResult>('TaskUpdated').implement({
    description: 'The backend confirmed the update.',
    interfaces: [OutcomeRef],
    fields: (t) => ({
      task: t.field({
        type: TaskRef,
        nullable: true,
        description: 'The task as the backend now holds it (read back when the vendor reply does not carry it). '
          + `Null when it cannot be read back${unreadable.length ? `, e.g. ${unreadable.join(' or ')}` : ''}: the update itself was confirmed.`,
        resolve: async (r, _args, ctx) => {
          if (r.outcome.kind === 'UPDATED' && r.outcome.task) return r.outcome.task;
          // A read-back is a vendor read like any other (a job's results page can ask for thousands).
          spendTaskById(ctx.signal, ctx.loaders, r.backend, r.nativeId);
          try {
            return (await ctx.loaders[r.backend]?.load(r.nativeId)) ?? null;
          } catch (err) {
            // The write is confirmed; a failed read-back must not turn it into an error.
            ctx.logger.warn({ err, backend: r.backend, nativeId: r.nativeId }, 'read-back after a confirmed update failed; task answered as null');
            return null;
          }
        },
      }),
    }),
  });

  const AcceptedRef = builder.objectRef<ItemResult>('TaskUpdateAccepted').implement({
    description: `Sent and accepted, but the backend did not confirm the result${unconfirmed.length ? ` (${unconfirmed.join('; ')})` : ''}.`,
    interfaces: [OutcomeRef],
    fields: (t) => ({
      message: t.string({ description: 'What the backend said, or did not.', resolve: (r, _a, ctx) => ctx.clientText(r.outcome.kind === 'ACCEPTED' ? r.outcome.message : '') }),
    }),
  });

  /** Error codes → result type. Codes without a type of their own report the backend as unavailable. */
  const ERROR_TYPE: Record<ErrorCode, string> = {
    NOT_FOUND: 'TaskNotFound',
    PERMISSION_DENIED: 'TaskUpdateDenied',
    REJECTED: 'TaskUpdateRejected',
    INVALID_INPUT: 'InvalidTaskUpdate',
    BACKEND_NOT_CONFIGURED: 'BackendUnavailable',
    BACKEND_UNAVAILABLE: 'BackendUnavailable',
    BACKEND_AUTH_FAILED: 'BackendUnavailable',
    OUTCOME_UNKNOWN: 'BackendUnavailable',
    CANCELLED: 'TaskUpdateCancelled',
  };

  const errorType = (name: string, description: string) =>
    builder.objectRef<ItemResult>(name).implement({ description, interfaces: [OutcomeRef, ErrorRef] });

  const resultTypes = [
    errorType('TaskNotFound', 'The backend has no task with this id (code NOT_FOUND).'),
    errorType('TaskUpdateDenied', 'The backend refused: no permission on this task (code PERMISSION_DENIED).'),
    errorType('TaskUpdateRejected', 'The backend refused the change: task state, validation (code REJECTED).'),
    errorType('InvalidTaskUpdate', 'taskhub refused the item before calling any backend (code INVALID_INPUT).'),
    errorType('BackendUnavailable',
      'The backend could not be used or did not answer: BACKEND_UNAVAILABLE, BACKEND_NOT_CONFIGURED, BACKEND_AUTH_FAILED, or OUTCOME_UNKNOWN when the reply to a sent update was lost.'),
    errorType('TaskUpdateCancelled',
      'A batch job item that was never sent because the job was cancelled first (code CANCELLED, retryable: true). Never returned by batchUpdateTasks.'),
  ];

  const ResultUnion = builder.unionType('TaskUpdateResult', {
    description: 'The outcome of one item.',
    types: [UpdatedRef, AcceptedRef, ...resultTypes],
    resolveType: (r: ItemResult) => {
      if (r.outcome.kind === 'UPDATED') return 'TaskUpdated';
      if (r.outcome.kind === 'ACCEPTED') return 'TaskUpdateAccepted';
      return ERROR_TYPE[r.outcome.code];
    },
  });

  /** A finished batch (also what an idempotency key stores). */
  interface Payload { results: ItemResult[]; replayed: boolean; recovered: number[] }

  /**
   * What the payload's fields read. Without `results @stream`, a finished batch. With it, the mutation answers
   * at once: `stream` hands out results in input order as backends finish, `results` settles with the batch.
   */
  interface ServedPayload {
    results: ItemResult[] | Promise<ItemResult[]>;
    replayed: boolean | Promise<boolean>;
    recovered: number[] | Promise<number[]>;
    stream?: AsyncIterable<ItemResult>;
  }

  const PayloadRef = builder.objectRef<ServedPayload>('BatchUpdateTasksPayload').implement({
    description: 'One result per input item, in input order, and their counts.',
    fields: (t) => ({
      results: t.field({
        type: [ResultUnion],
        description: 'Exactly one per input item, same order. With `@stream`, each result is sent as soon as its backend is done and every item before it is sent.',
        resolve: (p) => (p.stream ?? p.results) as ItemResult[],
      }),
      succeeded: t.int({ description: 'Items the backends confirmed (TaskUpdated).', resolve: (p) => count(p, 'UPDATED') }),
      accepted: t.int({ description: 'Items sent but not confirmed (TaskUpdateAccepted).', resolve: (p) => count(p, 'ACCEPTED') }),
      failed: t.int({ description: 'Items with an error result.', resolve: (p) => count(p, 'ERROR') }),
      replayed: t.boolean({
        description: 'True when this is the stored answer of an earlier call with the same idempotencyKey: this call sent nothing.',
        resolve: (p) => p.replayed,
      }),
      recovered: t.intList({
        description: 'Indexes of items an earlier call with the same idempotencyKey had started when its replica stopped (crash, lost Redis): '
          + `their outcome was taken from its journal, is OUTCOME_UNKNOWN for a non-idempotent write${notIdempotent.length ? ` (${notIdempotent.join(', ')})` : ''} it may have sent, `
          + 'or comes from resending an idempotent write. Empty for an uninterrupted batch.',
        resolve: (p) => p.recovered,
      }),
    }),
  });

  const count = async (p: ServedPayload, kind: string) => (await p.results).reduce((n, r) => n + (r.outcome.kind === kind ? 1 : 0), 0);

  builder.mutationField('batchUpdateTasks', (t) => t.field({
    type: PayloadRef,
    description: 'Apply a mixed batch of task updates across backends. Every item gets exactly one result at its own index; the mutation itself fails only for invalid GraphQL input.',
    args: { input: t.arg({ type: BatchUpdateTasksInput, required: true, description: 'The batch.' }) },
    resolve: async (_root, { input }, ctx, info): Promise<ServedPayload> => {
      const max = ctx.config.maxBatchItems;
      if (input.items.length > max) {
        throw createGraphQLError(`input.items has ${input.items.length} items; at most ${max} are accepted per call. Split the batch.`,
          { extensions: { code: 'BAD_USER_INPUT', argument: 'input.items' } });
      }
      const key = input.idempotencyKey ?? null;
      if (key !== null && (key.length === 0 || key.length > 255)) {
        throw createGraphQLError('input.idempotencyKey must be 1 to 255 characters', { extensions: { code: 'BAD_USER_INPUT', argument: 'input.idempotencyKey' } });
      }
      const dryRun = input.dryRun ?? false;
      const items = input.items.map((i) => toTaskUpdate(i));
      const feed = streamsResults(info) ? new ResultFeed(items.length) : undefined;
      // Writes follow the server's lifetime, not the client's: an update cut off half-way would be unknowable.
      // (A signal of its own that follows the shutdown signal, so the writes still carry the request id.)
      const run = (journal?: BatchJournal, recovery?: Recovery) => {
        const writes = dryRun ? { signal: ctx.signal, release: () => {} } : scopedSignal(ctx.shutdownSignal, ctx.signal);
        return ctx.engine.run(items, {
          dryRun, loaders: ctx.loaders, signal: writes.signal, refuse: refuseOutsideWriteScopes(ctx.principal),
          ...(feed ? { onSettled: (settled: readonly ItemResult[]) => feed.settle(settled) } : {}),
          ...(journal ? { journal } : {}), ...(recovery ? { recovery } : {}),
        }).finally(writes.release);
      };
      const finished = (async (): Promise<Payload> => {
        if (key === null) return { results: await run(), replayed: false, recovered: [] };
        try {
          // The caller's scope and key, digested: a fixed-length run id whatever the key holds.
          const runId = fingerprintOf([ctx.clientId, key]);
          return await ctx.batchRuns.run(runId, fingerprintOf({ items, dryRun }), items.length, run, ctx.signal);
        } catch (err) {
          if (err instanceof IdempotencyConflictError) {
            throw createGraphQLError(err.message, { extensions: { code: 'IDEMPOTENCY_KEY_REUSED', argument: 'input.idempotencyKey' } });
          }
          if (err instanceof RunStoreUnavailableError) {
            // Without the shared store a key cannot be honoured across replicas: nothing is sent.
            ctx.logger.warn({ err }, 'keyed batch refused: the idempotency store is unreachable');
            const outcome = outcomeError('BACKEND_UNAVAILABLE',
              `not sent: ${ctx.batchRuns.store.name} (where idempotency keys are kept) is unreachable; retry later with the same idempotencyKey`, { retryable: true });
            const results = items.map((item, index) => ({ index, backend: item.backend, nativeId: ctx.registry.vendor(item.backend)!.nativeIdOf(item.update), outcome }));
            return { results, replayed: false, recovered: [] };
          }
          throw err;
        }
      })();
      if (!feed) return finished;
      // Streaming: answer now; a failure of the whole batch (key reused) surfaces on `results` and the counts.
      const settle = <T>(p: Promise<T>) => { p.catch(() => { /* reported through the stream and the count fields */ }); return p; };
      const results = settle(finished.then((p) => p.results));
      feed.finish(results);
      return { results, replayed: settle(finished.then((p) => p.replayed)), recovered: settle(finished.then((p) => p.recovered)), stream: feed.inOrder() };
    },
  }));

  // Batch jobs (jobs.ts) take the same items and answer with the same result types.
  return { TaskUpdateInput, ResultUnion, toTaskUpdate };
}

/** Whether this field's selection asks for `results @stream` (directly, or in an inline fragment or fragment). */
function streamsResults(info: GraphQLResolveInfo): boolean {
  const seen = new Set<string>();
  const inSet = (set: SelectionSetNode | undefined): boolean => (set?.selections ?? []).some((sel) => {
    if (sel.kind === Kind.FIELD) return sel.name.value === 'results' && (sel.directives ?? []).some((d) => d.name.value === 'stream');
    if (sel.kind === Kind.INLINE_FRAGMENT) return inSet(sel.selectionSet);
    const name = sel.name.value;
    if (seen.has(name)) return false;
    seen.add(name);
    return inSet(info.fragments[name]?.selectionSet);
  });
  return info.fieldNodes.some((node) => inSet(node.selectionSet));
}
