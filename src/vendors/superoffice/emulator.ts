// SuperOffice Web API v1 BatchTask as a real loopback server, from the vendor's Swagger and reference
// pages (vendors.md §4): tenant path (/Cust12345/api/v1/...), Bearer auth (Basic refused, as on Online),
// GET {id} vs GET {state} on one template, PUT that silently ignores non-writable fields and RESETS the
// writable ones the body leaves out, `Aquired`, 7-digit dates, the {"Error":true,...} error object.
// Switches let tests produce what the docs allow but a healthy tenant rarely does (empty carriers,
// read-only tasks, a pre-SucceededManualCleanup server) and observe PUT concurrency.

import { startEmulatorServer, json } from '../emulator-kit.js';
import type { EmulatorServer, EmuRequest, EmuResponse } from '../emulator-kit.js';
import type { BatchTaskInfoWire, FieldPropertyWire } from './wire.js';
import { BATCH_TASK_STATE_VALUES } from './wire.js';

export const SUPEROFFICE_DEMO_CREDENTIALS = Object.freeze({
  token: '8A:Cust12345.TaskhubDemoAccessToken',
  appToken: 'taskhub-demo-app-token',
});

export type EmptyCarrierShape = 'empty-body' | 'empty-object' | 'zero-id';

export interface SuperOfficeEmulatorOptions {
  host?: string;
  port?: number;
  latencyMs?: number;
  /** Replaces the seed. */
  tasks?: BatchTaskInfoWire[];
  /** Generated tasks appended after the seed (benchmarks). */
  extraTasks?: number;
  credentials?: { token: string; appToken?: string };
  /** Tenant context id in the path. Default `Cust12345`. */
  tenant?: string;
  /** Refuse calls without the right `SO-AppToken`. Default false. */
  requireAppToken?: boolean;
}

export interface SuperOfficeEmulator {
  server: EmulatorServer;
  /** server.url + '/Cust12345': what a client's base URL is. */
  tenantUrl: string;
  /** The live store, by Id, in insertion order (the order GET /All answers in). */
  tasks: Map<number, BatchTaskInfoWire>;
  /** PUT → 403 SoAccessDeniedException. Seeded from tasks whose TableRight has no update right. */
  readOnly: Set<number>;
  /** PUT answers 200 with an empty carrier and applies nothing. */
  emptyCarrierFor: Set<number>;
  emptyCarrierShape: EmptyCarrierShape;
  requireAppToken: boolean;
  /** 2021 Swagger enum: `SucceededManualCleanup` is not a state yet (PUT → 400 ArgumentException). */
  legacyStates: boolean;
  /** PUT on an unknown Id: 404 (default), or an empty carrier as some NetServer agents do. */
  unknownIdOnPut: 'not-found' | 'empty-carrier';
  /** Time each BatchTask GET/PUT stays "in flight" inside the handler, so overlap can be observed. */
  handlerDelayMs: number;
  readonly maxConcurrentPuts: number;
  readonly maxConcurrentGets: number;
  resetStats(): void;
  close(): Promise<void>;
}

const DEFAULT_TENANT = 'Cust12345';
const INT32_MAX = 2_147_483_647;
const STATE_NAMES = Object.keys(BATCH_TASK_STATE_VALUES);
const WRITE_MASK = /\b(Update|RestrictedUpdate|FULL|WRITE|URU|UDR|UR|URI)\b/;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const field = (mask: string, type: string, length: number): FieldPropertyWire =>
  ({ FieldRight: { Mask: mask, Reason: '' }, FieldType: type, FieldLength: length });

function task(id: number, name: string, state: string, pct: number, dates: [string, string],
  extra: Partial<BatchTaskInfoWire> = {}): BatchTaskInfoWire {
  const rw = extra.TableRight?.Mask === 'R' ? 'Read' : 'FULL';
  return {
    Id: id, Name: name, AssociateId: 14, DetailsTable: 342, DetailsRecord: 9000 + id, IsSystemTask: false,
    IsInternalTask: false, ParameterObject: { SelectionId: String(400 + id), Culture: 'en-US' },
    LastStarted: dates[1], Created: dates[0], StartCount: state === 'New' ? 0 : 1,
    DatabaseSerialNumber: '1630833', Context: 'web', Result: '', State: state, Description: '', Response: '',
    Request: '', ProgressDescription: '', ProgressPercent: pct, FileName: '', CancellationBehaviour: 'CanCancel',
    TableRight: { Mask: 'FULL', Reason: '' },
    FieldProperties: {
      State: field(rw, 'SuperOffice.Data.BatchTaskState', 0), Description: field(rw, 'System.String', 2047),
      Response: field(rw, 'System.String', 2047), Request: field(rw, 'System.String', 2047),
      Name: field('Read', 'System.String', 254), ProgressPercent: field('Read', 'System.Int32', 0),
    },
    ...extra,
  };
}

/** Every BatchTaskState appears; dates carry 7 fractional digits and an offset, as in the vendor's samples. */
export function superOfficeSeed(): BatchTaskInfoWire[] {
  return [
    task(101, 'Mass mailing: Spring newsletter 2024', 'Succeeded', 100,
      ['2024-03-11T08:15:42.1234567+01:00', '2024-03-11T08:16:03.9876543+01:00'],
      { Description: 'Newsletter to 1 204 recipients', Response: 'Sent 1 204, bounced 17', Request: 'selection=412' }),
    task(102, 'Import contacts from Excel', 'Started', 45,
      ['2024-04-02T13:02:55.3943072+02:00', '2024-04-02T13:03:01.0000001+02:00'],
      { Description: 'Leads from trade fair', Request: 'file=leads-fair-2024.xlsx', ProgressDescription: 'Row 451 of 1 000' }),
    task(103, 'Export selection to CSV', 'New', 0,
      ['2024-04-03T09:40:59.9150653+02:00', '0001-01-01T00:00:00.0000000+00:00'], { Request: 'selection=77' }),
    task(104, 'Duplicate check: companies', 'Aquired', 0,
      ['2024-04-03T10:00:00.5000000+02:00', '2024-04-03T10:00:01.2500000+02:00'],
      { Description: 'Weekly duplicate scan', ProgressDescription: 'Waiting for a worker' }),
    task(105, 'Rebuild free-text search index', 'Failed', 62,
      ['2024-02-27T22:00:00.0000000+01:00', '2024-02-27T22:00:04.7310025+01:00'],
      { Result: 'Timeout after 3600 s while indexing documents', Response: 'error', IsSystemTask: true, AssociateId: 0 }),
    task(106, 'Delete old mailings', 'SucceededManualCleanup', 100,
      ['2024-01-15T07:30:12.0450000+01:00', '2024-01-15T07:41:52.6600000+01:00'],
      { Description: 'Mailings older than 2 years', Response: 'Deleted 38; 2 attachments need manual cleanup' }),
    task(107, 'Mass update: sale stage', 'Unknown', 0,
      ['2023-12-01T16:45:00.0000000+01:00', '2023-12-01T16:45:00.0000000+01:00'],
      { Description: 'Move stalled sales to Lost' }),
    task(108, 'Send invitations: Customer Day 2024', 'New', 0,
      ['2024-04-04T11:11:11.1111111+02:00', '0001-01-01T00:00:00.0000000+00:00'], { Request: 'project=31' }),
    task(109, 'Nightly license usage report', 'Succeeded', 100,
      ['2024-04-04T02:00:00.0000001+02:00', '2024-04-04T02:00:09.8765432+02:00'],
      { IsSystemTask: true, AssociateId: 0, Response: 'ok', TableRight: { Mask: 'R', Reason: 'System tasks are read-only' } }),
    task(110, 'Generate quote PDFs', 'Started', 88,
      ['2024-04-04T14:20:30.2020202+02:00', '2024-04-04T14:20:31.3030303+02:00'],
      { ProgressDescription: 'Quote 22 of 25', FileName: 'quotes-2024-04-04.zip' }),
  ];
}

function generated(startId: number, count: number): BatchTaskInfoWire[] {
  const states = ['New', 'Aquired', 'Started', 'Succeeded', 'Failed', 'SucceededManualCleanup', 'Unknown'];
  return Array.from({ length: count }, (_, i) => {
    const id = startId + i;
    const frac = String((i * 7_919_393) % 10_000_000).padStart(7, '0');
    const day = String(1 + (i % 28)).padStart(2, '0');
    const date = `2024-05-${day}T06:${String(i % 60).padStart(2, '0')}:00.${frac}+02:00`;
    return task(id, `Mass mailing #${id}`, states[i % states.length]!, (i * 13) % 101, [date, date]);
  });
}

const soError = (status: number, type: string, message: string): EmuResponse =>
  json(status, { Error: true, ErrorType: type, ErrorMessage: message, ErrorSource: 'SuperOffice.Services.Implementation' });

const EMPTY_CARRIER: BatchTaskInfoWire = {
  Id: 0, Name: '', AssociateId: 0, DetailsTable: 0, DetailsRecord: 0, IsSystemTask: false, IsInternalTask: false,
  ParameterObject: null, LastStarted: '0001-01-01T00:00:00', Created: '0001-01-01T00:00:00', StartCount: 0,
  DatabaseSerialNumber: '', Context: '', Result: '', State: 'Unknown', Description: '', Response: '', Request: '',
  ProgressDescription: '', ProgressPercent: 0, TableRight: null, FieldProperties: {},
};

export async function startSuperOfficeEmulator(options: SuperOfficeEmulatorOptions = {}): Promise<SuperOfficeEmulator> {
  const creds = options.credentials ?? SUPEROFFICE_DEMO_CREDENTIALS;
  const tenant = options.tenant ?? DEFAULT_TENANT;
  const base = options.tasks ? structuredClone(options.tasks) : superOfficeSeed();
  const maxId = base.reduce((m, t) => Math.max(m, t.Id ?? 0), 0);
  const all = [...base, ...generated(maxId + 1, options.extraTasks ?? 0)];
  const tasks = new Map(all.map((t) => [t.Id ?? 0, t]));
  const inFlight = { GET: 0, PUT: 0 };
  const peak = { GET: 0, PUT: 0 };

  /** Json.NET reads enum names case-insensitively, and numbers too. */
  const resolveState = (raw: unknown): string | undefined => {
    const names = emu.legacyStates ? STATE_NAMES.filter((n) => n !== 'SucceededManualCleanup') : STATE_NAMES;
    if (typeof raw === 'number') return names.find((n) => BATCH_TASK_STATE_VALUES[n as 'New'] === raw);
    return typeof raw === 'string' ? names.find((n) => n.toLowerCase() === raw.toLowerCase()) : undefined;
  };
  const idOf = (seg: string): number | undefined =>
    (/^\d{1,10}$/.test(seg) && Number(seg) <= INT32_MAX ? Number(seg) : undefined);

  /** SO-TimeZone without `includeTZOffset` sends local times without an offset (the wall time is kept here). */
  const view = (t: BatchTaskInfoWire, req: EmuRequest): BatchTaskInfoWire => {
    const out = structuredClone(t);
    const tz = req.headers['so-timezone'];
    if (tz !== undefined && !/includeTZOffset/i.test(tz)) {
      for (const k of ['LastStarted', 'Created'] as const) out[k] = out[k]?.replace(/(Z|[+-]\d\d:\d\d)$/, '') ?? null;
    }
    return out;
  };

  const unauthorized = (why: string): EmuResponse => ({
    ...soError(401, 'UnauthorizedAccessException', why), headers: { 'content-type': 'application/json; charset=utf-8', 'www-authenticate': 'Bearer' },
  });
  const authFailure = (req: EmuRequest): EmuResponse | undefined => {
    const authz = req.headers.authorization ?? '';
    if (/^Basic\s/i.test(authz)) return unauthorized('Basic authentication is not allowed in SuperOffice Online');
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authz)?.[1];
    if (bearer !== creds.token) return unauthorized('Missing or invalid access token');
    const app = req.headers['so-apptoken'];
    if ((emu.requireAppToken || app !== undefined) && app !== creds.appToken) return unauthorized('Invalid application token');
    return undefined;
  };

  const emptyCarrier = (): EmuResponse =>
    emu.emptyCarrierShape === 'empty-body' ? { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' } }
      : json(200, emu.emptyCarrierShape === 'empty-object' ? {} : EMPTY_CARRIER);

  const getOne = (seg: string, req: EmuRequest): EmuResponse => {
    const id = idOf(seg);
    if (id !== undefined) {
      const t = tasks.get(id);
      return t ? json(200, view(t, req)) : soError(404, 'SoNotFoundException', `BatchTask id ${id} not found`);
    }
    const state = resolveState(seg);
    if (state === undefined) return soError(400, 'ArgumentException', `Requested value '${seg}' was not found.`);
    const rows = [...tasks.values()].filter((t) => state === 'All' || t.State === state);
    return json(200, rows.map((t) => view(t, req)));
  };

  const put = (seg: string, req: EmuRequest): EmuResponse => {
    const id = idOf(seg);
    if (id === undefined) return soError(400, 'ArgumentException', `'${seg}' is not a valid BatchTask id`);
    let body: unknown;
    try { body = JSON.parse(req.body); } catch { body = undefined; }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      return soError(400, 'ArgumentException', 'Entity to save is not in request body');
    }
    const b = body as Record<string, unknown>;
    const state = b.State === undefined || b.State === null ? 'Unknown' : resolveState(b.State);
    if (state === undefined) return soError(400, 'ArgumentException', `Requested value '${String(b.State)}' was not found.`);
    const t = tasks.get(id);
    if (!t) return emu.unknownIdOnPut === 'empty-carrier' ? emptyCarrier() : soError(404, 'SoNotFoundException', `BatchTask id ${id} not found`);
    if (emu.readOnly.has(id)) return soError(403, 'SoAccessDeniedException', `No update rights on BatchTask id ${id}`);
    if (emu.emptyCarrierFor.has(id)) return emptyCarrier();
    // The path Id wins; the body's Id and every non-writable field are ignored, writable ones are reset when absent.
    const text = (v: unknown) => (v === undefined || v === null ? null : String(v));
    Object.assign(t, { State: state, Description: text(b.Description), Response: text(b.Response), Request: text(b.Request) });
    return json(200, view(t, req));
  };

  const handler = async (req: EmuRequest): Promise<EmuResponse> => {
    const prefix = `/${tenant}/api/v1/`;
    if (!req.path.startsWith(prefix)) return json(404, { Message: `No HTTP resource was found that matches the request URI.` });
    const denied = authFailure(req);
    if (denied) return denied;
    const m = /^BatchTask(?:\/([^/]+)(\/Stop)?)?\/?$/i.exec(req.path.slice(prefix.length));
    if (!m) return json(404, { Message: 'No HTTP resource was found that matches the request URI.' });
    const seg = m[1];
    if (seg === undefined || m[2]) return json(501, { Message: 'The OData archive, StartBatchJob and StopBatchJob are not emulated' });
    if (req.method === 'DELETE') {
      const id = idOf(seg);
      return id !== undefined && tasks.delete(id) ? { status: 204 } : soError(404, 'SoNotFoundException', `BatchTask id ${seg} not found`);
    }
    if (req.method !== 'GET' && req.method !== 'PUT') {
      // PATCH is not a documented BatchTask route, although the API lists json-patch media types.
      return json(405, { Message: `The requested resource does not support http method '${req.method}'.` }, { allow: 'GET, PUT, DELETE' });
    }
    const method = req.method;
    inFlight[method]++;
    peak[method] = Math.max(peak[method], inFlight[method]);
    try {
      if (emu.handlerDelayMs > 0) await sleep(emu.handlerDelayMs);
      return method === 'GET' ? getOne(seg, req) : put(seg, req);
    } finally {
      inFlight[method]--;
    }
  };

  const server = await startEmulatorServer({
    name: 'superoffice', handler,
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.latencyMs === undefined ? {} : { latencyMs: options.latencyMs }),
  });
  const emu: SuperOfficeEmulator = {
    server,
    tenantUrl: `${server.url}/${tenant}`,
    tasks,
    readOnly: new Set(all.filter((t) => t.TableRight?.Mask && !WRITE_MASK.test(t.TableRight.Mask)).map((t) => t.Id ?? 0)),
    emptyCarrierFor: new Set(),
    emptyCarrierShape: 'zero-id',
    requireAppToken: options.requireAppToken ?? false,
    legacyStates: false,
    unknownIdOnPut: 'not-found',
    handlerDelayMs: 0,
    get maxConcurrentPuts() { return peak.PUT; },
    get maxConcurrentGets() { return peak.GET; },
    resetStats: () => { peak.GET = 0; peak.PUT = 0; },
    close: () => server.close(),
  };
  return emu;
}
