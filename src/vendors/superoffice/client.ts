// SuperOffice Web API v1 BatchTask adapter. One VendorTransport against the tenant root
// (https://online.superoffice.com/Cust12345); the bearer token (and app token) is added in `headers()`.
// Reads are one GET per id; writes are one PUT per task, each carrying all four writable fields, the
// unchanged ones read from the task first, because a PUT may reset a writable field it leaves out.
//
// No Accept-Language / SO-TimeZone on purpose: values come back raw (`[SR_…]`, multi-language strings,
// dates with their offset), so what is written back unchanged is exactly what the vendor held.

import type { DomainTask, UpdateOutcome } from '../../domain.js';
import type { SuperOfficeTask, SuperOfficeTaskUpdate } from './model.js';
import { SUPEROFFICE_WRITES } from './model.js';
import { BackendError, outcomeFromError } from '../../errors.js';
import type { BackendAdapter, ClientCommon, TaskListSlice } from '../adapter.js';
import { fetchEach, pLimit, readConcurrencyOf } from '../concurrency.js';
import { journalSending, notJournaled } from '../../batch/journal.js';
import type { BatchJournal } from '../../batch/journal.js';
import { memoInRequest } from '../../request-scope.js';
import type { LimitFunction } from 'p-limit';
import { VendorTransport } from '../../transport/vendor-transport.js';
import type { HttpResponse } from '../../transport/vendor-transport.js';
import { pathSegment } from '../../transport/encoding.js';
import { PROCESS_LOCAL_LOCKS, withTaskLock } from '../task-locks.js';
import type { TaskLocks } from '../task-locks.js';
import {
  errorFromReply, isSuperOfficeNotFound, isValidBatchTaskId, needsCurrentTask, parseJson, taskFromPutReply,
  taskFromReadReply, tasksFromListReply, toPutBody, validateSuperOfficeUpdate,
} from './mapping.js';

const B = 'SUPEROFFICE' as const;
/**
 * Update-GETs (the read before each PUT) in flight at once, across all callers of this client, like the
 * write limit: batches and job chunks that overlap share one read-then-write pipeline instead of each
 * adding 8 GETs of its own. Reads by id (getTasks) are bounded per call by the policy instead.
 */
const UPDATE_READ_CONCURRENCY = 8;

export interface SuperOfficeClientOptions extends ClientCommon {
  /** SuperID access token, sent as `Authorization: Bearer <token>`. */
  token: string;
  /** Sent as `SO-AppToken` when set (the app's client secret, for server-to-server calls). */
  appToken?: string;
  /** PUTs in flight at once, across all callers of this client. Default 8. */
  writeConcurrency?: number;
}

export class SuperOfficeClient implements BackendAdapter<SuperOfficeTaskUpdate> {
  readonly backend = B;
  readonly idempotentWrites = SUPEROFFICE_WRITES.idempotent;
  private readonly http: VendorTransport;
  private readonly auth: Record<string, string>;
  private readonly writes: LimitFunction;
  private readonly updateReads: LimitFunction;
  private readonly readConcurrency: number;
  /** Request-memo key of this tenant's full list. */
  private readonly listKey: string;
  /** The read-and-PUT in progress here for each task, which the next one for the same task waits for. */
  private readonly taskTurns = new Map<number, Promise<void>>();
  /** The same order across replicas (Redis), from the read to the end of the PUT. */
  private readonly taskLocks: TaskLocks;
  /**
   * Read-and-PUTs holding their task's lock at once: enough for every read and write slot to be busy (reads
   * run ahead of writes), and no more, so a replica never holds locks for tasks it is only queueing.
   */
  private readonly lockedWindow: LimitFunction;

  constructor(opts: SuperOfficeClientOptions) {
    const writeConcurrency = opts.writeConcurrency ?? 8;
    if (!Number.isInteger(writeConcurrency) || writeConcurrency < 1) {
      throw new RangeError(`writeConcurrency must be a positive integer, got ${String(opts.writeConcurrency)}`);
    }
    this.http = new VendorTransport(B, opts.baseUrl, opts.policy, { observer: opts.observer, budget: opts.budget });
    this.writes = pLimit(writeConcurrency);
    this.updateReads = pLimit(UPDATE_READ_CONCURRENCY);
    this.readConcurrency = readConcurrencyOf(opts.policy);
    this.taskLocks = opts.taskLocks ?? PROCESS_LOCAL_LOCKS;
    this.lockedWindow = pLimit(UPDATE_READ_CONCURRENCY + writeConcurrency);
    this.listKey = `SUPEROFFICE ${opts.baseUrl} /All`;
    this.auth = {
      authorization: `Bearer ${opts.token}`,
      ...(opts.appToken ? { 'so-apptoken': opts.appToken } : {}),
    };
  }

  isValidNativeId(id: string): boolean {
    return isValidBatchTaskId(id);
  }


  validateUpdate(update: SuperOfficeTaskUpdate): string | null {
    return validateSuperOfficeUpdate(update);
  }

  /**
   * An id that cannot be a BatchTask id cannot exist: null, and no call. Reads are bounded per call, like
   * the other adapters: a process-wide read limit made concurrent queries queue behind each other
   * (benchmarks: nodes(50 ids) at 32 clients went from 0.58 to 0.78 of the direct-call rate). The pool's
   * connection cap still bounds what reaches SuperOffice.
   */
  getTasks(ids: readonly string[], signal?: AbortSignal): Promise<Array<DomainTask | null | Error>> {
    return fetchEach(ids, this.readConcurrency, isValidBatchTaskId, async (id) => {
      try {
        return await this.readTask(Number(id), signal);
      } catch (err) {
        if (isNotFound(err)) return null;
        throw toError(err);
      }
    });
  }

  /** GET /All has no paging: the whole list is read and sliced, in Id order. */
  async listTasks(offset: number, limit: number, signal?: AbortSignal): Promise<TaskListSlice> {
    // The list route has no paging: read it once per GraphQL request, however many slices the request
    // takes (a status-filtered page reads slice after slice).
    const all = await memoInRequest(signal, this.listKey, async () => {
      const res = await this.get('/api/v1/BatchTask/All', signal);
      return res.readOnce('list', () => tasksFromListReply(res.status, res.text()));
    });
    const start = Math.max(0, offset);
    const end = start + Math.max(0, limit);
    return { tasks: all.slice(start, end), done: end >= all.length };
  }

  sendUpdates(updates: readonly SuperOfficeTaskUpdate[], signal: AbortSignal | undefined, journal: BatchJournal): Promise<UpdateOutcome[]> {
    return Promise.all(updates.map(async (u, position) => {
      const outcome = await this.applyOne(u, position, signal, journal);
      await journal.settled([{ index: position, backend: B, nativeId: u.id, outcome }]);
      return outcome;
    }));
  }

  async ping(signal?: AbortSignal): Promise<void> {
    // One BatchTask by an id SuperOffice never hands out (ids start at 1): a few hundred bytes however many
    // tasks the tenant holds. The unpaged list would be megabytes on a busy tenant, every few seconds, and
    // past the reply cap it would keep the replica unready for good. Authentication is checked first (401),
    // and SuperOffice's own not-found document tells its API apart from a web server's 404 at a wrong base.
    const res = await this.get('/api/v1/BatchTask/0', signal);
    if (res.status === 404 && isSuperOfficeNotFound(res.text())) return;
    if (res.status === 404) {
      throw new BackendError(B, 'BACKEND_UNAVAILABLE',
        'SuperOffice base URL does not serve the BatchTask API (HTTP 404); it must be the tenant root', { status: 404 });
    }
    if (res.status < 200 || res.status > 299) throw errorFromReply(res.status, res.text());
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  private async applyOne(
    update: SuperOfficeTaskUpdate, position: number, signal: AbortSignal | undefined, journal: BatchJournal,
  ): Promise<UpdateOutcome> {
    const id = Number(update.id);
    try {
      return await this.inTurn(id, () => this.readAndPut(id, update, position, signal, journal));
    } catch (err) {
      return outcomeFromError(err, B, { idempotent: true });
    }
  }

  /**
   * Runs the read-and-PUT of one task after any other in progress here for the same task. A PUT writes all
   * four fields from a read made just before it, and SuperOffice offers no ETag: two batches changing
   * different fields of one task at once would each write back the other's old value. Other replicas are
   * kept out by the task lock readAndPut holds from before its read to the end of its PUT.
   */
  private inTurn<T>(id: number, fn: () => Promise<T>): Promise<T> {
    const mine = (this.taskTurns.get(id) ?? Promise.resolve()).then(fn);
    const done = mine.then(() => undefined, () => undefined);
    this.taskTurns.set(id, done);
    void done.then(() => { if (this.taskTurns.get(id) === done) this.taskTurns.delete(id); });
    return mine;
  }

  private readAndPut(
    id: number, update: SuperOfficeTaskUpdate, position: number, signal: AbortSignal | undefined, journal: BatchJournal,
  ): Promise<UpdateOutcome> {
    // A PUT without a read holds the lock too: it must not land between another replica's read and PUT,
    // which would write the read's older values over it.
    return withTaskLock(this.taskLocks, String(id), this.lockedWindow, signal, cancelledBeforeSent, async (lock) => {
      const current: SuperOfficeTask | null = needsCurrentTask(update)
        ? await this.updateReads(() => this.readTask(id, signal))
        : null;
      const body = JSON.stringify(toPutBody(id, update, current));
      const task = await this.writes(async () => {
        // Lost since the read (Redis restarted empty, or unanswered for a third of the lease): another
        // replica may be between its own read and PUT of this task now.
        if (!lock.held()) {
          throw new BackendError(B, 'BACKEND_UNAVAILABLE',
            'SuperOffice update not sent: the lock ordering writes to this task across replicas was lost (Redis)',
            { retryable: true, requestMayHaveBeenSent: false });
        }
        if (!(await journalSending(journal, [position]))) return null;
        const res = await this.http.request({
          method: 'PUT',
          path: `/api/v1/BatchTask/${pathSegment(update.id)}`,
          headers: { ...this.auth, accept: 'application/json', 'content-type': 'application/json; charset=utf-8' },
          body,
          idempotent: true,
          ...(signal ? { signal } : {}),
        });
        return taskFromPutReply(id, res.status, res.text(), update);
      });
      return task === null ? notJournaled(B) : { kind: 'UPDATED', task };
    });
  }

  private async readTask(id: number, signal?: AbortSignal): Promise<SuperOfficeTask> {
    const res = await this.get(`/api/v1/BatchTask/${pathSegment(String(id))}`, signal);
    return res.readOnce('task', () => taskFromReadReply(id, res.status, res.text()));
  }

  private get(path: string, signal?: AbortSignal): Promise<HttpResponse> {
    return this.http.request({
      method: 'GET', path, headers: { ...this.auth, accept: 'application/json' }, idempotent: true,
      ...(signal ? { signal } : {}),
    });
  }
}

/** A write whose wait for its task's lock the caller ended: nothing was sent. */
const cancelledBeforeSent = (): BackendError => new BackendError(B, 'BACKEND_UNAVAILABLE',
  'SuperOffice update cancelled before it was sent', { retryable: true, requestMayHaveBeenSent: false });

const isNotFound = (err: unknown): boolean => err instanceof BackendError && err.code === 'NOT_FOUND';

function toError(err: unknown): Error {
  if (err instanceof BackendError) return err;
  return new BackendError(B, 'BACKEND_UNAVAILABLE', 'SuperOffice read failed unexpectedly', { cause: err });
}
