// Bearer JWTs for frontends with users: verified with `jose` against the identity provider's JWKS
// (TASKHUB_JWT_JWKS_URL), which jose caches and fetches again when a token names a key id it has not seen
// (key rotation), at most once per cooldown so unknown-kid tokens cannot make taskhub hammer the provider.
// The issuer and audience must match, `sub` and `exp` must be there; RS256 and ES256 only (no `none`, no
// HMAC with a public key).
// Scopes come from the space-separated `scope` claim (RFC 8693 / OAuth 2 style) and from `scp`, which
// Okta writes as an array and Microsoft Entra ID as a space-separated string; both are read and merged.
// They use the same names as API key scopes. jose is imported with the first token to check, not at start:
// a process that only takes API keys (or is open) never loads it (~0.8 MB of heap).

import type { Principal } from './scopes.js';

export interface JwtSettings {
  jwksUrl: string;
  issuer: string;
  audience: string;
  /** Least time between two JWKS fetches triggered by unknown key ids. */
  jwksCooldownMs: number;
}

/** The token was not accepted (forged, expired, wrong issuer or audience, malformed): HTTP 401. */
export class JwtRejected extends Error {
  override readonly name = 'JwtRejected';
}

/** The JWKS could not be fetched: the provider is down, not the caller's fault (HTTP 503). */
export class JwksUnavailable extends Error {
  override readonly name = 'JwksUnavailable';
}

const ALGORITHMS = ['RS256', 'ES256'];

/** A compact JWS: three base64url parts, the first a JSON header. */
export const looksLikeJwt = (token: string) => /^eyJ[\w-]*\.[\w-]+\.[\w-]+$/.test(token);

/** A scope claim's names: a space-separated string or an array of strings; anything else grants nothing. */
function scopesOf(claim: unknown): string[] {
  if (typeof claim === 'string') return claim.split(' ').filter(Boolean);
  if (Array.isArray(claim)) return claim.filter((s): s is string => typeof s === 'string' && s.length > 0);
  return [];
}

type Jose = typeof import('jose');

/**
 * The key set could not be had: no answer in time, a network error, a status other than 200 or a body that
 * is no key set. jose throws its base JOSEError (no subclass) for the status and the unparsable body; every
 * verdict on the token itself is a subclass.
 */
const jwksProblem = (jose: Jose, err: unknown): boolean => err instanceof jose.errors.JWKSTimeout
  || err instanceof jose.errors.JWKSInvalid
  || (err instanceof Error && (!(err instanceof jose.errors.JOSEError) || err.constructor === jose.errors.JOSEError));

export function createJwtVerifier(settings: JwtSettings): (token: string) => Promise<Principal> {
  const jwksUrl = new URL(settings.jwksUrl);
  // One key set for the process, made with jose on first use: it caches the provider's keys.
  let loaded: Promise<{ jose: Jose; jwks: ReturnType<Jose['createRemoteJWKSet']> }> | undefined;
  const load = () => (loaded ??= import('jose').then((jose) => ({
    jose, jwks: jose.createRemoteJWKSet(jwksUrl, { cooldownDuration: settings.jwksCooldownMs, timeoutDuration: 5_000 }),
  })));
  return async (token) => {
    const { jose, jwks } = await load();
    try {
      // `sub` names the caller (jobs and idempotency keys are scoped by it), and `exp` bounds a leaked token.
      const { payload } = await jose.jwtVerify(token, jwks, {
        issuer: settings.issuer, audience: settings.audience, algorithms: ALGORITHMS, clockTolerance: 5,
        requiredClaims: ['sub', 'exp'],
      });
      // jose checks that `sub` is there; an empty or non-string one would name a caller shared by many.
      if (typeof payload.sub !== 'string' || payload.sub.trim() === '') throw new JwtRejected('the token\'s sub claim must be a non-empty string');
      return { name: `jwt:${payload.sub}`, scopes: new Set([...scopesOf(payload['scope']), ...scopesOf(payload['scp'])]) };
    } catch (err) {
      if (err instanceof JwtRejected) throw err;
      if (jwksProblem(jose, err)) throw new JwksUnavailable('the identity provider\'s keys could not be fetched', { cause: err });
      throw new JwtRejected((err as Error).message, { cause: err });
    }
  };
}
