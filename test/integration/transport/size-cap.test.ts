// size-cap.ts: plain and decoded replies bounded by one cap; undici's decompress does the decoding.

import { gzipSync, brotliCompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { responseSizeCap } from '../../../src/transport/size-cap.js';
import { call, usePiece } from '../../support/transport.js';

const { serve, compose } = usePiece();
const CAP = 64 * 1024;

describe('response size cap', () => {
  it('refuses a declared or streamed body over the cap', async () => {
    const server = await serve();
    server.addFault({ fault: { kind: 'raw', status: 200, headers: {}, body: 'x'.repeat(CAP + 1) } });
    const d = compose(server.url, responseSizeCap(CAP));
    const answer = await call(d);
    expect(answer).toHaveProperty('error.code', 'TASKHUB_RESPONSE_TOO_LARGE');
    expect(answer).toHaveProperty('error.decoded', false);
  });

  it('decodes gzip and br, error replies included', async () => {
    const server = await serve();
    server.addFault({ fault: { kind: 'raw', status: 200, headers: { 'content-encoding': 'gzip' }, body: gzipSync('{"ok":1}') }, times: 1 });
    server.addFault({ fault: { kind: 'raw', status: 500, headers: { 'content-encoding': 'br' }, body: brotliCompressSync('{"fault":1}') }, times: 1 });
    const d = compose(server.url, responseSizeCap(CAP));
    expect(await call(d)).toEqual({ status: 200, body: '{"ok":1}' });
    expect(await call(d)).toEqual({ status: 500, body: '{"fault":1}' });
  });

  it('bounds a compression bomb to the same cap', async () => {
    const server = await serve();
    const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(CAP);
    server.addFault({ fault: { kind: 'raw', status: 200, headers: { 'content-encoding': 'gzip' }, body: bomb } });
    const d = compose(server.url, responseSizeCap(CAP));
    const answer = await call(d);
    expect(answer).toHaveProperty('error.code', 'TASKHUB_RESPONSE_TOO_LARGE');
    expect(answer).toHaveProperty('error.decoded', true);
  });
});
