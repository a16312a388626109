// Pure IBM BPM (HTM) wire ↔ domain functions, and the ONE place where IBM's error bodies and per-tkiid
// failure reports become domain errors. Reads are lenient on purpose: the same task arrives camelCase from
// /task/{tkiid} and /tasks/filter, UPPER_CASE from query tables (TKIID, STATE as an integer, DUE, ...), and
// WPS 6.x says `isBusinessRelevant` where BAW says `businessRelevance`.

import type { KeyValue, OutcomeError, TaskStatus } from '../../domain.js';
import type { IbmBpmTask, IbmBpmTaskUpdate } from './model.js';
import { outcomeError } from '../../domain.js';
import { BackendError } from '../../errors.js';
import type { IbmErrorBody, IbmFailedItem, IbmUpdateProperty, IbmUpdatedPropertyValues } from './wire.js';

const B = 'IBM_BPM' as const;

// Contract §4. `suspended: true` wins over every state (checked before this table).
const STATUS_BY_STATE: Record<string, TaskStatus> = {
  STATE_INACTIVE: 'NEW', STATE_READY: 'READY', STATE_CLAIMED: 'IN_PROGRESS', STATE_RUNNING: 'IN_PROGRESS',
  STATE_FINISHED: 'COMPLETED', STATE_FORWARDED: 'COMPLETED', STATE_FAILED: 'FAILED', STATE_EXPIRED: 'FAILED',
  STATE_TERMINATED: 'CANCELLED',
};
// Query tables carry STATE, KIND and HIERARCHY_POSITION as the integers of the Java API constants.
const STATE_BY_CODE: Record<string, string> = {
  1: 'STATE_INACTIVE', 2: 'STATE_READY', 3: 'STATE_RUNNING', 5: 'STATE_FINISHED', 6: 'STATE_FAILED',
  7: 'STATE_TERMINATED', 8: 'STATE_CLAIMED', 12: 'STATE_EXPIRED', 101: 'STATE_FORWARDED',
};
const KIND_BY_CODE: Record<string, string> = {
  101: 'KIND_HUMAN', 102: 'KIND_WPC_STAFF_ACTIVITY', 103: 'KIND_ORIGINATING', 105: 'KIND_PARTICIPATING',
  106: 'KIND_ADMINISTRATIVE',
};
const POSITION_BY_CODE: Record<string, string> = {
  0: 'HIERARCHY_POSITION_TOP_TASK', 1: 'HIERARCHY_POSITION_SUB_TASK', 2: 'HIERARCHY_POSITION_FOLLOW_ON_TASK',
};

export function statusOf(state: string | null, suspended: boolean | null): TaskStatus {
  if (suspended === true) return 'SUSPENDED';
  return (state !== null && STATUS_BY_STATE[state]) || 'UNKNOWN';
}

// Attribute names compared without case, underscores or a view prefix ("TASK.NAME_SPACE" → "namespace").
const normalise = (k: string) => k.replace(/^.*\./, '').replace(/_/g, '').toLowerCase();
// Every task of a reply repeats the same few dozen attribute names: normalise each name once per process
// (reads of 100-task pages spent most of their mapping time in these regexes). Bounded, since names come
// from the vendor.
const NORMALISED = new Map<string, string>();
const norm = (k: string): string => {
  let n = NORMALISED.get(k);
  if (n === undefined) {
    n = normalise(k);
    if (NORMALISED.size < 1000) NORMALISED.set(k, n);
  }
  return n;
};
const ALIASES = {
  tkiid: ['tkiid'], name: ['name'], displayName: ['displayname'], description: ['description'],
  state: ['state'], kind: ['kind'], priority: ['priority'], owner: ['owner'], originator: ['originator'],
  starter: ['starter'], dueTime: ['duetime', 'due'], activationTime: ['activationtime', 'activated'],
  firstActivationTime: ['firstactivationtime', 'firstactivated'], startTime: ['starttime', 'started'],
  completionTime: ['completiontime', 'completed'], lastModificationTime: ['lastmodificationtime', 'lastmodified'],
  expirationTime: ['expirationtime', 'expires'], suspended: ['suspended', 'issuspended'],
  isEscalated: ['isescalated', 'escalated'], isWaitingForSubTask: ['iswaitingforsubtask', 'iswaitforsubtk'],
  businessRelevance: ['businessrelevance', 'isbusinessrelevant'], assignedTo: ['assignedto'],
  assignedToType: ['assignedtotype'], namespace: ['namespace'], type: ['type'],
  workBasketName: ['workbasketname'], positionInHierarchy: ['positioninhierarchy', 'hierarchyposition'],
  customProperties: ['customproperties'],
} as const;
type Field = keyof typeof ALIASES;

const str = (v: unknown): string | null =>
  typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : null;
const coded = (table: Record<string, string>) => (v: unknown): string | null =>
  typeof v === 'number' || (typeof v === 'string' && /^\d+$/.test(v)) ? table[String(v)] ?? String(v) : str(v);
const stateOf = coded(STATE_BY_CODE);
const kindOf = coded(KIND_BY_CODE);
const positionOf = coded(POSITION_BY_CODE);
const bool = (v: unknown): boolean | null => {
  if (typeof v === 'boolean') return v;
  if (v === 1 || v === 0) return v === 1;
  if (typeof v === 'string' && /^(true|false|1|0)$/i.test(v)) return /^(true|1)$/i.test(v);
  return null;
};
const int = (v: unknown): number | null => {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) ? n : null;
};
// Query tables may render timestamps as epoch milliseconds.
const time = (v: unknown): string | null =>
  typeof v === 'number' && Number.isFinite(v) ? new Date(v).toISOString() : typeof v === 'string' ? v : null;

function customPropertiesOf(v: unknown): KeyValue[] {
  if (Array.isArray(v)) {
    return v.flatMap((p) => {
      const key = str((p as Record<string, unknown>)?.name ?? (p as Record<string, unknown>)?.key);
      const value = str((p as Record<string, unknown>)?.value);
      return key === null || value === null ? [] : [{ key, value }];
    });
  }
  if (v === null || typeof v !== 'object') return [];
  return Object.entries(v).flatMap(([key, value]) => (str(value) === null ? [] : [{ key, value: str(value)! }]));
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Where each normalised attribute name goes: the field it names and its rank among that field's aliases
 * (0 first), so a task is read in one pass over its own keys into a small array, not a Map per task (that
 * Map was most of what a 100-task page allocated in this mapping).
 */
const FIELDS = Object.keys(ALIASES) as Field[];
const SLOT_OF = new Map<string, { slot: number; rank: number }>(
  FIELDS.flatMap((f, slot) => ALIASES[f].map((alias, rank) => [alias, { slot, rank }] as const)),
);
const SLOT = Object.fromEntries(FIELDS.map((f, slot) => [f, slot])) as Record<Field, number>;
if (SLOT_OF.size !== FIELDS.reduce((n, f) => n + ALIASES[f].length, 0)) throw new Error('an IBM attribute alias names two fields');

// Scratch for taskFromWire, reset on each call: a list page maps a hundred tasks in a row, and two fresh
// arrays per task were half of what that mapping allocated. Safe to share: taskFromWire never awaits.
const values: unknown[] = new Array(FIELDS.length);
const ranks: number[] = new Array(FIELDS.length);
const get = (f: Field): unknown => values[SLOT[f]];

/** One task from any of IBM's task shapes; null when it carries no tkiid (so cannot be a task). */
export function taskFromWire(raw: unknown, idAttribute?: string): IbmBpmTask | null {
  if (!isRecord(raw)) return null;
  // The value of each field: its first-listed alias wins, and among keys that normalise alike the first.
  values.fill(undefined);
  ranks.fill(Infinity);
  for (const k in raw) {
    const v = raw[k];
    if (v === null || !Object.hasOwn(raw, k)) continue;
    const at = SLOT_OF.get(norm(k));
    if (at === undefined || at.rank >= ranks[at.slot]!) continue;
    values[at.slot] = v;
    ranks[at.slot] = at.rank;
  }
  const tkiid = str((idAttribute === undefined ? undefined : raw[idAttribute]) ?? get('tkiid'));
  if (tkiid === null || tkiid === '') return null;
  const state = stateOf(get('state'));
  const suspended = bool(get('suspended'));
  const displayName = str(get('displayName'));
  return {
    backend: B, nativeId: tkiid, tkiid,
    name: str(get('name')) ?? displayName,
    status: statusOf(state, suspended), vendorStatus: state,
    description: str(get('description')), priority: int(get('priority')),
    displayName, state, kind: kindOf(get('kind')),
    owner: str(get('owner')), originator: str(get('originator')), starter: str(get('starter')),
    dueTime: time(get('dueTime')), activationTime: time(get('activationTime')),
    firstActivationTime: time(get('firstActivationTime')), startTime: time(get('startTime')),
    completionTime: time(get('completionTime')), lastModificationTime: time(get('lastModificationTime')),
    expirationTime: time(get('expirationTime')), suspended, isEscalated: bool(get('isEscalated')),
    isWaitingForSubTask: bool(get('isWaitingForSubTask')), businessRelevance: bool(get('businessRelevance')),
    assignedTo: str(get('assignedTo')), assignedToType: str(get('assignedToType')),
    namespace: str(get('namespace')), type: str(get('type')), workBasketName: str(get('workBasketName')),
    positionInHierarchy: positionOf(get('positionInHierarchy')),
    customProperties: customPropertiesOf(get('customProperties')),
  };
}

/**
 * `{identifier, items}` (or a bare array) as tasks, one per row; null when a row is not a task. Paging counts
 * rows, so a row cannot simply be skipped: the next offset would be wrong.
 */
export function tasksFromList(body: unknown): IbmBpmTask[] | null {
  const items = Array.isArray(body) ? body : isRecord(body) && Array.isArray(body.items) ? body.items : null;
  if (items === null) return null;
  const idAttribute = isRecord(body) && typeof body.identifier === 'string' ? body.identifier : undefined;
  const tasks = items.map((i) => taskFromWire(i, idAttribute));
  return tasks.every((t) => t !== null) ? tasks : null;
}

/** Parses a JSON reply; undefined when it is not JSON. A BOM and surrounding blanks are tolerated. */
export function parseJson(text: string): unknown {
  try { return JSON.parse(text.replace(/^\uFEFF/, '')); } catch { return undefined; }
}

// ---- updates ----

type Kind = 'bool' | 'text' | 'required' | 'dateTime' | 'duration' | 'int';
/** How each documented property (wire.ts) is checked; customProperties, a list of pairs, is checked apart. */
const UPDATE_FIELDS: Record<Exclude<IbmUpdateProperty, 'customProperties'>, Kind> = {
  businessRelevance: 'bool', contextAuthorizationOfOwner: 'required', deletionTime: 'dateTime',
  description: 'text', displayName: 'text', dueTime: 'dateTime', durationUntilDeleted: 'duration',
  durationUntilDue: 'duration', durationUntilExpires: 'duration', eventHandlerName: 'text',
  expirationTime: 'dateTime', isEscalated: 'bool', isRead: 'bool', name: 'required', namespace: 'required',
  parentContextID: 'required', priority: 'int', supportsClaimIfSuspended: 'bool', supportsDelegation: 'bool',
  supportsFollowOnTasks: 'bool', supportsSubTasks: 'bool', type: 'text', workBasketName: 'text',
};

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))$/i;
export function isIsoDateTime(s: string): boolean {
  const m = DATE_TIME.exec(s);
  if (!m) return false;
  const [y, mo, d, h, mi, se] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const day = new Date(Date.UTC(y, mo - 1, d));
  return day.getUTCMonth() === mo - 1 && day.getUTCDate() === d && h < 24 && mi < 60 && se < 60
    && (m[9] === undefined || (Number(m[9]) < 24 && Number(m[10]) < 60));
}
export const isIsoDuration = (s: string): boolean =>
  /^P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(?:[.,]\d+)?S)?)?$/.test(s);

/**
 * A task instance id is `_TKI:` and a hex object id in dot-separated groups (`_TKI:a01b0130.23ef69dd.2c2a1ff5.7c9c0135`;
 * spec/vendors.md §2.3). Anything else is refused before a call: `..`, slashes, `%2F`, spaces or lone surrogates
 * would otherwise go out as path syntax (or make the URL unencodable) instead of one id.
 */
const TKIID = /^_TKI:[0-9a-f]+(?:\.[0-9a-f]+)*$/i;
export const isValidTkiid = (id: string): boolean => typeof id === 'string' && id.length <= 200 && TKIID.test(id);

export function validateUpdate(u: IbmBpmTaskUpdate): string | null {
  if (!isValidTkiid(u.id)) return 'id must be an IBM task instance id (tkiid): _TKI: and hex groups separated by dots, e.g. _TKI:a01b0130.23ef69dd.2c2a1ff5.7c9c0135';
  let set = 0;
  for (const [field, kind] of Object.entries(UPDATE_FIELDS) as Array<[keyof typeof UPDATE_FIELDS, Kind]>) {
    const v: unknown = u[field];
    if (v === undefined) continue;
    set++;
    const ok = kind === 'bool' ? typeof v === 'boolean'
      : kind === 'int' ? Number.isInteger(v) && (v as number) >= -2_147_483_648 && (v as number) <= 2_147_483_647
      : typeof v !== 'string' ? false
      : kind === 'required' ? v.trim() !== ''
      : kind === 'dateTime' ? isIsoDateTime(v)
      : kind === 'duration' ? isIsoDuration(v) : true;
    if (!ok) {
      return `${field} ${{
        bool: 'must be true or false', int: 'must be an integer between -2147483648 and 2147483647',
        text: 'must be a string', required: 'must not be empty',
        dateTime: 'must be an ISO-8601 date-time with seconds and an offset, e.g. 2026-03-01T17:00:00Z',
        duration: 'must be an ISO-8601 duration, e.g. P14D or PT8H',
      }[kind]}`;
    }
  }
  if (u.customProperties !== undefined && u.customProperties.length > 0) {
    set++;
    const seen = new Set<string>();
    for (const { key, value } of u.customProperties) {
      if (typeof key !== 'string' || key.trim() === '') return 'customProperties keys must not be empty';
      if (typeof value !== 'string') return `customProperties value of "${key}" must be a string`;
      if (seen.has(key)) return `customProperties key "${key}" is given more than once`;
      seen.add(key);
    }
  }
  return set === 0 ? 'an IBM BPM update must set at least one property besides id' : null;
}

/**
 * The `updatedPropertyValues` for one update: only the fields it sets, keys sorted (customProperties too), so
 * equal value sets serialise identically and `JSON.stringify` is the grouping key.
 */
export function propertyValuesOf(u: IbmBpmTaskUpdate): IbmUpdatedPropertyValues {
  const out: Record<string, unknown> = {};
  for (const field of Object.keys(UPDATE_FIELDS).sort()) {
    const v = u[field as keyof IbmBpmTaskUpdate];
    if (field === 'customProperties' || v === undefined) continue;
    out[field] = v;
  }
  if (u.customProperties !== undefined && u.customProperties.length > 0) {
    const sorted = [...u.customProperties].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    out.customProperties = Object.fromEntries(sorted.map((p) => [p.key, p.value]));
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1))) as IbmUpdatedPropertyValues;
}

// ---- replies and errors ----

export type BulkReply =
  | { kind: 'report'; failures: Array<Partial<IbmFailedItem>> }
  | { kind: 'unreadable' };

/** A bulk call's 200 body: empty = every id succeeded; else a report naming the failed tkiids. */
export function parseBulkReply(text: string): BulkReply {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed === '') return { kind: 'report', failures: [] };
  const body = parseJson(trimmed);
  if (!isRecord(body)) return { kind: 'unreadable' };
  const lists = [body.failedUpdates, body.failedOperations].filter((l) => l !== undefined && l !== null);
  if (lists.some((l) => !Array.isArray(l))) return { kind: 'unreadable' };
  // `{}` is a report with no failures; any other object without a failure list is not a report.
  if (lists.length === 0 && Object.keys(body).length > 0) return { kind: 'unreadable' };
  return { kind: 'report', failures: (lists as unknown[][]).flat().map((f) => (isRecord(f) ? f : {})) };
}

const NOT_FOUND = new Set(['CWTKA0024E', 'CWTKA0017E', 'CWTKA0001E']);
const VENDOR_CODE = /\b(CW[A-Z]{3}\d{4}[A-Z])\b/;

function codeAndMessage(e: { errorNumber?: unknown; errorMessage?: unknown }): { vendorCode?: string; message?: string } {
  const message = typeof e.errorMessage === 'string' && e.errorMessage.trim() !== '' ? e.errorMessage.trim() : undefined;
  const vendorCode = typeof e.errorNumber === 'string' && e.errorNumber !== '' ? e.errorNumber : message?.match(VENDOR_CODE)?.[1];
  return { ...(vendorCode === undefined ? {} : { vendorCode }), ...(message === undefined ? {} : { message }) };
}

/** One `failedUpdates` / `failedOperations` entry as the outcome of its tkiid. */
export function outcomeFromFailure(f: Partial<IbmFailedItem>): OutcomeError {
  const { vendorCode, message } = codeAndMessage(f);
  const code = vendorCode !== undefined && NOT_FOUND.has(vendorCode) ? 'NOT_FOUND'
    : vendorCode === 'CWTKA0012E' ? 'PERMISSION_DENIED' : 'REJECTED';
  return outcomeError(code, message ?? `IBM BPM refused the update${vendorCode ? ` (${vendorCode})` : ''}`,
    vendorCode === undefined ? {} : { vendorCode });
}

/** A tkiid as IBM may echo it: any case, stray spaces. */
export const tkiidKey = (tkiid: string): string => tkiid.trim().toLowerCase();

export function errorBodyOf(text: string): IbmErrorBody {
  const body = parseJson(text);
  return isRecord(body) ? (body as IbmErrorBody) : {};
}

/**
 * True for the replies getTasks reads as "no such task": IBM's own 404 (an error with its CW code; a bare
 * 404 or a proxy's page never reached the REST API), or 400 CWTKA0001E (malformed id).
 */
export function meansNoSuchTask(status: number, text: string): boolean {
  // A 404 as errorFromResponse reads it: another IBM error on a 404 is an error, not null.
  if (status === 404) return errorFromResponse(status, text).code === 'NOT_FOUND';
  return status === 400 && codeAndMessage(errorBodyOf(text)).vendorCode === 'CWTKA0001E';
}

/**
 * IBM refusing a call for its CSRF token (BPM 8.5.7 and later, BAW, with CSRF protection on): 403
 * CWTBG0651E. The call was not carried out; IBM's own advice is a new token and the same call again.
 * Matched in the whole text, as the BPD REST layer that answers it wraps its error in other ways than HTM's.
 */
export const isCsrfRefusal = (res: { status: number; text(): string }): boolean =>
  // The status first: text() decodes the whole body, which every 200 list would pay for nothing.
  res.status === 403 && res.text().includes('CWTBG0651E');

/** The token of a POST /bpm/system/login reply, or null when it holds none. */
export function csrfTokenOf(text: string): string | null {
  const body = parseJson(text);
  const token = isRecord(body) ? body['csrf_token'] : undefined;
  return typeof token === 'string' && token !== '' ? token : null;
}

/** Any non-2xx reply of a whole call as a domain error. Programmer details are never read. */
export function errorFromResponse(status: number, text: string): BackendError {
  const { vendorCode, message } = codeAndMessage(errorBodyOf(text));
  const opts = { status, ...(vendorCode === undefined ? {} : { vendorCode }) };
  if (status === 401 || vendorCode === 'CWTBG0651E') {
    return new BackendError(B, 'BACKEND_AUTH_FAILED',
      status === 401 ? 'IBM BPM refused the configured credentials (HTTP 401)' : 'IBM BPM refused the CSRF token (HTTP 403)', opts);
  }
  if (status === 403) return new BackendError(B, 'PERMISSION_DENIED', message ?? 'IBM BPM denied the request (HTTP 403)', opts);
  if (status === 408 || status === 429 || status >= 500) {
    return new BackendError(B, 'BACKEND_UNAVAILABLE', `IBM BPM failed (HTTP ${status})${message ? `: ${message}` : ''}`,
      { ...opts, retryable: true });
  }
  if (status === 404 && vendorCode !== undefined && NOT_FOUND.has(vendorCode)) {
    return new BackendError(B, 'NOT_FOUND', message ?? 'IBM BPM: no such task', opts);
  }
  if (status === 404 && vendorCode === undefined) {
    return new BackendError(B, 'BACKEND_UNAVAILABLE',
      'IBM BPM answered HTTP 404 without an IBM error: the request did not reach the task REST API; check the base URL',
      { ...opts, retryable: true });
  }
  if (status >= 400 && status < 500) {
    return new BackendError(B, 'REJECTED', message ?? `IBM BPM refused the request (HTTP ${status})`, opts);
  }
  return new BackendError(B, 'BACKEND_UNAVAILABLE', `IBM BPM answered with unexpected HTTP ${status}`, { ...opts, retryable: false });
}

/** The request ids a whole-call error names (errorMessageParameters or message text), for isolating them. */
export function idsNamedBy(text: string, ids: readonly string[]): string[] {
  const body = errorBodyOf(text);
  const params = Array.isArray(body.errorMessageParameters) ? body.errorMessageParameters.map(String) : [];
  const msg = typeof body.errorMessage === 'string' ? body.errorMessage : '';
  // Matched as IBM may echo a tkiid (the same rule as a failure report's entries).
  const named = new Set(params.map(tkiidKey));
  const said = msg.toLowerCase();
  return ids.filter((id) => named.has(tkiidKey(id)) || (said !== '' && said.includes(`'${tkiidKey(id)}'`)));
}
