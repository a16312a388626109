// The "direct" peer of R1/R2: what a plain Node script does for the same answers. A node:http server
// (POST /r1, POST /r2) making the same upstream calls as taskhub with undici's request() on its default
// agent (no socket cap: the 50 R2 reads go out at once), the same headers (gzip from Zuora), JSON.parse of
// every reply, and the same fields projected. No validation, deadlines, retries, breakers, metrics or
// logs: what the facade adds on top of this is what the ratios measure. Run as a child process with the
// contract's *_BASE_URL and credential variables and PORT; prints nothing, serves until SIGTERM.

import { createServer } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { request } from 'undici';
import type { R2Ids } from './workloads.js';

const env = (name: string) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
};
const zuora = env('ZUORA_BASE_URL');
const ibm = env('IBM_BPM_BASE_URL');
const so = env('SUPEROFFICE_BASE_URL');
const ibmAuth = `Basic ${Buffer.from(`${env('IBM_BPM_USERNAME')}:${env('IBM_BPM_PASSWORD')}`).toString('base64')}`;
const soHeaders = { authorization: `Bearer ${env('SUPEROFFICE_TOKEN')}`, 'so-apptoken': process.env.SUPEROFFICE_APP_TOKEN ?? '', accept: 'application/json' };

async function getJson(url: string, headers: Record<string, string>): Promise<unknown> {
  const res = await request(url, { headers });
  const body = Buffer.from(await res.body.arrayBuffer());
  if (res.statusCode !== 200) throw new Error(`${url}: HTTP ${res.statusCode}`);
  return JSON.parse((res.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString('utf8'));
}

let token: Promise<string> | undefined;
const zuoraToken = () => (token ??= request(`${zuora}/oauth/token`, {
  method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ client_id: env('ZUORA_CLIENT_ID'), client_secret: env('ZUORA_CLIENT_SECRET'), grant_type: 'client_credentials' }).toString(),
}).then(async (r) => ((await r.body.json()) as { access_token: string }).access_token));
const zuoraHeaders = async () => ({ authorization: `Bearer ${await zuoraToken()}`, accept: 'application/json', 'accept-encoding': 'gzip' });

type Row = Record<string, unknown>;
const zuoraTask = (t: Row) => ({ id: t.id, name: t.name, status: t.status });
const ibmTask = (t: Row) => ({ tkiid: t.tkiid, name: t.name, state: t.state, priority: t.priority });
const soTask = (t: Row) => ({ Id: t.Id, Name: t.Name, State: t.State });

async function r1() {
  const [z, i, s] = await Promise.all([
    getJson(`${zuora}/workflows/tasks?page=1&page_length=100`, await zuoraHeaders()),
    getJson(`${ibm}/rest/bpm/htm/v1/tasks/filter?offset=0&size=101`, { authorization: ibmAuth, accept: 'application/json' }),
    getJson(`${so}/api/v1/BatchTask/All`, soHeaders),
  ]) as [{ data: Row[] }, { items: Row[] }, Row[]];
  // In the Mesh peer's shape (bench/peers/workloads.ts), so the answers compare field by field.
  return {
    zuora: { data: z.data.slice(0, 100).map(zuoraTask) }, ibm: { items: i.items.slice(0, 100).map(ibmTask) },
    superoffice: s.slice(0, 100).map(soTask),
  };
}

async function r2(ids: R2Ids) {
  const zh = await zuoraHeaders();
  const ih = { authorization: ibmAuth, accept: 'application/json' };
  const out: Record<string, unknown> = {};
  await Promise.all([
    ...ids.zuora.map(async (id, n) => { out[`z${n}`] = zuoraTask(await getJson(`${zuora}/workflows/tasks/${encodeURIComponent(id)}`, zh) as Row); }),
    ...ids.ibm.map(async (id, n) => { out[`i${n}`] = ibmTask(await getJson(`${ibm}/rest/bpm/htm/v1/task/${encodeURIComponent(id)}`, ih) as Row); }),
    ...ids.superoffice.map(async (id, n) => { out[`s${n}`] = soTask(await getJson(`${so}/api/v1/BatchTask/${encodeURIComponent(id)}`, soHeaders) as Row); }),
  ]);
  return out;
}

const server = createServer((req, res) => {
  if (req.method === 'GET') { res.writeHead(200).end('ok'); return; } // readiness for the bench
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => {
    const work = req.url === '/r1' ? r1() : req.url === '/r2' ? r2(JSON.parse(Buffer.concat(chunks).toString('utf8')) as R2Ids) : undefined;
    if (!work) { res.writeHead(404).end(); return; }
    work.then(
      (data) => { res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data })); },
      (err: unknown) => { res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ message: String(err) }] })); },
    );
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(env('PORT')), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
