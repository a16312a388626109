// Pure SuperOffice ↔ domain functions, and the one place where SuperOffice replies become domain errors.
// Readers throw BackendError; the client turns that into per-id errors or per-item outcomes.

import type { TaskStatus } from '../../domain.js';
import type { SuperOfficeTask, SuperOfficeTaskUpdate } from './model.js';
import { BATCH_TASK_STATES } from './model.js';
import { BackendError } from '../../errors.js';
import type { BatchTaskInfoWire, BatchTaskPutBody, SoErrorWire } from './wire.js';
import { BATCH_TASK_STATE_VALUES } from './wire.js';

const B = 'SUPEROFFICE' as const;
const INT32_MAX = 2_147_483_647;

const STATUS_BY_STATE: Readonly<Record<string, TaskStatus>> = {
  New: 'NEW',
  Aquired: 'IN_PROGRESS',
  Started: 'IN_PROGRESS',
  Succeeded: 'COMPLETED',
  SucceededManualCleanup: 'COMPLETED',
  Failed: 'FAILED',
  Unknown: 'UNKNOWN',
};

export const statusOfState = (state: string | null): TaskStatus =>
  (state !== null && Object.hasOwn(STATUS_BY_STATE, state) ? STATUS_BY_STATE[state] : undefined) ?? 'UNKNOWN';

const STATE_BY_VALUE = new Map(Object.entries(BATCH_TASK_STATE_VALUES).map(([name, value]) => [value, name]));

/** The state's name: JSON carries names, but a number is the same enum and is named here, not lost. */
export function stateName(raw: unknown): string | null {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number') return STATE_BY_VALUE.get(raw) ?? String(raw);
  return null;
}

/** Positive int32 in canonical decimal (no sign, no leading zeros): the only form a BatchTask id takes. */
export function isValidBatchTaskId(id: string): boolean {
  return /^[1-9][0-9]{0,9}$/.test(id) && Number(id) <= INT32_MAX;
}

/** The carrier's Id, or null for an empty carrier (no body, `{}`, `null`, Id 0/null) or a non-object. */
export function carrierId(body: unknown): number | null {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return null;
  const raw = (body as BatchTaskInfoWire).Id as unknown;
  const id = typeof raw === 'string' && isValidBatchTaskId(raw) ? Number(raw) : raw;
  return typeof id === 'number' && Number.isInteger(id) && id > 0 && id <= INT32_MAX ? id : null;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const int = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);

/** Dates keep their wire text: 7 fractional digits and the offset (or no offset under SO-TimeZone). */
export function toSuperOfficeTask(w: BatchTaskInfoWire, id: number): SuperOfficeTask {
  const state = stateName(w.State);
  return {
    backend: B,
    nativeId: String(id),
    id,
    name: str(w.Name),
    status: statusOfState(state),
    vendorStatus: state,
    description: str(w.Description),
    priority: null,
    associateId: int(w.AssociateId),
    state,
    progressPercent: int(w.ProgressPercent),
    progressDescription: str(w.ProgressDescription),
    request: str(w.Request),
    response: str(w.Response),
    result: str(w.Result),
    created: str(w.Created),
    lastStarted: str(w.LastStarted),
    startCount: int(w.StartCount),
    isSystemTask: bool(w.IsSystemTask),
    isInternalTask: bool(w.IsInternalTask),
    detailsTable: int(w.DetailsTable),
    detailsRecord: int(w.DetailsRecord),
    databaseSerialNumber: str(w.DatabaseSerialNumber),
    context: str(w.Context),
    fileName: str(w.FileName),
    cancellationBehaviour: str(w.CancellationBehaviour),
    parameterObject: w.ParameterObject ?? null,
  };
}

/** Parses a reply body; blank → undefined (an empty carrier). Garbage is a vendor failure. */
export function parseJson(body: string): unknown {
  const text = body.replace(/^\uFEFF/, '').trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new BackendError(B, 'BACKEND_UNAVAILABLE', 'SuperOffice sent a reply that is not valid JSON', { cause: err });
  }
}

/** The vendor's message, if it sent one; made safe for clients at one boundary (src/safe-text.ts). */
const vendorMessage = (raw: unknown): string | undefined => (typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : undefined);

function errorBody(body: string): { type?: string; message?: string } {
  let parsed: unknown;
  try { parsed = JSON.parse(body.replace(/^\uFEFF/, '')); } catch { return {}; }
  if (parsed === null || typeof parsed !== 'object') return {};
  const e = parsed as SoErrorWire & { Message?: unknown };
  const type = typeof e.ErrorType === 'string' && e.ErrorType !== '' ? e.ErrorType : undefined;
  const message = vendorMessage(e.ErrorMessage) ?? vendorMessage(e.Message);
  return { ...(type === undefined ? {} : { type }), ...(message === undefined ? {} : { message }) };
}

/** SuperOffice's own "no such entity" document (ErrorType SoNotFoundException), not a web server's 404 page. */
export const isSuperOfficeNotFound = (body: string): boolean => errorBody(body).type === 'SoNotFoundException';

/** A non-2xx SuperOffice reply as a domain error; vendorCode is the .NET ErrorType when one came. */
export function errorFromReply(status: number, body: string): BackendError {
  const { type, message } = errorBody(body);
  const opts = { status, ...(type === undefined ? {} : { vendorCode: type }) };
  const said = message === undefined ? '' : `: ${message}`;
  if (status === 401) {
    return new BackendError(B, 'BACKEND_AUTH_FAILED',
      'SuperOffice refused the credentials (HTTP 401); check the bearer token and the app token', opts);
  }
  if (status === 403) return new BackendError(B, 'PERMISSION_DENIED', `SuperOffice denied access (HTTP 403)${said}`, opts);
  if (status === 404 && type === 'SoNotFoundException') {
    return new BackendError(B, 'NOT_FOUND', `SuperOffice has no such BatchTask (HTTP 404)${said}`, opts);
  }
  if (status === 404) {
    // Not SuperOffice's own "no such entity": the call never reached the BatchTask API (a proxy, a wrong base).
    return new BackendError(B, 'BACKEND_UNAVAILABLE',
      'SuperOffice answered HTTP 404 without its not-found document: the request did not reach the BatchTask API; check the base URL',
      { ...opts, retryable: true });
  }
  if (status === 408 || status === 429 || status >= 500) {
    return new BackendError(B, 'BACKEND_UNAVAILABLE', `SuperOffice is unavailable (HTTP ${status})${said}`, { ...opts, retryable: true });
  }
  if (status >= 400) return new BackendError(B, 'REJECTED', `SuperOffice refused the request (HTTP ${status})${said}`, opts);
  return new BackendError(B, 'BACKEND_UNAVAILABLE', `SuperOffice answered with unexpected HTTP ${status}`, { ...opts, retryable: false });
}

/**
 * GET /api/v1/BatchTask/{id}. An empty carrier is how NetServer agents say "no such entity", so it is
 * NOT_FOUND like a 404; a carrier for another id is never passed off as the requested task.
 */
export function taskFromReadReply(requestedId: number, status: number, body: string): SuperOfficeTask {
  if (status < 200 || status > 299) throw errorFromReply(status, body);
  const parsed = parseJson(body);
  const id = carrierId(parsed);
  if (id === null) {
    throw new BackendError(B, 'NOT_FOUND', `SuperOffice returned an empty BatchTask for id ${requestedId}`, { status });
  }
  if (id !== requestedId) {
    throw new BackendError(B, 'BACKEND_UNAVAILABLE',
      `SuperOffice answered with BatchTask ${id} when asked for ${requestedId}`, { status, retryable: false });
  }
  return toSuperOfficeTask(parsed as BatchTaskInfoWire, id);
}

/** GET /api/v1/BatchTask/{state}: an array; rows without a usable Id cannot be addressed and are left out. */
export function tasksFromListReply(status: number, body: string): SuperOfficeTask[] {
  if (status < 200 || status > 299) throw errorFromReply(status, body);
  const parsed = parseJson(body) ?? [];
  if (!Array.isArray(parsed)) {
    throw new BackendError(B, 'BACKEND_UNAVAILABLE', 'SuperOffice sent a BatchTask list that is not an array', { status });
  }
  const byId = new Map<number, SuperOfficeTask>();
  for (const row of parsed) {
    const id = carrierId(row);
    if (id !== null && !byId.has(id)) byId.set(id, toSuperOfficeTask(row as BatchTaskInfoWire, id));
  }
  // The route has no paging and no documented order; Id order keeps offsets stable between calls.
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

/**
 * PUT /api/v1/BatchTask/{Id}: confirmed only by a carrier for the requested id, holding each value the caller
 * gave in `update` (the reply is the task after the save). An empty carrier or one for another task leaves
 * the item's fate unknown; a carrier without a value sent means SuperOffice did not apply it (a rule of its
 * own, a field cut to its length): REJECTED. Never UPDATED either way.
 */
export function taskFromPutReply(requestedId: number, status: number, body: string, update: SuperOfficeTaskUpdate): SuperOfficeTask {
  if (status < 200 || status > 299) throw errorFromReply(status, body);
  const parsed = parseJson(body);
  const id = carrierId(parsed);
  if (id === null) {
    throw new BackendError(B, 'OUTCOME_UNKNOWN',
      `SuperOffice answered the update of BatchTask ${requestedId} with an empty carrier, so it is not confirmed; read the task to check`,
      { status, retryable: false });
  }
  if (id !== requestedId) {
    throw new BackendError(B, 'OUTCOME_UNKNOWN',
      `SuperOffice answered the update of BatchTask ${requestedId} with BatchTask ${id}; read the task to check`,
      { status, retryable: false });
  }
  const unapplied = notApplied(update, parsed as BatchTaskInfoWire);
  if (unapplied) {
    throw new BackendError(B, 'REJECTED', `SuperOffice saved BatchTask ${requestedId} without the change: ${unapplied}`,
      { status, retryable: false });
  }
  return toSuperOfficeTask(parsed as BatchTaskInfoWire, id);
}

const WRITABLE = ['state', 'description', 'response', 'request'] as const;
const WIRE_FIELD = { state: 'State', description: 'Description', response: 'Response', request: 'Request' } as const;
// A .NET server may hand text back with CRLF line ends: the same text.
const sameText = (a: unknown, b: unknown): boolean =>
  typeof a === 'string' && typeof b === 'string' && a.replace(/\r\n/g, '\n') === b.replace(/\r\n/g, '\n');

/** The first value the caller gave that the reply does not hold, said without the text itself; null if none. */
function notApplied(update: SuperOfficeTaskUpdate, reply: BatchTaskInfoWire): string | null {
  for (const k of WRITABLE) {
    const sent = update[k];
    if (!given(sent)) continue;
    const got = reply[WIRE_FIELD[k]];
    if (k === 'state' ? got === sent : sameText(got, sent)) continue;
    return k === 'state' ? `it has State ${String(got)}, not ${String(sent)}` : `its ${WIRE_FIELD[k]} is not the text sent`;
  }
  return null;
}

// Absent and null both mean "keep the current value" (the GraphQL input documents it that way).
const given = (v: unknown): boolean => v !== undefined && v !== null;

/** Whether the current task must be read first: every writable field not given is sent with its current value. */
export const needsCurrentTask = (u: SuperOfficeTaskUpdate): boolean => WRITABLE.some((k) => !given(u[k]));

export function validateSuperOfficeUpdate(u: SuperOfficeTaskUpdate): string | null {
  if (typeof u.id !== 'string' || !isValidBatchTaskId(u.id)) {
    return `"${String(u.id)}" is not a SuperOffice BatchTask id (a positive 32-bit integer)`;
  }
  if (!WRITABLE.some((k) => given(u[k]))) {
    return 'nothing to update: give at least one of state, description, response, request';
  }
  if (given(u.state)) {
    if (u.state === 'All') return 'state All is a query wildcard, not a state a BatchTask can be put in';
    if (!(BATCH_TASK_STATES as readonly unknown[]).includes(u.state)) return `unknown BatchTask state "${String(u.state)}"`;
  }
  return null;
}

/**
 * The whole writable set: given fields as given, the others as the task holds them now (the vendor may
 * reset what the body leaves out). A state the vendor never told us is left out rather than invented.
 */
export function toPutBody(id: number, u: SuperOfficeTaskUpdate, current: SuperOfficeTask | null): BatchTaskPutBody {
  const state = u.state ?? current?.state ?? undefined;
  return {
    Id: id,
    ...(state === undefined ? {} : { State: state }),
    Description: u.description ?? current?.description ?? null,
    Response: u.response ?? current?.response ?? null,
    Request: u.request ?? current?.request ?? null,
  };
}
