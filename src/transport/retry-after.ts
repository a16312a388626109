// How long a vendor asks us to wait, from `Retry-After` (seconds or an HTTP date, RFC 9110) or
// `RateLimit-Reset` (seconds until the window resets; Zuora sends it, as does the IETF RateLimit draft).

import type { Headers } from './interceptor.js';

/** The wait in ms, or undefined when the reply carries no usable hint. */
export function retryAfterMs(headers: Headers | Record<string, string>, now = Date.now()): number | undefined {
  const ra = first(headers['retry-after']);
  if (ra !== undefined) {
    const secs = Number(ra);
    if (ra.trim() !== '' && Number.isFinite(secs)) return Math.max(0, secs * 1000);
    const at = Date.parse(ra);
    if (Number.isFinite(at)) return Math.max(0, at - now);
  }
  const reset = first(headers['ratelimit-reset']);
  if (reset !== undefined && reset.trim() !== '' && Number.isFinite(Number(reset))) return Math.max(0, Number(reset) * 1000);
  return undefined;
}

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
