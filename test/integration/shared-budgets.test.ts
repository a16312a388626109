// Vendor budgets and the Zuora token shared by "replicas" (separate clients and budgets in this process)
// through a real redis-server, against one Zuora emulator: what the vendor really received is asserted.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { DEFAULT_TRAFFIC_POLICY } from '../../src/transport/policy.js';
import { ZuoraClient } from '../../src/vendors/zuora/client.js';
import { ZUORA_DEMO_CREDENTIALS, startZuoraEmulator } from '../../src/vendors/zuora/emulator.js';
import type { ZuoraEmulator } from '../../src/vendors/zuora/emulator.js';
import { SharedVendorBudget } from '../../src/budget/vendor-budget.js';
import { createRateLimiter } from '../../src/budget/rate-limiter.js';
import { SharedRedis } from '../../src/redis/connection.js';
import { RedisTokenStore } from '../../src/redis/token-store-redis.js';
import { startRedis } from '../support/redis.js';
import type { TestRedis } from '../support/redis.js';

const logger = pino({ level: 'silent' });
const policy = { ...DEFAULT_TRAFFIC_POLICY, retryBaseMs: 1, retryMaxMs: 20, firstByteTimeoutMs: 2000, totalTimeoutMs: 8000, breakerFailureThreshold: 1000 };

let redis: TestRedis;
let shared: SharedRedis;
let zuora: ZuoraEmulator;
const closers: Array<() => unknown> = [];

beforeAll(async () => {
  redis = await startRedis();
  shared = new SharedRedis(redis.url, logger);
  await shared.waitUntilUp(5_000);
  zuora = await startZuoraEmulator({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  for (const close of closers) await close();
  await zuora?.close();
  await shared?.close();
  await redis?.close();
});

const budget = (perSecond?: number) => {
  const b = new SharedVendorBudget({ backend: 'ZUORA', limiter: perSecond === undefined ? undefined : createRateLimiter(perSecond, shared), redis: shared, logger });
  closers.push(() => b.close());
  return b;
};
const replica = (b: SharedVendorBudget) => {
  const c = new ZuoraClient({ baseUrl: zuora.server.url, policy, ...ZUORA_DEMO_CREDENTIALS, budget: b,
    tokens: new RedisTokenStore(shared, `${zuora.server.url}\n${ZUORA_DEMO_CREDENTIALS.clientId}`) });
  closers.push(() => c.close());
  return c;
};

describe('shared vendor budgets', () => {
  it('a request rate holds across replicas', async () => {
    const [a, b] = [budget(3), budget(3)];
    const t0 = Date.now();
    const granted: number[] = [];
    await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).take(new AbortController().signal).then(() => granted.push(Date.now() - t0))));
    granted.sort((x, y) => x - y);
    // Three per one-second window, whichever replica asks: the fourth waits for the next window.
    expect(granted.filter((ms) => ms < 900)).toHaveLength(3);
    expect(granted).toHaveLength(8);
  });

  it('with Redis gone, a request rate still holds in each replica (the insurance limiter), and calls still go', async () => {
    const gone = await startRedis();
    const down = new SharedRedis(gone.url, logger);
    await down.waitUntilUp(5_000);
    await gone.close();
    const b = new SharedVendorBudget({ backend: 'ZUORA', limiter: createRateLimiter(3, down), redis: down, logger });
    closers.push(() => b.close(), () => down.close());
    const t0 = Date.now();
    const granted: number[] = [];
    await Promise.all(Array.from({ length: 4 }, () => b.take(new AbortController().signal).then(() => granted.push(Date.now() - t0))));
    granted.sort((x, y) => x - y);
    expect(granted.filter((ms) => ms < 900)).toHaveLength(3);
    expect(granted).toHaveLength(4);
  });

  it("a vendor's 429 with Retry-After pauses it for every replica", async () => {
    const [a, b] = [replica(budget()), replica(budget())];
    await a.getTasks(['2771']); // tokens and connections warm
    zuora.server.addFault({ fault: { kind: 'status', status: 429, headers: { 'retry-after': '2' } }, method: 'GET', path: /^\/workflows\/tasks\/2771$/, times: 1 });
    const first = await a.getTasks(['2771']);
    expect(first[0]).toBeInstanceOf(Error);
    const refusedAt = zuora.server.requests.at(-1)!.at;
    await new Promise((r) => setTimeout(r, 700)); // the other replica reads the shared pause
    const before = zuora.server.requests.length;
    const second = await b.getTasks(['2771']);
    expect(second[0]).toMatchObject({ nativeId: '2771' });
    const sent = zuora.server.requests.slice(before);
    expect(sent.length).toBeGreaterThan(0);
    for (const r of sent) expect(r.at).toBeGreaterThanOrEqual(refusedAt + 1_900);
  });

  it('a caller giving up while paused gets BACKEND_UNAVAILABLE, retryable, and nothing is sent', async () => {
    const b = budget();
    await b.pause(Date.now() + 5_000);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    await expect(b.take(ac.signal)).rejects.toMatchObject({ code: 'BACKEND_UNAVAILABLE', retryable: true, requestMayHaveBeenSent: false });
    await shared.client.del('taskhub:pause:ZUORA');
  });
});

describe('one Zuora token for all replicas', () => {
  it('is minted once and read by the others, and refreshed once after Zuora refuses it', async () => {
    const replicas = [replica(budget()), replica(budget()), replica(budget())];
    const mints = () => zuora.server.count('POST', /^\/oauth\/token$/);
    zuora.revokeTokens();
    await shared.client.flushdb();
    const before = mints();
    await Promise.all(replicas.map((c) => c.getTasks(['2771', '2772'])));
    expect(mints() - before).toBe(1);

    zuora.revokeTokens(); // every replica's token is now refused with a 401
    const results = await Promise.all(replicas.map((c) => c.getTasks(['2771'])));
    for (const [task] of results) expect(task).toMatchObject({ nativeId: '2771' });
    expect(mints() - before).toBe(2);
  });
});
