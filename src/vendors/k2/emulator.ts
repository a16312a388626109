// K2 SyncREST Task service as documented (vendors.md §3, vendor-docs 003): case-sensitive paths under
// /K2Services/SyncREST.svc, HTTP Basic, XML only (a JSON POST gets 202 and changes nothing), per-item
// Success/Failure by correlation ID (Failures listed first, as in the vendor's example), optional empty
// 200 replies, unknown XML silently ignored (a wrong namespace makes an update a no-op), user-scoped lists.

import type { KeyValue } from '../../domain.js';
import { parseBasic, startEmulatorServer, xml } from '../emulator-kit.js';
import type { EmuRequest, EmuResponse, EmulatorServer } from '../emulator-kit.js';
import { textOf } from './xml.js';
import { buildK2, parseK2 } from './mapping.js';
import { K2_FRAMEWORK_NS, K2_PROCESS_NS, K2_TASK_NS } from './wire.js';

export const K2_SERVICE_PATH = '/K2Services/SyncREST.svc';
export const K2_DEMO_CREDENTIALS: Readonly<{ username: string; password: string }> = Object.freeze({ username: 'DENALLIX\\Administrator', password: 'K2demo!pass' });
/** Not a documented K2 number: what this emulator answers for an unknown or non-batchable action. */
export const K2_EMULATOR_ACTION_FAILURE = '26036';

const FIELD_KINDS = ['ProcessDataField', 'ActivityDataField', 'ProcessXmlField', 'ActivityXmlField'] as const;
type FieldKind = (typeof FIELD_KINDS)[number];

export interface K2EmulatorTask {
  serialNumber: string;
  processName: string;
  processFullName: string;
  folio: string;
  activityName: string;
  startDate: string;
  priority: number;
  /** Available, Open, Allocated or Sleep. */
  status: string;
  originator: string;
  actions: Array<{ name: string; batchable: boolean }>;
  fields: Record<FieldKind, Map<string, string>>;
  /** Who holds the item's slot; another user's slot leaves the demo user none to act with (26030). */
  allocatedUser: string | null;
  /** The user who delegated the item (and so keeps acting on it while the delegate holds its slot). */
  delegatedBy: string | null;
  sleepUntil: string | null;
  /** The demo user is no destination of this item: it is not listed and every access answers 24411. */
  noRights: boolean;
}

export interface K2AppliedUpdate {
  id: string;
  serialNumber: string;
  /** The Action attribute exactly as received. */
  action: string;
  fields: Record<FieldKind, KeyValue[]>;
}

export interface K2EmulatorOptions {
  host?: string;
  port?: number;
  latencyMs?: number;
  tasks?: K2EmulatorTask[];
  extraTasks?: number;
  credentials?: { username: string; password: string };
  emptyReplies?: boolean;
  failureStatus?: 200 | 404;
  wrapSingleTask?: boolean;
  maxPageSize?: number;
}

export interface K2Emulator {
  server: EmulatorServer;
  /** `server.url` + /K2Services/SyncREST.svc: what K2_BASE_URL points at. */
  serviceRoot: string;
  tasks: Map<string, K2EmulatorTask>;
  applied: K2AppliedUpdate[];
  /** Apply UpdateTasks, then answer 200 with Content-Length 0. */
  emptyReplies: boolean;
  /** HTTP status of a GET answered with a Failure body (undocumented: 200 or 404). */
  failureStatus: 200 | 404;
  /** Wrap GET /Task/Items({sn}) in a TaskCollection. */
  wrapSingleTask: boolean;
  /** Cap on tasks per list reply; 0 = none, as K2 documents. */
  maxPageSize: number;
  close(): Promise<void>;
}

/** A task for `tasks`: defaults for everything but the serial number. */
export function k2EmulatorTask(init: Partial<Omit<K2EmulatorTask, 'fields'>> & { serialNumber: string; fields?: Partial<Record<FieldKind, Record<string, string>>> }): K2EmulatorTask {
  const { fields = {}, ...rest } = init;
  const map = (k: FieldKind) => new Map(Object.entries(fields[k] ?? {}));
  return {
    processName: 'Expense Claim', processFullName: 'Finance\\Expense Claim', folio: '', activityName: 'Manager Approval',
    startDate: '2024-03-04T08:15:00.000Z', priority: 1, status: 'Available', originator: 'K2:DENALLIX\\Bob',
    actions: [{ name: 'Approve', batchable: true }, { name: 'Reject', batchable: true }],
    allocatedUser: null, delegatedBy: null, sleepUntil: null, noRights: false, ...rest,
    fields: { ProcessDataField: map('ProcessDataField'), ActivityDataField: map('ActivityDataField'), ProcessXmlField: map('ProcessXmlField'), ActivityXmlField: map('ActivityXmlField') },
  };
}

const acts = (spec: string) => spec.split(',').map((a) => ({ name: a.replace('!', ''), batchable: !a.endsWith('!') }));

/** The demo worklist: every K2 status, realistic processes, some actions not batchable (`!`). */
export function k2SeedTasks(): K2EmulatorTask[] {
  const t = (serialNumber: string, processFullName: string, activityName: string, status: string, folio: string, originator: string, priority: number, actions: string, data: Record<string, string>, extra: Partial<Omit<K2EmulatorTask, 'fields'>> = {}) =>
    k2EmulatorTask({ serialNumber, processFullName, processName: processFullName.split('\\').pop()!, activityName, status, folio, originator: `K2:DENALLIX\\${originator}`, priority, actions: acts(actions), fields: { ProcessDataField: data }, ...extra });
  return [
    t('12_8', 'Finance\\Expense Claim', 'Manager Approval', 'Available', 'EXP-0412 Travel to Lyon', 'Bob', 1, 'Approve,Reject,Rework!', { Amount: '412.80', Currency: 'EUR' }),
    t('14_21', 'HR\\Leave Request', 'HR Review', 'Open', 'LR-2211 Anna Kowalski, 5 days', 'Anna', 1, 'Approve,Decline', { Days: '5' }),
    t('15_3', 'Procurement\\Purchase Order', 'Finance Approval', 'Allocated', 'PO-7781 Laptops x12', 'Mike', 2, 'Approve,Reject,Escalate!', { Total: '14388.00' }, { allocatedUser: 'K2:DENALLIX\\Joe' }),
    t('19_10', 'Legal\\Contract Review', 'Legal Review', 'Sleep', 'CR-0093 Acme master agreement', 'Codi', 1, 'Approve,Request Changes', { Counterparty: 'Acme Ltd' }, { sleepUntil: '2030-01-01T00:00:00.000Z' }),
    t('22_5', 'Finance\\Invoice Approval', 'Approve Invoice', 'Available', 'INV-55012 Contoso', 'Bob', 3, 'Approve!,Query', { Vendor: 'Contoso' }),
    t('23_7', 'HR\\Employee Onboarding', 'Provision Laptop', 'Open', 'ONB-318 Sam Lee', 'Anna', 1, 'Done,Cannot Complete', { StartDate: '2024-04-01' }),
    t('27_2', 'HR\\Leave Request', 'Manager Approval', 'Available', 'LR-2230 Joe Smith, 2 days', 'Joe', 1, 'Approve,Decline', { Days: '2' }),
    t('31_14', 'Finance\\Expense Claim', 'Finance Check', 'Allocated', 'EXP-0398 Client dinner', 'Codi', 2, 'Pay,Reject', { Amount: '96.00', Currency: 'GBP' }, { allocatedUser: 'K2:DENALLIX\\Mike' }),
    t('35_1', 'Procurement\\Vendor Onboarding', 'Compliance Check', 'Sleep', 'VO-044 Fabrikam', 'Mike', 1, 'Pass,Fail', { Vendor: 'Fabrikam' }),
    t('2_34', 'Finance\\Capex Request', 'Board Approval', 'Open', 'CAPEX-9 New warehouse', 'Bob', 1, 'Approve,Reject', { Amount: '2500000' }, { noRights: true }),
  ];
}

const STATUSES = ['Available', 'Open', 'Allocated', 'Sleep'];
const PROCESSES = ['Finance\\Expense Claim', 'HR\\Leave Request', 'Procurement\\Purchase Order', 'Legal\\Contract Review'];

function generated(count: number): K2EmulatorTask[] {
  return Array.from({ length: count }, (_, i) => k2EmulatorTask({
    serialNumber: `${1000 + i}_${1 + (i % 7)}`, status: STATUSES[i % 4]!, processFullName: PROCESSES[i % 4]!,
    processName: PROCESSES[i % 4]!.split('\\')[1]!, folio: `GEN-${String(i).padStart(5, '0')}`,
  }));
}

const EXPECTED_NS = new Map<string, string>([
  ['UpdateTaskCollection', K2_TASK_NS], ['UpdateTask', K2_TASK_NS], ['Task', K2_TASK_NS],
  ...FIELD_KINDS.map((k) => [k, K2_PROCESS_NS] as [string, string]),
]);

/** Local names of K2 elements whose namespace is not K2's: K2 does not recognise (ignores) them. */
function misplacedElements(body: string): Set<string> {
  const wrong = new Set<string>();
  const scopes = [new Map<string, string>()];
  const src = body.replace(/<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>/g, '');
  for (const [, close, qname, attrs, selfClose] of src.matchAll(/<(\/?)([\w.-]+(?::[\w.-]+)?)((?:\s+[\w.:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g)) {
    if (close) { scopes.pop(); continue; }
    const scope = new Map(scopes.at(-1));
    for (const [, name, dq, sq] of attrs!.matchAll(/([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
      if (name === 'xmlns') scope.set('', dq ?? sq!);
      else if (name!.startsWith('xmlns:')) scope.set(name!.slice(6), dq ?? sq!);
    }
    const [prefix, local] = qname!.includes(':') ? qname!.split(':') as [string, string] : ['', qname!];
    const expected = EXPECTED_NS.get(local);
    if (expected !== undefined && scope.get(prefix) !== expected) wrong.add(local);
    if (!selfClose) scopes.push(scope);
  }
  return wrong;
}

const list = (v: unknown): Record<string, unknown>[] =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null);

/** Data fields hold text; XML fields may arrive escaped (text) or, per K2 Five's page, as raw child XML. */
function fieldValue(node: unknown): string {
  if (typeof node !== 'object' || node === null) return textOf(node) ?? '';
  const kids = Object.entries(node).filter(([k]) => !k.startsWith('@_') && k !== '#text');
  return kids.length === 0 ? textOf(node) ?? '' : buildK2(Object.fromEntries(kids)).replace(/^<\?xml[^>]*\?>/, '');
}

interface Failure { id?: string; code: string; message: string }

export async function startK2Emulator(options: K2EmulatorOptions = {}): Promise<K2Emulator> {
  const creds = options.credentials ?? K2_DEMO_CREDENTIALS;
  const user = `K2:${creds.username}`;
  const tasks = new Map<string, K2EmulatorTask>();
  for (const t of [...(options.tasks ?? k2SeedTasks()), ...generated(options.extraTasks ?? 0)]) tasks.set(t.serialNumber, t);
  const applied: K2AppliedUpdate[] = [];
  let where = '127.0.0.1';

  // The vendor's example: Code="-1" with the K2 number leading the Message.
  const noRights = (sn: string): Failure => ({ code: '-1', message: `24411 ${user} from ${where} is not allowed to open the worklist item with SN=${sn}` });
  const notFound = (sn: string): Failure => ({ code: '26030', message: `26030 Worklist item ${sn} not found for ${user} at ${where}` });
  const refused = (why: string): Failure => ({ code: K2_EMULATOR_ACTION_FAILURE, message: `${K2_EMULATOR_ACTION_FAILURE} ${why}` });
  const failureNode = (f: Failure) => ({ ...(f.id === undefined ? {} : { '@_ID': f.id }), '@_Code': f.code, Message: f.message, Description: 'client- failure' });
  const failureReply = (status: number, f: Failure) => xml(status, buildK2({ Failure: { '@_xmlns': K2_FRAMEWORK_NS, ...failureNode(f) } }));

  const taskNode = (t: K2EmulatorTask, flags: Record<FieldKind, boolean>) => ({
    '@_SerialNumber': t.serialNumber, ProcessName: t.processName, StartDate: t.startDate, ProcessFullName: t.processFullName,
    ProcessFolio: t.folio, ActivityName: t.activityName, Priority: String(t.priority), Status: t.status, Originator: t.originator,
    Data: `https://k2.denallix.com/Runtime/Runtime/Form/${encodeURIComponent(t.activityName)}/?SN=${t.serialNumber}`,
    Action: t.actions.map((a) => ({ '@_Name': a.name, '@_Batchable': String(a.batchable) })),
    ...Object.fromEntries(FIELD_KINDS.filter((k) => flags[k]).map((k) =>
      [`p:${k}`, [...t.fields[k]].map(([name, value]) => ({ '@_Name': name, '#text': value }))])),
  });
  const collection = (items: K2EmulatorTask[], flags: Record<FieldKind, boolean>) => buildK2({
    TaskCollection: { '@_xmlns': K2_TASK_NS, '@_xmlns:p': K2_PROCESS_NS, '@_xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance', Task: items.map((t) => taskNode(t, flags)) },
  });

  const readFlags = (q: URLSearchParams) => {
    // K2's custom query option names are case-insensitive; its paths are not.
    const opt = (name: string) => [...q].find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
    const on = (name: string) => opt(name)?.toLowerCase() === 'true';
    const flags = { ProcessDataField: on('piDataField'), ActivityDataField: on('actDataField'), ProcessXmlField: on('piXmlField'), ActivityXmlField: on('actXmlField') };
    return { opt, flags };
  };

  function listItems(req: EmuRequest): EmuResponse {
    const { opt, flags } = readFlags(req.query);
    const top = Number(opt('$top') ?? 0);
    const skip = Number(opt('$skip') ?? 0);
    if (!Number.isSafeInteger(top) || !Number.isSafeInteger(skip) || top < 0 || skip < 0) {
      return failureReply(400, { code: '-1', message: '$top and $skip must be non-negative integers' });
    }
    const visible = [...tasks.values()].filter((t) => !t.noRights);
    let page = visible.slice(skip, top === 0 ? undefined : skip + top); // $top=0 means all
    if (emulator.maxPageSize > 0) page = page.slice(0, emulator.maxPageSize);
    return xml(200, collection(page, flags));
  }

  function getItem(req: EmuRequest, sn: string): EmuResponse {
    const t = tasks.get(sn);
    if (!t) return failureReply(emulator.failureStatus, notFound(sn));
    if (t.noRights) return failureReply(emulator.failureStatus, noRights(sn));
    const flags = readFlags(req.query).flags;
    return xml(200, emulator.wrapSingleTask ? collection([t], flags)
      : buildK2({ Task: { '@_xmlns': K2_TASK_NS, '@_xmlns:p': K2_PROCESS_NS, ...taskNode(t, flags) } }));
  }

  function applyOne(id: string, sn: string, action: string, fields: Record<FieldKind, KeyValue[]>): Failure | null {
    const t = tasks.get(sn);
    if (!t) return { id, ...notFound(sn) };
    if (t.noRights) return { id, ...noRights(sn) };
    // Allocated to another user, the item leaves the demo user no slot to act with: K2 answers 26030, as for
    // a serial number that does not exist (vendors.md §3). Listed and readable all the same.
    if (t.allocatedUser !== null && t.allocatedUser !== user && t.delegatedBy !== user) return { id, ...notFound(sn) };
    // Worklist Execute's forms, accepted here too: a:/Action:, r:/Redirect:, d:/Delegate:, s:/Sleep:, bare = action.
    const m = /^(a|action|r|redirect|d|delegate|s|sleep):([\s\S]*)$/i.exec(action);
    const kind = m ? m[1]![0]!.toLowerCase() : 'a';
    const arg = m ? m[2]! : action;
    let sleepSeconds = 0;
    if (kind === 'a') {
      const a = t.actions.find((x) => x.name === arg);
      if (!a) return { id, ...refused(`Action '${arg}' does not exist for worklist item ${sn}`) };
      if (!a.batchable) return { id, ...refused(`Action '${arg}' of worklist item ${sn} is not batchable; use the Worklist service`) };
    } else if (kind === 's') {
      // Seconds (>0 sleep, 0 for ever, <0 wake) or an xs:dateTime to sleep until (one in the past still sleeps).
      const until = /^[+-]?\d+$/.test(arg.trim()) ? null : Date.parse(arg);
      if (until !== null && !Number.isFinite(until)) return { id, ...refused(`'${arg}' is not a sleep duration`) };
      sleepSeconds = until === null ? Number(arg) : Math.max(1, Math.ceil((until - Date.now()) / 1000));
    } else if (arg.trim() === '') return { id, ...refused(`No user given to ${kind === 'r' ? 'redirect' : 'delegate'} worklist item ${sn} to`) };
    for (const k of FIELD_KINDS) for (const f of fields[k]) t.fields[k].set(f.key, f.value);
    if (kind === 'a') tasks.delete(sn); // actioned: the item moves on and leaves this worklist
    else if (kind === 'r' || kind === 'd') {
      t.allocatedUser = arg; t.status = 'Allocated';
      if (kind === 'd') t.delegatedBy = user;
      // Redirected to someone else, the item leaves this user's worklist: opening it now answers 24411.
      // (Delegation shares the item: the delegator keeps it.)
      if (kind === 'r' && arg !== user) t.noRights = true;
    }
    else if (sleepSeconds >= 0) { t.status = 'Sleep'; t.sleepUntil = sleepSeconds > 0 ? new Date(Date.now() + sleepSeconds * 1000).toISOString() : null; }
    else if (t.status === 'Sleep') { t.status = 'Available'; t.sleepUntil = null; }
    applied.push({ id, serialNumber: sn, action, fields });
    return null;
  }

  function updateTasks(req: EmuRequest): EmuResponse {
    const type = req.headers['content-type'] ?? '';
    if (/json/i.test(type) || /^\s*[[{]/.test(req.body)) return { status: 202 }; // documented: 202, nothing updated
    if (!/xml/i.test(type)) return { status: 415 };
    let doc: Record<string, unknown>;
    try { doc = parseK2(req.body) as Record<string, unknown>; } catch {
      return failureReply(400, { code: '-1', message: 'The request body is not well-formed XML' });
    }
    const wrong = misplacedElements(req.body);
    const recognised = !['UpdateTaskCollection', 'UpdateTask', 'Task'].some((n) => wrong.has(n));
    const root = recognised ? list(doc['UpdateTaskCollection'])[0] : undefined;
    const failures: Failure[] = [];
    const successes: string[] = [];
    for (const item of list(root?.['UpdateTask'])) {
      const id = textOf(item['@_ID']) ?? '';
      if (!/^-?\d+$/.test(id)) continue; // ID is required; an item without one is not recognised
      const task = list(item['Task'])[0];
      const fields = Object.fromEntries(FIELD_KINDS.map((k) => [k, wrong.has(k) || !task ? [] : list(task[k]).flatMap((f) =>
        typeof f['@_Name'] === 'string' ? [{ key: f['@_Name'], value: fieldValue(f) }] : [])])) as Record<FieldKind, KeyValue[]>;
      const failure = applyOne(id, textOf(task?.['@_SerialNumber']) ?? '', textOf(item['@_Action']) ?? '', fields);
      if (failure) failures.push(failure); else successes.push(id);
    }
    if (emulator.emptyReplies) return { status: 200 };
    return xml(200, buildK2({ MultipleOperationResult: {
      '@_xmlns': K2_FRAMEWORK_NS, '@_xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance', '@_xmlns:xsd': 'http://www.w3.org/2001/XMLSchema',
      Failure: failures.map(failureNode), Success: successes.map((id) => ({ '@_ID': id })),
    } }));
  }

  function handle(req: EmuRequest): EmuResponse {
    if (!req.path.startsWith(`${K2_SERVICE_PATH}/`)) return { status: 404 };
    const who = parseBasic(req.headers['authorization']);
    if (!who || who.user !== creds.username || who.password !== creds.password) {
      return { status: 401, headers: { 'www-authenticate': 'Basic realm="K2"' } };
    }
    const sub = req.path.slice(K2_SERVICE_PATH.length);
    const one = /^\/Task\/Items\((.*)\)$/.exec(sub);
    const route = sub === '/Task/Items' ? 'list' : one ? 'one' : sub === '/Task/Items/UpdateTasks' ? 'update' : null;
    if (route === null) return { status: 404 };
    if ((route === 'update') !== (req.method === 'POST') || !['GET', 'POST'].includes(req.method)) return { status: 405 };
    return route === 'list' ? listItems(req) : route === 'one' ? getItem(req, one![1]!) : updateTasks(req);
  }

  const server = await startEmulatorServer({
    name: 'K2', handler: handle, host: options.host, port: options.port, latencyMs: options.latencyMs,
  });
  where = new URL(server.url).host;
  const emulator: K2Emulator = {
    server, serviceRoot: server.url + K2_SERVICE_PATH, tasks, applied,
    emptyReplies: options.emptyReplies ?? false, failureStatus: options.failureStatus ?? 200,
    wrapSingleTask: options.wrapSingleTask ?? false, maxPageSize: options.maxPageSize ?? 0,
    close: () => server.close(),
  };
  return emulator;
}
