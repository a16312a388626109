// Zuora Workflow as documented (vendors.md §1, vendor-docs/000_*), as a real HTTP server: OAuth client
// credentials with expiring, revocable tokens; GET one / GET list with absolute next_page links on another
// host; batch_update with its 400/404 rules; Zuora-Track-Id echo and checks; RateLimit-* headers; gzip
// above 1000 bytes; when switched on, the tenant's concurrency limit (429 beyond it). Used by the tests and
// by the embedded default of `npm start`.

import { randomBytes, randomUUID } from 'node:crypto';
import { ZUORA_TASK_STATUSES } from './model.js';
import { json, startEmulatorServer } from '../emulator-kit.js';
import type { EmuRequest, EmuResponse, EmulatorServer } from '../emulator-kit.js';
import type { ZuoraTasksResponse, ZuoraWireTask } from './wire.js';

/** Demo OAuth client: a 36-character client id and a secret within Zuora's 42-character limit. */
export const ZUORA_DEMO_CREDENTIALS: Readonly<{ clientId: string; clientSecret: string }> = Object.freeze({
  clientId: '8f2d6c1e-3b7a-4e9f-a5c2-d41e97b03f68',
  clientSecret: 'taskhub-demo-Zs3cr3t-Kq7Vw2Lp9Xy4',
});

/** Zuora does not document what an unknown but well-formed id in batch_update does; both readings are offered. */
export type UnknownIdMode = 'batch404' | 'partial200';

export interface ZuoraEmulatorOptions {
  host?: string;
  port?: number;
  latencyMs?: number;
  /** Replaces the seed. */
  tasks?: ZuoraWireTask[];
  /** Appends this many generated tasks after the seed (benchmarks, paging tests). */
  extraTasks?: number;
  credentials?: { clientId: string; clientSecret: string };
  /** Token lifetime announced in `expires_in` and enforced. Default 3599 (the docs' sample). */
  tokenTtlSeconds?: number;
  unknownIdMode?: UnknownIdMode;
  /** Host of the absolute `next_page` links; Zuora's point at its public host, not where the request went. */
  publicBaseUrl?: string;
  /** The tenant's limit on API requests in flight at once (Zuora's default is 40); none unless given. */
  concurrencyLimit?: number;
}

export interface ZuoraEmulator {
  server: EmulatorServer;
  /** The live store, by id; writes land here. */
  tasks: Map<number, ZuoraWireTask>;
  credentials: { clientId: string; clientSecret: string };
  /** Switchable at runtime. */
  unknownIdMode: UnknownIdMode;
  tokenTtlSeconds: number;
  /** Access tokens issued so far (tests assert reuse). */
  readonly tokensIssued: number;
  /** Makes every token issued so far invalid: the next call with one gets 401. */
  revokeTokens(): void;
  /**
   * API requests (not token requests) the tenant may have in flight at once; one more gets 429 with
   * `Retry-After` (vendors.md §1.7: 40 by default, 200 for high-volume tenants). Undefined: no limit, as the
   * benchmarks' direct script and gateway open as many sockets as they like. Switchable at runtime.
   */
  concurrencyLimit: number | undefined;
  /** API requests refused for the concurrency limit so far. */
  readonly refusedForConcurrency: number;
  close(): Promise<void>;
}

const WWW_AUTHENTICATE = 'Basic realm=Zuora API, ZSession realm=Zuora API, Bearer realm=Zuora API';
const RATE_LIMIT = '50000, 50000;w=60, 2250000;w=3600, 27000000;w=86400';
const UPDATABLE = ['name', 'status', 'tags', 'concurrent_limit', 'object', 'object_id', 'action_type', 'call_type', 'workflow_id'] as const;

const errors = (status: number, title: string, code = 'invalid'): EmuResponse =>
  json(status, { Errors: [{ code, status, title }] });
/** Zuora's "Request exceeded limit" (error category 70): retry after Retry-After. */
const concurrencyRefusal = (): EmuResponse => ({
  ...errors(429, 'Request exceeded limit: too many concurrent requests for this tenant', 'request_exceeded_limit'),
  headers: { 'content-type': 'application/json', 'retry-after': '1' },
});
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

export async function startZuoraEmulator(options: ZuoraEmulatorOptions = {}): Promise<ZuoraEmulator> {
  const seed = structuredClone(options.tasks ?? ZUORA_SEED_TASKS);
  const tasks = new Map(seed.map((t) => [t.id, t] as const));
  let nextId = Math.max(0, ...tasks.keys()) + 1;
  for (let i = 0; i < (options.extraTasks ?? 0); i++, nextId++) tasks.set(nextId, generatedTask(nextId, i));
  const publicBase = (options.publicBaseUrl ?? 'https://rest.zuora.com').replace(/\/+$/, '');
  const tokens = new Map<string, number>(); // token → expiry (ms)
  let issued = 0;
  let rateWindow = { start: Date.now(), used: 0 };

  const oauthToken = (req: EmuRequest): EmuResponse => {
    if (req.method !== 'POST') return errors(405, 'Method not allowed');
    if (req.headers['authorization']) return errors(400, 'Do not send an Authorization header when requesting a token');
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return errors(400, 'Content-Type must be application/x-www-form-urlencoded');
    }
    const form = new URLSearchParams(req.body);
    const id = form.get('client_id') ?? '';
    const secret = form.get('client_secret') ?? '';
    if (form.get('grant_type') !== 'client_credentials') return errors(400, 'grant_type must be client_credentials');
    if (id.length !== 36 || secret.length === 0 || secret.length > 42) return errors(400, 'Malformed client_id or client_secret');
    if (id !== emulator.credentials.clientId || secret !== emulator.credentials.clientSecret) {
      return errors(401, 'Invalid client credentials', 'unauthorized');
    }
    const token = randomBytes(16).toString('hex');
    tokens.set(token, Date.now() + emulator.tokenTtlSeconds * 1000);
    issued += 1;
    return json(200, {
      access_token: token, expires_in: emulator.tokenTtlSeconds, jti: randomBytes(8).toString('hex'),
      scope: 'user.2c92c0f96abc17de016abd62bd0c5854 entity.1a2b7a37-3e7d-4cb3-b0e2-883de9e766cc tenant.9999', token_type: 'bearer',
    });
  };

  const authorised = (req: EmuRequest): boolean => {
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers['authorization'] ?? '');
    const expiry = m ? tokens.get(m[1]!) : undefined;
    return expiry !== undefined && Date.now() < expiry;
  };

  const getOne = (id: string): EmuResponse => {
    const task = /^[0-9]{1,15}$/.test(id) ? tasks.get(Number(id)) : undefined;
    return task ? { ...json(200, task), gzipIfAccepted: true } : errors(404, `Task ${id} not found`, 'not_found');
  };

  const list = (q: URLSearchParams): EmuResponse => {
    const page = Number(q.get('page') ?? '1');
    const length = Number(q.get('page_length') ?? '20');
    if (!Number.isInteger(page) || page < 1) return errors(400, 'page must be a positive integer');
    if (!Number.isInteger(length) || length < 1 || length > 100) return errors(400, 'page_length must be between 1 and 100');
    const all = [...tasks.values()].filter((t) => matches(t, q)).sort((a, b) => a.id - b.id);
    const data = all.slice((page - 1) * length, page * length);
    const next = new URLSearchParams(q);
    next.set('page', String(page + 1));
    next.set('page_length', String(length));
    const body: ZuoraTasksResponse = {
      data,
      pagination: {
        ...(page * length < all.length ? { next_page: `${publicBase}/workflows/tasks?${next}` } : {}),
        page, page_length: length,
      },
    };
    return { ...json(200, body), gzipIfAccepted: true };
  };

  const batchUpdate = (req: EmuRequest): EmuResponse => {
    let body: unknown;
    try { body = JSON.parse(req.body); } catch { return errors(400, 'Request body is not valid JSON'); }
    const data = isObject(body) ? body['data'] : undefined;
    if (!Array.isArray(data) || data.length === 0) return errors(400, '`data` must be a non-empty array of tasks');
    if (data.length > 50) return errors(400, 'At most 50 tasks can be updated in one request');
    if (data.some((d) => !isObject(d) || d['id'] === undefined || d['id'] === null)) {
      return errors(404, 'One or more tasks are missing the required `id` field');
    }
    const items = data as Array<Record<string, unknown>>;
    for (const d of items) {
      const problem = invalidField(d);
      if (problem) return errors(400, problem);
    }
    const unknown = items.filter((d) => !tasks.has(d['id'] as number));
    if (unknown.length > 0 && emulator.unknownIdMode === 'batch404') {
      return errors(404, `Task(s) not found: ${unknown.map((d) => d['id']).join(', ')}`, 'not_found');
    }
    const updated: ZuoraWireTask[] = [];
    for (const d of items) {
      const task = tasks.get(d['id'] as number);
      if (!task) continue; // partial200: left out of the reply
      for (const f of UPDATABLE) if (d[f] !== undefined) (task as unknown as Record<string, unknown>)[f] = structuredClone(d[f]);
      updated.push(task);
    }
    return { ...json(200, { data: updated, pagination: { page: null, page_length: null } }), gzipIfAccepted: true };
  };

  const route = (req: EmuRequest): EmuResponse => {
    if (req.path === '/oauth/token') return oauthToken(req);
    if (!req.path.startsWith('/workflows/')) return errors(404, 'Not found', 'not_found');
    if (!authorised(req)) {
      return { ...errors(401, 'Authentication error', 'unauthorized'), headers: { 'content-type': 'application/json', 'www-authenticate': WWW_AUTHENTICATE } };
    }
    if (req.path === '/workflows/tasks/batch_update') return req.method === 'PUT' ? batchUpdate(req) : errors(405, 'Method not allowed');
    if (req.method !== 'GET') return errors(405, 'Method not allowed');
    if (req.path === '/workflows/tasks') return list(req.query);
    const one = /^\/workflows\/tasks\/([^/]+)$/.exec(req.path);
    return one ? getOne(one[1]!) : errors(404, 'Not found', 'not_found');
  };

  /** Headers Zuora sends on every answer (vendors.md §1: listed for every status), faults and refusals included. */
  const everyAnswer = (req: EmuRequest): Record<string, string> => {
    const trackId = req.headers['zuora-track-id'];
    const now = Date.now();
    if (now - rateWindow.start >= 60_000) rateWindow = { start: now, used: 0 };
    rateWindow.used += 1;
    return {
      'RateLimit-Limit': RATE_LIMIT,
      'RateLimit-Remaining': String(Math.max(0, 50_000 - rateWindow.used)),
      'RateLimit-Reset': String(Math.ceil((rateWindow.start + 60_000 - now) / 1000)),
      'Zuora-Request-Id': randomUUID(),
      ...(trackId === undefined ? {} : { 'Zuora-Track-Id': trackId }),
    };
  };

  /** The Track-Id rules, around every route. */
  const handler = (req: EmuRequest): EmuResponse => {
    const trackId = req.headers['zuora-track-id'];
    const bad = trackId !== undefined && (trackId.length > 64 || /[:;"']|[^\x20-\x7e]/.test(trackId));
    return bad ? errors(400, 'Zuora-Track-Id must be at most 64 US-ASCII characters without : ; " \'') : route(req);
  };

  let refusedForConcurrency = 0;
  const server = await startEmulatorServer({
    name: 'zuora', handler, everyAnswer,
    concurrencyLimit: {
      max: () => emulator.concurrencyLimit,
      counts: (req) => req.path !== '/oauth/token',
      refuse: () => { refusedForConcurrency++; return concurrencyRefusal(); },
    },
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.latencyMs === undefined ? {} : { latencyMs: options.latencyMs }),
  });
  const emulator: ZuoraEmulator = {
    server, tasks,
    credentials: { ...(options.credentials ?? ZUORA_DEMO_CREDENTIALS) },
    unknownIdMode: options.unknownIdMode ?? 'batch404',
    tokenTtlSeconds: options.tokenTtlSeconds ?? 3599,
    get tokensIssued() { return issued; },
    revokeTokens: () => tokens.clear(),
    concurrencyLimit: options.concurrencyLimit,
    get refusedForConcurrency() { return refusedForConcurrency; },
    close: () => server.close(),
  };
  return emulator;
}

/** The documented constraints of an UpdateTask item, checked before anything is applied. */
function invalidField(d: Record<string, unknown>): string | null {
  if (!isInt(d['id'])) return '`id` must be an integer';
  const limit = d['concurrent_limit'];
  if (limit !== undefined && !(isInt(limit) && limit >= 1 && limit <= 9_999_999)) return '`concurrent_limit` must be between 1 and 9999999';
  if (d['status'] !== undefined && !(ZUORA_TASK_STATUSES as readonly unknown[]).includes(d['status'])) {
    return `\`status\` must be one of ${ZUORA_TASK_STATUSES.join(', ')}`;
  }
  if (d['workflow_id'] !== undefined && !isInt(d['workflow_id'])) return '`workflow_id` must be an integer';
  if (d['tags'] !== undefined && !(Array.isArray(d['tags']) && d['tags'].every((t) => typeof t === 'string'))) {
    return '`tags` must be an array of strings';
  }
  for (const f of ['name', 'object', 'object_id', 'action_type', 'call_type']) {
    if (d[f] !== undefined && typeof d[f] !== 'string') return `\`${f}\` must be a string`;
  }
  return null;
}

/** The documented list filters; `tags[]` matches a task carrying any of them. */
function matches(t: ZuoraWireTask, q: URLSearchParams): boolean {
  const eq = (param: string, value: unknown) => !q.has(param) || q.get(param) === String(value ?? '');
  const tags = q.getAll('tags[]');
  return eq('id', t.id) && eq('name', t.name) && eq('instance', t.instance) && eq('action_type', t.action_type)
    && eq('object', t.object) && eq('object_id', t.object_id) && eq('call_type', t.call_type)
    && eq('workflow_id', t.workflow_id) && (tags.length === 0 || tags.some((g) => t.tags?.includes(g)));
}

// ---- seed: two workflows' runs, two tasks in each documented status, realistic action types ----

const t = (id: number, status: string, name: string, action_type: string, more: Partial<ZuoraWireTask> = {}): ZuoraWireTask => ({
  id, task_id: null, name, action_type, call_type: 'REST', concurrent_limit: 9999999, status, instance: true,
  workflow_id: 476, original_workflow_id: 475, original_task_id: id - 1000, object: null, object_id: null, tags: [],
  start_time: null, end_time: null, error: null, error_class: null, error_details: null, parameters: {}, data: {}, ...more,
});
const ran = (start: string, end: string | null) => ({ start_time: start, end_time: end });

export const ZUORA_SEED_TASKS: readonly ZuoraWireTask[] = Object.freeze([
  t(2771, 'Success', 'Find overdue invoices', 'Query', { ...ran('2026-11-02T06:00:01.120Z', '2026-11-02T06:00:03.874Z'), tags: ['dunning'], object: 'Invoice',
    parameters: { zoql: "select Id, Balance from Invoice where Status = 'Posted' and DueDate < today" } }),
  t(2772, 'Success', 'Balance above threshold?', 'If', { ...ran('2026-11-02T06:00:03.901Z', '2026-11-02T06:00:03.955Z'), task_id: 2771, call_type: 'SOAP',
    tags: ['dunning'], parameters: { if_clause: '{{Data.Invoice.Balance}} > 50', strict_variables: 'true' } }),
  t(2773, 'Error', 'Notify collections Slack channel', 'Callout', { ...ran('2026-11-02T06:00:04.010Z', '2026-11-02T06:00:34.012Z'), task_id: 2772,
    tags: ['dunning', 'slack'], error: 'Callout failed: 504 Gateway Timeout', error_class: 'Workflow::Callout::Error',
    error_details: 'POST https://hooks.slack.example/services/T000/B000 timed out after 30 s (attempt 3 of 3)',
    data: { Callout: { ResponseCode: 504 }, Tasks: { Previous: { Id: 2772, Status: 'Success' } } } }),
  t(2774, 'Error', 'Send dunning email', 'Email', { ...ran('2026-11-02T06:00:34.100Z', '2026-11-02T06:00:34.430Z'), task_id: 2772, tags: ['dunning', 'email'],
    object: 'Account', object_id: '2c92c0f86a8dd422016a9e7a70116b0d', error: 'Recipient address rejected', error_class: 'Net::SMTPFatalError',
    error_details: '550 5.1.1 mailbox unavailable' }),
  t(2775, 'Pending', 'Finance manager approval', 'Approval', { ...ran('2026-11-02T06:00:35.002Z', null), task_id: 2774, tags: ['dunning', 'approval'] }),
  t(2776, 'Pending', 'Wait three days', 'Delay', { ...ran('2026-11-02T06:00:35.050Z', null), task_id: 2775, parameters: { delay: '3d' } }),
  t(2777, 'Processing', 'Run November bill run', 'Billing::BillRun', { ...ran('2026-11-03T01:00:00.250Z', null), workflow_id: 512,
    original_workflow_id: 510, tags: ['billing', 'month-end'], object: 'BillRun' }),
  t(2778, 'Processing', 'Collect card payments', 'Payment::PaymentRun', { ...ran('2026-11-03T01:12:44.913Z', null), workflow_id: 512,
    original_workflow_id: 510, task_id: 2777, tags: ['billing', 'payments'], concurrent_limit: 4 }),
  t(2779, 'Queued', 'Generate invoice PDFs', 'File::CustomPDF::CustomDocument', { workflow_id: 512, original_workflow_id: 510, task_id: 2778,
    tags: ['billing'], concurrent_limit: 10 }),
  t(2780, 'Queued', 'Upload invoices to SFTP', 'Upload::SFTP', { workflow_id: 512, original_workflow_id: 510, task_id: 2779, call_type: 'SFTP', tags: ['billing', 'export'] }),
  t(2781, 'Stopped', 'Write off small balances', 'WriteOff', { ...ran('2026-10-31T22:00:00.000Z', '2026-10-31T22:04:10.511Z'), workflow_id: 512,
    original_workflow_id: 510, tags: ['month-end'], object: 'Invoice' }),
  t(2782, 'Stopped', 'Sync accounts to CRM', 'Callout', { ...ran('2026-10-31T22:05:00.000Z', '2026-10-31T22:05:09.300Z'), instance: false,
    workflow_id: 512, original_workflow_id: null, original_task_id: null, tags: ['crm'] }),
]);

const GENERATED_ACTIONS = ['Callout', 'If', 'Email', 'Query', 'Billing::BillRun', 'Logic::JSONTransform', 'Delay', 'Update'];

/** Deterministic filler for benchmarks and paging tests. */
function generatedTask(id: number, i: number): ZuoraWireTask {
  const action = GENERATED_ACTIONS[i % GENERATED_ACTIONS.length]!;
  return t(id, ZUORA_TASK_STATUSES[i % ZUORA_TASK_STATUSES.length]!, `${action} step ${i + 1}`, action,
    { workflow_id: 900 + (i % 7), original_workflow_id: 899, tags: [`batch-${i % 5}`] });
}
