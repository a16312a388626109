// Batch jobs: startBatchUpdateJob / cancelBatchUpdateJob, the BatchUpdateJob node with its paged results,
// and batchUpdateJobProgress over Server-Sent Events. The work itself is in src/jobs/.

import { GraphQLError } from 'graphql';
import { createGraphQLError } from 'graphql-yoga';
import type { ItemResult } from '../batch/plan.js';
import { IdempotencyConflictError } from '../batch/idempotency.js';
import type { JobRecord, JobState, ResultKind } from '../jobs/store.js';
import { decodeJobId, decodeResultCursor, encodeJobId, encodeResultCursor } from '../jobs/ids.js';
import { readUploadedItems, UploadError } from '../jobs/upload.js';
import type { Context } from '../context.js';
import type { Builder } from './builder.js';
import type { defineTaskTypes, OtherNodeKind } from './task.js';
import { refuseOutsideWriteScopes } from '../access/scopes.js';
import { collectSoon, LARGE_UPLOAD_ITEMS, withTightHeapGrowth } from '../heap-growth.js';
import type { defineBatchUpdate } from './batch-update.js';

/** A job as the schema sees it; the brand lets `Node` tell it from a task. */
type JobView = JobRecord & { readonly nodeType: 'BatchUpdateJob' };
const view = (job: JobRecord): JobView => ({ ...job, nodeType: 'BatchUpdateJob' });

const MAX_PAGE = 5000;

const badInput = (message: string, argument: string) =>
  createGraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', argument } });

/** Any other failure of the job store (Redis unreachable): a clear, retryable error instead of a masked one. */
async function guarded<T>(ctx: Context, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof GraphQLError || err instanceof IdempotencyConflictError) throw err;
    ctx.logger.error({ err }, 'batch job store failed');
    throw createGraphQLError('batch jobs are unavailable right now: their store (Redis) did not answer; try again',
      { extensions: { code: 'JOBS_UNAVAILABLE', retryable: true, http: { status: 503 } } });
  }
}

const notFound = () => createGraphQLError('no batch job with this id (it may have expired)', { extensions: { code: 'NOT_FOUND' } });

/**
 * The job types, queries, mutations and the progress subscription. `otherNodes` is the list `Node`
 * consults for ids that are not tasks (defineTaskTypes): jobs add themselves to it.
 */
export function defineJobs(
  builder: Builder,
  { NodeRef, PageInfoRef }: Pick<ReturnType<typeof defineTaskTypes>, 'NodeRef' | 'PageInfoRef'>,
  { TaskUpdateInput, ResultUnion, toTaskUpdate }: ReturnType<typeof defineBatchUpdate>,
  otherNodes: OtherNodeKind[],
): void {
builder.scalarType('File', {
  description: 'A file sent with the request as a GraphQL multipart request (https://github.com/jaydenseric/graphql-multipart-request-spec).',
  serialize: () => { throw new Error('File is an input-only scalar'); },
  // Only what the multipart request put in the variable: anything else (a string, an object) was read as a
  // file later and failed as an internal error.
  parseValue: (value) => {
    // Duck-typed: Yoga's multipart parser hands out its fetch implementation's File, not always Node's own.
    const file = value as Partial<File> | null;
    if (typeof file?.arrayBuffer === 'function' && typeof file.name === 'string') return value as File;
    throw new GraphQLError(`a File is a file part of a GraphQL multipart request (the 'map' field points the variable at it); got ${describe(value)}`);
  },
  parseLiteral: () => {
    throw new GraphQLError('a File cannot be written in the document: pass it as a variable filled by a GraphQL multipart request');
  },
});

const JobStateEnum = builder.enumType('BatchUpdateJobState', {
  description: 'Where a batch job is in its life.',
  values: {
    QUEUED: { description: 'Stored, waiting for a worker.' },
    RUNNING: { description: 'A worker is sending its items.' },
    COMPLETED: { description: 'Every item has its result.' },
    CANCELLED: { description: 'Cancelled: items sent before the cancel have their results, the rest are TaskUpdateCancelled.' },
    FAILED: { description: 'taskhub could not go on with the job; items without a result were answered BACKEND_UNAVAILABLE (retryable).' },
  } satisfies Record<JobState, unknown>,
});

// Like Salesforce Bulk API's failedResults/successfulResults: after a large job, a client reads the few
// items that need attention without paging through all of them.
const ResultFilterEnum = builder.enumType('BatchUpdateJobResultKind', {
  description: 'A kind of item result, as the job counts them (succeeded, accepted, failed).',
  values: {
    SUCCEEDED: { value: 'succeeded' as const, description: 'Confirmed by the backend (TaskUpdated).' },
    ACCEPTED: { value: 'accepted' as const, description: 'Sent, but the backend did not confirm it (TaskUpdateAccepted).' },
    FAILED: { value: 'failed' as const, description: 'An error result of any kind, cancelled items included; `retryable` says which to send again.' },
  } satisfies Record<string, { value: ResultKind; description: string }>,
});

const BatchUpdateJobInput = builder.inputType('BatchUpdateJobInput', {
  description: 'A batch job: the items inline or as an uploaded file (exactly one of the two).',
  fields: (t) => ({
    items: t.field({ type: [TaskUpdateInput], required: false, description: 'The updates, inline; each gets exactly one result, at its own index.' }),
    file: t.field({
      type: 'File', required: false,
      description: 'The updates as a JSONL or CSV file in the taskhub-batch line format (named .jsonl, .ndjson or .csv); item i is the i-th item line. A file with an invalid line is refused as a whole.',
    }),
    dryRun: t.boolean({ defaultValue: false, description: 'Validate and look every task up, but write nothing.' }),
    idempotencyKey: t.string({ description: 'The same key (with the same input, while the job is kept) returns the same job; nothing is started twice. 1 to 255 characters.' }),
  }),
});

const ResultEdgeRef = builder.objectRef<ItemResult>('TaskUpdateResultEdge').implement({
  description: 'One item result in a page of a job\'s results.',
  fields: (t) => ({
    cursor: t.string({ description: 'Opaque position of this result; pass it as `after` for the results that follow.', resolve: (r) => encodeResultCursor(r.index) }),
    node: t.field({ type: ResultUnion, description: 'The outcome of the item (its index is the position in the job\'s input).', resolve: (r) => r }),
  }),
});

interface ResultPageView { results: ItemResult[]; hasNextPage: boolean }

const ResultConnectionRef = builder.objectRef<ResultPageView>('TaskUpdateResultConnection').implement({
  description: 'A page of a batch job\'s item results, in input order. While the job runs, items without a result yet are left out.',
  fields: (t) => ({
    edges: t.field({ type: [ResultEdgeRef], description: 'The results of this page.', resolve: (p) => p.results }),
    pageInfo: t.field({
      type: PageInfoRef,
      description: 'Where this page sits in the results.',
      resolve: (p) => ({
        hasNextPage: p.hasNextPage,
        startCursor: p.results.length ? encodeResultCursor(p.results[0]!.index) : null,
        endCursor: p.results.length ? encodeResultCursor(p.results[p.results.length - 1]!.index) : null,
      }),
    }),
  }),
});

const JobRef = builder.objectRef<JobView>('BatchUpdateJob').implement({
  description: 'A batch of task updates run by taskhub apart from any request (startBatchUpdateJob). Kept, with its results, for TASKHUB_JOB_TTL_SECONDS after it finishes.',
  interfaces: [NodeRef as never],
  fields: (t) => ({
    id: t.id({ description: 'Opaque global id; `batchUpdateJob(id:)` and `node(id:)` resolve it.', resolve: (j) => encodeJobId(j.id) }),
    state: t.field({ type: JobStateEnum, description: 'Where the job is in its life.', resolve: (j) => j.state }),
    total: t.int({ description: 'Items in the job.', resolve: (j) => j.total }),
    done: t.int({ description: 'Items with a result so far.', resolve: (j) => j.counts.done }),
    succeeded: t.int({ description: 'Items the backends confirmed (TaskUpdated).', resolve: (j) => j.counts.succeeded }),
    accepted: t.int({ description: 'Items sent but not confirmed (TaskUpdateAccepted).', resolve: (j) => j.counts.accepted }),
    failed: t.int({ description: 'Items with an error result (cancelled items included).', resolve: (j) => j.counts.failed }),
    dryRun: t.boolean({ description: 'Whether the job only validates and looks tasks up.', resolve: (j) => j.dryRun }),
    cancelRequested: t.boolean({ description: 'Whether cancelBatchUpdateJob was called; a running job stops before its next chunk of items.', resolve: (j) => j.cancelRequested }),
    createdAt: t.string({ description: 'When the job was started (ISO 8601).', resolve: (j) => j.createdAt }),
    startedAt: t.string({ nullable: true, description: 'When a worker began sending (ISO 8601).', resolve: (j) => j.startedAt }),
    finishedAt: t.string({ nullable: true, description: 'When the job reached COMPLETED, CANCELLED or FAILED (ISO 8601).', resolve: (j) => j.finishedAt }),
    results: t.field({
      type: ResultConnectionRef,
      description: `Item results in input order, ${MAX_PAGE} at most per page.`,
      args: {
        first: t.arg.int({ defaultValue: 100, description: `How many results (0 to ${MAX_PAGE}).` }),
        after: t.arg.string({ description: 'The cursor of the result to continue after.' }),
        only: t.arg({ type: ResultFilterEnum, description: 'Only the results counted in this counter (e.g. FAILED: the items to look at or send again); all results when omitted.' }),
      },
      resolve: async (j, { first, after, only }, ctx) => {
        const limit = first ?? 100;
        if (limit < 0 || limit > MAX_PAGE) throw badInput(`first must be 0 to ${MAX_PAGE}; got ${limit}`, 'first');
        let from = 0;
        if (after != null) {
          const at = decodeResultCursor(after);
          if (at === null) throw badInput('after is not a cursor from this connection', 'after');
          from = at + 1;
        }
        const page = await guarded(ctx, () => ctx.jobs.results(j.owner, j.id, from, limit, only ?? undefined));
        if (!page) throw notFound();
        return { results: page.results, hasNextPage: page.next !== null };
      },
    }),
  }),
});

async function loadJob(ctx: Context, id: string): Promise<JobView | null> {
  const storeId = decodeJobId(id);
  const job = storeId === null ? null : await guarded(ctx, () => ctx.jobs.get(ctx.clientId, storeId));
  return job ? view(job) : null;
}

otherNodes.push({
  typeName: 'BatchUpdateJob',
  load: (id, ctx) => (decodeJobId(id) === null ? undefined : loadJob(ctx, id)),
  owns: (value) => (value as Partial<JobView>).nodeType === 'BatchUpdateJob',
});

builder.queryField('batchUpdateJob', (t) => t.field({
  type: JobRef,
  nullable: true,
  description: 'A batch job you started; null when there is none with this id (or it expired).',
  args: { id: t.arg.id({ required: true, description: 'The job\'s id.' }) },
  resolve: (_root, { id }, ctx) => loadJob(ctx, String(id)),
}));

builder.mutationField('startBatchUpdateJob', (t) => t.field({
  type: JobRef,
  description: 'Store a batch of task updates and run it in the background; returns at once (state QUEUED). Follow it with batchUpdateJobProgress or batchUpdateJob, read its results when it finishes.',
  args: { input: t.arg({ type: BatchUpdateJobInput, required: true, description: 'The job.' }) },
  // Its items are taken in under the batch job heap bound (src/heap-growth.ts): an upload is the largest
  // live set this server holds.
  resolve: (_root, { input }, ctx) => withTightHeapGrowth(async () => {
    const max = ctx.config.jobs.maxItems;
    const inline = input.items ?? null;
    const file = input.file ?? null;
    if ((inline === null) === (file === null)) throw badInput('give exactly one of input.items and input.file', 'input');
    const key = input.idempotencyKey ?? undefined;
    if (key !== undefined && (key.length === 0 || key.length > 255)) throw badInput('input.idempotencyKey must be 1 to 255 characters', 'input.idempotencyKey');
    if (inline && inline.length > max) {
      throw badInput(`input.items has ${inline.length} items; at most ${max} are accepted per job (TASKHUB_MAX_JOB_ITEMS)`, 'input.items');
    }
    let raw: Array<Record<string, unknown>>;
    try {
      raw = (inline ?? await readUploadedItems(file!, max)) as Array<Record<string, unknown>>;
    } catch (err) {
      if (err instanceof UploadError) throw badInput(err.message, 'input.file');
      throw err;
    }
    try {
      const job = await guarded(ctx, () => ctx.jobs.start(ctx.clientId, {
        items: raw.map((i) => toTaskUpdate(i)), dryRun: input.dryRun ?? false, refuse: refuseOutsideWriteScopes(ctx.principal), ...(key === undefined ? {} : { idempotencyKey: key }),
      }));
      if (raw.length >= LARGE_UPLOAD_ITEMS) collectSoon();
      return view(job);
    } catch (err) {
      if (err instanceof IdempotencyConflictError) {
        throw createGraphQLError(err.message, { extensions: { code: 'IDEMPOTENCY_KEY_REUSED', argument: 'input.idempotencyKey' } });
      }
      throw err;
    }
  }),
}));

builder.mutationField('cancelBatchUpdateJob', (t) => t.field({
  type: JobRef,
  description: 'Cancel a batch job: items not yet sent end as TaskUpdateCancelled (code CANCELLED, retryable); items already sent keep their results. A finished job is returned unchanged.',
  args: { id: t.arg.id({ required: true, description: 'The job\'s id.' }) },
  resolve: async (_root, { id }, ctx) => {
    const storeId = decodeJobId(String(id));
    const job = storeId === null ? null : await guarded(ctx, () => ctx.jobs.cancel(ctx.clientId, storeId));
    if (!job) throw notFound();
    return view(job);
  },
}));

builder.subscriptionType({ description: 'Live updates, served as Server-Sent Events (send `Accept: text/event-stream`).' });

builder.subscriptionField('batchUpdateJobProgress', (t) => t.field({
  type: JobRef,
  description: 'The job now, then on every change and at least every second while it runs; the last event is the finished job, then the stream ends.',
  args: { id: t.arg.id({ required: true, description: 'The job\'s id.' }) },
  subscribe: async function* (_root, { id }, ctx) {
    const storeId = decodeJobId(String(id));
    const first = storeId === null ? null : await guarded(ctx, () => ctx.jobs.get(ctx.clientId, storeId));
    if (!first) throw notFound();
    for await (const job of ctx.jobs.follow(ctx.clientId, storeId!, ctx.signal)) yield view(job);
  },
  resolve: (job) => job,
}));
}

const describe = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
