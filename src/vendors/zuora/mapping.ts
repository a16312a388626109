// Zuora wire ↔ domain, and the one place where Zuora's answers become domain errors. Pure functions:
// no HTTP here, so every rule can be unit-tested from literal bodies.

import type { OutcomeError, TaskStatus } from '../../domain.js';
import type { ZuoraTask, ZuoraTaskUpdate } from './model.js';
import { outcomeError } from '../../domain.js';
import { ZUORA_TASK_STATUSES } from './model.js';
import { BackendError } from '../../errors.js';
import type { ZuoraUpdateTask, ZuoraWireTask } from './wire.js';

const STATUS: Readonly<Record<string, TaskStatus>> = {
  Queued: 'READY', Processing: 'IN_PROGRESS', Pending: 'WAITING', Success: 'COMPLETED', Error: 'FAILED', Stopped: 'CANCELLED',
};

/** Contract §4; the words are case-sensitive on the wire, so `success` is UNKNOWN, not COMPLETED. */
export const zuoraStatus = (raw: string | null | undefined): TaskStatus =>
  (raw != null && Object.hasOwn(STATUS, raw) ? STATUS[raw]! : 'UNKNOWN');

/** Positive integer without leading zeros; 15 digits keeps it a safe JSON number for the body. */
export const isValidZuoraId = (id: string): boolean => /^[1-9][0-9]{0,14}$/.test(id);
export const INVALID_ID_MESSAGE = 'id must be a Zuora task id (a positive integer of at most 15 digits)';

const unavailable = (message: string, status?: number) =>
  new BackendError('ZUORA', 'BACKEND_UNAVAILABLE', message, status === undefined ? {} : { status });

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);
/** Ids are ints in bodies; a digit string is tolerated because the list filter spells them as strings. */
const int = (v: unknown): number | null => {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  if (typeof v === 'string' && /^-?[0-9]{1,15}$/.test(v)) return Number(v);
  return null;
};

/** JSON of a reply, or BACKEND_UNAVAILABLE: a garbled body says nothing the caller can act on. */
export function parseJson(text: string, status: number): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw unavailable(`Zuora sent an unreadable reply (HTTP ${status})`, status);
  }
}

/** A task id read from a reply entry, or null when the entry carries none. */
export const wireTaskId = (v: unknown): number | null => (isObject(v) ? int(v['id']) : null);

/** Lenient on optional fields (absent → null), strict on the id: without it the entry is not a task. */
export function toZuoraTask(v: unknown): ZuoraTask {
  const id = wireTaskId(v);
  if (id === null || !isObject(v)) throw unavailable('Zuora sent a task without a valid id');
  const w = v as Partial<Record<keyof ZuoraWireTask, unknown>>;
  const vendorStatus = str(w.status);
  return {
    backend: 'ZUORA',
    nativeId: String(id),
    id,
    name: str(w.name),
    status: zuoraStatus(vendorStatus),
    vendorStatus,
    description: null,
    priority: null,
    parentTaskId: int(w.task_id),
    actionType: str(w.action_type),
    callType: str(w.call_type),
    concurrentLimit: int(w.concurrent_limit),
    object: str(w.object),
    objectId: str(w.object_id),
    tags: Array.isArray(w.tags) ? w.tags.filter((t): t is string => typeof t === 'string') : [],
    workflowId: int(w.workflow_id),
    instance: bool(w.instance),
    originalTaskId: int(w.original_task_id),
    originalWorkflowId: int(w.original_workflow_id),
    startTime: str(w.start_time),
    endTime: str(w.end_time),
    error: str(w.error),
    errorClass: str(w.error_class),
    errorDetails: str(w.error_details),
    parameters: w.parameters ?? null,
    data: w.data ?? null,
  };
}

/** The list envelope: its tasks, and whether the vendor announced a next page. */
export function toTaskPage(body: unknown): { tasks: ZuoraTask[]; hasNextPage: boolean } {
  if (!isObject(body) || !Array.isArray(body['data'])) throw unavailable('Zuora sent a task list without data');
  const pagination = isObject(body['pagination']) ? body['pagination'] : {};
  const next = pagination['next_page'];
  return { tasks: body['data'].map(toZuoraTask), hasNextPage: typeof next === 'string' && next !== '' };
}

/** The batch_update 2xx body as entries by id, so the reply is matched by id and never by position. */
export function toUpdatedById(text: string): Map<number, unknown> {
  let body: unknown;
  try { body = JSON.parse(text); } catch { body = undefined; }
  if (!isObject(body) || !Array.isArray(body['data'])) {
    // Zuora said yes but we cannot tell to what: nothing is confirmed, and resending a PUT is harmless.
    throw new BackendError('ZUORA', 'OUTCOME_UNKNOWN',
      'Zuora accepted the update but its reply could not be read; check the task, or resend (it is safe to repeat)',
      { retryable: true });
  }
  const byId = new Map<number, unknown>();
  for (const entry of body['data']) {
    const id = wireTaskId(entry);
    if (id !== null) byId.set(id, entry);
  }
  return byId;
}

/** POST /oauth/token's 200 body; without a token in it, Zuora's answer is unusable. */
export function toAccessToken(text: string): { accessToken: string; expiresIn: number } {
  const body = parseJson(text, 200);
  const token = isObject(body) ? str(body['access_token']) : null;
  if (!token) throw unavailable('Zuora sent a token reply without an access token');
  const expiresIn = isObject(body) && typeof body['expires_in'] === 'number' && body['expires_in'] > 0 ? body['expires_in'] : null;
  // Undocumented absence: assume the documented lifetime; a 401 still triggers a refresh.
  return { accessToken: token, expiresIn: expiresIn ?? 3599 };
}

/** Domain update → the snake_case item; absent (or null) fields are left out so Zuora keeps them. */
export function toUpdateTask(u: ZuoraTaskUpdate): ZuoraUpdateTask {
  const out: ZuoraUpdateTask = { id: Number(u.id) };
  if (u.name != null) out.name = u.name;
  if (u.status != null) out.status = u.status;
  if (u.tags != null) out.tags = [...u.tags];
  if (u.concurrentLimit != null) out.concurrent_limit = u.concurrentLimit;
  if (u.object != null) out.object = u.object;
  if (u.objectId != null) out.object_id = u.objectId;
  if (u.actionType != null) out.action_type = u.actionType;
  if (u.callType != null) out.call_type = u.callType;
  if (u.workflowId != null) out.workflow_id = u.workflowId;
  return out;
}

const TEXT_FIELDS = ['name', 'object', 'objectId', 'actionType', 'callType'] as const;

/** Everything Zuora would refuse that can be seen without it; null when the update can be sent. */
export function validateZuoraUpdate(u: ZuoraTaskUpdate): string | null {
  if (typeof u.id !== 'string' || !isValidZuoraId(u.id)) return INVALID_ID_MESSAGE;
  const given = Object.entries(toUpdateTask({ ...u, id: '1' })).filter(([k]) => k !== 'id');
  if (given.length === 0) return 'nothing to update: give at least one field besides id';
  for (const f of TEXT_FIELDS) {
    const v: unknown = u[f];
    if (v != null && (typeof v !== 'string' || v.trim() === '')) return `${f} must be a non-empty string`;
  }
  if (u.status != null && !(ZUORA_TASK_STATUSES as readonly string[]).includes(u.status)) {
    return `status must be one of ${ZUORA_TASK_STATUSES.join(', ')}`;
  }
  const limit = u.concurrentLimit;
  if (limit != null && !(Number.isInteger(limit) && limit >= 1 && limit <= 9_999_999)) {
    return 'concurrentLimit must be an integer from 1 to 9999999';
  }
  const wf = u.workflowId;
  if (wf != null && !(Number.isSafeInteger(wf) && wf >= 1)) return 'workflowId must be a positive integer';
  if (u.tags != null && u.tags.some((t) => typeof t !== 'string' || t.trim() === '')) return 'tags must not contain empty entries';
  return null;
}

/** First entry of an `Errors` body (`errors` as some SDKs rename it), whatever type its status has. */
export function firstVendorError(text: string): { code?: string; title?: string } {
  let body: unknown;
  try { body = JSON.parse(text); } catch { return {}; }
  if (!isObject(body)) return {};
  const list = body['Errors'] ?? body['errors'];
  const first: unknown = Array.isArray(list) ? list[0] : undefined;
  if (!isObject(first)) return {};
  const code = str(first['code']) ?? (typeof first['code'] === 'number' ? String(first['code']) : null);
  const title = str(first['title']) ?? str(first['message']);
  // Made safe for clients at one boundary (src/safe-text.ts), as every vendor's text is.
  return { ...(code ? { code } : {}), ...(title ? { title } : {}) };
}

/** A non-2xx answer from a workflow endpoint as a domain error. */
export function errorFromResponse(status: number, text: string): BackendError {
  const { code, title } = firstVendorError(text);
  const opts = { status, ...(code ? { vendorCode: code } : {}) };
  const said = title ? `: ${title}` : '';
  if (status === 400 || status === 409 || status === 422) {
    return new BackendError('ZUORA', 'REJECTED', `Zuora rejected the request${said}`, opts);
  }
  if (status === 401) return new BackendError('ZUORA', 'BACKEND_AUTH_FAILED', 'Zuora did not accept the access token (HTTP 401)', opts);
  if (status === 403) {
    return new BackendError('ZUORA', 'PERMISSION_DENIED', `Zuora denied access; the API user needs the Workflow Manage Access permission${said}`, opts);
  }
  if (status === 404 && (code !== undefined || title !== undefined)) {
    return new BackendError('ZUORA', 'NOT_FOUND', `Zuora reports the task as not found${said}`, opts);
  }
  if (status === 404) {
    // No Zuora Errors document: a gateway or a wrong base path answered, not the Workflow API.
    return new BackendError('ZUORA', 'BACKEND_UNAVAILABLE',
      'Zuora answered HTTP 404 without its error document: the request did not reach the Workflow API; check the base URL',
      { ...opts, retryable: true });
  }
  if (status === 429) return new BackendError('ZUORA', 'BACKEND_UNAVAILABLE', 'Zuora is rate limiting requests (HTTP 429)', opts);
  return new BackendError('ZUORA', 'BACKEND_UNAVAILABLE', `Zuora answered HTTP ${status}${said}`, opts);
}

/** POST /oauth/token failures: refused credentials are AUTH_FAILED; anything else (429, 5xx, a wrong base URL) UNAVAILABLE. */
export function tokenError(status: number): BackendError {
  if (status === 400 || status === 401 || status === 403) {
    return new BackendError('ZUORA', 'BACKEND_AUTH_FAILED',
      `Zuora refused the OAuth client credentials (HTTP ${status}); check ZUORA_CLIENT_ID and ZUORA_CLIENT_SECRET`, { status });
  }
  return new BackendError('ZUORA', 'BACKEND_UNAVAILABLE', `Zuora could not issue an access token (HTTP ${status})`, { status });
}

/** A 404 that is Zuora's own answer (its Errors document), not a gateway's page at a wrong path. */
export const isZuoraNotFound = (status: number, text: string): boolean =>
  status === 404 && errorFromResponse(404, text).code === 'NOT_FOUND';

/**
 * An item Zuora still refuses with a 404 on its own although a GET finds the task: Zuora refused this
 * change (nothing was applied), for a reason its 404 gives.
 */
export const refusedExistingOutcome = (id: string, err: BackendError): OutcomeError =>
  outcomeError('REJECTED', `Zuora refused the update of task ${id} with HTTP 404 although it finds the task${err.vendorCode ? ` (${err.vendorCode})` : ''}`,
    { retryable: false, ...(err.vendorCode === undefined ? {} : { vendorCode: err.vendorCode }) });

/** The outcome for an item that a GET showed does not exist. */
export const notFoundOutcome = (id: string): OutcomeError => outcomeError('NOT_FOUND', `Zuora has no task ${id}`);

/** An item the 200 reply left out although the task exists: maybe applied, safe to resend (PUT sets values). */
export const unconfirmedOutcome = (id: string): OutcomeError =>
  outcomeError('OUTCOME_UNKNOWN', `Zuora did not confirm the update of task ${id}; check the task, or resend (it is safe to repeat)`,
    { retryable: true });
