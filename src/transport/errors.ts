// Errors raised by the transport's own pieces, in undici's style: a stable `code` and structured fields,
// never prose to parse. vendor-transport.ts turns them (and undici's) into BackendError, in one place.

/** No response headers within the per-attempt first-byte timeout. */
export class FirstByteTimeoutError extends Error {
  override readonly name = 'FirstByteTimeoutError';
  readonly code = 'TASKHUB_FIRST_BYTE_TIMEOUT';
  constructor(readonly timeoutMs: number) {
    super(`no response headers within ${timeoutMs} ms`);
  }
}

/** The whole call (all attempts and the body) ran past its deadline. Used as the call signal's reason. */
export class DeadlineExceededError extends Error {
  override readonly name = 'DeadlineExceededError';
  readonly code = 'TASKHUB_DEADLINE_EXCEEDED';
  constructor(readonly timeoutMs: number) {
    super(`call not finished within ${timeoutMs} ms`);
  }
}

/** The circuit is open: nothing was sent. `failure` is the code of the failure that opened it. */
export class CircuitOpenError extends Error {
  override readonly name = 'CircuitOpenError';
  readonly code = 'TASKHUB_CIRCUIT_OPEN';
  constructor(readonly failure: string | undefined) {
    super(`circuit open${failure ? ` after ${failure}` : ''}`);
  }
}

/** A reply over the size cap; `decoded` when it was the decompressed size that went over. */
export class ResponseTooLargeError extends Error {
  override readonly name = 'ResponseTooLargeError';
  readonly code = 'TASKHUB_RESPONSE_TOO_LARGE';
  constructor(readonly maxBytes: number, readonly decoded: boolean) {
    super(`${decoded ? 'decompressed ' : ''}reply larger than ${maxBytes} bytes`);
  }
}

/** A compressed reply that does not decode (corrupt or cut short), or one with too many encodings. */
export class UndecodableReplyError extends Error {
  override readonly name = 'UndecodableReplyError';
  readonly code = 'TASKHUB_UNDECODABLE_REPLY';
}

/** The `code` of an error, or its name when it has none (undici and Node errors all carry one). */
export const errorCode = (err: unknown): string =>
  (err as { code?: unknown } | null)?.code !== undefined ? String((err as { code: unknown }).code)
    : err instanceof Error ? err.name : 'UNKNOWN';

/**
 * A failure code as words a client may read: a fixed table, so no host, port or URL can slip through
 * (the codes come from Node, undici and this transport; unknown ones stay the plain code they are).
 */
export function failureText(code: string | undefined): string {
  if (code === undefined) return 'repeated failures';
  if (/^HTTP_\d{3}$/.test(code)) return `HTTP ${code.slice(5)}`;
  return FAILURE_TEXT[code] ?? (/^[A-Z0-9_]{1,40}$/.test(code) ? code : 'a failed exchange');
}

const FAILURE_TEXT: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
  UND_ERR_CONNECT_TIMEOUT: 'connect timeout',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  UND_ERR_SOCKET: 'connection closed mid-reply',
  UND_ERR_HEADERS_TIMEOUT: 'no answer in time',
  UND_ERR_BODY_TIMEOUT: 'reply stalled',
  TASKHUB_FIRST_BYTE_TIMEOUT: 'no answer in time',
  TASKHUB_DEADLINE_EXCEEDED: 'call deadline exceeded',
  TASKHUB_RESPONSE_TOO_LARGE: 'reply too large',
  TASKHUB_UNDECODABLE_REPLY: 'garbled compressed reply',
};
