// Keys held by an owner token: a keyed batch's lease, a task lock, the lock of a token being minted. Only
// the owner renews or deletes one, each in one script (a GET and a write apart would let a holder whose key
// lapsed and was taken by another renew or delete the other's). Defined once on the connection, as
// commands sent by SHA, for every store that holds such keys.

import type { Redis } from 'ioredis';

const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

const DELETE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** The commands, on the client and on its pipelines: 1 when done, 0 when the key is not the owner's. */
export interface OwnedKeyCommands {
  /** PEXPIRE `key` to `ttlMs` if it still holds `owner`. */
  thRenewOwned(key: string, owner: string, ttlMs: number | string): Promise<unknown>;
  /** DEL `key` if it still holds `owner`. */
  thDeleteOwned(key: string, owner: string): Promise<unknown>;
}

/** Defines the commands on `client` (again is harmless) and returns it typed with them. */
export function ownedKeyCommands(client: Redis): Redis & OwnedKeyCommands {
  client.defineCommand('thRenewOwned', { numberOfKeys: 1, lua: RENEW });
  client.defineCommand('thDeleteOwned', { numberOfKeys: 1, lua: DELETE });
  return client as Redis & OwnedKeyCommands;
}
