// Structured logs (pino). Secrets never reach a log line: known secret-bearing fields are redacted by
// path, and every configured secret value is scrubbed from the finished line (messages, fields, error
// messages, stacks and causes alike), because a vendor error can echo a header back.

import pino from 'pino';
import type { Logger as PinoLogger } from 'pino';
import type { Redact } from './redact.js';

export type Logger = Pick<PinoLogger, 'info' | 'warn' | 'error' | 'debug' | 'child'>;

export function createLogger(opts: { level: string; redact: Redact; destination?: pino.DestinationStream }): PinoLogger {
  // Keeps the fields that explain a failure, the cause chain included; scrubbing happens on the whole line.
  const serializeErr = (err: unknown): unknown => {
    if (!(err instanceof Error)) return err;
    const e = err as Error & { code?: unknown; status?: unknown };
    return {
      type: e.name, message: e.message, code: e.code, status: e.status, stack: e.stack,
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
      streamWrite: (line) => opts.redact(line),
    },
  }, opts.destination);
}
