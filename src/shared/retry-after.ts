// How long a server asks its client to wait, from `Retry-After` (seconds or an HTTP date, RFC 9110) or
// `RateLimit-Reset` (seconds until the window resets, as the IETF RateLimit draft and some vendors send it).
// Pure and dependency-free: the server's vendor transport and the batch CLI (a client that must not import
// server code) both read these headers, and read them the same way.

/** Response headers as node and undici give them: lower-case names, a repeated header as an array. */
export type HeaderMap = Readonly<Record<string, string | string[] | undefined>>;

/** A number of seconds as ms (negative is 0), or undefined when the value is not a number. */
function secondsMs(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const secs = Number(value);
  return Number.isFinite(secs) ? Math.max(0, secs * 1000) : undefined;
}

/** A `Retry-After` value as a wait in ms (a past date is 0), or undefined when it is not one. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const secs = secondsMs(value);
  if (secs !== undefined) return secs;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/** The wait in ms, or undefined when the reply carries no usable hint; `Retry-After` wins. */
export function retryAfterMs(headers: HeaderMap, now = Date.now()): number | undefined {
  return parseRetryAfter(first(headers['retry-after']), now) ?? secondsMs(first(headers['ratelimit-reset']));
}

/**
 * The wait a reply of `status` asks for. `Retry-After` counts on any status (RFC 9110: 503 and 3xx too);
 * `RateLimit-Reset` only on a 429: it says when the rate-limit window resets, which some vendors send on every
 * reply, and on a 503 it is no request to wait.
 */
export function waitHintMs(status: number, headers: HeaderMap, now = Date.now()): number | undefined {
  return status === 429 ? retryAfterMs(headers, now) : parseRetryAfter(first(headers['retry-after']), now);
}

/** The first value of a header that may be repeated. */
export const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
