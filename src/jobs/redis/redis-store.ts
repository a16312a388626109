// Batch jobs in Redis, shared by every replica. Per job (one hash tag, so a cluster keeps them together):
//   taskhub:job:{id}:meta      hash: the record, the counts, the fingerprint and the worker holding it
//   taskhub:job:{id}:items     list: one JSON item per input index
//   taskhub:job:{id}:results   hash: input index → JSON result (HSETNX: the first result of an item stays)
//   taskhub:job:{id}:inflight  set: indexes journaled as being sent, whose results are not recorded yet
//   taskhub:jobkey:<owner>:<key> → job id (SET NX), for idempotency keys
// Everything expires TTL after the job finishes. Until then every recorded result, and every change of
// state, pushes the expiry TTL ahead, its idempotency key's included: a job that runs longer than TTL is not
// lost mid-run, and its key cannot lapse while it runs, which would let the same key start a second job
// (and send its non-idempotent writes again). A queued job keeps its keys without expiry while it waits,
// however long the queue ahead of it; one that was stored but never queued (its queueing failed and nobody
// sent it again) expires TTL after it was created.
// Recording results and counting them is one Lua script, so counts always match the results; journaling
// checks that the caller still holds the job (fencing), so a worker that lost it to another never sends.

import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { TaskUpdate } from '../../domain.js';
import type { ItemResult } from '../../batch/plan.js';
import { IdempotencyConflictError } from '../../batch/idempotency.js';
import { JobLostError, JobNotFoundError, countInto, emptyCounts, isFinished, kindOf } from '../store.js';
import type { JobChunk, JobRecord, JobState, JobStep, JobStore, NewJob, ResultKind, ResultPage } from '../store.js';
import { collectPage } from '../result-page.js';

const keys = (id: string) => {
  const base = `taskhub:job:{${id}}`;
  return { meta: `${base}:meta`, items: `${base}:items`, results: `${base}:results`, inflight: `${base}:inflight` };
};

/** Items written per command when a job is created. */
const WRITE_BATCH = 1000;

// KEYS: meta results inflight items; ARGV: the TTL in ms, then triples of index, json, counter field.
// Returns the meta hash and which triples (0-based, in ARGV order) were recorded now, not answered before: the
// same index may come twice in one call, from two callers. HSETNX and HINCRBY create keys without an expiry,
// so the TTL is set here too.
const SETTLE = `
local fresh = {}
for i = 2, #ARGV, 3 do
  redis.call('SREM', KEYS[3], ARGV[i])
  if redis.call('HSETNX', KEYS[2], ARGV[i], ARGV[i + 1]) == 1 then
    redis.call('HINCRBY', KEYS[1], 'done', 1)
    redis.call('HINCRBY', KEYS[1], ARGV[i + 2], 1)
    fresh[#fresh + 1] = (i - 2) / 3
  end
end
for k = 1, 4 do redis.call('PEXPIRE', KEYS[k], ARGV[1]) end
return { redis.call('HGETALL', KEYS[1]), fresh }`;

// KEYS: meta inflight; ARGV: worker token, then indexes. Refuses unless the caller holds the job.
const SENDING = `
if redis.call('HGET', KEYS[1], 'worker') ~= ARGV[1] then return 0 end
for i = 2, #ARGV do redis.call('SADD', KEYS[2], ARGV[i]) end
return 1`;

function recordOf(id: string, h: Record<string, string>): JobRecord | null {
  if (!h.state) return null;
  return {
    id, owner: h.owner ?? '', state: h.state as JobState, total: Number(h.total), dryRun: h.dryRun === '1',
    counts: { done: Number(h.done ?? 0), succeeded: Number(h.succeeded ?? 0), accepted: Number(h.accepted ?? 0), failed: Number(h.failed ?? 0) },
    createdAt: h.createdAt ?? '', startedAt: h.startedAt || null, finishedAt: h.finishedAt || null,
    cancelRequested: h.cancelRequested === '1',
  };
}

// KEYS: meta; ARGV: the states allowed now, comma-separated, then field/value pairs to set.
// 1: set; 0: the job is in another state; -1: no such job.
const TRANSITION = `
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return -1 end
if not string.find(',' .. ARGV[1] .. ',', ',' .. state .. ',', 1, true) then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
return 1`;

// KEYS: meta items results inflight. Drops their expiry if the job is still QUEUED (1), else leaves them (0):
// a job a worker already finished keeps the expiry its end gave it.
const KEEP_QUEUED = `
if redis.call('HGET', KEYS[1], 'state') ~= 'QUEUED' then return 0 end
for k = 1, 4 do redis.call('PERSIST', KEYS[k]) end
return 1`;

const pairsToHash = (flat: string[]): Record<string, string> => {
  const h: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) h[flat[i]!] = flat[i + 1]!;
  return h;
};

/** The scripts as commands of their own: sent by SHA (EVALSHA), not as script text on every call. */
type Scripted = Redis & Record<'thJobSettle' | 'thJobSending' | 'thJobTransition' | 'thJobKeepQueued', (...args: string[]) => Promise<unknown>>;

/** Results waiting for the next turn of the event loop to be settled together, and who awaits them. */
interface SettleBatch {
  args: string[];
  waiters: Array<{
    results: readonly ItemResult[];
    /** Where its results start among the batch's triples. */
    first: number;
    recorded: ((fresh: readonly ItemResult[]) => void) | undefined;
    resolve: (job: JobRecord) => void;
    reject: (err: unknown) => void;
  }>;
}

export class RedisJobStore implements JobStore {
  private readonly scripted: Scripted;
  private readonly settling = new Map<string, SettleBatch>();
  /** When this replica last pushed each running job's idempotency key ahead. */
  private readonly keyTouched = new Map<string, number>();

  constructor(private readonly redis: Redis, private readonly ttlMs: number) {
    redis.defineCommand('thJobSettle', { numberOfKeys: 4, lua: SETTLE });
    redis.defineCommand('thJobSending', { numberOfKeys: 2, lua: SENDING });
    redis.defineCommand('thJobTransition', { numberOfKeys: 1, lua: TRANSITION });
    redis.defineCommand('thJobKeepQueued', { numberOfKeys: 4, lua: KEEP_QUEUED });
    this.scripted = redis as Scripted;
  }

  async create(spec: NewJob): Promise<{ job: JobRecord; created: boolean }> {
    const id = randomUUID();
    const k = keys(id);
    const counts = emptyCounts();
    for (const r of spec.decided) if (r) countInto(counts, r);
    const job: JobRecord = {
      id, owner: spec.owner, state: 'QUEUED', total: spec.items.length, dryRun: spec.dryRun, counts,
      createdAt: new Date().toISOString(), startedAt: null, finishedAt: null, cancelRequested: false,
    };
    // The job is written whole before its key is claimed: whoever reads the key finds a complete job. Each
    // write carries its key's expiry in the same transaction: a create the client gave up on (Redis slow
    // or hung; it may still run the writes later) leaves nothing that is kept forever.
    await this.redis.multi().hset(k.meta, {
      owner: job.owner, state: job.state, total: job.total, dryRun: job.dryRun ? '1' : '0', createdAt: job.createdAt,
      startedAt: '', finishedAt: '', cancelRequested: '0', fingerprint: spec.idempotency?.fingerprint ?? '', worker: '', ...counts,
    }).pexpire(k.meta, this.ttlMs).exec();
    for (let from = 0; from < spec.items.length; from += WRITE_BATCH) {
      await this.redis.multi()
        .rpush(k.items, ...spec.items.slice(from, from + WRITE_BATCH).map((i) => JSON.stringify(i)))
        .pexpire(k.items, this.ttlMs).exec();
    }
    const decided: string[] = [];
    spec.decided.forEach((r, i) => { if (r) decided.push(String(i), JSON.stringify(r)); });
    for (let from = 0; from < decided.length; from += 2 * WRITE_BATCH) {
      await this.redis.multi().hset(k.results, ...decided.slice(from, from + 2 * WRITE_BATCH)).pexpire(k.results, this.ttlMs).exec();
    }
    if (!spec.idempotency) return { job, created: true };

    const keyKey = `taskhub:jobkey:${spec.owner}:${spec.idempotency.key}`;
    // Where the key is, for expire(): it lives as long as the job (the key is outside the job's hash slot).
    await this.redis.hset(k.meta, 'jobkey', keyKey);
    if (await this.redis.set(keyKey, id, 'PX', this.ttlMs, 'NX')) return { job, created: true };
    await this.redis.del(k.meta, k.items, k.results, k.inflight);
    const existingId = await this.redis.get(keyKey);
    const existing = existingId ? await this.redis.hgetall(keys(existingId).meta) : {};
    const record = existingId ? recordOf(existingId, existing) : null;
    if (!record) throw new JobNotFoundError('the job holding this idempotencyKey has just expired; send again');
    if (existing.fingerprint !== spec.idempotency.fingerprint) {
      throw new IdempotencyConflictError('idempotencyKey was already used with a different input; use a new key for a new job');
    }
    return { job: record, created: false };
  }

  async get(id: string): Promise<JobRecord | null> {
    return recordOf(id, await this.redis.hgetall(keys(id).meta));
  }

  async claim(id: string, worker: string): Promise<void> {
    await this.redis.hset(keys(id).meta, 'worker', worker);
  }

  async chunk(id: string, from: number, to: number): Promise<JobChunk> {
    const k = keys(id);
    const indexes = Array.from({ length: to - from }, (_, i) => String(from + i));
    if (indexes.length === 0) return { items: [], results: [], inFlight: new Set() };
    const [items, results, flags] = await Promise.all([
      this.redis.lrange(k.items, from, to - 1),
      this.redis.hmget(k.results, ...indexes),
      this.redis.smismember(k.inflight, ...indexes),
    ]);
    return {
      items: items.map((s) => JSON.parse(s) as TaskUpdate),
      results: results.map((s) => (s === null ? undefined : JSON.parse(s) as ItemResult)),
      inFlight: new Set(indexes.filter((_, i) => flags[i] === 1).map(Number)),
    };
  }

  async sending(id: string, indexes: readonly number[], worker: string): Promise<void> {
    const k = keys(id);
    const held = await this.scripted.thJobSending(k.meta, k.inflight, worker, ...indexes.map(String));
    if (held !== 1) throw new JobLostError(`batch job ${id} is now run by another worker`);
  }

  /**
   * Results arrive a vendor call at a time, and a vendor that writes one task per call answers thousands of
   * calls in a large job. Those settled within one turn of the event loop go to Redis as one script call,
   * which every caller awaits: each is recorded when its promise resolves, for a fraction of the commands.
   */
  settle(id: string, results: readonly ItemResult[], recorded?: (fresh: readonly ItemResult[]) => void): Promise<JobRecord> {
    let batch = this.settling.get(id);
    if (!batch) {
      const next: SettleBatch = { args: [], waiters: [] };
      this.settling.set(id, (batch = next));
      setImmediate(() => {
        this.settling.delete(id);
        this.settleNow(id, next.args).then(
          ({ job, fresh }) => {
            for (const w of next.waiters) {
              w.recorded?.(w.results.filter((_, k) => fresh.has(w.first + k)));
              w.resolve(job);
            }
          },
          (err: unknown) => { for (const w of next.waiters) w.reject(err); },
        );
      });
    }
    const first = batch.args.length / 3;
    for (const r of results) batch.args.push(String(r.index), JSON.stringify(r), kindOf(r));
    const waiters = batch.waiters;
    return new Promise<JobRecord>((resolve, reject) => { waiters.push({ results, first, recorded, resolve, reject }); });
  }

  private async settleNow(id: string, args: string[]): Promise<{ job: JobRecord; fresh: Set<number> }> {
    const k = keys(id);
    const [flat, recorded] = await this.scripted.thJobSettle(k.meta, k.results, k.inflight, k.items, String(this.ttlMs), ...args) as [string[], string[]];
    const meta = pairsToHash(flat);
    const job = recordOf(id, meta);
    if (!job) throw new JobNotFoundError(`no batch job ${id}`);
    if (meta.jobkey) await this.touchKey(id, meta.jobkey);
    return { job, fresh: new Set(recorded.map(Number)) };
  }

  async update(id: string, patch: Partial<Pick<JobRecord, 'state' | 'startedAt' | 'finishedAt' | 'cancelRequested'>>): Promise<JobRecord> {
    const fields: Record<string, string> = {};
    if (patch.state !== undefined) fields.state = patch.state;
    if (patch.startedAt !== undefined) fields.startedAt = patch.startedAt ?? '';
    if (patch.finishedAt !== undefined) fields.finishedAt = patch.finishedAt ?? '';
    if (patch.cancelRequested !== undefined) fields.cancelRequested = patch.cancelRequested ? '1' : '0';
    const k = keys(id);
    if (!(await this.redis.exists(k.meta))) throw new JobNotFoundError(`no batch job ${id}`);
    await this.redis.hset(k.meta, fields);
    return this.changed(id, patch.state);
  }

  /**
   * A queued job may wait longer than TTL behind others (a few 100,000-item jobs ahead, a short TTL): its
   * keys, and its idempotency key, lose their expiry while it waits, and get one again when it ends.
   */
  async queued(id: string): Promise<void> {
    const k = keys(id);
    if (await this.scripted.thJobKeepQueued(k.meta, k.items, k.results, k.inflight) !== 1) return;
    const jobkey = await this.redis.hget(k.meta, 'jobkey');
    if (!jobkey) return;
    // Outside the job's hash slot, so after the script. Finished in between: its end set the key's expiry
    // before this PERSIST, so set it again.
    await this.redis.persist(jobkey);
    if (await this.redis.hget(k.meta, 'state') !== 'QUEUED') await this.expire(id);
  }

  async transition(id: string, from: readonly JobState[], patch: JobStep): Promise<JobRecord | null> {
    const fields: string[] = ['state', patch.state];
    if (patch.startedAt !== undefined) fields.push('startedAt', patch.startedAt ?? '');
    if (patch.finishedAt !== undefined) fields.push('finishedAt', patch.finishedAt ?? '');
    const set = await this.scripted.thJobTransition(keys(id).meta, from.join(','), ...fields);
    if (set === -1) throw new JobNotFoundError(`no batch job ${id}`);
    return set === 1 ? this.changed(id, patch.state) : null;
  }

  /** After a change of the record: a finished job's items go, and the expiry moves TTL ahead. */
  private async changed(id: string, state: JobState | undefined): Promise<JobRecord> {
    if (state !== undefined && isFinished(state)) {
      // The items are not read again once the job is finished.
      const k = keys(id);
      await this.redis.del(k.items, k.inflight);
      this.keyTouched.delete(id);
    }
    await this.expire(id);
    const job = await this.get(id);
    if (!job) throw new JobNotFoundError(`no batch job ${id}`);
    return job;
  }

  async results(id: string, from: number, limit: number, only?: ResultKind): Promise<ResultPage> {
    const k = keys(id);
    const total = Number(await this.redis.hget(k.meta, 'total') ?? 0);
    return collectPage(total, from, limit, only,
      (a, b) => this.redis.hmget(k.results, ...Array.from({ length: b - a }, (_, j) => String(a + j))));
  }

  async close(): Promise<void> {}

  /** TTL from now for the job's keys and its idempotency key. */
  private async expire(id: string): Promise<void> {
    const k = keys(id);
    const jobkey = await this.redis.hget(k.meta, 'jobkey');
    await this.redis.multi()
      .pexpire(k.meta, this.ttlMs).pexpire(k.items, this.ttlMs).pexpire(k.results, this.ttlMs).pexpire(k.inflight, this.ttlMs)
      .exec();
    // Outside the job's hash slot, so not in its transaction.
    if (jobkey) await this.redis.pexpire(jobkey, this.ttlMs);
  }

  /**
   * The idempotency key's expiry pushed ahead as results come in: at most a few times per TTL, as a large
   * job records results many times a second.
   */
  private async touchKey(id: string, jobkey: string): Promise<void> {
    const now = Date.now();
    if (now - (this.keyTouched.get(id) ?? 0) < this.ttlMs / 4) return;
    // Entries of jobs another replica finished are never deleted here: bounded by starting afresh.
    if (this.keyTouched.size >= 10_000) this.keyTouched.clear();
    this.keyTouched.set(id, now);
    await this.redis.pexpire(jobkey, this.ttlMs);
  }
}
