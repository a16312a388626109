// size-cap.ts: plain and decoded replies bounded by one cap, compressed replies decoded whole.

import { gzipSync, brotliCompressSync, deflateSync } from 'node:zlib';
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

  it('decodes deflate and a chain of encodings, last applied first, and says the body is no longer encoded', async () => {
    const server = await serve();
    server.addFault({ fault: { kind: 'raw', status: 200, headers: { 'content-encoding': 'deflate' }, body: deflateSync('{"d":1}') }, times: 1 });
    server.addFault({ fault: { kind: 'raw', status: 200, headers: { 'content-encoding': 'gzip, br' }, body: brotliCompressSync(gzipSync('{"chain":1}')) }, times: 1 });
    const d = compose(server.url, responseSizeCap(CAP));
    expect(await call(d)).toEqual({ status: 200, body: '{"d":1}' });
    const res = await d.request({ method: 'GET', path: '/x' });
    expect(await res.body.text()).toBe('{"chain":1}');
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers['content-length']).toBeUndefined();
  });

  it('bounds every stage of a chain: a bomb inside a small outer layer is refused', async () => {
    const server = await serve();
    const inner = gzipSync(Buffer.alloc(20 * 1024 * 1024));
    expect(inner.length).toBeLessThan(CAP);
    server.addFault({ fault: { kind: 'raw', status: 200, headers: { 'content-encoding': 'gzip, gzip' }, body: gzipSync(inner) } });
    const answer = await call(compose(server.url, responseSizeCap(CAP)));
    expect(answer).toHaveProperty('error.code', 'TASKHUB_RESPONSE_TOO_LARGE');
    expect(answer).toHaveProperty('error.decoded', true);
  });

  it('a corrupt or cut-short compressed body is an undecodable reply, not a body', async () => {
    const server = await serve();
    const whole = gzipSync(JSON.stringify({ tasks: Array.from({ length: 200 }, (_, i) => ({ id: i })) }));
    server.addFault({ fault: { kind: 'raw', status: 200, headers: { 'content-encoding': 'gzip' }, body: Buffer.from('not gzip at all') }, times: 1 });
    server.addFault({ fault: { kind: 'raw', status: 200, headers: { 'content-encoding': 'gzip' }, body: whole.subarray(0, whole.length - 20) }, times: 1 });
    const d = compose(server.url, responseSizeCap(CAP));
    expect(await call(d)).toHaveProperty('error.code', 'TASKHUB_UNDECODABLE_REPLY');
    expect(await call(d)).toHaveProperty('error.code', 'TASKHUB_UNDECODABLE_REPLY');
  });

  it('passes an unknown encoding through as sent, and refuses a chain of more than five', async () => {
    const server = await serve();
    server.addFault({ fault: { kind: 'raw', status: 200, headers: { 'content-encoding': 'snappy' }, body: 'as sent' }, times: 1 });
    server.addFault({ fault: { kind: 'raw', status: 200, headers: { 'content-encoding': 'gzip,gzip,gzip,gzip,gzip,gzip' }, body: 'x' }, times: 1 });
    const d = compose(server.url, responseSizeCap(CAP));
    expect(await call(d)).toEqual({ status: 200, body: 'as sent' });
    expect(await call(d)).toHaveProperty('error.code', 'TASKHUB_UNDECODABLE_REPLY');
  });
});
