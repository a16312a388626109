// What the real process says when it starts: which backends it serves, and a bad setting named.
// Runs dist/main.js (npm test builds it first).

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { describe, expect, it } from 'vitest';
import { startRedis } from '../support/redis.js';

const TRACE_IMPORTS = ['--import', new URL('../support/trace-imports.mjs', import.meta.url).href];
/** The packages (not Node's built-ins) a traced process imported. */
const packagesLoaded = (out: string) => new Set([...out.matchAll(/^import-trace (\S+)$/gm)].map((m) => m[1]!).filter((s) => !isBuiltin(s))
  .map((s) => s.split('/').slice(0, s.startsWith('@') ? 2 : 1).join('/')));
/** The program's own files (file: URLs, outside node_modules) a traced process loaded. */
const filesLoaded = (out: string) => [...out.matchAll(/^import-file (\S+)$/gm)].map((m) => m[1]!);

/** Starts taskhub with `env`; resolves with its output once `until` matches it, or once it exits. */
function start(env: Record<string, string>, until: RegExp, execArgv: string[] = []) {
  const child = spawn(process.execPath, [...execArgv, 'dist/main.js'], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let stopping = false;
  // Resolves only once the process has exited (SIGKILL 15 s after SIGINT), so no test leaves one behind.
  return new Promise<{ out: string; code: number | null }>((resolve) => {
    const check = () => {
      if (stopping || !until.test(out)) return;
      stopping = true;
      child.kill('SIGINT');
      setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
    };
    child.stdout.on('data', (d) => { out += String(d); check(); });
    child.stderr.on('data', (d) => { out += String(d); check(); });
    child.on('exit', (code) => resolve({ out, code }));
  });
}

/**
 * What the files taskhub loads at start (the embedded default) were made from, by their source maps
 * (scripts/bundle-server.ts writes one per file): one process, shared by the tests that read it.
 */
let bundledAtStart: Promise<string[]> | undefined;
const sourcesLoadedAtStart = () => (bundledAtStart ??= start({}, /taskhub is serving/, TRACE_IMPORTS).then(({ out }) => filesLoaded(out)
  .filter((f) => f.includes('/dist/'))
  .flatMap((f) => (JSON.parse(readFileSync(new URL(`${f}.map`), 'utf8')) as { sources: string[] }).sources)));

describe('start-up', () => {
  it('dist/main.js is bundled, and its source map leads a stack trace back to src/', () => {
    const map = JSON.parse(readFileSync('dist/main.js.map', 'utf8')) as { sources: string[] };
    expect(map.sources).toEqual(expect.arrayContaining(['../src/main.ts', '../src/server.ts']));
    expect(readFileSync('dist/main.js', 'utf8')).not.toMatch(/from ['"]\.\/server\.js['"]/);
  });

  it('says which backends are configured and which are not', async () => {
    const { out } = await start({ ZUORA_BASE_URL: 'http://127.0.0.1:9', ZUORA_CLIENT_ID: 'id', ZUORA_CLIENT_SECRET: 'secret-value-123' }, /taskhub is serving/);
    const line = out.split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((l) => /backends/.test(l.msg));
    expect(line).toMatchObject({ configured: ['ZUORA'], notConfigured: ['IBM_BPM', 'K2', 'SUPEROFFICE'] });
    expect(out).not.toContain('secret-value-123');
  }, 30_000);

  it('pointed at its vendors, it loads none of the emulators\' code', async () => {
    const vendors = {
      ZUORA_BASE_URL: 'http://127.0.0.1:9', ZUORA_CLIENT_ID: 'id', ZUORA_CLIENT_SECRET: 'secret-value-123',
      IBM_BPM_BASE_URL: 'http://127.0.0.1:9', IBM_BPM_USERNAME: 'u', IBM_BPM_PASSWORD: 'p',
      K2_BASE_URL: 'http://127.0.0.1:9/Api/Workflow/V1', K2_USERNAME: 'u', K2_PASSWORD: 'p',
      SUPEROFFICE_BASE_URL: 'http://127.0.0.1:9/Cust1', SUPEROFFICE_TOKEN: 'token-value-123',
    };
    const { out } = await start(vendors, /taskhub is serving/, TRACE_IMPORTS);
    const files = filesLoaded(out);
    expect(files.some((f) => f.endsWith('/dist/main.js'))).toBe(true); // the trace sees the program's files
    // Bundled, an emulator may share a file with other code: each defines a start<Vendor>Emulator function.
    const emulatorCode = files.filter((f) => /function start\w+Emulator\(/.test(readFileSync(new URL(f), 'utf8')));
    expect(emulatorCode).toEqual([]);
  }, 30_000);

  it('runs neither Apollo\'s federation library nor a JSON-schema compiler at start: `_service` loads the first when asked, and the second is never used', async () => {
    const sources = await sourcesLoadedAtStart();
    expect(sources.some((s) => s.includes('node_modules/graphql/'))).toBe(true); // the maps do name packages
    expect(sources.filter((s) => /node_modules\/(@apollo\/federation-internals|fast-json-stringify|ajv)\//.test(s))).toEqual([]);
    // Both are left out by a shim that says why, in the one place each package imports them.
    expect(sources).toEqual(expect.arrayContaining(['../scripts/bundle-shims/pothos-subgraph-printer.ts', '../scripts/bundle-shims/no-fast-json-stringify.ts']));
  }, 30_000);

  it('runs graphql\'s ES module build only: one copy of each class, whatever a package imports', async () => {
    const graphql = (await sourcesLoadedAtStart()).filter((s) => s.includes('node_modules/graphql/'));
    // graphql-jit imports graphql/error/index.js and graphql/execution/execute.js; Pothos and Yoga import graphql.
    expect(graphql).toEqual(expect.arrayContaining([expect.stringMatching(/graphql\/error\/GraphQLError\.mjs$/), expect.stringMatching(/graphql\/execution\/execute\.mjs$/)]));
    expect(graphql.filter((s) => !s.endsWith('.mjs'))).toEqual([]);
  }, 30_000);

  it('runs undici\'s Pool without the rest of undici (fetch, WebSocket, mock agents, caches)', async () => {
    const undici = (await sourcesLoadedAtStart()).filter((s) => s.includes('node_modules/undici/'))
      .map((s) => s.slice(s.indexOf('node_modules/undici/') + 'node_modules/undici/'.length));
    expect(undici).toEqual(expect.arrayContaining(['lib/dispatcher/pool.js', 'lib/dispatcher/client-h1.js']));
    // The client's lazy require of fetch's body helpers (for a FormData body) brings a few lib/web/fetch files
    // into the bundle, unrun; fetch itself, WebSocket, EventSource, the mocks and the caches stay out.
    expect(undici.filter((s) => s === 'index.js' || /^lib\/(mock|cache|web\/websocket|web\/eventsource)\/|^lib\/web\/fetch\/index\.js$/.test(s))).toEqual([]);
  }, 30_000);

  it('an invalid LOG_LEVEL stops it with a message naming the variable', async () => {
    const { out, code } = await start({ LOG_LEVEL: 'verbose' }, /$^/);
    expect(code).toBe(2);
    expect(out).toContain("LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent; got 'verbose'");
  }, 30_000);

  // From its first log line (its modules loaded) to serving, it starts the emulators or connects Redis.
  it('a SIGHUP while it starts (a log rotation, a keys-file reload) does not end it', async () => {
    const child = spawn(process.execPath, ['dist/main.js'], { env: { PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const firstLine = new Promise<void>((r) => child.stdout.once('data', () => r()));
    child.stdout.on('data', (d) => { out += String(d); });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    await firstLine;
    expect(out).not.toMatch(/taskhub is serving/);
    child.kill('SIGHUP');
    for (let i = 0; i < 300 && !/taskhub is serving/.test(out) && child.exitCode === null && child.signalCode === null; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const survived = child.exitCode === null && child.signalCode === null;
    child.kill('SIGKILL');
    await exited;
    expect(survived).toBe(true);
    expect(out).toMatch(/taskhub is serving/);
  }, 30_000);

  it('a port in use stops it with a message naming HOST and PORT, not a stack trace', async () => {
    const { createServer } = await import('node:net');
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as { port: number }).port;
    try {
      const { out, code } = await start({ HOST: '127.0.0.1', PORT: String(port), ZUORA_BASE_URL: 'http://127.0.0.1:9', ZUORA_CLIENT_ID: 'id', ZUORA_CLIENT_SECRET: 'secret-value-123' }, /$^/);
      expect(code).toBe(2);
      expect(out).toContain(`taskhub: cannot listen on 127.0.0.1:${port} (HOST, PORT): EADDRINUSE`);
      expect(out).not.toMatch(/\n\s+at /);
    } finally {
      taken.close();
    }
  }, 30_000);

  it('loads the Redis client and BullMQ only when TASKHUB_REDIS_URL is set, the rate limiter only with a request rate, jose only for a JWT, and the CLI file parsers only for an upload (memory otherwise spent for nothing)', async () => {
    const alone = packagesLoaded((await start({}, /taskhub is serving/, TRACE_IMPORTS)).out);
    // dist/main.js carries every package the server needs at start (scripts/bundle-server.ts) but the
    // OpenTelemetry API, which must be the SDK's own copy; of those it leaves out, none loads here: not the
    // Redis client and BullMQ, not the CLI's file parsers (with their own schema from the SDL) before a job
    // file is uploaded, not jose without a JWT to check, not the rate limiter without a request rate. The
    // runs below show the trace does see packages.
    expect([...alone]).toEqual(['@opentelemetry/api']);
    const rated = packagesLoaded((await start({ ZUORA_MAX_REQUESTS_PER_SECOND: '50' }, /taskhub is serving/, TRACE_IMPORTS)).out);
    expect(rated.has('rate-limiter-flexible')).toBe(true);
    const redis = await startRedis();
    try {
      const shared = packagesLoaded((await start({ TASKHUB_REDIS_URL: redis.url }, /taskhub is serving/, TRACE_IMPORTS)).out);
      expect(shared.has('ioredis')).toBe(true);
      expect(shared.has('bullmq')).toBe(true);
    } finally {
      await redis.close();
    }
  }, 60_000);
});
