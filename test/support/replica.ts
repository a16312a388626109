// A taskhub replica as a real process (`node dist/main.js`, the compiled build `npm test` makes first),
// pointed at given emulators and environment (none: it starts its embedded ones). Used by the multi-replica
// and shutdown tests.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { BackendSettings } from '../../src/config.js';
import { startEmbeddedBackends } from '../../src/embedded.js';
import type { EmbeddedBackends } from '../../src/embedded.js';
import { startRedis } from './redis.js';
import type { TestRedis } from './redis.js';

export interface Replica {
  url: string;
  process: ChildProcess;
  /** Everything it logged so far. */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** The *_BASE_URL and credential variables that point a replica at these emulators. */
export function vendorEnv(s: BackendSettings): Record<string, string> {
  return {
    ZUORA_BASE_URL: s.ZUORA!.baseUrl, ZUORA_CLIENT_ID: s.ZUORA!.clientId, ZUORA_CLIENT_SECRET: s.ZUORA!.clientSecret,
    IBM_BPM_BASE_URL: s.IBM_BPM!.baseUrl, IBM_BPM_USERNAME: s.IBM_BPM!.username, IBM_BPM_PASSWORD: s.IBM_BPM!.password,
    K2_BASE_URL: s.K2!.baseUrl, K2_USERNAME: s.K2!.username, K2_PASSWORD: s.K2!.password,
    SUPEROFFICE_BASE_URL: s.SUPEROFFICE!.baseUrl, SUPEROFFICE_TOKEN: s.SUPEROFFICE!.token,
    ...(s.SUPEROFFICE!.appToken ? { SUPEROFFICE_APP_TOKEN: s.SUPEROFFICE!.appToken } : {}),
  };
}

export async function startReplica(env: Record<string, string>, startTimeoutMs = 60_000): Promise<Replica> {
  const child = spawn(process.execPath, ['dist/main.js'], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => { out += String(d); });
  child.stderr!.on('data', (d) => { out += String(d); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const poll = setInterval(() => {
      const m = /"url":"(http:\/\/[^"]+)\/graphql"/.exec(out);
      if (m) { clearInterval(poll); clearTimeout(timer); resolve(m[1]!); }
    }, 25);
    const timer = setTimeout(() => { clearInterval(poll); reject(new Error(`replica did not start: ${out}`)); }, startTimeoutMs);
    void exited.then((code) => { clearInterval(poll); clearTimeout(timer); reject(new Error(`replica exited (${code}): ${out}`)); });
  });
  return {
    url, process: child, exited, output: () => out,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await exited;
    },
  };
}

/** Replicas over one real redis-server and ONE set of emulators (in the test process): what the vendors
 *  received is what a multi-replica test judges by. */
export interface Cluster {
  redis: TestRedis;
  vendors: EmbeddedBackends;
  replicas: Replica[];
  /** Kills the replicas (SIGKILL), then closes the emulators and Redis. */
  close(): Promise<void>;
}

export async function startCluster(opts: {
  replicas: number; latencyMs: number; extraTasks: number;
  /** Added to the vendors' variables and TASKHUB_REDIS_URL. */
  env?: Record<string, string>;
}): Promise<Cluster> {
  const redis = await startRedis();
  const vendors = await startEmbeddedBackends({ latencyMs: opts.latencyMs, extraTasks: opts.extraTasks });
  const env = { ...vendorEnv(vendors.settings), TASKHUB_REDIS_URL: redis.url, ...opts.env };
  const replicas = await Promise.all(Array.from({ length: opts.replicas }, () => startReplica(env)));
  return {
    redis, vendors, replicas,
    async close() {
      await Promise.all(replicas.map((r) => r.kill()));
      await vendors.close();
      await redis.close();
    },
  };
}

/** POSTs one GraphQL operation to a replica and returns the parsed body. */
export async function gqlAt<T = any>(url: string, query: string, variables?: Record<string, unknown>): Promise<{ data?: T; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return res.json() as Promise<any>;
}
