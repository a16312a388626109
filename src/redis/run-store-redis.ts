// The run store on Redis, shared by every replica naming the same TASKHUB_REDIS_URL. Per run:
//   taskhub:run:{id}:meta   hash  fp (input fingerprint), state (running | done), total
//   taskhub:run:{id}:lease  string, the holder's owner token, with a short PX (renewed while it works)
//   taskhub:run:{id}:items  hash  input index -> "S" (a vendor call carrying it was started) or the
//                                 item's result as JSON
// All three expire after the idempotency TTL (the lease much sooner). The `{id}` hash tag keeps a run's
// keys in one Redis Cluster slot, so the scripts below may touch them together. Items are one hash field
// each and are written and read in slices, so a 100,000-item job never becomes one giant value.
// Every state change is one Lua script: atomic, and checked against the lease, so a replica that lost
// its lease (paused, cut off from Redis) can neither start another vendor call nor overwrite the answers
// of the replica that took over.

import type { Redis } from 'ioredis';
import type { ClaimOutcome, JournalEntry, RunStore, SettledEntry } from '../batch/run-store.js';
import { LeaseLostError, decodeEntry, encodeEntry } from '../batch/run-store.js';
import type { SharedRedis } from './connection.js';
import { ownedKeyCommands } from './owned-keys.js';
import type { OwnedKeyCommands } from './owned-keys.js';

const CLAIM = `
local fp = redis.call('HGET', KEYS[1], 'fp')
if not fp then
  redis.call('DEL', KEYS[3])
  redis.call('HSET', KEYS[1], 'fp', ARGV[1], 'state', 'running', 'total', ARGV[5])
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
  return 'claimed'
end
if fp ~= ARGV[1] then return 'conflict' end
if redis.call('HGET', KEYS[1], 'state') == 'done' then return 'done' end
if redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PX', ARGV[3]) then return 'taken-over' end
return 'running'`;

// KEYS: lease, items; ARGV: owner, ttlMs, index...
const SENDING = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
for i = 3, #ARGV do redis.call('HSET', KEYS[2], ARGV[i], 'S') end
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return 1`;

// KEYS: lease, items; ARGV: owner, ttlMs, index, entry, index, entry...
const RECORD = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
for i = 3, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return 1`;

// KEYS: meta, lease, items; ARGV: owner, ttlMs
const FINISH = `
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'state', 'done')
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[3], ARGV[2])
redis.call('DEL', KEYS[2])
return 1`;

/** Items per script call or HMGET: keeps each command small whatever the run's size. */
const SLICE = 500;

type Scripted = Redis & OwnedKeyCommands & Record<'thClaim' | 'thSending' | 'thRecord' | 'thFinish',
  (...args: Array<string | number>) => Promise<unknown>>;

export class RedisRunStore implements RunStore {
  readonly name = 'Redis';

  constructor(private readonly redis: SharedRedis, private readonly ttlMs: number, readonly leaseMs: number, private readonly prefix = 'taskhub:run:') {
    const c = redis.client;
    c.defineCommand('thClaim', { numberOfKeys: 3, lua: CLAIM });
    ownedKeyCommands(c);
    c.defineCommand('thSending', { numberOfKeys: 2, lua: SENDING });
    c.defineCommand('thRecord', { numberOfKeys: 2, lua: RECORD });
    c.defineCommand('thFinish', { numberOfKeys: 3, lua: FINISH });
  }

  private keys(runId: string) {
    const base = `${this.prefix}{${runId}}:`;
    return { meta: `${base}meta`, lease: `${base}lease`, items: `${base}items` };
  }

  private cmd<T>(op: string, fn: (r: Scripted) => Promise<unknown>): Promise<T> {
    return this.redis.run(op, (r) => fn(r as Scripted)) as Promise<T>;
  }

  claim(runId: string, fingerprint: string, owner: string, total: number): Promise<ClaimOutcome> {
    const k = this.keys(runId);
    return this.cmd('claim', (r) => r.thClaim(k.meta, k.lease, k.items, fingerprint, owner, this.leaseMs, this.ttlMs, total));
  }

  async renew(runId: string, owner: string): Promise<boolean> {
    const k = this.keys(runId);
    return (await this.cmd<number>('renew', (r) => r.thRenewOwned(k.lease, owner, this.leaseMs))) === 1;
  }

  async markSending(runId: string, owner: string, indexes: readonly number[]): Promise<void> {
    const k = this.keys(runId);
    for (let i = 0; i < indexes.length; i += SLICE) {
      const ok = await this.cmd<number>('journal', (r) => r.thSending(k.lease, k.items, owner, this.ttlMs, ...indexes.slice(i, i + SLICE)));
      if (ok !== 1) throw new LeaseLostError('this replica no longer holds the batch (its lease lapsed)');
    }
  }

  async record(runId: string, owner: string, entries: ReadonlyArray<SettledEntry>): Promise<void> {
    await this.recordSlices(runId, owner, entries);
  }

  async finish(runId: string, owner: string, entries: ReadonlyArray<SettledEntry>): Promise<boolean> {
    if (!(await this.recordSlices(runId, owner, entries))) return false;
    const k = this.keys(runId);
    return (await this.cmd<number>('journal', (r) => r.thFinish(k.meta, k.lease, k.items, owner, this.ttlMs))) === 1;
  }

  async release(runId: string, owner: string): Promise<void> {
    const k = this.keys(runId);
    await this.cmd('release', (r) => r.thDeleteOwned(k.lease, owner));
  }

  async read(runId: string, total: number): Promise<Array<JournalEntry | undefined>> {
    const k = this.keys(runId);
    const out: Array<JournalEntry | undefined> = [];
    for (let from = 0; from < total; from += SLICE) {
      const fields = Array.from({ length: Math.min(SLICE, total - from) }, (_, i) => String(from + i));
      const values = await this.cmd<Array<string | null>>('read', (r) => r.hmget(k.items, ...fields));
      for (const v of values) out.push(decodeEntry(v));
    }
    return out;
  }

  /** False as soon as one slice finds the lease gone. */
  private async recordSlices(runId: string, owner: string, entries: ReadonlyArray<SettledEntry>): Promise<boolean> {
    const k = this.keys(runId);
    for (let i = 0; i < entries.length; i += SLICE) {
      const args = entries.slice(i, i + SLICE).flatMap((e) => [e.result.index, encodeEntry(e)]);
      if ((await this.cmd<number>('journal', (r) => r.thRecord(k.lease, k.items, owner, this.ttlMs, ...args))) !== 1) return false;
    }
    return true;
  }
}
