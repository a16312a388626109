// K2 wire ↔ domain, and the one place K2's answers become domain errors. Pure functions over strings
// and parsed documents; the client only moves bytes.

import type { KeyValue, OutcomeError, TaskStatus, UpdateOutcome } from '../../domain.js';
import type { K2Action, K2Task, K2TaskUpdate } from './model.js';
import { outcomeError } from '../../domain.js';
import { BackendError } from '../../errors.js';
import { createXmlCodec, textOf } from './xml.js';
import type {
  K2WireDocument, K2WireFailure, K2WireField, K2WireFieldOut, K2WireTask, K2WireUpdateTaskCollectionOut,
} from './wire.js';
import { K2_ARRAY_ELEMENTS, K2_PROCESS_NS, K2_TASK_NS } from './wire.js';

const codec = createXmlCodec(K2_ARRAY_ELEMENTS);

/**
 * Throws XmlPolicyError for anything that is not one well-formed, DOCTYPE-free document. A leading
 * byte-order mark (.NET services may send one) is dropped: the parser would refuse it.
 */
export const parseK2 = (xml: string): K2WireDocument => codec.parse(xml.replace(/^\uFEFF/, '')) as K2WireDocument;

export const buildK2 = (doc: object): string =>
  '<?xml version="1.0" encoding="utf-8"?>' + codec.build(doc as Record<string, unknown>);

// ---- tasks ----

const STATUS: Record<string, TaskStatus> = { Available: 'READY', Open: 'IN_PROGRESS', Allocated: 'IN_PROGRESS', Sleep: 'SUSPENDED' };

export const k2Status = (raw: string | null): TaskStatus =>
  (raw !== null && Object.hasOwn(STATUS, raw.trim()) ? STATUS[raw.trim()] : undefined) ?? 'UNKNOWN';

/** Element text, else the attribute of that name (the Worklist shape carries Status as an attribute). */
function read(node: Record<string, unknown>, name: string): string | null {
  const t = textOf(node[name]) ?? textOf(node[`@_${name}`]);
  return t === null || t === '' ? null : t;
}

const asObjects = (v: unknown): Record<string, unknown>[] =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null);

/** Children named `name`, directly or inside one wrapper element (`<ProcessData><ProcessDataField>`). */
function children(node: Record<string, unknown>, name: string): unknown[] {
  const direct = node[name];
  if (direct !== undefined) return Array.isArray(direct) ? direct : [direct];
  for (const [k, v] of Object.entries(node)) {
    if (k.startsWith('@_') || k === '#text') continue;
    for (const wrapper of asObjects(v)) if (wrapper[name] !== undefined) return children(wrapper, name);
  }
  return [];
}

function fields(node: Record<string, unknown>, name: string): KeyValue[] {
  return children(node, name).flatMap((f) => {
    const key = typeof f === 'object' && f !== null ? (f as Record<string, unknown>)['@_Name'] : undefined;
    return typeof key === 'string' ? [{ key, value: textOf(f as K2WireField) ?? '' }] : [];
  });
}

export function toK2Task(wire: K2WireTask): K2Task {
  const node = wire as Record<string, unknown>;
  const serialNumber = (read(node, 'SerialNumber') ?? '').trim();
  const processName = read(node, 'ProcessName');
  const activityName = read(node, 'ActivityName');
  const folio = read(node, 'ProcessFolio') ?? read(node, 'Folio');
  const vendorStatus = read(node, 'Status');
  const priority = Number.parseInt(read(node, 'Priority') ?? '', 10);
  const actions: K2Action[] = asObjects(children(node, 'Action')).flatMap((a) => {
    const name = textOf(a['@_Name']);
    // Absent Batchable: do not promise that the Task service can run it.
    return name ? [{ name, batchable: (textOf(a['@_Batchable']) ?? '').trim().toLowerCase() === 'true' }] : [];
  });
  return {
    backend: 'K2', nativeId: serialNumber, serialNumber,
    name: activityName ?? processName, status: k2Status(vendorStatus), vendorStatus,
    description: folio, priority: Number.isFinite(priority) ? priority : null,
    processName, processFullName: read(node, 'ProcessFullName'), folio, activityName,
    startDate: read(node, 'StartDate'), originator: read(node, 'Originator'), data: read(node, 'Data'), actions,
    processDataFields: fields(node, 'ProcessDataField'), activityDataFields: fields(node, 'ActivityDataField'),
  };
}

/** The Task elements of a reply: a TaskCollection, or bare Task elements at the root. Null when neither. */
export function tasksOf(doc: K2WireDocument): K2WireTask[] | null {
  if (doc.TaskCollection !== undefined) return doc.TaskCollection === '' ? [] : asObjects(doc.TaskCollection.Task) as K2WireTask[];
  if (doc.Task !== undefined) return asObjects(doc.Task) as K2WireTask[];
  return null;
}

// ---- K2 failures ----

const failureText = (f: K2WireFailure, name: 'Message' | 'Description'): string | null =>
  textOf(f[name]) ?? textOf(f[`@_${name}`]) ?? null;

/** The K2 error number: Code unless it is the generic -1, else the number leading the Message (or Description). */
export function k2CodeOf(f: K2WireFailure): string | undefined {
  const code = (textOf(f['@_Code']) ?? textOf(f.Code) ?? '').trim();
  if (/^\d+$/.test(code)) return code;
  const lead = /^\s*(\d+)\b/.exec(failureText(f, 'Message') || failureText(f, 'Description') || '');
  return lead ? lead[1] : code === '' ? undefined : code;
}

export const failureMessage = (f: K2WireFailure): string =>
  // Kept whole (logs see it all); what a client sees is made safe at one boundary (src/safe-text.ts).
  failureText(f, 'Message') || failureText(f, 'Description') || 'no reason given';

export const K2_NOT_FOUND = '26030';
export const K2_NO_RIGHTS = '24411';

export function failureToOutcome(f: K2WireFailure): OutcomeError {
  const vendorCode = k2CodeOf(f);
  const extra = { ...(vendorCode === undefined ? {} : { vendorCode }), retryable: false };
  const why = failureMessage(f);
  if (vendorCode === K2_NO_RIGHTS) return outcomeError('PERMISSION_DENIED', `K2 denied access to the worklist item: ${why}`, extra);
  // 26030 is K2's answer both for a serial number that does not exist and for an item another user has
  // allocated (no slot left for this account): the message says both, as K2 cannot tell them apart.
  if (vendorCode === K2_NOT_FOUND) {
    return outcomeError('NOT_FOUND', `K2 has no worklist item open to this account (it does not exist, or another user holds it): ${why}`, extra);
  }
  return outcomeError('REJECTED', `K2 refused the update: ${why}`, extra);
}

/** A Failure answering a read: null when it means "no such item" (26030), else the error. */
export function failureToReadError(f: K2WireFailure): BackendError | null {
  const vendorCode = k2CodeOf(f);
  if (vendorCode === K2_NOT_FOUND) return null;
  const opts = { ...(vendorCode === undefined ? {} : { vendorCode }), retryable: false };
  return vendorCode === K2_NO_RIGHTS
    ? new BackendError('K2', 'PERMISSION_DENIED', `K2 denied access to the worklist item: ${failureMessage(f)}`, opts)
    : new BackendError('K2', 'BACKEND_UNAVAILABLE', `K2 could not read the worklist: ${failureMessage(f)}`, opts);
}

/** A read answered with an HTTP status and no usable body. */
export function readStatusError(status: number): BackendError {
  if (status === 401) return new BackendError('K2', 'BACKEND_AUTH_FAILED', 'K2 refused the credentials (HTTP 401)', { status });
  if (status === 403) return new BackendError('K2', 'PERMISSION_DENIED', 'K2 refused access (HTTP 403)', { status });
  const transient = status >= 500 || status === 429 || status === 408;
  return new BackendError('K2', 'BACKEND_UNAVAILABLE', `K2 answered a read with HTTP ${status}`, { status, retryable: transient });
}

// ---- reads ----

const parseOrNull = (body: string): K2WireDocument | null => {
  try { return parseK2(body); } catch { return null; }
};

const isKnownCode = (f: K2WireFailure) => [K2_NOT_FOUND, K2_NO_RIGHTS].includes(k2CodeOf(f) ?? '');

/** GET /Task/Items({sn}): the task, null when K2 says it does not exist, or the error. */
export function interpretGetOne(status: number, body: string, serialNumber: string): K2Task | null | BackendError {
  if (status === 401 || status === 403) return readStatusError(status);
  // The status on a Failure is undocumented (200 or 4xx): the body decides, whatever the status.
  const doc = body.trim() === '' ? null : parseOrNull(body);
  const failure = doc?.Failure?.[0];
  if (failure && (status < 500 || isKnownCode(failure))) return failureToReadError(failure);
  const tasks = doc ? tasksOf(doc) : null;
  if (tasks !== null && status >= 200 && status < 300) {
    const task = tasks.map(toK2Task).find((t) => t.serialNumber === serialNumber);
    if (task) return task;
    if (tasks.length === 0) return null;
    return new BackendError('K2', 'BACKEND_UNAVAILABLE', 'K2 answered with a different worklist item', { status, retryable: false });
  }
  if (status === 404) {
    // K2 says "no such item" with a Failure (26030, above); a 404 without one never reached the Task service.
    return new BackendError('K2', 'BACKEND_UNAVAILABLE',
      'K2 answered HTTP 404 without a K2 failure: the request did not reach the Task service; check the base URL', { status, retryable: true });
  }
  if (status >= 200 && status < 300) {
    return new BackendError('K2', 'BACKEND_UNAVAILABLE', 'K2 sent a reply that is not a task', { status });
  }
  return readStatusError(status);
}

/** GET /Task/Items: the tasks in K2's order, or the error. */
export function interpretList(status: number, body: string): K2Task[] | BackendError {
  if (status === 401 || status === 403) return readStatusError(status);
  const doc = body.trim() === '' ? null : parseOrNull(body);
  const failure = doc?.Failure?.[0];
  if (failure && (status < 500 || isKnownCode(failure))) return failureToReadError(failure) ?? new BackendError('K2', 'BACKEND_UNAVAILABLE',
    `K2 could not list the worklist: ${failureMessage(failure)}`, { retryable: false, status });
  const tasks = doc ? tasksOf(doc) : null;
  if (status < 200 || status >= 300) return readStatusError(status);
  if (tasks === null) return new BackendError('K2', 'BACKEND_UNAVAILABLE', 'K2 sent a reply that is not a task list', { status });
  return tasks.map(toK2Task).filter((t) => t.serialNumber !== '');
}

// ---- writes ----

/** K2's Action attribute: `a:`ction, `r:`edirect, `d:`elegate or `s:`leep; the client validated exactly one. */
export function actionAttribute(u: K2TaskUpdate): string {
  if (u.action != null) return `a:${u.action}`;
  if (u.redirectTo != null) return `r:${u.redirectTo}`;
  if (u.delegateTo != null) return `d:${u.delegateTo}`;
  return `s:${u.sleepSeconds}`;
}

const fieldsOut = (list: KeyValue[] | undefined): K2WireFieldOut[] | undefined =>
  list && list.length > 0 ? list.map((f) => ({ '@_Name': f.key, '#text': f.value })) : undefined;

/** One UpdateTaskCollection; `id` is the correlation number K2 echoes in its per-item result. */
export function updateTasksXml(items: ReadonlyArray<{ id: string; update: K2TaskUpdate }>): string {
  const doc: K2WireUpdateTaskCollectionOut = {
    't:UpdateTaskCollection': {
      '@_xmlns:t': K2_TASK_NS,
      '@_xmlns:p': K2_PROCESS_NS,
      't:UpdateTask': items.map(({ id, update: u }) => ({
        '@_ID': id,
        '@_Action': actionAttribute(u),
        't:Task': {
          '@_SerialNumber': u.serialNumber,
          'p:ProcessDataField': fieldsOut(u.processDataFields),
          'p:ProcessXmlField': fieldsOut(u.processXmlFields),
          'p:ActivityDataField': fieldsOut(u.activityDataFields),
          'p:ActivityXmlField': fieldsOut(u.activityXmlFields),
        },
      })),
    },
  };
  return buildK2(doc);
}

/** Write replies that say one thing about every item of the call. */
function callOutcome(status: number): OutcomeError {
  if (status === 401) return outcomeError('BACKEND_AUTH_FAILED', 'K2 refused the credentials (HTTP 401); nothing was applied', { retryable: false });
  if (status === 403) return outcomeError('PERMISSION_DENIED', 'K2 refused access (HTTP 403); nothing was applied', { retryable: false });
  if (status === 202) {
    return outcomeError('REJECTED', 'K2 answered 202, its answer to a request it did not apply (it only applies XML); nothing was applied', { retryable: false });
  }
  if (status >= 500) {
    return outcomeError('OUTCOME_UNKNOWN', `K2 failed with HTTP ${status} and may have applied this update; check the task before retrying`, { retryable: false });
  }
  if (status === 429 || status === 408) return outcomeError('BACKEND_UNAVAILABLE', `K2 did not take the request (HTTP ${status})`, { retryable: true });
  if (status === 404) return outcomeError('BACKEND_UNAVAILABLE', 'K2 has no Task service at the configured address (HTTP 404); nothing was applied', { retryable: false });
  if (status >= 400) return outcomeError('REJECTED', `K2 refused the request (HTTP ${status}); nothing was applied`, { retryable: false });
  return outcomeError('BACKEND_UNAVAILABLE', `K2 answered with HTTP ${status} instead of a result; nothing was applied`, { retryable: false });
}

const UNCONFIRMED = (why: string) => outcomeError('OUTCOME_UNKNOWN',
  `K2 ${why}; it may or may not have applied this update, check the task before retrying`, { retryable: false });

const normId = (id: string | undefined): string | undefined =>
  id === undefined ? undefined : /^\s*[+-]?\d+\s*$/.test(id) ? String(Number.parseInt(id, 10)) : id.trim();

/**
 * One outcome per correlation id of an UpdateTasks call, in the order of `ids`. Results are matched by
 * their ID attribute only: K2 lists them in its own order (the vendor example puts Failure first).
 */
export function interpretUpdateReply(status: number, body: string, ids: readonly string[]): UpdateOutcome[] {
  const all = (o: UpdateOutcome) => ids.map(() => o);
  if (status === 401 || status === 403 || status === 202 || status >= 500) return all(callOutcome(status));
  const ok = status >= 200 && status < 300;
  if (ok && body.trim() === '') {
    return all({ kind: 'ACCEPTED', message: 'K2 took this update with an empty reply and did not confirm it' });
  }
  const doc = parseOrNull(body);
  if (doc === null) return all(ok ? UNCONFIRMED('sent a reply that could not be read') : callOutcome(status));
  const root = typeof doc.MultipleOperationResult === 'object' ? doc.MultipleOperationResult : doc;
  const byId = new Map<string, UpdateOutcome | 'conflict'>();
  let callFailure: OutcomeError | undefined;
  const record = (id: string | undefined, o: UpdateOutcome) => {
    const key = normId(id);
    if (key === undefined) return;
    byId.set(key, byId.has(key) ? 'conflict' : o);
  };
  for (const s of asObjects(root.Success)) record(textOf(s['@_ID']) ?? undefined, { kind: 'UPDATED' });
  for (const f of asObjects(root.Failure) as K2WireFailure[]) {
    if (f['@_ID'] === undefined) callFailure ??= failureToOutcome(f);
    else record(f['@_ID'], failureToOutcome(f));
  }
  return ids.map((id) => {
    const r = byId.get(normId(id)!);
    if (r === 'conflict') return UNCONFIRMED('reported both success and failure for this item');
    if (r !== undefined) return r;
    if (callFailure) return callFailure;
    return ok ? UNCONFIRMED('replied without a result for this item') : callOutcome(status);
  });
}
