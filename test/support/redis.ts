// A real redis-server for tests: its own process on a free loopback port, persistence off, killed after.
// redis-server cannot listen on port 0, so a free port is found first (bound and released by Node).
// `stop()` and `start()` keep the port, so a test can take Redis away and bring it back.

import { spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TestRedis {
  url: string;
  port: number;
  /** Stops the server (SIGKILL: like a crash; nothing is persisted anyway). */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
  /** Stops it for good. */
  close(): Promise<void>;
  /** Freezes it (SIGSTOP): connections stay open and nothing answers, as a hung server does. */
  freeze(): void;
  /** Lets a frozen server go on (SIGCONT). */
  thaw(): void;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;

  const start = async () => {
    const proc = spawn('redis-server', [
      '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning',
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    let stderr = '';
    proc.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    // A missing binary is an 'error' event (ENOENT) with no 'exit': say so at once instead of waiting 10 s.
    const exited = new Promise<never>((_, reject) => {
      proc.once('exit', (code) =>
        reject(new Error(`redis-server exited (${code}) before it listened: ${stderr.trim() || 'is redis-server installed?'}`)));
      proc.once('error', (err) =>
        reject(new Error(`redis-server could not start (${err.message}): install Debian's redis-server package (.ci/run does)`)));
    });
    exited.catch(() => undefined);
    const deadline = Date.now() + 10_000;
    while (!(await canConnect(port))) {
      if (Date.now() > deadline) throw new Error(`redis-server did not listen on ${port} within 10 s`);
      await Promise.race([new Promise((r) => setTimeout(r, 25)), exited]);
    }
  };

  const stop = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGKILL');
    await gone;
  };

  await start();
  return {
    url: `redis://127.0.0.1:${port}`, port, start, stop, close: stop,
    freeze: () => { child?.kill('SIGSTOP'); },
    thaw: () => { child?.kill('SIGCONT'); },
  };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/**
 * A redis-server for a test file, and one client connected to it: started before the file's tests, stopped
 * after them. Read them inside tests (they are set in beforeAll).
 */
export function useRedis(): { server: () => TestRedis; client: () => Redis } {
  let server: TestRedis | undefined;
  let client: Redis | undefined;
  beforeAll(async () => {
    server = await startRedis();
    client = new Redis(server.url, { lazyConnect: true });
    await client.connect();
  });
  afterAll(async () => {
    client?.disconnect();
    await server?.close();
  });
  return { server: () => server!, client: () => client! };
}
