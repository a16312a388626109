// What makes a rerun safe: chunks and keys depend only on the input file, and --resume reads the results
// file strictly (another file's results, a dry run's, or garbage are refused; a torn tail is dropped).

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseJsonl } from '../../src/cli/input.js';
import { chunkKey, planChunks, sha256 } from '../../src/cli/plan.js';
import { readPrevious, ResultsWriter } from '../../src/cli/results.js';
import type { OutRecord } from '../../src/cli/results.js';

const dir = mkdtempSync(join(tmpdir(), 'taskhub-cli-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = '{"zuora":{"id":"1","name":"a"}}\nnot json\n{"zuora":{"id":"2","name":"b"}}\n{"zuora":{"id":"3","name":"c"}}\n';
const hash = sha256(Buffer.from(file));
const rec = (line: number, outcome: string, extra: Partial<OutRecord> = {}): OutRecord => ({
  line, chunk: 0, index: 0, chunkSize: 2, outcome, code: null, message: null, vendorCode: null, backend: 'ZUORA', nativeId: String(line), retryable: null, input: 'tag1', ...extra,
});
const jsonl = (records: object[]) => records.map((r) => `${JSON.stringify(r)}\n`).join('');

describe('planChunks', () => {
  it('chunks the valid items in file order, each under a key made of file hash, format, size and position', () => {
    const chunks = planChunks(parseJsonl(file), { chunkSize: 2, inputHash: hash, format: 'jsonl', dryRun: false });
    expect(chunks.map((c) => [c.index, c.lines.map((l) => l.line), c.key])).toEqual([
      [0, [1, 3], `taskhub-batch:v1:${hash.slice(0, 32)}:jsonl:2:0`],
      [1, [4], `taskhub-batch:v1:${hash.slice(0, 32)}:jsonl:2:1`],
    ]);
  });

  it('gives a different key when anything that changes the chunk changes, and none to a dry run', () => {
    const keys = new Set([chunkKey(hash, 'jsonl', 2, 0), chunkKey(hash, 'csv', 2, 0), chunkKey(hash, 'jsonl', 3, 0), chunkKey(sha256(Buffer.from('x')), 'jsonl', 2, 0)]);
    expect(keys.size).toBe(4);
    for (const k of keys) expect(k.length).toBeLessThanOrEqual(255);
    expect(planChunks(parseJsonl(file), { chunkSize: 2, inputHash: hash, format: 'jsonl', dryRun: true }).every((c) => c.key === null)).toBe(true);
  });
});

describe('readPrevious', () => {
  it('keeps answers, drops NOT_SENT / TRANSPORT_ERROR and a torn last record, and rewrites the file without them', () => {
    const path = join(dir, 'partial.jsonl');
    writeFileSync(path, `${jsonl([rec(1, 'TaskUpdated'), rec(2, 'INVALID_LINE'), rec(3, 'NOT_SENT'), rec(4, 'TRANSPORT_ERROR'), rec(5, 'TaskNotFound')])}{"line":6,"outc`);
    const prev = readPrevious(path, 'tag1');
    expect([...prev.answered.keys()]).toEqual([1, 2, 5]);
    expect(prev.dropped).toBe(3);
    expect(prev.chunkSize).toBe(2);
    expect(readFileSync(path, 'utf8')).toBe(jsonl([rec(1, 'TaskUpdated'), rec(2, 'INVALID_LINE'), rec(5, 'TaskNotFound')]));
  });

  it('ends the file with a newline before anything is appended', () => {
    const path = join(dir, 'no-newline.jsonl');
    writeFileSync(path, JSON.stringify(rec(1, 'TaskUpdated')));
    expect(readPrevious(path, 'tag1').answered.size).toBe(1);
    expect(readFileSync(path, 'utf8')).toBe(jsonl([rec(1, 'TaskUpdated')]));
  });

  it('treats a missing file as a fresh start', () => {
    expect(readPrevious(join(dir, 'none.jsonl'), 'tag1')).toEqual({ answered: new Map(), dropped: 0 });
  });

  it('refuses results of another input file, of a dry run, a line answered twice, or a foreign file', () => {
    const write = (name: string, text: string) => { const p = join(dir, name); writeFileSync(p, text); return p; };
    expect(() => readPrevious(write('other.jsonl', jsonl([rec(1, 'TaskUpdated', { input: 'tag2' })])), 'tag1')).toThrow(/results for another input file/);
    expect(() => readPrevious(write('dry.jsonl', jsonl([rec(1, 'TaskUpdated', { dryRun: true })])), 'tag1')).toThrow(/--dry-run results/);
    expect(() => readPrevious(write('twice.jsonl', jsonl([rec(1, 'TaskUpdated'), rec(1, 'TaskNotFound')])), 'tag1')).toThrow(/answers input line 1 twice/);
    expect(() => readPrevious(write('foreign.jsonl', 'id,name\n1,x\n'), 'tag1')).toThrow(/line 1 is not a taskhub-batch result record/);
  });
});

describe('ResultsWriter', () => {
  it('will not overwrite a results file unless resuming, and then appends', async () => {
    const path = join(dir, 'out.jsonl');
    writeFileSync(path, jsonl([rec(1, 'TaskUpdated')]));
    expect(() => ResultsWriter.open(path, false, process.stdout)).toThrow(/already holds results: pass --resume/);
    const w = ResultsWriter.open(path, true, process.stdout);
    w.write([rec(2, 'TaskUpdated'), rec(3, 'TaskUpdated')]);
    await w.close();
    expect(readFileSync(path, 'utf8')).toBe(jsonl([rec(1, 'TaskUpdated'), rec(2, 'TaskUpdated'), rec(3, 'TaskUpdated')]));
  });
});
