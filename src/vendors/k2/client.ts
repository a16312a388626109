// K2 SyncREST Task service client: GET one task per serial number, GET the current user's worklist,
// POST UpdateTasks in XML. Writes are actions (not idempotent): sent once, never retried; a lost reply is
// OUTCOME_UNKNOWN. Every K2 answer is interpreted in mapping.ts.

import type { DomainTask, KeyValue, OutcomeError, UpdateOutcome } from '../../domain.js';
import type { K2Task, K2TaskUpdate } from './model.js';
import { K2_WRITES } from './model.js';
import { outcomeError } from '../../domain.js';
import { BackendError, outcomeFromError } from '../../errors.js';
import type { BackendAdapter, ClientCommon, TaskListSlice } from '../adapter.js';
import { fetchEach, readConcurrencyOf } from '../concurrency.js';
import { journalSending, notJournaled } from '../../batch/journal.js';
import type { BatchJournal } from '../../batch/journal.js';
import { VendorTransport } from '../../transport/vendor-transport.js';
import type { HttpResponse } from '../../transport/vendor-transport.js';
import { basicAuth, pathSegment } from '../../transport/encoding.js';
import { interpretGetOne, interpretList, interpretUpdateReply, updateTasksXml } from './mapping.js';

export interface K2ClientOptions extends ClientCommon {
  username: string;
  password: string;
}

/** `{ProcessInstanceID}_{ActivityInstanceDestinationID}`, e.g. `19_10`. */
const SERIAL_NUMBER = /^\d+_\d+$/;
/** K2 documents no batch limit; 100 keeps one POST (and one lost reply) bounded. */
const CHUNK_SIZE = 100;
/** Correlation ids are per POST; K2 requires an integer and echoes it in Success/Failure. */
const FIRST_CORRELATION_ID = 1000;
// Data options are off by default on K2; the domain task carries process and activity data fields.
const DETAIL = 'piDataField=true&actDataField=true';

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** Characters XML 1.0 cannot carry even as a character reference, and unpaired surrogates. */
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const CHOICES = ['action', 'redirectTo', 'delegateTo', 'sleepSeconds'] as const;
const FIELD_LISTS = ['processDataFields', 'activityDataFields', 'processXmlFields', 'activityXmlFields'] as const;

export class K2Client implements BackendAdapter<K2TaskUpdate> {
  readonly backend = 'K2' as const;
  readonly idempotentWrites = K2_WRITES.idempotent;
  private readonly http: VendorTransport;
  private readonly authorization: string;
  private readonly readConcurrency: number;

  constructor(options: K2ClientOptions) {
    this.http = new VendorTransport('K2', options.baseUrl, options.policy, { observer: options.observer, budget: options.budget });
    this.authorization = basicAuth(options.username, options.password);
    this.readConcurrency = readConcurrencyOf(options.policy);
  }

  isValidNativeId(id: string): boolean {
    return SERIAL_NUMBER.test(id);
  }


  getTasks(ids: readonly string[], signal?: AbortSignal): Promise<Array<K2Task | null | Error>> {
    return fetchEach(ids, this.readConcurrency, (id) => this.isValidNativeId(id), (id) => this.getOne(id, signal));
  }

  async listTasks(offset: number, limit: number, signal?: AbortSignal): Promise<TaskListSlice> {
    if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(limit) || limit < 0) {
      throw new RangeError(`listTasks needs non-negative integers; got offset ${offset}, limit ${limit}`);
    }
    // One more than asked tells whether anything follows. A short page is taken as "maybe capped" and
    // followed up: K2 documents no page cap, but ending a list early would silently hide tasks.
    const want = limit + 1;
    const tasks: K2Task[] = [];
    const seen = new Set<string>();
    for (let skip = offset; tasks.length < want;) {
      // Never $top=0: K2 reads it as "everything".
      const page = await this.list(`$top=${want - tasks.length}&$skip=${skip}&${DETAIL}`, signal);
      const before = tasks.length;
      for (const t of page) if (!seen.has(t.serialNumber)) { seen.add(t.serialNumber); tasks.push(t); }
      if (page.length === 0 || tasks.length === before) break;
      skip += page.length;
    }
    return { tasks: tasks.slice(0, limit), done: tasks.length <= limit };
  }

  validateUpdate(u: K2TaskUpdate): string | null {
    if (typeof u.serialNumber !== 'string' || !SERIAL_NUMBER.test(u.serialNumber)) {
      return `serialNumber must look like 19_10 (process instance id, underscore, destination id); got ${JSON.stringify(u.serialNumber)}`;
    }
    const given = CHOICES.filter((k) => u[k] != null);
    if (given.length !== 1) {
      const got = given.length === 0 ? 'none' : `${given.slice(0, -1).join(', ')} and ${given.at(-1)}`;
      return `give exactly one of action, redirectTo, delegateTo, sleepSeconds; got ${got}`;
    }
    const which = given[0]!;
    if (which === 'sleepSeconds') {
      if (!Number.isSafeInteger(u.sleepSeconds)) return `sleepSeconds must be a whole number of seconds (0 sleeps until woken, negative wakes); got ${u.sleepSeconds}`;
    } else {
      const v = u[which];
      if (typeof v !== 'string' || v.trim() === '') return `${which} must not be empty`;
      if (CONTROL.test(v) || NOT_XML.test(v)) return `${which} must not contain control characters`;
    }
    for (const list of FIELD_LISTS) {
      const why = checkFields(u[list]);
      if (why) return `${list}: ${why}`;
    }
    return null;
  }

  /**
   * Dry run: K2 runs through the Task service only the actions the item offers and marks Batchable, and
   * refuses any other action when sent; the item as read says which those are.
   */
  checkUpdate(u: K2TaskUpdate, current: DomainTask): OutcomeError | null {
    if (u.action == null || !isK2Task(current)) return null;
    const offered = current.actions.find((a) => a.name === u.action);
    if (!offered) {
      const names = current.actions.map((a) => `'${a.name}'`).join(', ') || 'none';
      return outcomeError('REJECTED', `K2 item ${u.serialNumber} has no action '${u.action}' (it offers ${names})`);
    }
    if (!offered.batchable) {
      return outcomeError('REJECTED', `K2 item ${u.serialNumber}: action '${u.action}' is not batchable, so the Task service cannot run it`);
    }
    return null;
  }

  async sendUpdates(updates: readonly K2TaskUpdate[], signal: AbortSignal | undefined, journal: BatchJournal): Promise<UpdateOutcome[]> {
    const out: UpdateOutcome[] = new Array(updates.length);
    const starts: number[] = [];
    for (let i = 0; i < updates.length; i += CHUNK_SIZE) starts.push(i);
    await Promise.all(starts.map(async (start) => {
      const chunk = updates.slice(start, start + CHUNK_SIZE);
      const positions = chunk.map((_, k) => start + k);
      const results = await journalSending(journal, positions)
        ? await this.sendChunk(chunk, signal)
        : chunk.map(() => notJournaled('K2'));
      results.forEach((outcome, k) => { out[start + k] = outcome; });
      await journal.settled(results.map((outcome, k) => ({ index: start + k, backend: 'K2', nativeId: chunk[k]!.serialNumber, outcome })));
    }));
    return out;
  }

  async ping(signal?: AbortSignal): Promise<void> {
    await this.list('$top=1', signal);
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  /** Exactly one POST, never retried. */
  private async sendChunk(updates: readonly K2TaskUpdate[], signal?: AbortSignal): Promise<UpdateOutcome[]> {
    const ids = updates.map((_, k) => String(FIRST_CORRELATION_ID + k));
    if (signal?.aborted) {
      return updates.map(() => outcomeError('BACKEND_UNAVAILABLE', 'K2 update cancelled before it was sent'));
    }
    try {
      const res = await this.http.request({
        method: 'POST',
        path: '/Task/Items/UpdateTasks',
        // K2 answers a JSON body with 202 and applies nothing: the body is always XML.
        headers: { authorization: this.authorization, 'content-type': 'application/xml', accept: 'application/xml' },
        body: updateTasksXml(updates.map((update, k) => ({ id: ids[k]!, update }))),
        idempotent: false,
        signal,
      });
      return interpretUpdateReply(res.status, res.text(), ids);
    } catch (err) {
      return updates.map(() => outcomeFromError(err, 'K2', { idempotent: false }));
    }
  }

  private async getOne(serialNumber: string, signal?: AbortSignal): Promise<K2Task | null | Error> {
    if (!this.isValidNativeId(serialNumber)) return null;
    try {
      const res = await this.get(`/Task/Items(${pathSegment(serialNumber)})?${DETAIL}`, signal);
      return res.readOnce('task', () => interpretGetOne(res.status, res.text(), serialNumber));
    } catch (err) {
      return err instanceof Error ? err : new BackendError('K2', 'BACKEND_UNAVAILABLE', 'K2 read failed unexpectedly');
    }
  }

  private async list(query: string, signal?: AbortSignal): Promise<K2Task[]> {
    const res = await this.get(`/Task/Items?${query}`, signal);
    const tasks = res.readOnce('page', () => interpretList(res.status, res.text()));
    if (tasks instanceof Error) throw tasks;
    return tasks;
  }

  private get(path: string, signal?: AbortSignal): Promise<HttpResponse> {
    return this.http.request({
      method: 'GET', path, headers: { authorization: this.authorization, accept: 'application/xml' }, idempotent: true, signal,
    });
  }
}

function checkFields(list: readonly KeyValue[] | null | undefined): string | null {
  if (list == null) return null;
  const names = new Set<string>();
  for (const { key, value } of list) {
    if (typeof key !== 'string' || key.trim() === '') return 'a field name is empty';
    if (names.has(key)) return `field ${JSON.stringify(key)} is given twice`;
    names.add(key);
    if (NOT_XML.test(key) || typeof value !== 'string' || NOT_XML.test(value)) {
      return `field ${JSON.stringify(key)} holds characters XML cannot carry (control characters other than tab, LF, CR)`;
    }
  }
  return null;
}

const isK2Task = (task: DomainTask): task is K2Task => task.backend === 'K2';
