// Batch job take-over between real processes: two replicas (`node dist/main.js`) over one redis-server and
// ONE set of emulators (in this test process). The replica running a job is SIGKILLed while a K2 call is in
// flight; the other takes the job over from the journal and finishes it. What the vendors received is the
// judge: recorded items are not sent again, the in-flight K2 items are answered OUTCOME_UNKNOWN and never
// resent, everything else is sent and really applied.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedBackends } from '../../src/embedded.js';
import { DEFAULT_CHUNK_SIZE } from '../../src/jobs/runner.js';
import { gqlAt, startCluster } from '../support/replica.js';
import type { Cluster, Replica } from '../support/replica.js';
import { JOB_FIELDS, allJobResults, applied, generatedIds } from '../support/jobs.js';

const PER_VENDOR = 400;
const TAG = 'takeover';
// Long enough that a job chunk takes a while (SuperOffice: a GET and a PUT per task, 8 at a time).
const LATENCY_MS = 40;
// The first K2 call is held this long at the emulator (then applied, whoever is still listening): the
// replica running the job is killed with it in flight.
const K2_HOLD_MS = 8_000;

let vendors: EmbeddedBackends;
let replicas: Replica[] = [];
let ids: ReturnType<typeof generatedIds>;

type Item =
  | { zuora: { id: string; name: string } }
  | { ibmBpm: { id: string; priority: number; description: string } }
  | { k2: { serialNumber: string; action: string } | { serialNumber: string; sleepSeconds: number } }
  | { superOffice: { id: string; description: string } };

/** Item k for vendor k % 4; K2 items alternate an action (which takes the task off the worklist) and a sleep. */
function items(): Item[] {
  return Array.from({ length: 4 * PER_VENDOR }, (_, k): Item => {
    const j = Math.floor(k / 4);
    switch (k % 4) {
      case 0: return { zuora: { id: ids.zuora[j]!, name: `${TAG} ${j}` } };
      case 1: return { ibmBpm: { id: ids.ibm[j]!, priority: 1 + (j % 5), description: TAG } };
      case 2: return { k2: j % 2 ? { serialNumber: ids.k2[j]!, sleepSeconds: 60 } : { serialNumber: ids.k2[j]!, action: 'Approve' } };
      default: return { superOffice: { id: ids.so[j]!, description: `${TAG} ${j}` } };
    }
  });
}

const START = `mutation($input: BatchUpdateJobInput!) { startBatchUpdateJob(input: $input) { ${JOB_FIELDS} } }`;
const GET = `query($id: ID!) { batchUpdateJob(id: $id) { ${JOB_FIELDS} } }`;
const PAGE = `query($id: ID!, $after: String) { batchUpdateJob(id: $id) { results(first: 500, after: $after) {
  edges { cursor node { __typename ... on TaskUpdateOutcome { index backend nativeId } ... on TaskUpdateError { code retryable } } }
  pageInfo { hasNextPage endCursor } } } }`;

async function job(url: string, id: string) {
  const res = await gqlAt(url, GET, { id });
  expect(res.errors).toBeUndefined();
  return res.data.batchUpdateJob;
}


/** Polls `check` until it returns a value (not sleeps: a loaded machine only makes it slower). */
async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The store id inside a BatchUpdateJob id (what the replicas log as jobId). */
const storeId = (id: string) => Buffer.from(id, 'base64url').toString('utf8').replace(/^BatchUpdateJob:/, '');
const logged = (r: Replica, jobId: string, pattern: RegExp) => r.output().split('\n')
  .some((line) => line.includes(`"jobId":"${jobId}"`) && pattern.test(line));

// What each emulator received, item by item (from its own request log).
const k2Sent = () => vendors.k2.server.requests.filter((r) => r.method === 'POST')
  .flatMap((r) => [...r.body.matchAll(/<(?:\w+:)?UpdateTask\b[^>]*\bAction="([^"]*)"[^>]*>\s*<(?:\w+:)?Task\b[^>]*\bSerialNumber="([^"]*)"/g)]
    .map((m) => `${m[2]} ${m[1]}`));
const zuoraSent = () => vendors.zuora.server.requests.filter((r) => r.method === 'PUT')
  .flatMap((r) => (JSON.parse(r.body) as { data: Array<{ id: number }> }).data.map((t) => String(t.id)));
const ibmSent = () => vendors.ibmBpm.server.requests.filter((r) => r.method === 'PUT')
  .flatMap((r) => (JSON.parse(r.body) as { updatedTaskIDs: string[] }).updatedTaskIDs.map(String));
const soSent = () => vendors.superOffice.server.requests.filter((r) => r.method === 'PUT')
  .map((r) => /\/BatchTask\/(\d+)$/.exec(r.path)?.[1] ?? '');
const tally = (xs: readonly string[]) => xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>());

let cluster: Cluster | undefined;

beforeAll(async () => {
  // Vendor timeouts far above the K2 hold: a timed-out call would be truthful, but not this test.
  cluster = await startCluster({
    replicas: 2, latencyMs: LATENCY_MS, extraTasks: PER_VENDOR,
    env: { TASKHUB_FIRST_BYTE_TIMEOUT_MS: '30000', TASKHUB_TOTAL_TIMEOUT_MS: '60000' },
  });
  ({ vendors, replicas } = cluster);
  ids = generatedIds(vendors, PER_VENDOR);
}, 120_000);

afterAll(() => cluster?.close());

describe('two replicas, the one running a job killed', () => {
  it('the other takes the job over from the journal and finishes it: recorded items kept, in-flight K2 OUTCOME_UNKNOWN, no K2 item sent twice', async () => {
    const input = items();
    vendors.k2.server.addFault({ fault: { kind: 'delay', ms: K2_HOLD_MS }, method: 'POST', path: /UpdateTasks$/, times: 1 });

    const started = await gqlAt(replicas[0]!.url, START, { input: { items: input } });
    expect(started.errors).toBeUndefined();
    const id: string = started.data.startBatchUpdateJob.id;
    const jobId = storeId(id);

    // Whichever replica's worker took the job logs it RUNNING; that one dies.
    const victim = await until('a replica to run the job', () =>
      replicas.find((r) => logged(r, jobId, /"state":"RUNNING"/)), 30_000);
    const survivor = replicas.find((r) => r !== victim)!;
    // Mid-job: items recorded, every K2 call of the first chunk (a quarter of its items are K2) received,
    // the held one still unanswered.
    await until('the first chunk to be under way', async () => {
      const j = await job(survivor.url, id);
      const posted = k2Sent().length;
      return j.state === 'RUNNING' && j.done >= 200 && posted >= DEFAULT_CHUNK_SIZE / 4 && posted > vendors.k2.applied.length ? true : undefined;
    }, 30_000);
    await victim.kill('SIGKILL');
    // Sent to K2 but not applied yet: the held call, in flight when the victim died.
    const appliedAtKill = new Set(vendors.k2.applied.map((a) => `${a.serialNumber} ${a.action}`));
    const inFlight = k2Sent().filter((s) => !appliedAtKill.has(s));
    expect(inFlight.length).toBeGreaterThan(0);
    const recorded = await allJobResults((q, v) => gqlAt(survivor.url, q, v), PAGE, id);
    expect(recorded.length).toBeGreaterThan(0);
    expect(recorded.length).toBeLessThan(input.length);

    // Within seconds: the dead worker's lock lapses (5 s), a stalled check (every 2 s) hands the job on, and
    // the rest takes a few seconds; the bound is generous for a loaded machine.
    const done = await until('the survivor to finish the job', async () => {
      const j = await job(survivor.url, id);
      return ['COMPLETED', 'CANCELLED', 'FAILED'].includes(j.state) ? j : undefined;
    }, 45_000);
    expect(done).toMatchObject({ state: 'COMPLETED', total: input.length, done: input.length });
    expect(logged(survivor, jobId, /taken over: continuing from its journal/)).toBe(true);

    // Exactly one result per item, in input order.
    const results = await allJobResults((q, v) => gqlAt(survivor.url, q, v), PAGE, id);
    expect(results.map((r) => r.index)).toEqual(input.map((_, i) => i));
    // Results recorded before the kill are kept as they were.
    for (const r of recorded) expect(results[r.index]).toEqual(r);

    // The held K2 call lands at the emulator (applied once, by the call the victim made).
    await until('the held K2 call to be applied', () =>
      inFlight.every((s) => vendors.k2.applied.some((a) => `${a.serialNumber} ${a.action}` === s)) || undefined, 30_000);
    // What K2 received, judged by its own request log: each item (serial number and action) at most once.
    const k2Tally = tally(k2Sent());
    for (const [sent, n] of k2Tally) expect(n, `K2 ${sent} sent ${n} times`).toBe(1);
    const k2Action = (i: number) => {
      const k2 = (input[i] as { k2: { serialNumber: string; action?: string; sleepSeconds?: number } }).k2;
      return `${k2.serialNumber} ${k2.action ? `a:${k2.action}` : `s:${k2.sleepSeconds}`}`;
    };
    expect(new Set(k2Tally.keys())).toEqual(new Set(input.flatMap((it, i) => ('k2' in it ? [k2Action(i)] : []))));

    const unknown = results.filter((r) => r.code === 'OUTCOME_UNKNOWN');
    const inFlightSerials = new Set(inFlight.map((s) => s.split(' ')[0]!));
    // The items in flight at the kill are OUTCOME_UNKNOWN: the survivor cannot know whether K2 applied them,
    // and must not send them again to find out ...
    for (const r of results.filter((x) => x.backend === 'K2' && inFlightSerials.has(x.nativeId))) {
      expect(r).toMatchObject({ __typename: 'BackendUnavailable', code: 'OUTCOME_UNKNOWN', retryable: false });
    }
    // ... and only K2 items can be: idempotent writes are simply sent again.
    for (const r of unknown) expect(r.backend).toBe('K2');
    expect(done.failed).toBe(unknown.length);
    expect(done.succeeded + done.accepted + done.failed).toBe(input.length);

    // Every other item succeeded and really is changed at its vendor (K2: applied exactly once).
    results.forEach((r, i) => {
      if (r.code === 'OUTCOME_UNKNOWN') return;
      expect(['TaskUpdated', 'TaskUpdateAccepted']).toContain(r.__typename);
      expect(applied(vendors, input[i] as Parameters<typeof applied>[1], TAG), `item ${i} (${r.backend} ${r.nativeId})`).toBe(true);
    });

    // Items recorded before the kill were not sent again by the survivor.
    const sentTimes: Record<string, Map<string, number>> = { ZUORA: tally(zuoraSent()), IBM_BPM: tally(ibmSent()), SUPEROFFICE: tally(soSent()) };
    for (const r of recorded.filter((x) => x.backend !== 'K2')) {
      expect(sentTimes[r.backend]!.get(r.nativeId), `${r.backend} ${r.nativeId}`).toBe(1);
    }
  }, 180_000);
});
