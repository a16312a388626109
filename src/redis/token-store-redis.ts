// A vendor's OAuth token shared by every replica: one key holds it (expiring when its reuse window ends);
// a replica that finds none, or finds the one the vendor just refused, takes a short lock and mints a new
// one while the others wait for it and read it. Redis trouble never blocks vendor calls: the replica then
// mints its own token (client-credentials vendors allow several; sharing only saves mints).

import { createHash, randomUUID } from 'node:crypto';
import type { CachedToken, TokenStore } from '../vendors/token-store.js';
import type { Redis } from 'ioredis';
import type { SharedRedis } from './connection.js';
import { ownedKeyCommands } from './owned-keys.js';
import type { OwnedKeyCommands } from './owned-keys.js';

const LOCK_MS = 10_000;
const WAIT_STEP_MS = 100;
const MAX_WAIT_MS = 5_000;

export class RedisTokenStore implements TokenStore {
  private readonly key: string;
  private readonly lockKey: string;

  /** `scope` tells tenants apart (base URL and client id); only its digest is in the key. */
  constructor(private readonly redis: SharedRedis, scope: string, private readonly now = Date.now) {
    const id = createHash('sha256').update(scope).digest('hex').slice(0, 24);
    this.key = `taskhub:token:${id}`;
    this.lockKey = `${this.key}:lock`;
    ownedKeyCommands(redis.client);
  }

  async obtain(mint: () => Promise<CachedToken>, rejected?: string): Promise<CachedToken> {
    const owner = randomUUID();
    const deadline = this.now() + MAX_WAIT_MS;
    try {
      while (this.now() < deadline) {
        const shared = await this.read(rejected);
        if (shared) return shared;
        const locked = await this.redis.run('token', (r) => r.set(this.lockKey, owner, 'PX', LOCK_MS, 'NX'));
        if (locked === 'OK') {
          try {
            // Another replica may have stored one between our read and our lock.
            const fresh = (await this.read(rejected)) ?? (await mint());
            const ttl = fresh.reuseUntil - this.now();
            if (ttl > 0) await this.redis.run('token', (r) => r.set(this.key, JSON.stringify(fresh), 'PX', ttl)).catch(() => undefined);
            return fresh;
          } finally {
            await this.redis.run('token', (r) => (r as Redis & OwnedKeyCommands).thDeleteOwned(this.lockKey, owner))
              .catch(() => undefined);
          }
        }
        await new Promise((r) => setTimeout(r, WAIT_STEP_MS));
      }
    } catch (err) {
      if ((err as { code?: string }).code !== 'RUN_STORE_UNAVAILABLE') throw err;
    }
    // Redis unreachable, or the minting replica is too slow: a token of our own is harmless.
    return mint();
  }

  private async read(rejected: string | undefined): Promise<CachedToken | undefined> {
    const raw = await this.redis.run('token', (r) => r.get(this.key));
    if (!raw) return undefined;
    const token = JSON.parse(raw) as CachedToken;
    return token.value !== rejected && token.reuseUntil > this.now() ? token : undefined;
  }
}
