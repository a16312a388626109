// IBM BPM / BAW Human Task Manager REST API as a real HTTP server, reproducing the documented behaviour
// (vendor-docs/002, spec/vendors.md §2): HTTP Basic, tkiids with a raw or %3A-encoded colon, the bulk update
// answering an EMPTY 200 on full success and `failedUpdates` on partial failure (never 404), `failedOperations`
// for the other bulk actions, the WPS 6.2 `{type:{...}}` wrapper and `isBusinessRelevant`, method override on
// POST (two header names or the query form), 406/415 content negotiation, and CWTKA/CWTBF error bodies.
// Optionally (`csrf`), the CSRF protection newer BPM and BAW enforce: every REST call needs a BPMCSRFToken
// header from POST /bpm/system/login, and a missing or expired one is 403 CWTBG0651E.

import { randomBytes } from 'node:crypto';
import type { EmuRequest, EmuResponse, EmulatorServer } from '../emulator-kit.js';
import { json, parseBasic, startEmulatorServer } from '../emulator-kit.js';
import type { IbmFailedItem, IbmTaskWire } from './wire.js';
import { IBM_CSRF_LIFETIME_S, IBM_UPDATE_PROPERTIES } from './wire.js';

export const IBM_BPM_DEMO_CREDENTIALS = Object.freeze({ username: 'bpmadmin', password: 'bpm-demo-secret' });

export interface IbmBpmEmulatorOptions {
  host?: string;
  port?: number;
  latencyMs?: number;
  /** Replaces the seed. */
  tasks?: IbmTaskWire[];
  /** Appends this many generated, updatable tasks (benchmarks). */
  extraTasks?: number;
  credentials?: { username: string; password: string };
  /** tkiids whose updates fail with CWTKA0012E; default: the seeded restricted task. */
  restricted?: string[];
  /** Server-side cap on `size` of /tasks/filter (not documented for IBM; default: none). */
  maxPageSize?: number;
  /** Enforce CSRF protection (BPMCSRFToken from POST /bpm/system/login). Default: off, as BPM ships. */
  csrf?: boolean;
}

export interface IbmBpmEmulator {
  server: EmulatorServer;
  /** The live store, in list order. */
  tasks: Map<string, IbmTaskWire>;
  restricted: Set<string>;
  /** Makes the next bulk report also name `tkiid`, which was not in the request (a vendor answering for wrong ids). */
  reportForeignIdOnce(tkiid?: string): void;
  /** With `csrf`: ends every token handed out so far, as their lifetime running out would. */
  expireCsrfTokens(): void;
  close(): Promise<void>;
}

const ROOT = ['rest', 'bpm', 'htm', 'v1'];
const TKIID = /^_TKI:[0-9a-f.]+$/i;
const FROZEN_STATES = new Set(['STATE_FINISHED', 'STATE_TERMINATED', 'STATE_FORWARDED']);
export const IBM_RESTRICTED_TKIID = '_TKI:a01b0130.23ef69dd.2c2a1ff5.7c9c0145';
export const IBM_FOREIGN_TKIID = '_TKI:ffff0000.00000000.00000000.00000001';

const seed = (n: number, name: string, displayName: string, state: string, extra: Partial<IbmTaskWire> = {}): IbmTaskWire => ({
  tkiid: `_TKI:a01b0130.23ef69dd.2c2a1ff5.7c9c01${n.toString(16).padStart(2, '0')}`,
  name, displayName, description: `${displayName}.`, state, kind: 'KIND_HUMAN', priority: 5,
  originator: 'jdoe', starter: 'jdoe', namespace: 'http://acme.example/bpm/tasks', type: 'Approval',
  activationTime: '2025-11-03T08:15:00.000Z', firstActivationTime: '2025-11-03T08:15:00.000Z',
  lastModificationTime: '2025-11-03T08:15:00.000Z', dueTime: '2025-11-10T17:00:00.000Z',
  suspended: false, isEscalated: false, isWaitingForSubTask: false, businessRelevance: true,
  assignedTo: 'AccountsPayable', assignedToType: 'Group', positionInHierarchy: 'HIERARCHY_POSITION_TOP_TASK',
  customProperties: { costCenter: 'CC-4100' }, ...extra,
});

/** Every state of contract §4, a suspended READY task, a restricted task and one state outside the table. */
export const IBM_SEED_TASKS: readonly IbmTaskWire[] = Object.freeze([
  seed(0x35, 'ApproveInvoice', 'Approve invoice INV-2025-0815', 'STATE_READY', { priority: 3, customProperties: { costCenter: 'CC-4100', region: 'EMEA' } }),
  seed(0x36, 'ReviewClaim', 'Review insurance claim CLM-20931', 'STATE_CLAIMED', { owner: 'mgarcia', startTime: '2025-11-04T09:02:11.000Z' }),
  seed(0x37, 'CollectOnboardingDocuments', 'Collect onboarding documents for Acme GmbH', 'STATE_RUNNING',
    { kind: 'KIND_ORIGINATING', owner: 'svc_onboarding', startTime: '2025-11-04T10:00:00.000Z' }),
  seed(0x38, 'CreditCheck', 'Credit check for sales order SO-55120', 'STATE_INACTIVE', { activationTime: undefined, firstActivationTime: undefined }),
  seed(0x39, 'VerifyBankDetails', 'Verify supplier bank details for Nordwind AB', 'STATE_READY', { suspended: true, priority: 2 }),
  seed(0x3a, 'SignFrameworkContract', 'Sign framework contract FC-2025-17', 'STATE_FINISHED',
    { owner: 'kwong', completionTime: '2025-11-05T16:40:00.000Z' }),
  seed(0x3b, 'HandleComplaint', 'Handle customer complaint CMP-3391', 'STATE_FORWARDED', { owner: 'pnovak', completionTime: '2025-11-05T11:20:00.000Z' }),
  seed(0x3c, 'ProvisionUserAccount', 'Provision user account for new hire E-10442', 'STATE_FAILED', { kind: 'KIND_PARTICIPATING' }),
  seed(0x3d, 'ConfirmDelivery', 'Confirm delivery of shipment SH-77810', 'STATE_EXPIRED', { expirationTime: '2025-11-08T00:00:00.000Z' }),
  seed(0x3e, 'ApproveRefund', 'Approve refund for order SO-54007', 'STATE_TERMINATED', { completionTime: '2025-11-06T08:00:00.000Z' }),
  seed(0x3f, 'ArchiveCaseFile', 'Archive case file CASE-2025-0042', 'STATE_PROCESSING_UNDO', { kind: 'KIND_ADMINISTRATIVE' }),
  seed(0x40, 'EscalatedPurchaseApproval', 'Approve purchase requisition PR-9921 (escalated)', 'STATE_READY',
    { isEscalated: true, priority: 1, assignedTo: 'Procurement', businessRelevance: false }),
  seed(0x45, 'ApproveExecutiveTravel', 'Approve executive travel request TR-0007', 'STATE_READY', { assignedTo: 'ExecutiveOffice' }),
]);

const generated = (i: number): IbmTaskWire => ({
  ...seed(0, `GeneratedReview${i + 1}`, `Review generated request GEN-${i + 1}`,
    ['STATE_READY', 'STATE_CLAIMED', 'STATE_INACTIVE'][i % 3]!, { priority: i % 10 }),
  tkiid: `_TKI:a01b0131.${i.toString(16).padStart(8, '0')}.2c2a1ff5.7c9c0135`,
});

const err = (status: number, errorNumber: string, text: string, params: string[] = []): EmuResponse =>
  json(status, { errorNumber, errorMessage: `${errorNumber}: ${text}`, errorMessageParameters: params });
const notFound = (id: string) => `The task ''${id}'' does not exist; it might have been deleted in the meantime.`;
const failure = (tkiid: string, errorNumber: string, text: string): IbmFailedItem =>
  ({ tkiid, errorNumber, errorMessage: `${errorNumber}: ${text}` });

const mediaType = (v: string) => v.split(';')[0]!.trim().toLowerCase();
const acceptsJson = (accept: string | undefined) => accept === undefined || accept.trim() === ''
  || accept.split(',').map(mediaType).some((m) => m === 'application/json' || m === 'application/*' || m === '*/*');

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The value set with the WPS 6.2 dialect folded in, or the name of the first ill-typed property. */
function readValues(raw: unknown): { values: Record<string, unknown> } | { bad: string } {
  if (!isObject(raw)) return { bad: 'updatedPropertyValues' };
  const flat: Record<string, unknown> = isObject(raw.type) ? { ...raw.type } : { ...raw };
  if (flat.isBusinessRelevant !== undefined && flat.businessRelevance === undefined) flat.businessRelevance = flat.isBusinessRelevant;
  const values: Record<string, unknown> = {};
  // Each documented property must have the JSON type IBM's schema gives it; anything else is ignored.
  for (const [k, want] of Object.entries(IBM_UPDATE_PROPERTIES)) {
    const v = flat[k];
    if (v === undefined) continue;
    const ok = want === 'integer' ? Number.isInteger(v)
      : want === 'object' ? isObject(v) && Object.values(v).every((x) => typeof x === 'string') : typeof v === want;
    if (!ok) return { bad: k };
    values[k] = v;
  }
  return { values };
}

export async function startIbmBpmEmulator(options: IbmBpmEmulatorOptions = {}): Promise<IbmBpmEmulator> {
  const credentials = options.credentials ?? IBM_BPM_DEMO_CREDENTIALS;
  /** BPMCSRFToken values handed out, and until when each holds (epoch ms). */
  const csrfTokens = new Map<string, number>();
  const source = [...(options.tasks ?? IBM_SEED_TASKS), ...Array.from({ length: options.extraTasks ?? 0 }, (_, i) => generated(i))];
  const tasks = new Map<string, IbmTaskWire>(source.map((t) => [t.tkiid, structuredClone(t)]));
  const restricted = new Set(options.restricted ?? (options.tasks ? [] : [IBM_RESTRICTED_TKIID]));
  const foreignIds: string[] = [];

  // Per-tkiid checks shared by every bulk action; null when the task may be changed.
  const refuse = (id: string, canApply: (t: IbmTaskWire) => boolean): IbmFailedItem | null => {
    if (typeof id !== 'string' || !TKIID.test(id)) return failure(String(id), 'CWTKA0001E', `The format of the ID ''${id}'' is invalid.`);
    const t = tasks.get(id);
    if (!t) return failure(id, 'CWTKA0024E', notFound(id));
    if (restricted.has(id)) return failure(id, 'CWTKA0012E', 'No authorization for the requested action.');
    if (!canApply(t)) return failure(id, 'CWTKA0007E', 'The state of the object does not allow the requested action.');
    return null;
  };

  const report = (key: 'failedUpdates' | 'failedOperations', failed: IbmFailedItem[], total: number): EmuResponse => {
    const foreign = foreignIds.shift();
    if (foreign !== undefined) failed.push(failure(foreign, 'CWTKA0024E', notFound(foreign)));
    if (failed.length === 0) return { status: 200 }; // documented: EMPTY body, not {}
    return json(200, key === 'failedUpdates' ? { failedUpdates: failed }
      : { description: `${failed.length} of ${total} operations failed.`, failedOperations: failed });
  };

  const bulk = (query: URLSearchParams, body: unknown): EmuResponse => {
    const action = query.get('action');
    if (action === null || action === '') return err(400, 'CWTBF0004E', "The parameter ''action'' is missing.", ['action']);
    if (!['update', 'cancel', 'resume'].includes(action)) {
      return err(400, 'CWTBF0005E', `The value ''${action}'' of the parameter ''action'' is not valid.`, ['action', action]);
    }
    if (!isObject(body)) return err(400, 'CWTBF0005E', 'The request content is missing or is not valid JSON.');
    const now = new Date().toISOString();
    if (action === 'update') {
      const ids = body.updatedTaskIDs;
      if (!Array.isArray(ids)) return err(400, 'CWTBF0004E', "The parameter ''updatedTaskIDs'' is missing.", ['updatedTaskIDs']);
      const read = readValues(body.updatedPropertyValues);
      if ('bad' in read) return err(400, 'CWTBF0005E', `The value of the parameter ''${read.bad}'' is not valid.`, [read.bad]);
      const failed: IbmFailedItem[] = [];
      for (const id of ids as string[]) {
        const refused = refuse(id, (t) => !FROZEN_STATES.has(t.state ?? ''));
        if (refused) { failed.push(refused); continue; }
        const t = tasks.get(id)!;
        const { customProperties, ...rest } = read.values;
        Object.assign(t, rest, { lastModificationTime: now });
        if (customProperties) t.customProperties = { ...t.customProperties, ...(customProperties as Record<string, string>) };
      }
      return report('failedUpdates', failed, ids.length);
    }
    const ids = body.taskIDs;
    if (!Array.isArray(ids)) return err(400, 'CWTBF0004E', "The parameter ''taskIDs'' is missing.", ['taskIDs']);
    const failed: IbmFailedItem[] = [];
    for (const id of ids as string[]) {
      const refused = action === 'cancel' ? refuse(id, (t) => t.state === 'STATE_CLAIMED') : refuse(id, (t) => t.suspended === true);
      if (refused) { failed.push(refused); continue; }
      const t = tasks.get(id)!;
      if (action === 'cancel') { t.state = 'STATE_READY'; delete t.owner; } else t.suspended = false;
      t.lastModificationTime = now;
    }
    return report('failedOperations', failed, ids.length);
  };

  const handler = (req: EmuRequest): EmuResponse => {
    // Segments split before decoding, so an encoded "/" in a tkiid stays inside its segment.
    const segments = req.rawPath.split('?')[0]!.split('/').slice(1).map((s) => { try { return decodeURIComponent(s); } catch { return s; } });
    const query = new URLSearchParams(req.query);
    let method = req.method.toUpperCase();
    let rawBody = req.body;
    let contentType: string | undefined = req.headers['content-type'];
    const override = req.headers['x-method-override'] ?? req.headers['x-http-method-override']
      ?? query.get('x-method-override') ?? query.get('x-http-method-override');
    if (method === 'POST' && override) {
      method = override.toUpperCase();
      // Documented for long URIs: the query parameters travel form-encoded in the body.
      if (contentType !== undefined && mediaType(contentType) === 'application/x-www-form-urlencoded') {
        for (const [k, v] of new URLSearchParams(rawBody)) query.set(k, v);
        rawBody = '';
        contentType = undefined;
      }
    }
    const who = parseBasic(req.headers.authorization);
    if (!who || who.user !== credentials.username || who.password !== credentials.password) {
      return json(401, { errorMessage: 'The caller is not authorized for this request.' }, { 'www-authenticate': 'Basic realm="defaultWIMFileBasedRealm"' });
    }
    if (!acceptsJson(req.headers.accept)) {
      return err(406, 'CWTBF0019E', `The requested content type ''${req.headers.accept}'' is not supported.`, [req.headers.accept ?? '']);
    }
    if (segments.join('/') === 'bpm/system/login') {
      if (method !== 'POST') return json(405, { errorMessage: 'Only POST is supported for this resource.' });
      let asked: unknown;
      try { asked = (JSON.parse(rawBody || '{}') as Record<string, unknown>)['requested-lifetime']; } catch { /* the default */ }
      // IBM's default when none (or none readable) is asked for, and never more than it.
      const lifetime = Math.min(IBM_CSRF_LIFETIME_S, Number(asked ?? IBM_CSRF_LIFETIME_S) || IBM_CSRF_LIFETIME_S);
      const token = randomBytes(24).toString('base64url');
      csrfTokens.set(token, Date.now() + lifetime * 1000);
      return json(200, { csrf_token: token });
    }
    if (options.csrf) {
      const token = req.headers['bpmcsrftoken'];
      const until = token === undefined ? undefined : csrfTokens.get(token);
      if (until === undefined || until <= Date.now()) {
        return err(403, 'CWTBG0651E', 'The request was blocked because the BPMCSRFToken token header could not be verified.');
      }
    }
    const rest = segments.slice(0, 4).join('/') === ROOT.join('/') ? segments.slice(4) : null;
    if (rest === null) return json(404, { errorMessage: 'No REST resource at this path.' });

    if (rest.length === 2 && rest[0] === 'task') {
      if (method !== 'GET') return json(405, { errorMessage: 'This method is not supported by the emulator for this resource.' });
      const id = rest[1]!;
      if (!TKIID.test(id)) return err(400, 'CWTKA0001E', `The format of the ID ''${id}'' is invalid.`, [id]);
      const task = tasks.get(id);
      return task ? json(200, task) : err(404, 'CWTKA0024E', notFound(id), [id]);
    }
    if (rest.length === 2 && rest[0] === 'tasks' && rest[1] === 'filter') {
      if (method !== 'GET') return json(405, { errorMessage: 'Only GET is supported for this resource.' });
      const num = (name: string, dflt: number) => {
        const v = query.get(name);
        return v === null || v === '' ? dflt : /^\d+$/.test(v) ? Number(v) : NaN;
      };
      const offset = num('offset', 0);
      const size = Math.min(num('size', Number.MAX_SAFE_INTEGER), options.maxPageSize ?? Number.MAX_SAFE_INTEGER);
      if (Number.isNaN(offset) || Number.isNaN(size)) return err(400, 'CWTBF0005E', "The value of the parameter ''offset'' or ''size'' is not valid.");
      return json(200, { identifier: 'TKIID', items: [...tasks.values()].slice(offset, offset + size) });
    }
    if (rest.length === 1 && rest[0] === 'task') {
      if (method !== 'PUT') return json(405, { errorMessage: 'Only PUT is supported by the emulator for this resource.' });
      if (rawBody.trim() !== '' && (contentType === undefined || mediaType(contentType) !== 'application/json')) {
        return err(415, 'CWTBF0018E', `The content type ''${contentType ?? ''}'' of the request is not supported.`, [contentType ?? '']);
      }
      let body: unknown;
      try { body = rawBody.trim() === '' ? undefined : JSON.parse(rawBody); } catch { body = undefined; }
      return bulk(query, body);
    }
    return json(404, { errorMessage: 'No REST resource at this path.' });
  };

  const server = await startEmulatorServer({
    name: 'ibm-bpm', handler,
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.latencyMs === undefined ? {} : { latencyMs: options.latencyMs }),
  });
  return {
    server, tasks, restricted,
    reportForeignIdOnce: (tkiid = IBM_FOREIGN_TKIID) => { foreignIds.push(tkiid); },
    expireCsrfTokens: () => { csrfTokens.clear(); },
    close: () => server.close(),
  };
}
