// A sixth vendor that exists only for tests: the proof that a vendor is one folder and one registry entry.
// It has everything a real module has (settings, an adapter over HTTP, a task type and update input, an
// emulator with demo data), kept tiny. Tests register it by building the server for [...VENDORS, demo].

import { defineVendor } from '../../../src/vendors/vendor.js';
import type { WriteBehaviour } from '../../../src/vendors/vendor.js';
import type { BackendAdapter } from '../../../src/vendors/adapter.js';
import type { BatchJournal } from '../../../src/batch/journal.js';
import { journalSending, notJournaled } from '../../../src/batch/journal.js';
import { fetchEach } from '../../../src/vendors/concurrency.js';
import { BackendError } from '../../../src/errors.js';
import type { DomainTask, UpdateOutcome } from '../../../src/domain.js';
import { json, startEmulatorServer } from '../../../src/vendors/emulator-kit.js';
import { compact } from '../../../src/schema/vendor-kit.js';

interface DemoTask extends DomainTask { backend: 'DEMO'; note: string | null }
interface DemoUpdate { id: string; note?: string }
interface DemoSettings { baseUrl: string; token: string }
interface Wire { id: string; title: string; done: boolean; note: string | null }

const toTask = (w: Wire): DemoTask => ({
  backend: 'DEMO', nativeId: w.id, name: w.title, status: w.done ? 'COMPLETED' : 'READY', vendorStatus: w.done ? 'done' : 'open',
  description: null, priority: null, note: w.note,
});

/** A PUT of a note: sending it twice is harmless. */
const WRITES: WriteBehaviour = { idempotent: true };

class DemoClient implements BackendAdapter<DemoUpdate> {
  readonly backend = 'DEMO';
  readonly idempotentWrites = WRITES.idempotent;
  constructor(private readonly s: DemoSettings) {}
  private async call(method: string, path: string, body?: unknown): Promise<Response> {
    try {
      return await fetch(`${this.s.baseUrl}${path}`, {
        method, headers: { authorization: `Bearer ${this.s.token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (err) {
      throw new BackendError('DEMO', 'BACKEND_UNAVAILABLE', 'the demo vendor did not answer', { cause: err });
    }
  }
  isValidNativeId(id: string) { return /^d\d{1,6}$/.test(id); }
  validateUpdate(u: DemoUpdate) { return this.isValidNativeId(u.id) ? (u.note === undefined ? 'nothing to update' : null) : 'id must look like d1'; }
  getTasks(ids: readonly string[]) {
    return fetchEach(ids, 4, (id) => this.isValidNativeId(id), async (id) => {
      const res = await this.call('GET', `/tasks/${id}`);
      return res.status === 404 ? null : toTask(await res.json() as Wire);
    });
  }
  async listTasks(offset: number, limit: number) {
    const all = (await (await this.call('GET', '/tasks')).json() as Wire[]).map(toTask);
    return { tasks: all.slice(offset, offset + limit), done: offset + limit >= all.length };
  }
  async sendUpdates(updates: readonly DemoUpdate[], _signal: AbortSignal | undefined, journal: BatchJournal): Promise<UpdateOutcome[]> {
    return Promise.all(updates.map(async (u, i): Promise<UpdateOutcome> => {
      if (!(await journalSending(journal, [i]))) return notJournaled('DEMO');
      const res = await this.call('PUT', `/tasks/${u.id}`, { note: u.note });
      const outcome: UpdateOutcome = res.status === 404
        ? { kind: 'ERROR', code: 'NOT_FOUND', message: `DEMO has no task ${u.id}`, retryable: false }
        : { kind: 'UPDATED', task: toTask(await res.json() as Wire) };
      await journal.settled([{ index: i, backend: 'DEMO', nativeId: u.id, outcome }]);
      return outcome;
    }));
  }
  async ping() { await this.call('GET', '/tasks'); }
  async close() {}
}

export const demo = defineVendor({
  backend: 'DEMO',
  description: 'A test-only vendor (proof of the vendor module contract).',
  inputField: 'demo',
  nativeIdName: 'demo task id',
  writes: WRITES,
  settings: {
    baseUrlVar: 'DEMO_BASE_URL',
    read: (env, baseUrl): DemoSettings => ({ baseUrl, token: env.need('DEMO_TOKEN', 'DEMO_BASE_URL') }),
    secrets: (s) => ({ secrets: [s.token], basicPairs: [], identities: [] }),
  },
  nativeIdOf: (u: DemoUpdate) => u.id,
  createAdapter: (s) => new DemoClient(s),
  schema: ({ builder, NodeRef, TaskRef, isTaskOf }) => {
    builder.objectRef<DemoTask>('DemoTask').implement({
      description: 'A demo vendor task.',
      interfaces: [NodeRef, TaskRef],
      isTypeOf: isTaskOf('DEMO'),
      fields: (t) => ({ note: t.exposeString('note', { nullable: true, description: 'A free note.' }) }),
    });
    const DemoTaskUpdateInput = builder.inputType('DemoTaskUpdateInput', {
      description: 'Changes to one demo task.',
      fields: (t) => ({
        id: t.id({ required: true, description: 'The demo task id, e.g. d1.' }),
        note: t.string({ description: 'New note.' }),
      }),
    });
    return {
      typeName: 'DemoTask', input: DemoTaskUpdateInput, inputDescription: 'A demo task update.',
      toUpdate: (input: typeof DemoTaskUpdateInput.$inferInput): DemoUpdate => ({ ...compact(input), id: String(input.id) }),
    };
  },
  startEmulator: async (options) => {
    const tasks = new Map<string, Wire>([
      ['d1', { id: 'd1', title: 'Water the plants', done: false, note: null }],
      ['d2', { id: 'd2', title: 'Feed the cat', done: true, note: 'twice' }],
    ]);
    const server = await startEmulatorServer({
      name: 'DEMO', host: options.host, latencyMs: options.latencyMs,
      handler: (req) => {
        if (req.headers['authorization'] !== 'Bearer demo-token-123456') return json(401, { error: 'unauthorized' });
        const id = /^\/tasks\/([^/]+)$/.exec(req.path)?.[1];
        if (req.path === '/tasks' && req.method === 'GET') return json(200, [...tasks.values()]);
        const task = id ? tasks.get(id) : undefined;
        if (!task) return json(404, { error: 'no such task' });
        if (req.method === 'PUT') task.note = (JSON.parse(req.body) as { note?: string }).note ?? task.note;
        return json(200, task);
      },
    });
    return { server, tasks, settings: { baseUrl: server.url, token: 'demo-token-123456' } as DemoSettings, close: () => server.close() };
  },
});
