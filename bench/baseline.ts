// The direct-call baseline for batchUpdateTasks: a plain script that makes the SAME vendor calls as the
// facade (Zuora: 50-item batch_update PUTs, all at once, token reused; IBM: one PUT per value set and 500
// ids; K2: one XML POST per 100 items; SuperOffice: GET then PUT per task, 8 GETs and 8 PUTs in flight),
// with undici request() through 16-socket pools, and parses every reply to count confirmed items.
// No GraphQL, no validation, no retries, no per-item error mapping.

import { pathToFileURL } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import type { Backend } from '../src/domain.js';
import type { Direct, Vendor } from './direct.js';
import { Limiter, createDirect } from './direct.js';
import type { BatchItem } from './workload.js';
import { LIMITS, batchItems } from './workload.js';

export interface DirectOutcome { confirmed: number; failed: number }

const chunks = <T>(xs: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(xs.length / size) }, (_, i) => xs.slice(i * size, (i + 1) * size));
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

async function zuora(v: Vendor, items: Array<{ id: string; name: string }>): Promise<number> {
  return sum(await Promise.all(chunks(items, LIMITS.zuoraChunk).map(async (chunk) => {
    const r = await v.call('PUT', '/workflows/tasks/batch_update',
      JSON.stringify({ data: chunk.map((i) => ({ id: Number(i.id), name: i.name })) }), 'application/json');
    if (r.status !== 200) return 0;
    const updated = new Set((JSON.parse(r.text) as { data: Array<{ id: number }> }).data.map((t) => t.id));
    return chunk.filter((i) => updated.has(Number(i.id))).length;
  })));
}

async function ibm(v: Vendor, items: Array<{ id: string; priority: number; description: string }>): Promise<number> {
  const groups = new Map<string, string[]>();
  for (const i of items) {
    const key = JSON.stringify({ description: i.description, priority: i.priority });
    groups.set(key, [...(groups.get(key) ?? []), i.id]);
  }
  const calls = [...groups].flatMap(([values, ids]) => chunks(ids, LIMITS.ibmChunk).map((chunk) => ({ values, chunk })));
  return sum(await Promise.all(calls.map(async ({ values, chunk }) => {
    const r = await v.call('PUT', '/rest/bpm/htm/v1/task?action=update',
      `{"updatedTaskIDs":${JSON.stringify(chunk)},"updatedPropertyValues":${values}}`, 'application/json');
    if (r.status !== 200) return 0;
    // Documented: an empty 200 means every id was updated; otherwise failedUpdates names the others.
    const failed = r.text.trim() === '' ? 0 : ((JSON.parse(r.text) as { failedUpdates?: unknown[] }).failedUpdates ?? []).length;
    return chunk.length - failed;
  })));
}

const K2_TASK_NS = 'http://schemas.k2.com/task/d1';
const K2_PROCESS_NS = 'http://schemas.k2.com/process/d1';
const xmlAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
const k2Parser = new XMLParser({
  ignoreAttributes: false, attributeNamePrefix: '@_', removeNSPrefix: true, parseAttributeValue: false,
  isArray: (name) => name === 'Success' || name === 'Failure',
});

async function k2(v: Vendor, items: Array<{ serialNumber: string; sleepSeconds: number }>): Promise<number> {
  return sum(await Promise.all(chunks(items, LIMITS.k2Chunk).map(async (chunk) => {
    const body = `<?xml version="1.0" encoding="utf-8"?><t:UpdateTaskCollection xmlns:t="${K2_TASK_NS}" xmlns:p="${K2_PROCESS_NS}">${
      chunk.map((i, k) => `<t:UpdateTask ID="${1000 + k}" Action="s:${i.sleepSeconds}"><t:Task SerialNumber="${xmlAttr(i.serialNumber)}"/></t:UpdateTask>`).join('')
    }</t:UpdateTaskCollection>`;
    const r = await v.call('POST', '/Task/Items/UpdateTasks', body, 'application/xml');
    if (r.status !== 200) return 0;
    const doc = k2Parser.parse(r.text) as { MultipleOperationResult?: { Success?: Array<{ '@_ID': string }> } };
    const ok = new Set((doc.MultipleOperationResult?.Success ?? []).map((s) => s['@_ID']));
    return chunk.filter((_, k) => ok.has(String(1000 + k))).length;
  })));
}

interface SoTask { Id: number; State: unknown; Description: unknown; Response: unknown; Request: unknown }

async function superOffice(v: Vendor, items: Array<{ id: string; description: string }>): Promise<number> {
  const reads = new Limiter(LIMITS.soReads);
  const writes = new Limiter(LIMITS.soWrites);
  const done = await Promise.all(items.map(async (i) => {
    // A PUT resets writable fields it leaves out, so the current values are read first.
    const got = await reads.run(() => v.call('GET', `/api/v1/BatchTask/${i.id}`));
    if (got.status !== 200) return 0;
    const cur = JSON.parse(got.text) as SoTask;
    const body = JSON.stringify({ Id: Number(i.id), State: cur.State, Description: i.description, Response: cur.Response, Request: cur.Request });
    const put = await writes.run(() => v.call('PUT', `/api/v1/BatchTask/${i.id}`, body, 'application/json; charset=utf-8'));
    return put.status === 200 && (JSON.parse(put.text) as SoTask).Id === Number(i.id) ? 1 : 0;
  }));
  return sum(done);
}

/** Sends `items` the way the facade would, every vendor at once; counts the items the vendors confirmed. */
export async function runDirectBatch(direct: Direct, items: readonly BatchItem[]): Promise<DirectOutcome> {
  const by = { z: [] as Array<{ id: string; name: string }>, i: [] as Array<{ id: string; priority: number; description: string }>,
    k: [] as Array<{ serialNumber: string; sleepSeconds: number }>, s: [] as Array<{ id: string; description: string }> };
  for (const item of items) {
    if ('zuora' in item) by.z.push(item.zuora);
    else if ('ibmBpm' in item) by.i.push(item.ibmBpm);
    else if ('k2' in item) by.k.push(item.k2);
    else by.s.push(item.superOffice);
  }
  const vs: Record<Backend, Vendor> = direct.vendors;
  const confirmed = sum(await Promise.all([
    by.z.length ? direct.zuoraToken().then(() => zuora(vs.ZUORA, by.z)) : 0,
    ibm(vs.IBM_BPM, by.i), k2(vs.K2, by.k), superOffice(vs.SUPEROFFICE, by.s),
  ]));
  return { confirmed, failed: items.length - confirmed };
}

// Standalone: `npx tsx bench/baseline.ts [items] [latencyMs]` runs the baseline once against fresh emulators.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const size = Number(process.argv[2] ?? 1000);
  const latencyMs = Number(process.argv[3] ?? 20);
  const { startEmulatorProcess } = await import('./emulator-process.js');
  const emu = await startEmulatorProcess({ latencyMs, extraTasks: Math.ceil(size / 4) }, (l) => console.log(l));
  const direct = createDirect(emu.settings);
  try {
    await direct.zuoraToken();
    const t0 = performance.now();
    const out = await runDirectBatch(direct, batchItems(size, emu.ids, 1));
    console.log(`baseline: ${size} items in ${(performance.now() - t0).toFixed(0)} ms; ${out.confirmed} confirmed, ${out.failed} not`);
  } finally {
    await direct.close();
    await emu.close();
  }
}
