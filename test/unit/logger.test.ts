import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { createRedactor } from '../../src/redact.js';

describe('createLogger', () => {
  it('scrubs configured secrets from every part of a line: message, fields, error message, stack and cause', () => {
    const secret = 'hunter2-very-secret';
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _e, cb) { lines.push(String(chunk)); cb(); } });
    const logger = createLogger({ level: 'info', redact: createRedactor([secret]), destination: sink });
    const err = new Error(`vendor said: bad token ${secret}`, { cause: new Error(`inner ${secret}`) });
    logger.error({ err, reply: { body: `echo ${secret}` }, url: 'https://svc:pw@vendor.example.com/x' }, `failed with ${secret}`);
    const out = lines.join('');
    expect(out).toContain('[redacted]');
    expect(out).toContain('"cause"');
    expect(out).not.toContain(secret);
    expect(out).not.toContain('svc:pw@');
  });
});
