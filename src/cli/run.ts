// One taskhub-batch run: read and check the input, answer malformed lines locally, send the chunks that
// still lack answers at a bounded concurrency, write one record per line, and say how it went. The exit
// code looks at every line of the file, earlier runs' answers included: 0 when all succeeded, else 1.

import { readFileSync } from 'node:fs';
import { decodeUtf8, formatOf, InputFileError, parseJsonl } from './input.js';
import type { InputLine, ItemLine } from './input.js';
import { parseCsv } from './csv.js';
import { DEFAULT_CHUNK_SIZE } from './args.js';
import { inputTag, planChunks, sha256 } from './plan.js';
import type { Chunk } from './plan.js';
import { readPrevious, ResultsWriter, SUCCEEDED, UNANSWERED } from './results.js';
import type { OutRecord } from './results.js';
import { BatchTransport } from './transport.js';
import type { ChunkFailure, ServerResult } from './transport.js';
import { createProgress } from './progress.js';
import type { ProgressMode, Tally } from './progress.js';

export interface RunOptions {
  input: string;
  format?: string;
  url: string;
  apiKey?: string;
  out?: string;
  resume: boolean;
  dryRun: boolean;
  /** Unset: the size recorded in the results file being resumed, else DEFAULT_CHUNK_SIZE. */
  chunkSize?: number;
  concurrency: number;
  retries: number;
  retryDelayMs: number;
  timeoutMs: number;
  progress: ProgressMode;
  progressIntervalMs: number;
  /** --job: one batch job on the facade instead of chunked batchUpdateTasks calls. */
  job?: boolean;
  /** --job-id: re-attach to this job. */
  jobId?: string;
}

export interface RunIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/** Malformed lines are listed on stderr up to this many; all of them are in the results. */
const MAX_LISTED = 50;

/** The input file's bytes (for its hash) and its lines, parsed as JSONL or CSV. */
export function readInputLines(opts: Pick<RunOptions, 'input' | 'format'>): { bytes: Buffer; lines: InputLine[] } {
  const format = formatOf(opts.input, opts.format);
  let bytes: Buffer;
  try {
    bytes = readFileSync(opts.input);
  } catch (err) {
    throw new InputFileError(`cannot read input file ${opts.input}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const text = decodeUtf8(bytes);
  return { bytes, lines: format === 'csv' ? parseCsv(text) : parseJsonl(text) };
}

export async function run(opts: RunOptions, io: RunIo): Promise<number> {
  const format = formatOf(opts.input, opts.format);
  const { bytes, lines } = readInputLines(opts);
  const hash = sha256(bytes);
  const tag = inputTag(hash);

  const previous = opts.resume && opts.out ? readPrevious(opts.out, tag) : { answered: new Map<number, OutRecord>(), dropped: 0 };
  const answered = previous.answered;
  const earlier = answered.size;
  const writer = ResultsWriter.open(opts.out, opts.resume, io.stdout);
  const chunkSize = opts.chunkSize ?? previous.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const base = { input: tag, ...(opts.dryRun ? { dryRun: true as const } : {}) };

  const invalid = lines.filter((l) => l.kind === 'invalid' && !answered.has(l.line));
  invalid.slice(0, MAX_LISTED).forEach((l) => { if (l.kind === 'invalid') io.stderr.write(`line ${l.line}: ${l.error}\n`); });
  if (invalid.length > MAX_LISTED) io.stderr.write(`... and ${invalid.length - MAX_LISTED} more malformed lines (all are in the results)\n`);
  const invalidRecords: OutRecord[] = invalid.map((l) => ({
    line: l.line, chunk: null, index: null, chunkSize: null, outcome: 'INVALID_LINE', code: 'INVALID_LINE', message: l.kind === 'invalid' ? l.error : null,
    vendorCode: null, backend: l.backend, nativeId: l.nativeId, retryable: false, ...base,
  }));
  writer.write(invalidRecords);
  for (const r of invalidRecords) answered.set(r.line, r);

  const tally: Tally = { done: 0, succeeded: 0, failed: 0, unanswered: 0 };
  const count = (r: OutRecord) => {
    tally.done++;
    if (SUCCEEDED.has(r.outcome)) tally.succeeded++;
    else if (UNANSWERED.has(r.outcome)) tally.unanswered++;
    else tally.failed++;
  };
  for (const r of answered.values()) count(r);

  const chunks = planChunks(lines, { chunkSize, inputHash: hash, format, dryRun: opts.dryRun });
  const pending = chunks.filter((c) => c.lines.some((l) => !answered.has(l.line)));
  const progress = createProgress(opts.progress, io.stderr, opts.progressIntervalMs);
  if (opts.resume && (earlier > 0 || previous.dropped > 0)) {
    progress.note(`resuming: ${earlier} lines answered earlier are skipped; ${previous.dropped} earlier records (no answer, or torn) were dropped and their lines are sent again`);
  }
  if (previous.chunkSize !== undefined && previous.chunkSize !== chunkSize) {
    progress.note(`warning: the results were made with --chunk-size ${previous.chunkSize}; chunks of ${chunkSize} travel under new keys, so a line whose earlier chunk was applied without its answer being recorded will be applied again`);
  }
  progress.start(lines.length, { ...tally });

  const transport = new BatchTransport({ url: opts.url, apiKey: opts.apiKey, timeoutMs: opts.timeoutMs, retries: opts.retries, retryDelayMs: opts.retryDelayMs });
  const sendOne = async (planned: Chunk) => {
    const chunk = whatToSend(planned, answered, chunkSize, progress.note);
    const answer = await transport.send(
      { items: chunk.lines.map((l) => l.item), dryRun: opts.dryRun, ...(chunk.key ? { idempotencyKey: chunk.key } : {}) },
      (attempt, f, delay) => progress.note(`chunk ${chunk.index} (${describe(chunk)}): attempt ${attempt} failed: ${f.code}: ${f.message}; retrying in ${delay} ms`),
    );
    const records = chunk.lines.map((l, i) => ({
      ...(answer.ok ? fromResult(l, chunk, chunkSize, answer.payload.results[i]!) : fromFailure(l, chunk, chunkSize, i, answer.failure)),
      ...base,
    })).filter((r) => !answered.has(r.line));
    writer.write(records);
    for (const r of records) { answered.set(r.line, r); count(r); }
    if (!answer.ok) progress.note(`chunk ${chunk.index} (${describe(chunk)}): ${answer.failure.outcome} ${answer.failure.code}: ${answer.failure.message}`);
    progress.update({ ...tally });
  };

  // Ctrl-C: every answered line is already on disk (records are written as they come); say so, and how to go on.
  const onInterrupt = () => {
    progress.stop({ ...tally });
    const how = opts.out
      ? `they are in ${opts.out}; run the same command with --resume to continue (lines in flight are sent again under the same keys, nothing is applied twice)`
      : 'they went to stdout; to be able to continue a run, give it --out FILE and then --resume';
    io.stderr.write(`\ninterrupted: ${tally.done} of ${lines.length} lines answered; ${how}\n`);
    process.exit(130);
  };
  process.once('SIGINT', onInterrupt);
  try {
    const queue = [...pending];
    const worker = async () => { for (let c = queue.shift(); c; c = queue.shift()) await sendOne(c); };
    await Promise.all(Array.from({ length: Math.min(opts.concurrency, queue.length) }, worker));
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    progress.stop({ ...tally });
    await transport.close();
    await writer.close();
  }

  const byOutcome = new Map<string, number>();
  for (const r of answered.values()) byOutcome.set(r.outcome, (byOutcome.get(r.outcome) ?? 0) + 1);
  const detail = [...byOutcome].sort(([a], [b]) => a.localeCompare(b)).map(([o, n]) => `${o} ${n}`).join(', ');
  io.stderr.write(`${opts.dryRun ? 'dry run: ' : ''}${lines.length} lines: ${tally.succeeded} succeeded, ${tally.failed} failed, ${tally.unanswered} unanswered${detail ? ` (${detail})` : ''}${opts.out ? `; results in ${opts.out}` : ''}\n`);
  return lines.every((l) => SUCCEEDED.has(answered.get(l.line)?.outcome ?? '')) ? 0 : 1;
}

/**
 * A chunk part of which was answered earlier (a torn results file, or a resume with another chunk size).
 * When those answers came from this very chunk, the whole chunk goes again under its key: within the
 * facade's TTL that is a replay and nothing is applied twice (its key must carry the same items). When
 * they came from other chunks, only the unanswered lines go, under a key of their own.
 */
function whatToSend(chunk: Chunk, answered: ReadonlyMap<number, OutRecord>, chunkSize: number, note: (m: string) => void): Chunk {
  const todo = chunk.lines.filter((l) => !answered.has(l.line));
  if (todo.length === chunk.lines.length) return chunk;
  const done = chunk.lines.length - todo.length;
  const sameChunk = chunk.lines.every((l) => { const r = answered.get(l.line); return !r || (r.chunk === chunk.index && r.chunkSize === chunkSize); });
  if (sameChunk) {
    note(`chunk ${chunk.index}: ${done} of its lines were answered earlier; resending the whole chunk under its key`);
    return chunk;
  }
  note(`chunk ${chunk.index}: ${done} of its lines were answered by other chunks earlier; sending the other ${todo.length}`);
  const key = chunk.key && `${chunk.key}:rest:${sha256(Buffer.from(todo.map((l) => l.line).join(','))).slice(0, 16)}`;
  return { ...chunk, key, lines: todo };
}

const describe = (chunk: Chunk) => `lines ${chunk.lines[0]!.line}-${chunk.lines.at(-1)!.line}`;

function fromResult(l: ItemLine, chunk: Chunk, chunkSize: number, r: ServerResult): Omit<OutRecord, 'input'> {
  const error = 'code' in r ? r : undefined;
  return {
    line: l.line, chunk: chunk.index, index: r.index, chunkSize, outcome: r.__typename,
    code: error?.code ?? null,
    message: error?.message ?? ('message' in r ? r.message : null),
    vendorCode: error?.vendorCode ?? null,
    backend: r.backend, nativeId: r.nativeId,
    retryable: error ? error.retryable : null,
  };
}

function fromFailure(l: ItemLine, chunk: Chunk, chunkSize: number, index: number, f: ChunkFailure): Omit<OutRecord, 'input'> {
  return {
    line: l.line, chunk: chunk.index, index, chunkSize, outcome: f.outcome, code: f.code, message: f.message,
    vendorCode: null, backend: l.backend, nativeId: l.nativeId, retryable: f.retryable,
  };
}
