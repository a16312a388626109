// taskhub-batch --job end to end: the real bin as a child process against the facade on a port (batch
// jobs in process) and the four emulators: the file uploaded as one job, followed to its end, results
// written per input line; the same command again re-attaches to the same job; --job-id attaches by id.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';
import { applied, generatedIds, k2Sends, mixedItems } from '../support/jobs.js';
import type { OutRecord } from '../../src/cli/results.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin/taskhub-batch.js');
const EXTRA = 300;

let h: Harness;
let url: string;
let dir: string;
let ids: ReturnType<typeof generatedIds>;

interface CliRun { code: number | null; stdout: string; stderr: string }

function cli(args: string[]): Promise<CliRun> {
  const env = { ...process.env };
  delete env.TASKHUB_API_KEY;
  delete env.TASKHUB_URL;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += String(d); });
    child.stderr.on('data', (d) => { stderr += String(d); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const readOut = (p: string): OutRecord[] => readFileSync(p, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as OutRecord);

beforeAll(async () => {
  h = await startHarness({ extraTasks: EXTRA, env: { TASKHUB_FIRST_BYTE_TIMEOUT_MS: '30000', TASKHUB_TOTAL_TIMEOUT_MS: '60000' } });
  url = `${await h.listen()}/graphql`;
  ids = generatedIds(h.vendors, EXTRA);
  dir = mkdtempSync(join(tmpdir(), 'taskhub-cli-job-'));
});
afterAll(async () => {
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('taskhub-batch --job', () => {
  it('uploads the file as one job, follows it, and writes one result per line; running it again re-attaches', async () => {
    const items = mixedItems(ids, 400, 'cli-job');
    const input = join(dir, 'updates.jsonl');
    // A blank line: line numbers in the results are the file's, not the items'.
    writeFileSync(input, `${items.slice(0, 10).map((i) => JSON.stringify(i)).join('\n')}\n\n${items.slice(10).map((i) => JSON.stringify(i)).join('\n')}\n`);
    const out = join(dir, 'results.jsonl');
    const first = await cli([input, '--job', '--url', url, '--out', out, '--progress', 'lines', '--progress-interval-ms', '0']);
    expect(first.stderr).toMatch(/job \S+ \(QUEUED\)/);
    expect(first.code, first.stderr).toBe(0);
    const records = readOut(out);
    expect(records).toHaveLength(400);
    expect(records.map((r) => r.line)).toEqual([...Array.from({ length: 10 }, (_, i) => i + 1), ...Array.from({ length: 390 }, (_, i) => i + 12)]);
    for (const r of records) {
      expect(['TaskUpdated', 'TaskUpdateAccepted']).toContain(r.outcome);
      expect(applied(h.vendors, items[r.index!]!, 'cli-job')).toBe(true);
    }
    const jobId = /job (\S+) \(QUEUED\)/.exec(first.stderr)![1]!;

    // Again, as after a crash: the same job (same key), nothing sent twice.
    const out2 = join(dir, 'results-2.jsonl');
    const again = await cli([input, '--job', '--url', url, '--out', out2, '--progress', 'none']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(`job ${jobId} (COMPLETED)`);
    for (const i of items) if ('k2' in i) expect(k2Sends(h.vendors, i.k2.serialNumber)).toBe(1);
    expect(readOut(out2)).toEqual(records);

    // Again into the first --out, cut short as a crash while writing results leaves it: written anew.
    writeFileSync(out, readFileSync(out, 'utf8').split('\n').slice(0, 5).join('\n').slice(0, -7));
    const rewritten = await cli([input, '--job', '--url', url, '--out', out, '--progress', 'none']);
    expect(rewritten.code, rewritten.stderr).toBe(0);
    expect(readOut(out)).toEqual(records);
    // A chunked run's results of the same input are not overwritten: they hold its unanswered lines.
    const chunked = join(dir, 'chunked.jsonl');
    writeFileSync(chunked, `${JSON.stringify({ ...records[0], chunk: 0, chunkSize: 500 })}\n`);
    const kept = await cli([input, '--job', '--url', url, '--out', chunked, '--progress', 'none']);
    expect(kept.code).toBe(2);
    expect(readFileSync(chunked, 'utf8')).toContain('"chunk":0');
    // Another input's results are not overwritten.
    const other = join(dir, 'other.jsonl');
    writeFileSync(other, `${JSON.stringify(items[0])}\n`);
    const refused = await cli([other, '--job', '--url', url, '--out', out, '--progress', 'none']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/already holds results/);

    // By id.
    const out3 = join(dir, 'results-3.jsonl');
    const attached = await cli([input, '--job-id', jobId, '--url', url, '--out', out3, '--progress', 'none']);
    expect(attached.code, attached.stderr).toBe(0);
    expect(attached.stderr).toContain(`attached to job ${jobId}`);
    expect(readOut(out3)).toEqual(records);
    // By id with another file: the caller's mistake, exit 2 as for any unusable input.
    const wrongFile = await cli([other, '--job-id', jobId, '--url', url, '--out', join(dir, 'results-4.jsonl'), '--progress', 'none']);
    expect(wrongFile.code).toBe(2);
    expect(wrongFile.stderr).toMatch(/is it the job of this file/);
  }, 120_000);

  it('refuses a file with a malformed line before uploading anything', async () => {
    const input = join(dir, 'bad.jsonl');
    writeFileSync(input, '{"zuora":{"id":"1","name":"a"}}\nnot json\n');
    const res = await cli([input, '--job', '--url', url]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('line 2: not valid JSON');
  });

  it('does not mix --job with --resume', async () => {
    const res = await cli(['x.jsonl', '--job', '--resume', '--out', join(dir, 'o.jsonl')]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('--resume continues a chunked run');
  });
});
