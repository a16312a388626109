// How long a server asks its client to wait, from `Retry-After` (seconds or an HTTP date, RFC 9110) or
// `RateLimit-Reset` (seconds until the window resets, as the IETF RateLimit draft and some vendors send it).
// Pure and dependency-free: the server's vendor transport and the batch CLI (a client that must not import
// server code) both read these headers, and read them the same way.

/** Response headers as node and undici give them: lower-case names, a repeated header as an array. */
export type HeaderMap = Readonly<Record<string, string | string[] | undefined>>;

/** A `Retry-After` value as a wait in ms (a past date is 0), or undefined when it is not one. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const secs = Number(value);
  if (value.trim() !== '' && Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/** The wait in ms, or undefined when the reply carries no usable hint; `Retry-After` wins. */
export function retryAfterMs(headers: HeaderMap, now = Date.now()): number | undefined {
  const hinted = parseRetryAfter(first(headers['retry-after']), now);
  if (hinted !== undefined) return hinted;
  const reset = first(headers['ratelimit-reset']);
  if (reset !== undefined && reset.trim() !== '' && Number.isFinite(Number(reset))) return Math.max(0, Number(reset) * 1000);
  return undefined;
}

/** The first value of a header that may be repeated. */
export const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
