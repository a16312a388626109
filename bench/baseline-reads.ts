// The read baseline: a small node:http server answering the two benchmark queries without GraphQL. It makes
// the same upstream calls as the facade (each adapter's paging arithmetic for `tasks`, one GET per id at
// 8 per backend for `nodes`) through the 16-socket pools of direct.ts, normalises with the vendors' own
// pure mapping functions, and answers the same JSON the GraphQL queries select, so both can be compared
// byte for byte. POST /list {"first":n} ≙ LIST_QUERY; POST /nodes {"ids":[...]} ≙ NODES_QUERY.

import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BackendSettings } from '../src/config.js';
import { BACKENDS } from '../src/vendors/index.js';
import type { Backend, DomainTask } from '../src/domain.js';
import { decodeGlobalId, encodeCursor, encodeGlobalId } from '../src/global-id.js';
import { parseJson as zuoraJson, toTaskPage, toZuoraTask } from '../src/vendors/zuora/mapping.js';
import { parseJson as ibmJson, taskFromWire, tasksFromList } from '../src/vendors/ibm-bpm/mapping.js';
import { interpretGetOne, interpretList } from '../src/vendors/k2/mapping.js';
import { taskFromReadReply, tasksFromListReply } from '../src/vendors/superoffice/mapping.js';
import type { ZuoraTask } from '../src/vendors/zuora/model.js';
import type { IbmBpmTask } from '../src/vendors/ibm-bpm/model.js';
import type { K2Task } from '../src/vendors/k2/model.js';
import type { SuperOfficeTask } from '../src/vendors/superoffice/model.js';
import type { Direct } from './direct.js';

/** The four built-in vendors' tasks (the baseline reads them directly, without the facade). */
type RegisteredTask = ZuoraTask | IbmBpmTask | K2Task | SuperOfficeTask;
import { createDirect, mapLimited } from './direct.js';

interface Slice { tasks: DomainTask[]; done: boolean }
type Lister = (offset: number, limit: number) => Promise<Slice>;
type Getter = (id: string) => Promise<DomainTask | null>;

const K2_DETAIL = 'piDataField=true&actDataField=true';
const ok = (status: number) => { if (status < 200 || status > 299) throw new Error(`upstream HTTP ${status}`); };

function vendorsOf(d: Direct): { list: Record<Backend, Lister>; get: Record<Backend, Getter> } {
  const { ZUORA: z, IBM_BPM: ibm, K2: k2, SUPEROFFICE: so } = d.vendors;
  const zuoraPage = async (page: number) => {
    const r = await z.call('GET', `/workflows/tasks?page=${page}&page_length=100`);
    ok(r.status);
    return toTaskPage(zuoraJson(r.text, r.status));
  };
  return {
    list: {
      // Zuora pages are fixed at 100 and 1-based: a page number plus a skip inside it.
      async ZUORA(offset, limit) {
        const tasks: DomainTask[] = [];
        for (let page = Math.floor(offset / 100) + 1, skip = offset % 100; ; page++, skip = 0) {
          const got = await zuoraPage(page);
          const rest = got.tasks.slice(skip);
          const wanted = limit - tasks.length;
          tasks.push(...rest.slice(0, wanted));
          if (rest.length > wanted) return { tasks, done: false };
          if (!got.hasNextPage || got.tasks.length < 100) return { tasks, done: true };
          if (tasks.length >= limit) return { tasks, done: false };
        }
      },
      // One row more than wanted; only an empty page ends the list.
      async IBM_BPM(offset, limit) {
        const tasks: DomainTask[] = [];
        for (let position = offset; ;) {
          const want = limit - tasks.length;
          const r = await ibm.call('GET', `/rest/bpm/htm/v1/tasks/filter?offset=${position}&size=${Math.min(100, want + 1)}`);
          ok(r.status);
          const page = tasksFromList(ibmJson(r.text)) ?? [];
          if (page.length === 0) return { tasks, done: true };
          if (page.length > want) return { tasks: [...tasks, ...page.slice(0, want)], done: false };
          tasks.push(...page);
          position += page.length;
        }
      },
      // $top one more than asked; a short page is followed up until K2 sends nothing new.
      async K2(offset, limit) {
        const want = limit + 1;
        const tasks: DomainTask[] = [];
        const seen = new Set<string>();
        for (let skip = offset; tasks.length < want;) {
          const r = await k2.call('GET', `/Task/Items?$top=${want - tasks.length}&$skip=${skip}&${K2_DETAIL}`);
          const page = interpretList(r.status, r.text);
          if (page instanceof Error) throw page;
          const before = tasks.length;
          for (const t of page) if (!seen.has(t.nativeId)) { seen.add(t.nativeId); tasks.push(t); }
          if (page.length === 0 || tasks.length === before) break;
          skip += page.length;
        }
        return { tasks: tasks.slice(0, limit), done: tasks.length <= limit };
      },
      // No paging on SuperOffice: the whole list, sliced.
      async SUPEROFFICE(offset, limit) {
        const r = await so.call('GET', '/api/v1/BatchTask/All');
        const all = tasksFromListReply(r.status, r.text);
        return { tasks: all.slice(offset, offset + limit), done: offset + limit >= all.length };
      },
    },
    get: {
      async ZUORA(id) {
        const r = await z.call('GET', `/workflows/tasks/${encodeURIComponent(id)}`);
        return r.status === 404 ? null : toZuoraTask(zuoraJson(r.text, r.status));
      },
      async IBM_BPM(id) {
        const r = await ibm.call('GET', `/rest/bpm/htm/v1/task/${encodeURIComponent(id)}`);
        return r.status === 404 ? null : taskFromWire(ibmJson(r.text));
      },
      async K2(id) {
        const r = await k2.call('GET', `/Task/Items(${encodeURIComponent(id)})?${K2_DETAIL}`);
        const t = interpretGetOne(r.status, r.text, id);
        if (t instanceof Error) throw t;
        return t;
      },
      async SUPEROFFICE(id) {
        const r = await so.call('GET', `/api/v1/BatchTask/${encodeURIComponent(id)}`);
        return r.status === 404 ? null : taskFromReadReply(Number(id), r.status, r.text);
      },
    },
  };
}

/** The fields LIST_QUERY and NODES_QUERY select, in the facade's JSON shape. */
export function view(t: RegisteredTask): Record<string, unknown> {
  const common = {
    id: encodeGlobalId(t.backend, t.nativeId), backend: t.backend, nativeId: t.nativeId, name: t.name,
    status: t.status, vendorStatus: t.vendorStatus, priority: t.priority,
  };
  switch (t.backend) {
    case 'ZUORA': return { ...common, actionType: t.actionType, workflowId: t.workflowId, tags: t.tags };
    case 'IBM_BPM': return { ...common, state: t.state, owner: t.owner, dueTime: t.dueTime, customProperties: t.customProperties.map(({ key, value }) => ({ key, value })) };
    case 'K2': return { ...common, folio: t.folio, processName: t.processName, actions: t.actions.map(({ name, batchable }) => ({ name, batchable })) };
    case 'SUPEROFFICE': return { ...common, state: t.state, progressPercent: t.progressPercent, created: t.created };
  }
}

export interface ReadBaseline { url: string; close(): Promise<void> }

export async function startReadBaseline(settings: BackendSettings): Promise<ReadBaseline> {
  const direct = createDirect(settings);
  const { list, get } = vendorsOf(direct);

  const listPage = async (first: number) => {
    const need = first + 1;
    const slices = await Promise.all(BACKENDS.map(async (backend) => {
      const out: Array<{ task: DomainTask; offset: number }> = [];
      for (let offset = 0; out.length < need;) {
        const slice = await list[backend](offset, Math.min(100, need - out.length));
        slice.tasks.forEach((task, i) => { if (out.length < need) out.push({ task, offset: offset + i + 1 }); });
        offset += slice.tasks.length;
        if (slice.done || slice.tasks.length === 0) break;
      }
      return out;
    }));
    const merged = slices.flat();
    const items = merged.slice(0, first);
    const cursor = (i: number) => encodeCursor({ backend: items[i]!.task.backend, offset: items[i]!.offset });
    return { tasks: {
      edges: items.map((e, i) => ({ cursor: cursor(i), node: view(e.task as RegisteredTask) })),
      pageInfo: { hasNextPage: merged.length > first, endCursor: items.length ? cursor(items.length - 1) : null },
      backendErrors: [],
    } };
  };

  const nodes = async (ids: string[]) => {
    const refs = ids.map((id) => decodeGlobalId(id));
    const found = new Map<string, DomainTask | null>();
    await Promise.all(BACKENDS.map(async (backend) => {
      const wanted = [...new Set(refs.filter((r) => r?.backend === backend).map((r) => r!.nativeId))];
      const tasks = await mapLimited(wanted, 8, get[backend]);
      wanted.forEach((id, i) => found.set(`${backend}:${id}`, tasks[i]!));
    }));
    return { nodes: refs.map((r) => { const t = r && found.get(`${r.backend}:${r.nativeId}`); return t ? view(t as RegisteredTask) : null; }) };
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { first?: number; ids?: string[] };
      const work = req.url === '/list' ? listPage(body.first ?? 50) : req.url === '/nodes' ? nodes(body.ids ?? []) : null;
      if (!work) { res.writeHead(404).end(); return; }
      work.then((data) => {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify({ data }));
      }, (err: unknown) => {
        res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ message: String(err) }] }));
      });
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      await new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); });
      await direct.close();
    },
  };
}
