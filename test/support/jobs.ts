// Batch job helpers for tests: mixed items over the emulators' generated tasks, what each emulator holds
// for them afterwards, and a plain-fetch reader of a text/event-stream response.

import type { EmbeddedBackends } from '../../src/embedded.js';

export type JobItem =
  | { zuora: { id: string; name: string } }
  | { ibmBpm: { id: string; priority: number; description: string } }
  | { k2: { serialNumber: string; sleepSeconds: number } }
  | { superOffice: { id: string; description: string } };

/** The generated tasks' ids of each vendor (stores keep insertion order: seed first, then generated). */
export function generatedIds(vendors: EmbeddedBackends, extraTasks: number) {
  const last = (keys: Iterable<unknown>) => [...keys].map(String).slice(-extraTasks);
  return {
    zuora: last(vendors.zuora.tasks.keys()),
    ibm: last(vendors.ibmBpm.tasks.keys()),
    k2: last(vendors.k2.tasks.keys()),
    so: last(vendors.superOffice.tasks.keys()),
  };
}

/** `size` items, item k for vendor k % 4, each a distinct generated task; `tag` marks the written values. */
export function mixedItems(ids: ReturnType<typeof generatedIds>, size: number, tag: string, offset = 0): JobItem[] {
  return Array.from({ length: size }, (_, k): JobItem => {
    const j = offset + Math.floor(k / 4);
    switch (k % 4) {
      case 0: return { zuora: { id: ids.zuora[j]!, name: `${tag} ${j}` } };
      case 1: return { ibmBpm: { id: ids.ibm[j]!, priority: 1 + (j % 5), description: tag } };
      case 2: return { k2: { serialNumber: ids.k2[j]!, sleepSeconds: 60 } };
      default: return { superOffice: { id: ids.so[j]!, description: `${tag} ${j}` } };
    }
  });
}

/** Whether the emulator holds what `item` wrote (K2: how many times its serial number was acted on). */
export function applied(vendors: EmbeddedBackends, item: JobItem, tag: string): boolean {
  if ('zuora' in item) return vendors.zuora.tasks.get(Number(item.zuora.id))?.name === item.zuora.name && item.zuora.name.startsWith(tag);
  if ('ibmBpm' in item) {
    const t = vendors.ibmBpm.tasks.get(item.ibmBpm.id);
    return t?.priority === item.ibmBpm.priority && t.description === tag;
  }
  if ('k2' in item) return k2Sends(vendors, item.k2.serialNumber) === 1;
  return vendors.superOffice.tasks.get(Number(item.superOffice.id))?.Description === item.superOffice.description;
}

export const k2Sends = (vendors: EmbeddedBackends, serialNumber: string): number =>
  vendors.k2.applied.filter((a) => a.serialNumber === serialNumber).length;

export interface SseEvent { event: string; data: any }

/** Reads a text/event-stream body to its end (or until `until` says stop), parsing `data:` as JSON. */
export async function readSse(res: Response, until: (e: SseEvent) => boolean = () => false): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let cut: number;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
      }
      if (data.length === 0 && event === 'message') continue;
      const text = data.join('\n');
      const e = { event, data: text ? JSON.parse(text) : null };
      events.push(e);
      if (until(e)) { await reader.cancel(); return events; }
    }
  }
  return events;
}

export const JOB_FIELDS = 'id state total done succeeded accepted failed createdAt startedAt finishedAt cancelRequested';

type Send = (query: string, variables: Record<string, unknown>) => Promise<{ data?: any; errors?: unknown }>;

/**
 * Every result of a job so far, in input order, read page by page: `page` is a query with variables `$id`
 * and `$after` selecting `batchUpdateJob(id:) { results(after:) { edges { node } pageInfo } }`.
 */
export async function allJobResults(send: Send, page: string, id: string): Promise<any[]> {
  const out: any[] = [];
  let after: string | null = null;
  for (;;) {
    const res = await send(page, { id, after });
    if (res.errors) throw new Error(`results page failed: ${JSON.stringify(res.errors)}`);
    const results: any = res.data.batchUpdateJob.results;
    out.push(...results.edges.map((e: any) => e.node));
    if (!results.pageInfo.hasNextPage) return out;
    after = results.pageInfo.endCursor;
  }
}
