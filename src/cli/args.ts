// Command line → RunOptions. Every problem is a UsageError (exit 2) that names the option, what it takes
// and what it got.

import { parseArgs } from 'node:util';
import type { RunOptions } from './run.js';
import type { ProgressMode } from './progress.js';
import { exampleLine } from './schema.js';
import { shownUrl } from './without-secrets.js';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The facade refuses more than TASKHUB_MAX_BATCH_ITEMS (default 1000) items per call. */
export const MAX_CHUNK_SIZE = 1000;
export const DEFAULT_CHUNK_SIZE = 500;

export const USAGE = `Usage: taskhub-batch <updates.jsonl | updates.csv> [options]

Sends task updates to taskhub's batchUpdateTasks in chunks and writes one result record per input line.

Input
  JSONL: one TaskUpdateInput per line, e.g. ${exampleLine()}
  CSV:   header backend,id,<field>,... (taskhub-batch --columns lists the fields of each backend)
  --format jsonl|csv           default: from the extension (.jsonl, .ndjson, .csv)

Sending
  --url URL                    GraphQL endpoint (default: env TASKHUB_URL, else http://127.0.0.1:4000/graphql)
  --api-key KEY                API key (default: env TASKHUB_API_KEY, which is preferable: arguments show in ps)
  --chunk-size N               items per call, 1-${MAX_CHUNK_SIZE}, at most the facade's TASKHUB_MAX_BATCH_ITEMS
                               (default ${DEFAULT_CHUNK_SIZE}; with --resume, the size the results were made with)
  --concurrency N              calls in flight, 1-16 (default 2)
  --retries N                  further attempts for a chunk that got no answer, 0-10 (default 3)
  --retry-delay-ms MS          backoff base between attempts (default 1000)
  --timeout-ms MS              limit for one call (default 300000)
  --dry-run                    validate and look every task up; nothing is written to any vendor

Results
  --out FILE                   results as JSONL (default: stdout); refuses a non-empty FILE without --resume
  --resume                     continue the run recorded in --out: lines answered there are skipped,
                               lines recorded as NOT_SENT / TRANSPORT_ERROR are sent again; appends
  --progress auto|bar|lines|none   on stderr; auto: a bar on a terminal, plain lines otherwise
  --progress-interval-ms MS    at most one progress line per MS (default 5000)

Batch job (the facade runs the whole file in the background; needs a facade with batch jobs)
  --job                        upload the file as one batch job, follow its progress, then write the results;
                               running the same command again re-attaches to the same job (the upload's
                               idempotency key is the file's SHA-256)
  --job-id ID                  re-attach to the job ID (printed when it started) with the same input file

  --columns                    print the CSV columns of each backend and exit
  -h, --help                   print this help and exit

Each chunk is sent with an idempotency key made from the input file's SHA-256 and the chunk's number, so
a rerun after a crash gets the facade's stored answer for a chunk it already applied (within its TTL).

Exit status: 0 every line succeeded (TaskUpdated or TaskUpdateAccepted); 1 a line failed, was malformed
(INVALID_LINE) or got no answer (NOT_SENT, TRANSPORT_ERROR); 2 usage or input-file error, nothing sent.`;

export type Command = { kind: 'help' } | { kind: 'columns' } | { kind: 'run'; options: RunOptions };

const PROGRESS_MODES: readonly ProgressMode[] = ['auto', 'bar', 'lines', 'none'];

function int(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}; got '${value}'`);
  }
  return Number(value);
}

export function parseCommand(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string' },
        url: { type: 'string' },
        'api-key': { type: 'string' },
        out: { type: 'string' },
        resume: { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        'chunk-size': { type: 'string' },
        concurrency: { type: 'string' },
        retries: { type: 'string' },
        'retry-delay-ms': { type: 'string' },
        'timeout-ms': { type: 'string' },
        progress: { type: 'string' },
        'progress-interval-ms': { type: 'string' },
        job: { type: 'boolean' },
        'job-id': { type: 'string' },
        columns: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values: v, positionals } = parsed;
  if (v.help) return { kind: 'help' };
  if (v.columns) return { kind: 'columns' };
  if (positionals.length !== 1) {
    throw new UsageError(positionals.length === 0 ? 'an input file is required' : `one input file, please; got ${positionals.length}: ${positionals.join(' ')}`);
  }
  const job = (v.job ?? false) || v['job-id'] !== undefined;
  if (job && v.resume) throw new UsageError('--resume continues a chunked run; a job is re-attached by running the same command again, or with --job-id');
  if (job && v['chunk-size'] !== undefined) throw new UsageError('--chunk-size does not apply to --job: the facade works the job in chunks of its own');
  if (v['job-id'] !== undefined && !/^[A-Za-z0-9_-]{1,200}$/.test(v['job-id'])) throw new UsageError(`--job-id must be a job id as the facade printed it; got '${v['job-id'].slice(0, 40)}'`);
  if (v.resume && !v.out) throw new UsageError('--resume needs --out: the results file of the run to continue');
  if (v.resume && v['dry-run']) throw new UsageError('--resume and --dry-run do not mix: a dry run has nothing to continue');
  const progress = (v.progress ?? 'auto') as ProgressMode;
  if (!PROGRESS_MODES.includes(progress)) throw new UsageError(`--progress must be one of ${PROGRESS_MODES.join(', ')}; got '${v.progress}'`);
  // An empty variable counts as unset, as shells make it easy to export one.
  const url = v.url ?? (env.TASKHUB_URL || 'http://127.0.0.1:4000/graphql');
  let parsedUrl: URL | undefined;
  try { parsedUrl = new URL(url); } catch { parsedUrl = undefined; }
  if (!parsedUrl || !/^https?:$/.test(parsedUrl.protocol)) throw new UsageError(`--url must be an http(s) URL; got '${shownUrl(url)}'`);
  if (parsedUrl.username || parsedUrl.password) {
    throw new UsageError(`--url must not hold credentials (got '${shownUrl(url)}'): give the API key with TASKHUB_API_KEY or --api-key`);
  }
  const apiKey = v['api-key'] ?? (env.TASKHUB_API_KEY || undefined);
  // A header cannot carry these: the key would never be sent, and the failure would look like a network one.
  if (apiKey !== undefined && /[\u0000-\u001f\u007f]/.test(apiKey)) {
    throw new UsageError('the API key holds a control character (a line break?): it cannot be sent in an HTTP header');
  }

  return {
    kind: 'run',
    options: {
      input: positionals[0]!,
      format: v.format,
      url,
      ...(apiKey ? { apiKey } : {}),
      ...(v.out !== undefined ? { out: v.out } : {}),
      resume: v.resume ?? false,
      ...(job ? { job: true } : {}),
      ...(v['job-id'] !== undefined ? { jobId: v['job-id'] } : {}),
      dryRun: v['dry-run'] ?? false,
      ...(v['chunk-size'] !== undefined ? { chunkSize: int('chunk-size', v['chunk-size'], DEFAULT_CHUNK_SIZE, 1, MAX_CHUNK_SIZE) } : {}),
      concurrency: int('concurrency', v.concurrency, 2, 1, 16),
      retries: int('retries', v.retries, 3, 0, 10),
      retryDelayMs: int('retry-delay-ms', v['retry-delay-ms'], 1000, 0, 60_000),
      timeoutMs: int('timeout-ms', v['timeout-ms'], 300_000, 100, 3_600_000),
      progress,
      progressIntervalMs: int('progress-interval-ms', v['progress-interval-ms'], 5000, 0, 3_600_000),
    },
  };
}
