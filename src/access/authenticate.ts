// Turns an Authorization header into a Principal, trying the configured methods in a fixed order:
//   1. TASKHUB_API_KEYS       full access, named `TASKHUB_API_KEYS#<position>` (1-based)
//   2. TASKHUB_API_KEYS_FILE  the file's scopes, under the entry's name
//   3. a JWT (when TASKHUB_JWT_JWKS_URL is set and the token has a JWT's shape): its `scope` claim
// With none of the three configured, taskhub is open: every request is `anonymous` with full access.
// Keys are compared as SHA-256 digests with timingSafeEqual against every configured key, so neither a
// key's content nor its length leaks through timing.

import { timingSafeEqual } from 'node:crypto';
import type { Logger } from '../logger.js';
import { ApiKeyFile, sha256 } from './api-key-file.js';
import { JwksUnavailable, createJwtVerifier, looksLikeJwt } from './jwt.js';
import type { JwtSettings } from './jwt.js';
import { FULL_ACCESS } from './scopes.js';
import type { Principal } from './scopes.js';

export interface AccessSettings {
  apiKeys: readonly string[];
  apiKeysFile?: string;
  jwt?: JwtSettings;
}

export type Authentication =
  | { ok: true; principal: Principal }
  | { ok: false; status: 401 | 503; code: string; message: string };

export const ANONYMOUS: Principal = { name: 'anonymous', scopes: FULL_ACCESS };

export interface Authenticator {
  /** No access control configured: every request is ANONYMOUS. */
  readonly open: boolean;
  authenticate(authorization: string | null): Promise<Authentication>;
  /** Reads TASKHUB_API_KEYS_FILE again (SIGHUP); false when it is invalid and the old keys stay. */
  reload(): boolean;
  close(): void;
}

const MISSING = 'Missing or invalid credentials: send Authorization: Bearer <API key or token>';

export function createAuthenticator(settings: AccessSettings, logger: Logger, opts: { watchKeysFile?: boolean } = {}): Authenticator {
  const staticKeys = settings.apiKeys.map((key, i) => ({ digest: sha256(key), principal: { name: `TASKHUB_API_KEYS#${i + 1}`, scopes: FULL_ACCESS } }));
  const keyFile = settings.apiKeysFile ? new ApiKeyFile(settings.apiKeysFile, logger) : undefined;
  if (keyFile && opts.watchKeysFile !== false) keyFile.watch();
  const verifyJwt = settings.jwt ? createJwtVerifier(settings.jwt) : undefined;
  const open = staticKeys.length === 0 && !keyFile && !verifyJwt;

  const staticLookup = (key: string): Principal | null => {
    const d = sha256(key);
    let found: Principal | null = null;
    for (const k of staticKeys) if (timingSafeEqual(k.digest, d) && !found) found = k.principal;
    return found;
  };

  return {
    open,
    async authenticate(authorization) {
      if (open) return { ok: true, principal: ANONYMOUS };
      const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
      if (!token) return { ok: false, status: 401, code: 'UNAUTHENTICATED', message: MISSING };
      const byKey = staticLookup(token) ?? keyFile?.lookup(token);
      if (byKey) return { ok: true, principal: byKey };
      if (verifyJwt && looksLikeJwt(token)) {
        try {
          return { ok: true, principal: await verifyJwt(token) };
        } catch (err) {
          if (err instanceof JwksUnavailable) {
            logger.error({ err }, 'JWT not checked: the JWKS could not be fetched');
            return { ok: false, status: 503, code: 'AUTH_UNAVAILABLE', message: 'Tokens cannot be checked right now; try again later' };
          }
          // jose's reasons ("exp" claim check failed, unexpected "aud", signature verification failed) name
          // no key or secret, and tell a frontend developer what to fix.
          logger.info({ reason: (err as Error).message }, 'JWT refused');
          return { ok: false, status: 401, code: 'UNAUTHENTICATED', message: `Invalid token: ${(err as Error).message}` };
        }
      }
      return { ok: false, status: 401, code: 'UNAUTHENTICATED', message: MISSING };
    },
    reload: () => keyFile?.reload() ?? true,
    close: () => keyFile?.close(),
  };
}
