// taskhub-batch end to end: the real bin as a child process, over real HTTP, against the facade on a
// port (startHarness + listen) backed by the four emulators. Assertions are on the results file, the exit
// code, stderr, and what the emulators received and hold.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';
import type { OutRecord } from '../../src/cli/results.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin/taskhub-batch.js');
const ZUORA_WRITE = /^\/workflows\/tasks\/batch_update$/;

let h: Harness;
let url: string;
let dir: string;
let zuoraIds: string[];
let soIds: string[];
let nextZuora = 0;
/** Fresh Zuora task ids, so no test depends on another's writes. */
const takeZuora = (n: number) => zuoraIds.slice(nextZuora, (nextZuora += n));

interface CliRun { code: number | null; stdout: string; stderr: string }

function cli(args: string[], env: Record<string, string> = {}, command: string[] = [process.execPath, BIN]): Promise<CliRun> {
  const base = { ...process.env };
  delete base.TASKHUB_API_KEY;
  delete base.TASKHUB_URL;
  return new Promise((resolve, reject) => {
    const child = spawn(command[0]!, [...command.slice(1), ...args], { cwd: ROOT, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += String(d); });
    child.stderr.on('data', (d) => { stderr += String(d); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const file = (name: string, text: string) => { const p = join(dir, name); writeFileSync(p, text); return p; };
const records = (text: string): OutRecord[] => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as OutRecord);
const readOut = (p: string) => records(readFileSync(p, 'utf8'));
const byLine = (rs: OutRecord[]) => Object.fromEntries(rs.map((r) => [r.line, r]));
const zuoraWrites = () => h.vendors.zuora.server.count('PUT', ZUORA_WRITE);
const allWrites = () => zuoraWrites() + h.vendors.ibmBpm.server.count('PUT', /\/task$/)
  + h.vendors.k2.server.count('POST', /UpdateTasks$/) + h.vendors.superOffice.server.count('PUT', /\/BatchTask\/\d+$/);
const zuoraName = (id: string) => h.vendors.zuora.tasks.get(Number(id))!.name;
const jsonl = (items: unknown[]) => items.map((i) => (typeof i === 'string' ? i : JSON.stringify(i))).join('\n') + '\n';

async function ids(backend: string, statuses?: string[]): Promise<string[]> {
  const res = await h.gql(`query($f: TaskFilter) { tasks(first: 500, filter: $f) { edges { node { nativeId } } } }`,
    { f: { backends: [backend], ...(statuses ? { statuses } : {}) } });
  return res.body.data.tasks.edges.map((e: { node: { nativeId: string } }) => e.node.nativeId);
}

/** A real HTTP hop in front of the facade that can fail the way networks do. */
async function startProxy(target: string, plan: (n: number) => 'pass' | 'drop-reply' | 'bad-gateway' | 'hang') {
  const bodies: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    bodies.push(body.toString());
    const mode = plan(bodies.length);
    if (mode === 'hang') return; // never answers: the CLI waits
    if (mode === 'bad-gateway') { res.writeHead(502, { 'content-type': 'text/plain' }).end('upstream unavailable'); return; }
    const upstream = await new Promise<{ res: IncomingMessage; text: string }>((resolve, reject) => {
      const r = httpRequest(target, { method: 'POST', headers: { ...req.headers, host: new URL(target).host } }, (up) => {
        let text = '';
        up.on('data', (d) => { text += String(d); });
        up.on('end', () => resolve({ res: up, text }));
      });
      r.on('error', reject);
      r.end(body);
    });
    // The facade has answered (and applied the chunk); the reply never reaches the CLI.
    if (mode === 'drop-reply') { req.socket.destroy(); return; }
    res.writeHead(upstream.res.statusCode ?? 500, { 'content-type': String(upstream.res.headers['content-type']) }).end(upstream.text);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, bodies,
    close: () => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); }),
  };
}

beforeAll(async () => {
  h = await startHarness({ extraTasks: 40 });
  url = `${await h.listen()}/graphql`;
  dir = mkdtempSync(join(tmpdir(), 'taskhub-cli-'));
  zuoraIds = await ids('ZUORA');
  soIds = await ids('SUPEROFFICE', ['NEW']);
});
afterAll(async () => {
  await h?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a JSONL run', () => {
  it('answers every line exactly once, good, failing and malformed, and the vendors hold only the good ones', async () => {
    const [z0, z1, z2, z3] = takeZuora(4) as [string, string, string, string];
    const before = { z1: zuoraName(z1), z2: zuoraName(z2) };
    const input = file('mixed.jsonl', jsonl([
      { zuora: { id: z0, name: 'cli jsonl 0' } },
      { zuora: { id: '987654321', name: 'nobody' } },
      '{"zuora": {"id": "1",',
      '',
      { zuora: { id: z1, name: 'must not apply', concurrentLimit: 'five' } },
      { superOffice: { id: soIds[0], description: 'cli jsonl' } },
      { k2: { serialNumber: '2_34', action: 'Approve' } },
      { zuora: { id: 'abc', name: 'x' } },
      { zuora: { id: z2, name: 'must not apply' }, k2: { serialNumber: '12_8' } },
      { zuora: { id: z3, name: 'cli jsonl 3' } },
    ]));
    const out = join(dir, 'mixed.out.jsonl');
    const run = await cli([input, '--url', url, '--out', out, '--chunk-size', '2']);
    expect(run.code).toBe(1);
    const rs = readOut(out);
    expect(rs.map((r) => r.line).sort((a, b) => a - b)).toEqual([1, 2, 3, 5, 6, 7, 8, 9, 10]);
    const r = byLine(rs);
    expect(Object.fromEntries(rs.map((x) => [x.line, x.outcome]))).toEqual({
      1: 'TaskUpdated', 2: 'TaskNotFound', 3: 'INVALID_LINE', 5: 'INVALID_LINE', 6: 'TaskUpdated',
      7: 'TaskUpdateDenied', 8: 'InvalidTaskUpdate', 9: 'INVALID_LINE', 10: 'TaskUpdated',
    });
    // Only valid lines travel, two per chunk, in file order.
    expect([1, 2, 6, 7, 8, 10].map((l) => [r[l]!.chunk, r[l]!.index])).toEqual([[0, 0], [0, 1], [1, 0], [1, 1], [2, 0], [2, 1]]);
    expect(r[2]).toMatchObject({ code: 'NOT_FOUND', backend: 'ZUORA', nativeId: '987654321', retryable: false });
    expect(r[7]).toMatchObject({ code: 'PERMISSION_DENIED', backend: 'K2', nativeId: '2_34' });
    expect(r[5]).toMatchObject({ chunk: null, index: null, backend: 'ZUORA', nativeId: z1, message: 'zuora.concurrentLimit: Int cannot represent non-integer value: "five"' });
    expect(r[3]!.message).toMatch(/^not valid JSON/);
    expect(run.stderr).toContain('line 3: not valid JSON');
    expect(run.stderr).toContain('line 5: zuora.concurrentLimit: Int cannot represent non-integer value');
    expect(run.stderr).toMatch(/line 9: Exactly one key must be specified/);
    expect(run.stderr).toMatch(/9 lines: 3 succeeded, 6 failed, 0 unanswered/);
    expect(zuoraName(z0)).toBe('cli jsonl 0');
    expect(zuoraName(z3)).toBe('cli jsonl 3');
    expect({ z1: zuoraName(z1), z2: zuoraName(z2) }).toEqual(before);
    expect(h.vendors.superOffice.tasks.get(Number(soIds[0]))!.Description).toBe('cli jsonl');
  });

  it('exits 0 when every line succeeded, TaskUpdateAccepted included, and writes the results to stdout', async () => {
    const [z] = takeZuora(1);
    h.vendors.k2.emptyReplies = true;
    try {
      const run = await cli([file('good.jsonl', jsonl([{ zuora: { id: z, name: 'all good' } }, { k2: { serialNumber: '27_2', action: 'Approve' } }])), '--url', url]);
      expect(run.code).toBe(0);
      expect(records(run.stdout).map((x) => [x.line, x.outcome])).toEqual(expect.arrayContaining([[1, 'TaskUpdated'], [2, 'TaskUpdateAccepted']]));
      expect(records(run.stdout)).toHaveLength(2);
    } finally {
      h.vendors.k2.emptyReplies = false;
    }
  });
});

describe('a CSV run', () => {
  it('maps columns per vendor, reports bad rows at the line they start on, and applies the good ones', async () => {
    const [z0, z1] = takeZuora(2) as [string, string];
    const input = file('mixed.csv', [
      'backend,id,name,tags,state,description,concurrentLimit',
      `ZUORA,${z0},"Renamed, from CSV","[""csv"",""cli""]",,,7`,
      `SUPEROFFICE,${soIds[1]},,,Started,"two`,
      'lines",',
      'ZUORA,987654321,nobody,,,,',
      'K2,12_8,Renamed,,,,',
      `ZUORA,${z1},,,,,lots`,
      'NOPE,1,,,,,',
      `ZUORA,${z1}`,
    ].join('\r\n'));
    const out = join(dir, 'mixed.csv.out.jsonl');
    const run = await cli([input, '--url', url, '--out', out]);
    expect(run.code).toBe(1);
    const rs = readOut(out);
    expect(Object.fromEntries(rs.map((x) => [x.line, x.outcome]))).toEqual({
      2: 'TaskUpdated', 3: 'TaskUpdated', 5: 'TaskNotFound', 6: 'INVALID_LINE', 7: 'INVALID_LINE', 8: 'INVALID_LINE', 9: 'INVALID_LINE',
    });
    const r = byLine(rs);
    expect(r[6]!.message).toBe('column name: K2 has no such field; leave it empty on K2 rows');
    expect(r[7]!.message).toBe('zuora.concurrentLimit: Int cannot represent non-integer value: "lots"');
    expect(r[8]!.message).toMatch(/column backend: 'NOPE'/);
    expect(r[9]!.message).toMatch(/has 2 fields; the header has 7/);
    expect(h.vendors.zuora.tasks.get(Number(z0))).toMatchObject({ name: 'Renamed, from CSV', tags: ['csv', 'cli'], concurrent_limit: 7 });
    expect(h.vendors.superOffice.tasks.get(Number(soIds[1]))).toMatchObject({ State: 'Started', Description: 'two\nlines' });
  });

  it('refuses a file with a bad header: exit 2, nothing sent, no results', async () => {
    const before = allWrites();
    const out = join(dir, 'bad-header.out.jsonl');
    const run = await cli([file('bad.csv', 'backend,id,nmae\nZUORA,2771,x\n'), '--url', url, '--out', out]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unknown column 'nmae'/);
    expect(allWrites()).toBe(before);
    expect(() => readFileSync(out)).toThrow();
  });
});

describe('usage errors exit 2', () => {
  it.each([
    [['missing.jsonl'], /cannot read input file missing.jsonl: ENOENT/],
    [['x.jsonl', '--chunk-size', '5000'], /--chunk-size must be a whole number from 1 to 1000/],
    [['updates.txt'], /pass --format jsonl or --format csv/],
  ])('%j', async (args, message) => {
    const run = await cli([...args, '--url', url]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('will not overwrite an earlier results file', async () => {
    const out = file('kept.out.jsonl', 'precious\n');
    const run = await cli([file('one.jsonl', jsonl([{ zuora: { id: '2771', name: 'x' } }])), '--url', url, '--out', out]);
    expect(run.code).toBe(2);
    expect(readFileSync(out, 'utf8')).toBe('precious\n');
  });
});

describe('--dry-run', () => {
  it('validates and looks every task up, and no vendor receives a write', async () => {
    const [z] = takeZuora(1) as [string];
    const name = zuoraName(z);
    const before = allWrites();
    const out = join(dir, 'dry.out.jsonl');
    const run = await cli([file('dry.jsonl', jsonl([
      { zuora: { id: z, name: 'dry' } }, { superOffice: { id: soIds[2], state: 'Started' } }, { zuora: { id: '987654321', name: 'x' } },
    ])), '--url', url, '--out', out, '--dry-run']);
    expect(run.code).toBe(1);
    expect(readOut(out).map((x) => [x.line, x.outcome, x.dryRun])).toEqual(expect.arrayContaining([
      [1, 'TaskUpdated', true], [2, 'TaskUpdated', true], [3, 'TaskNotFound', true],
    ]));
    expect(allWrites()).toBe(before);
    expect(zuoraName(z)).toBe(name);
    expect(run.stderr).toMatch(/^dry run: 3 lines/m);
  });
});

describe('--resume', () => {
  it('after a torn results file: no line answered twice, and the vendors get no second write', async () => {
    const zs = takeZuora(7);
    const input = file('resume.jsonl', jsonl(zs.map((id) => ({ zuora: { id, name: `resume ${id}` } }))));
    const out = join(dir, 'resume.out.jsonl');
    expect((await cli([input, '--url', url, '--out', out, '--chunk-size', '3'])).code).toBe(0);
    const first = readOut(out);
    const writes = zuoraWrites();
    // A crash mid-write: the first chunk's records, one of the next, and a torn line.
    const firstLines = readFileSync(out, 'utf8').split('\n');
    writeFileSync(out, `${firstLines.slice(0, 4).join('\n')}\n${firstLines[4]!.slice(0, 30)}`);
    // Were anything re-applied, these names would be overwritten again.
    for (const id of zs) h.vendors.zuora.tasks.get(Number(id))!.name = 'changed after the run';

    // No --chunk-size: a resume takes the size the results were made with.
    const run = await cli([input, '--url', url, '--out', out, '--resume']);
    expect(run.code).toBe(0);
    const rs = readOut(out);
    expect(rs.map((x) => x.line).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(byLine(rs)).toEqual(byLine(first));
    expect(run.stderr).toMatch(/resending the whole chunk under its key/);
    expect(zuoraWrites()).toBe(writes);
    for (const id of zs) expect(zuoraName(id)).toBe('changed after the run');
  });

  it('with another --chunk-size, sends only the lines without an answer, and warns about the new keys', async () => {
    const zs = takeZuora(5);
    const input = file('resize.jsonl', jsonl(zs.map((id) => ({ zuora: { id, name: `resize ${id}` } }))));
    const out = join(dir, 'resize.out.jsonl');
    expect((await cli([input, '--url', url, '--out', out, '--chunk-size', '2', '--concurrency', '1'])).code).toBe(0);
    const first = readOut(out);
    // Lines 1-3 answered (chunk 0 and half of chunk 1), 4-5 lost.
    writeFileSync(out, jsonl(first.slice(0, 3)));
    for (const id of zs) h.vendors.zuora.tasks.get(Number(id))!.name = 'changed after the run';

    const run = await cli([input, '--url', url, '--out', out, '--resume', '--chunk-size', '4']);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/warning: the results were made with --chunk-size 2/);
    expect(run.stderr).toMatch(/chunk 0: 3 of its lines were answered by other chunks earlier; sending the other 1/);
    const rs = readOut(out);
    expect(rs.map((x) => x.line).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
    expect(rs.slice(3).sort((a, b) => a.line - b.line).map((x) => [x.line, x.chunk, x.index, x.chunkSize, x.outcome]))
      .toEqual([[4, 0, 0, 4, 'TaskUpdated'], [5, 1, 0, 4, 'TaskUpdated']]);
    // Answered lines were not sent again; the two others were (under new keys, so applied again).
    expect(zs.map(zuoraName)).toEqual(['changed after the run', 'changed after the run', 'changed after the run', `resize ${zs[3]}`, `resize ${zs[4]}`]);
  });

  it('sends again, exactly once, the lines an earlier run could not deliver', async () => {
    const zs = takeZuora(3);
    const input = file('undelivered.jsonl', jsonl(zs.map((id) => ({ zuora: { id, name: `delivered ${id}` } }))));
    const out = join(dir, 'undelivered.out.jsonl');
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/graphql`;
    await new Promise<void>((r) => closed.close(() => r()));
    const writes = zuoraWrites();

    const down = await cli([input, '--url', deadUrl, '--out', out, '--retries', '1', '--retry-delay-ms', '1']);
    expect(down.code).toBe(1);
    expect(readOut(out).map((x) => [x.outcome, x.code, x.retryable])).toEqual(Array(3).fill(['NOT_SENT', 'ECONNREFUSED', true]));
    expect(zuoraWrites()).toBe(writes);

    const up = await cli([input, '--url', url, '--out', out, '--resume']);
    expect(up.code).toBe(0);
    expect(readOut(out).map((x) => [x.line, x.outcome])).toEqual([[1, 'TaskUpdated'], [2, 'TaskUpdated'], [3, 'TaskUpdated']]);
    expect(zuoraWrites()).toBe(writes + 1);
    for (const id of zs) expect(zuoraName(id)).toBe(`delivered ${id}`);
  });

  it('Ctrl-C says how many lines were answered and that --resume continues; --resume then finishes the run', async () => {
    const zs = takeZuora(3);
    const input = file('interrupted.jsonl', jsonl(zs.map((id) => ({ zuora: { id, name: `interrupted ${id}` } }))));
    const out = join(dir, 'interrupted.out.jsonl');
    const proxy = await startProxy(url, (n) => (n === 1 ? 'pass' : 'hang'));
    try {
      const child = spawn(process.execPath, [BIN, input, '--url', proxy.url, '--out', out, '--chunk-size', '1', '--concurrency', '1'],
        { cwd: ROOT, env: { ...process.env, TASKHUB_API_KEY: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => { stderr += String(d); });
      const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
      // Interrupt once the first line is recorded and the second chunk is waiting for its answer.
      while (proxy.bodies.length < 2) await new Promise((r) => setTimeout(r, 20));
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      expect(stderr).toMatch(/interrupted: 1 of 3 lines answered/);
      expect(stderr).toContain(`--resume`);
      expect(readOut(out).map((x) => [x.line, x.outcome])).toEqual([[1, 'TaskUpdated']]);
    } finally {
      await proxy.close();
    }
    const resumed = await cli([input, '--url', url, '--out', out, '--resume', '--chunk-size', '1']);
    expect(resumed.code).toBe(0);
    expect(readOut(out).map((x) => [x.line, x.outcome])).toEqual([[1, 'TaskUpdated'], [2, 'TaskUpdated'], [3, 'TaskUpdated']]);
  });

  it('refuses the results file of another input', async () => {
    const out = join(dir, 'undelivered.out.jsonl');
    const run = await cli([file('other.jsonl', jsonl([{ zuora: { id: '2771', name: 'other' } }])), '--url', url, '--out', out, '--resume']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/holds results for another input file/);
  });
});

describe('transport failures', () => {
  it('a lost reply is retried under the same key: the facade replays and the vendor sees one write', async () => {
    const zs = takeZuora(2);
    const proxy = await startProxy(url, (n) => (n === 1 ? 'drop-reply' : 'pass'));
    try {
      const writes = zuoraWrites();
      const run = await cli([file('lost.jsonl', jsonl(zs.map((id) => ({ zuora: { id, name: `lost reply ${id}` } })))), '--url', proxy.url, '--retry-delay-ms', '1']);
      expect(run.code).toBe(0);
      expect(records(run.stdout).map((x) => x.outcome)).toEqual(['TaskUpdated', 'TaskUpdated']);
      expect(run.stderr).toMatch(/chunk 0 \(lines 1-2\): attempt 1 failed/);
      expect(proxy.bodies).toHaveLength(2);
      expect(proxy.bodies[1]).toBe(proxy.bodies[0]);
      expect(JSON.parse(proxy.bodies[0]!).variables.input.idempotencyKey).toMatch(/^taskhub-batch:v1:[0-9a-f]{32}:jsonl:500:0$/);
      expect(zuoraWrites()).toBe(writes + 1);
    } finally {
      await proxy.close();
    }
  });

  it('a chunk that never gets an answer: every line TRANSPORT_ERROR after the retries, exit 1', async () => {
    const proxy = await startProxy(url, () => 'bad-gateway');
    try {
      const before = allWrites();
      const run = await cli([file('gateway.jsonl', jsonl(takeZuora(2).map((id) => ({ zuora: { id, name: 'x' } })))), '--url', proxy.url, '--retries', '2', '--retry-delay-ms', '1']);
      expect(run.code).toBe(1);
      const rs = records(run.stdout);
      expect(rs.map((x) => [x.outcome, x.code, x.retryable])).toEqual(Array(2).fill(['TRANSPORT_ERROR', 'HTTP_502', true]));
      expect(rs[0]!.message).toMatch(/upstream unavailable \(after 3 attempts\)/);
      expect(proxy.bodies).toHaveLength(3);
      expect(allWrites()).toBe(before);
    } finally {
      await proxy.close();
    }
  });
});

describe('progress and packaging', () => {
  it('off a terminal, prints plain progress lines on stderr, ending with the full count', async () => {
    const run = await cli([file('progress.jsonl', jsonl(takeZuora(4).map((id) => ({ zuora: { id, name: 'progress' } })))),
      '--url', url, '--chunk-size', '1', '--concurrency', '1', '--progress-interval-ms', '0']);
    expect(run.code).toBe(0);
    const lines = run.stderr.split('\n').filter((l) => l.startsWith('progress: '));
    expect(lines.map((l) => /^progress: (\d)\/4 lines/.exec(l)?.[1])).toEqual(['0', '1', '2', '3', '4']);
    expect(lines.at(-1)).toMatch(/^progress: 4\/4 lines \(100%\), 4 succeeded, 0 failed, 0 unanswered, \d+\.\ds$/);
    expect(run.stderr).not.toMatch(/\x1b/);
  });

  it('runs as `npx taskhub-batch` from the package bin, no build step', async () => {
    const run = await cli(['--help'], {}, ['npx', 'taskhub-batch']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: taskhub-batch /);
  }, 60_000);
});

describe('API keys', () => {
  it('without a key every line is NOT_SENT (not retried); TASKHUB_API_KEY gets through; the key is never printed', async () => {
    const key = 'cli-test-key-0123456789abcdef';
    const secured = await startHarness({ env: { TASKHUB_API_KEYS: key } });
    try {
      const securedUrl = `${await secured.listen()}/graphql`;
      const input = file('keyed.jsonl', jsonl([{ zuora: { id: '2772', name: 'keyed' } }]));
      const refused = await cli([input, '--url', securedUrl, '--retry-delay-ms', '1']);
      expect(refused.code).toBe(1);
      expect(records(refused.stdout)).toMatchObject([{ outcome: 'NOT_SENT', code: 'UNAUTHENTICATED', retryable: false }]);
      expect(records(refused.stdout)[0]!.message).toMatch(/set --api-key or TASKHUB_API_KEY/);
      expect(secured.vendors.zuora.server.count('PUT', ZUORA_WRITE)).toBe(0);

      const ok = await cli([input, '--url', securedUrl], { TASKHUB_API_KEY: key });
      expect(ok.code).toBe(0);
      expect(records(ok.stdout)).toMatchObject([{ outcome: 'TaskUpdated' }]);
      for (const text of [refused.stdout, refused.stderr, ok.stdout, ok.stderr]) expect(text).not.toContain(key);
    } finally {
      await secured.close();
    }
  });
});

// What the CLI writes quotes the facade, or whatever answers at --url: a proxy that echoes the request
// back, a server that is down, a slow one. Each gets a clear record or message, and never the key.
describe('facades that misbehave', () => {
  const KEY = 'echoed-key-0123456789abcdef';
  let echo: Server;
  let echoUrl: string;
  let mode: 'echo-401' | 'echo-200-html' | 'slow' = 'echo-401';
  beforeAll(async () => {
    echo = createServer((req, res) => {
      if (mode === 'slow') { setTimeout(() => res.end('{}'), 3_000).unref(); return; }
      res.statusCode = mode === 'echo-401' ? 401 : 200;
      res.setHeader('content-type', mode === 'echo-401' ? 'application/json' : 'text/html');
      res.end(mode === 'echo-401'
        ? JSON.stringify({ errors: [{ message: `bad auth ${req.headers.authorization}` }] })
        : `<html>proxy saw ${req.headers.authorization}</html>`);
    });
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}/graphql`;
  });
  afterAll(async () => { echo.closeAllConnections(); await new Promise((r) => echo.close(r)); });

  it.each(['echo-401', 'echo-200-html'] as const)('a reply echoing the key (%s): the key is in no record and no message', async (m) => {
    mode = m;
    const input = file(`echo-${m}.jsonl`, jsonl([{ zuora: { id: '2772', name: 'x' } }]));
    for (const args of [[input], [input, '--job']]) {
      const run = await cli([...args, '--url', echoUrl, '--retries', '0'], { TASKHUB_API_KEY: KEY });
      expect(run.code).toBe(1);
      expect(`${run.stdout}${run.stderr}`).not.toContain(KEY);
      expect(`${run.stdout}${run.stderr}`).not.toMatch(/\n\s+at /);
    }
  });

  it('--job against a facade that is down says so, without a stack trace', async () => {
    const input = file('down.jsonl', jsonl([{ zuora: { id: '2772', name: 'x' } }]));
    // A port nothing listens on (not one of fetch's blocked ports, such as 1 or 9).
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const run = await cli([input, '--job', '--url', `http://127.0.0.1:${port}/graphql`]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/taskhub-batch: could not reach the facade: ECONNREFUSED/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('--timeout-ms bounds a --job call, and a timed-out chunk is recorded with the code TIMEOUT', async () => {
    mode = 'slow';
    const input = file('slow.jsonl', jsonl([{ zuora: { id: '2772', name: 'x' } }]));
    const job = await cli([input, '--job', '--url', echoUrl, '--timeout-ms', '300']);
    expect(job.code).toBe(1);
    expect(job.stderr).toMatch(/no answer within --timeout-ms \(300 ms\)/);
    const chunked = await cli([input, '--url', echoUrl, '--timeout-ms', '300', '--retries', '0']);
    expect(records(chunked.stdout)).toMatchObject([{ outcome: 'TRANSPORT_ERROR', code: 'TIMEOUT' }]);
  });

  it('usage errors for what cannot work, naming no secret: credentials in --url, a control character in the key, --out a directory', async () => {
    const input = file('usage.jsonl', jsonl([{ zuora: { id: '2772', name: 'x' } }]));
    const creds = await cli([input, '--url', 'http://user:Url-Secret-1@127.0.0.1:9/graphql']);
    const ftp = await cli([input, '--url', 'ftp://user:Url-Secret-2@h/graphql']);
    const odd = await cli([input, '--url', 'ftp://user:Url@Secret/3@h/graphql']);
    const key = await cli([input, '--url', echoUrl, '--api-key', 'bad\nkey-0123456789']);
    const out = await cli([input, '--url', echoUrl, '--out', dir]);
    for (const run of [creds, ftp, odd, key, out]) {
      expect(run.code).toBe(2);
      expect(run.stderr).not.toMatch(/Url-Secret|Url@Secret|Secret\/3|\n\s+at /);
    }
    expect(creds.stderr).toMatch(/--url must not hold credentials/);
    expect(key.stderr).toMatch(/control character/);
    expect(out.stderr).toMatch(/is a directory/);
  });
});
