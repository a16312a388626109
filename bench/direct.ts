// The baselines' HTTP: one undici Pool per vendor with the facade's socket cap (16), the same headers
// and credentials, gzip decoding where the vendor compresses, and nothing else: no retries, deadlines,
// breakers or size caps. What the facade adds on top of this is what the benchmark measures.

import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { Pool } from 'undici';
import type { Dispatcher } from 'undici';
import type { BackendSettings } from '../src/config.js';
import type { Backend } from '../src/domain.js';
import { SOCKETS } from './workload.js';

const gunzipAsync = promisify(gunzip);

export interface Reply { status: number; text: string }

export interface Vendor {
  call(method: Dispatcher.HttpMethod, path: string, body?: string, contentType?: string): Promise<Reply>;
}

export interface Direct {
  vendors: Record<Backend, Vendor>;
  /** Zuora's bearer token, fetched on first use and reused (as the facade does). */
  zuoraToken(): Promise<string>;
  close(): Promise<void>;
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

export function createDirect(settings: BackendSettings): Direct {
  const { ZUORA: z, IBM_BPM: ibm, K2: k2, SUPEROFFICE: so } = settings;
  if (!z || !ibm || !k2 || !so) throw new Error('the baseline needs all four backends configured');
  const pools: Pool[] = [];
  let token: Promise<string> | undefined;

  const vendor = (backend: Backend, baseUrl: string, headers: () => Promise<Record<string, string>> | Record<string, string>): Vendor => {
    const url = new URL(baseUrl);
    const pool = new Pool(url.origin, { connections: SOCKETS[backend], keepAliveTimeout: 10_000 });
    pools.push(pool);
    const base = url.pathname.replace(/\/+$/, '');
    return {
      async call(method, path, body, contentType) {
        const h = { ...(await headers()), ...(contentType ? { 'content-type': contentType } : {}) };
        const res = await pool.request({ method, path: base + path, headers: h, ...(body === undefined ? {} : { body }) });
        const raw = Buffer.from(await res.body.arrayBuffer());
        const gz = res.headers['content-encoding'] === 'gzip';
        return { status: res.statusCode, text: (gz ? await gunzipAsync(raw) : raw).toString('utf8') };
      },
    };
  };

  const zuoraPlain = vendor('ZUORA', z.baseUrl, () => ({ accept: 'application/json' }));
  const zuoraToken = () => (token ??= zuoraPlain.call('POST', '/oauth/token',
    new URLSearchParams({ client_id: z.clientId, client_secret: z.clientSecret, grant_type: 'client_credentials' }).toString(),
    'application/x-www-form-urlencoded').then((r) => {
    if (r.status !== 200) throw new Error(`Zuora token: HTTP ${r.status}`);
    return (JSON.parse(r.text) as { access_token: string }).access_token;
  }));

  const vendors: Record<Backend, Vendor> = {
    ZUORA: vendor('ZUORA', z.baseUrl, async () => ({ authorization: `Bearer ${await zuoraToken()}`, accept: 'application/json', 'accept-encoding': 'gzip' })),
    IBM_BPM: vendor('IBM_BPM', ibm.baseUrl, () => ({ authorization: basic(ibm.username, ibm.password), accept: 'application/json' })),
    K2: vendor('K2', k2.baseUrl, () => ({ authorization: basic(k2.username, k2.password), accept: 'application/xml' })),
    SUPEROFFICE: vendor('SUPEROFFICE', so.baseUrl, () => ({
      authorization: `Bearer ${so.token}`, ...(so.appToken ? { 'so-apptoken': so.appToken } : {}), accept: 'application/json',
    })),
  };
  return { vendors, zuoraToken, close: async () => { await Promise.all(pools.map((p) => p.close())); } };
}

/** A counting semaphore, like the SuperOffice client's: at most `max` calls of `run` at once. */
export class Limiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly max: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active < this.max) this.active++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try { return await fn(); } finally {
      const next = this.waiting.shift();
      if (next) next(); else this.active--;
    }
  }
}

/** `fn` over `items`, at most `limit` at once, results in order (the adapters' bounded fan-out). */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => { while (next < items.length) { const i = next++; out[i] = await fn(items[i]!); } };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
