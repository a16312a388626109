// One loopback server per test and an undici Pool composed with the pieces under test, both closed after
// each test; `call` sends one request and reads its body (or returns the rejection).

import { afterEach } from 'vitest';
import { Pool } from 'undici';
import type { Dispatcher } from 'undici';
import { startEmulatorServer } from '../../src/vendors/emulator-kit.js';
import type { EmuHandler, EmulatorServer } from '../../src/vendors/emulator-kit.js';
import type { CallOptions, CallTrace, Interceptor } from '../../src/transport/interceptor.js';

export function usePiece() {
  const open: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => { await Promise.all(open.splice(0).map((o) => o.close())); });
  const serve = async (handler: EmuHandler = () => ({ status: 200, body: { ok: true } })): Promise<EmulatorServer> => {
    const server = await startEmulatorServer({ name: 'piece', handler });
    open.push(server);
    return server;
  };
  const compose = (url: string, ...pieces: Interceptor[]): Dispatcher => {
    const pool = new Pool(url, { connections: 4, keepAliveTimeout: 1_000 });
    open.push(pool);
    return pool.compose(...pieces);
  };
  return { serve, compose };
}

export type Answer = { status: number; body: string } | { error: Error & { code?: string } };

export async function call(d: Dispatcher, opts: Partial<CallOptions> & { signal?: AbortSignal; body?: string } = {}): Promise<Answer> {
  try {
    const res = await d.request({ method: 'GET', path: '/x', ...opts } as Dispatcher.RequestOptions);
    return { status: res.statusCode, body: await res.body.text() };
  } catch (error) {
    return { error: error as Error };
  }
}

export const newTrace = (): CallTrace => ({ backend: 'ZUORA', sent: 0, attempts: 0 });
