// Structured logs (pino). Secrets never reach a log line: known secret-bearing fields are redacted by
// path, and every configured secret value is scrubbed from whatever text is logged (messages, error
// messages and causes), because a vendor error can echo a header back.

import pino from 'pino';
import type { Logger as PinoLogger } from 'pino';
import type { Redact } from './redact.js';

export type Logger = Pick<PinoLogger, 'info' | 'warn' | 'error' | 'debug' | 'child'>;

export function createLogger(opts: { level: string; redact: Redact; destination?: pino.DestinationStream }): PinoLogger {
  const scrub = opts.redact;
  const serializeErr = (err: unknown): unknown => {
    if (!(err instanceof Error)) return err;
    const e = err as Error & { code?: unknown; status?: unknown };
    return {
      type: e.name, message: scrub(e.message), code: e.code, status: e.status,
      stack: e.stack ? scrub(e.stack) : undefined,
      cause: e.cause === undefined ? undefined : serializeErr(e.cause),
    };
  };
  return pino({
    level: opts.level,
    redact: {
      paths: ['*.authorization', '*.Authorization', 'headers.authorization', 'req.headers.authorization',
        '*.password', '*.clientSecret', '*.client_secret', '*.token', '*.appToken', '*.access_token'],
      censor: '[redacted]',
    },
    serializers: { err: serializeErr },
    hooks: {
      // The serialised line, whatever fields it has: a vendor reply quoted anywhere is scrubbed too.
      streamWrite: (line) => scrub(line),
    },
  }, opts.destination);
}
