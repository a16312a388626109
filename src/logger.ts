// Structured logs (pino). Secrets never reach a log line: known secret-bearing fields are redacted by
// path, and every configured secret value is scrubbed from whatever text is logged (messages, error
// messages and causes), because a vendor error can echo a header back.

import pino from 'pino';
import type { Logger as PinoLogger } from 'pino';

export type Logger = Pick<PinoLogger, 'info' | 'warn' | 'error' | 'debug' | 'child'>;

export function createLogger(opts: { level: string; secrets: readonly string[]; destination?: pino.DestinationStream }): PinoLogger {
  const secrets = opts.secrets.filter((s) => s.length >= 4);
  const scrub = (text: string): string => {
    let out = text.replace(/\/\/[^/@\s:]+:[^/@\s]+@/g, '//[redacted]@');
    for (const s of secrets) out = out.split(s).join('[redacted]');
    return out;
  };
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
      // Message text last: scrub it too (it may quote a vendor reply).
      logMethod(args, method) {
        method.apply(this, args.map((a) => (typeof a === 'string' ? scrub(a) : a)) as Parameters<typeof method>);
      },
    },
  }, opts.destination);
}
