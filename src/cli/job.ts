// taskhub-batch --job: the whole file becomes one batch job on the facade (startBatchUpdateJob with the
// file as a GraphQL multipart upload), followed over Server-Sent Events with the same progress display,
// and when it ends its results are paged and written one record per input line. The upload carries an
// idempotency key made from the file's SHA-256, so running the same command again after a crash
// re-attaches to the same job instead of starting another; --job-id attaches to a job by its id.

import { setTimeout as sleep } from 'node:timers/promises';
import { print } from 'graphql';
import { BatchUpdateJobDocument, BatchUpdateJobProgressDocument, BatchUpdateJobResultsDocument, StartBatchUpdateJobDocument } from '../generated/graphql.js';
import type { BatchUpdateJobResultsQuery } from '../generated/graphql.js';
import { formatOf, InputFileError } from './input.js';
import type { InputLine, ItemLine } from './input.js';
import { inputTag, sha256 } from './plan.js';
import { holdsOnlyResultsOf, ResultsWriter, SUCCEEDED } from './results.js';
import type { OutRecord } from './results.js';
import { createProgress } from './progress.js';
import type { Tally } from './progress.js';
import { readInputLines } from './run.js';
import type { RunIo, RunOptions } from './run.js';
import { withoutSecrets } from './without-secrets.js';

/** Results per page when the job has ended. */
const PAGE = 5000;
/** The progress stream is re-opened this many times in a row at most when it breaks. */
const MAX_RECONNECTS = 20;

export class JobError extends Error {
  override readonly name = 'JobError';
}

interface JobView { id: string; state: string; total: number; done: number; succeeded: number; accepted: number; failed: number }
type ResultNode = NonNullable<BatchUpdateJobResultsQuery['batchUpdateJob']>['results']['edges'][number]['node'];

const FINISHED = new Set(['COMPLETED', 'CANCELLED', 'FAILED']);

export async function runJob(opts: RunOptions & { jobId?: string }, io: RunIo): Promise<number> {
  const format = formatOf(opts.input, opts.format);
  const { bytes, lines } = readInputLines(opts);
  const invalid = lines.filter((l) => l.kind === 'invalid');
  if (invalid.length > 0) {
    // The facade refuses a job file with any malformed line; say which here, before uploading.
    const listed = invalid.slice(0, 20).map((l) => `line ${l.line}: ${l.kind === 'invalid' ? l.error : ''}`).join('\n');
    throw new InputFileError(`${invalid.length} line(s) are not valid items; a job file must have none (fix them, or run without --job):\n${listed}`);
  }
  const items = lines as ItemLine[];
  const hash = sha256(bytes);
  const tag = inputTag(hash);
  // Opened before anything is uploaded, so a bad --out stops the command before a job exists. A job's
  // results are written whole each time: what an earlier run of this same command left (cut short by a
  // crash, say) is written anew; a file of anything else is refused as for a chunked run.
  const writer = ResultsWriter.open(opts.out, false, io.stdout, opts.out !== undefined && holdsOnlyResultsOf(opts.out, tag));
  const client = new JobClient(opts.url, opts.apiKey, opts.timeoutMs);
  const progress = createProgress(opts.progress, io.stderr, opts.progressIntervalMs);

  let job: JobView;
  if (opts.jobId) {
    const found = await client.get(opts.jobId);
    if (!found) throw new JobError(`the facade has no job ${opts.jobId} for this API key (it may have expired)`);
    job = found;
    io.stderr.write(`attached to job ${job.id} (${job.state})\n`);
  } else {
    const name = `updates.${format === 'csv' ? 'csv' : 'jsonl'}`;
    job = await client.start(new Blob([new Uint8Array(bytes)]), name, { dryRun: opts.dryRun, idempotencyKey: `taskhub-batch:job:${hash}${opts.dryRun ? ':dry' : ''}` });
    io.stderr.write(`job ${job.id} (${job.state}); if this command stops, run it again or pass --job-id ${job.id} to re-attach\n`);
  }
  if (job.total !== items.length) {
    const message = `job ${job.id} has ${job.total} items but ${opts.input} has ${items.length}: is it the job of this file?`;
    // Re-attaching with another file is the caller's mistake (exit 2, as for any unusable input): nothing
    // was sent by this command. A new job the facade counted otherwise is the facade's answer.
    throw opts.jobId ? new InputFileError(message) : new JobError(message);
  }

  const tally = (j: JobView): Tally => ({ done: j.done, succeeded: j.succeeded + j.accepted, failed: j.failed, unanswered: 0 });
  progress.start(items.length, tally(job));
  try {
    let breaks = 0;
    while (!FINISHED.has(job.state)) {
      try {
        for await (const update of client.follow(job.id)) {
          job = update;
          breaks = 0;
          progress.update(tally(job));
        }
      } catch (err) {
        // Whatever broke it (a reset, a bad event, the facade's refusal), said in one line without the key.
        const why = withoutSecrets((err as Error).message, [opts.apiKey]);
        if (++breaks > MAX_RECONNECTS) throw new JobError(`the progress stream broke ${breaks} times; last: ${why}`);
        progress.note(`progress stream broke (${why}); reconnecting`);
        await sleep(Math.min(10_000, 500 * breaks));
        job = (await client.get(job.id)) ?? job;
      }
    }
  } finally {
    progress.stop(tally(job));
  }

  const outcomes = new Map<string, number>();
  let succeeded = 0;
  try {
    for await (const page of client.results(job.id)) {
      const records: OutRecord[] = page.map((r) => {
        const l = items[r.index];
        if (!l) throw new JobError(`the facade answered index ${r.index}, beyond the ${items.length} items of ${opts.input}`);
        const error = 'code' in r ? r : undefined;
        return {
          line: l.line, chunk: null, index: r.index, chunkSize: null, outcome: r.__typename,
          code: error?.code ?? null, message: error?.message ?? ('message' in r ? r.message : null), vendorCode: error?.vendorCode ?? null,
          backend: r.backend, nativeId: r.nativeId, retryable: error ? error.retryable : null,
          input: tag, ...(opts.dryRun ? { dryRun: true as const } : {}),
        };
      });
      writer.write(records);
      for (const r of records) {
        outcomes.set(r.outcome, (outcomes.get(r.outcome) ?? 0) + 1);
        if (SUCCEEDED.has(r.outcome)) succeeded++;
      }
    }
  } finally {
    await writer.close();
  }
  const detail = [...outcomes].sort(([a], [b]) => a.localeCompare(b)).map(([o, n]) => `${o} ${n}`).join(', ');
  io.stderr.write(`job ${job.id} ${job.state}: ${items.length} lines: ${succeeded} succeeded, ${items.length - succeeded} did not${detail ? ` (${detail})` : ''}${opts.out ? `; results in ${opts.out}` : ''}\n`);
  return job.state === 'COMPLETED' && succeeded === items.length ? 0 : 1;
}

/** The facade's batch job API over plain fetch: multipart upload, JSON queries, SSE. */
class JobClient {
  constructor(private readonly url: string, private readonly apiKey: string | undefined, private readonly timeoutMs: number) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}), ...extra };
  }

  /**
   * One call to the facade. `--timeout-ms` bounds it (the progress stream, which lasts as long as the job,
   * is bounded by `idle` instead); a network failure or a timeout is a JobError saying so, not a stack.
   */
  private async fetch(init: RequestInit, signal: AbortSignal = AbortSignal.timeout(this.timeoutMs)): Promise<Response> {
    try {
      return await fetch(this.url, { ...init, signal });
    } catch (err) {
      const e = err as { name?: string; cause?: { code?: unknown; message?: string }; message?: string };
      const why = e.name === 'TimeoutError' ? `no answer within --timeout-ms (${this.timeoutMs} ms)`
        : typeof e.cause?.code === 'string' ? e.cause.code : e.cause?.message ?? e.message ?? String(err);
      throw this.error(`could not reach the facade: ${why}`);
    }
  }

  /** An error whose text may quote the facade or a proxy, which may echo the key back. */
  private error(message: string): JobError {
    return new JobError(withoutSecrets(message, [this.apiKey]));
  }

  async start(file: Blob, name: string, input: { dryRun: boolean; idempotencyKey: string }): Promise<JobView> {
    const form = new FormData();
    form.set('operations', JSON.stringify({ query: print(StartBatchUpdateJobDocument), variables: { input: { ...input, file: null } } }));
    form.set('map', JSON.stringify({ 0: ['variables.input.file'] }));
    form.set('0', file, name);
    // A multipart POST is a "simple" request: the facade's CSRF guard wants this header on it.
    const res = await this.fetch({ method: 'POST', body: form, headers: this.headers({ 'x-graphql-yoga-csrf': '1' }) });
    const body = await this.json(res);
    return body.startBatchUpdateJob as JobView;
  }

  async get(id: string): Promise<JobView | null> {
    return (await this.query(print(BatchUpdateJobDocument), { id })).batchUpdateJob as JobView | null;
  }

  async *follow(id: string): AsyncGenerator<JobView> {
    // The facade sends an event at least every second while the job runs: a stream silent for longer than
    // --timeout-ms (10 s at least) has stalled, and is dropped (the caller reconnects).
    const idleMs = Math.max(this.timeoutMs, 10_000);
    const idle = new AbortController();
    let timer = setTimeout(() => idle.abort(), idleMs);
    let reader: ReadableStreamDefaultReader<string> | undefined;
    let buffer = '';
    try {
      const res = await this.fetch({
        method: 'POST',
        headers: this.headers({ 'content-type': 'application/json', accept: 'text/event-stream' }),
        body: JSON.stringify({ query: print(BatchUpdateJobProgressDocument), variables: { id } }),
      }, idle.signal);
      if (!res.ok || !res.body) throw this.error(`the facade answered HTTP ${res.status} to the progress stream`);
      reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read().catch((err: unknown) => {
          throw idle.signal.aborted ? this.error(`the progress stream was silent for ${idleMs} ms`) : err;
        });
        clearTimeout(timer);
        timer = setTimeout(() => idle.abort(), idleMs);
        if (done) return;
        buffer += value;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const event = /^event: ?(.*)$/m.exec(block)?.[1]?.trim();
          const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
          if (event === 'complete') return;
          if (!data) continue;
          const body = JSON.parse(data) as { data?: { batchUpdateJobProgress?: JobView }; errors?: Array<{ message: string }> };
          if (body.errors?.length) throw this.error(body.errors.map((e) => e.message).join('; '));
          if (body.data?.batchUpdateJobProgress) yield body.data.batchUpdateJobProgress;
        }
      }
    } finally {
      // Also when the stream never opened: the idle timer must not hold the process for idleMs.
      clearTimeout(timer);
      await reader?.cancel().catch(() => undefined);
    }
  }

  async *results(id: string): AsyncGenerator<ResultNode[]> {
    let after: string | null = null;
    for (;;) {
      const data = await this.query(print(BatchUpdateJobResultsDocument), { id, first: PAGE, after });
      const job = data.batchUpdateJob as BatchUpdateJobResultsQuery['batchUpdateJob'];
      if (!job) throw new JobError(`job ${id} is gone (expired?) while its results were read`);
      yield job.results.edges.map((e) => e.node);
      if (!job.results.pageInfo.hasNextPage) return;
      after = job.results.pageInfo.endCursor ?? null;
    }
  }

  private async query(query: string, variables: Record<string, unknown>): Promise<Record<string, unknown>> {
    const res = await this.fetch({
      method: 'POST', headers: this.headers({ 'content-type': 'application/json', accept: 'application/json' }),
      body: JSON.stringify({ query, variables }),
    });
    return this.json(res);
  }

  private async json(res: Response): Promise<Record<string, unknown>> {
    let body: { data?: Record<string, unknown> | null; errors?: Array<{ message: string }> };
    try {
      body = await res.json() as typeof body;
    } catch {
      throw this.error(`the facade answered HTTP ${res.status} without a GraphQL body`);
    }
    if (body.errors?.length || !body.data) {
      throw this.error(`the facade refused: ${(body.errors ?? []).map((e) => e.message).join('; ') || `HTTP ${res.status}`}`);
    }
    return body.data;
  }
}
