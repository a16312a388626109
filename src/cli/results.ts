// The results file: JSONL, one record per input item line. A chunk's records are written with one
// write() once its answer is in, so a crash leaves whole chunks behind (at worst a torn last line, which
// --resume drops). --resume keeps every record that holds an answer and drops the NOT_SENT /
// TRANSPORT_ERROR ones (rewriting the file), so those lines are sent again and each line still ends up
// with exactly one record.

import { closeSync, existsSync, openSync, readFileSync, renameSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { InputFileError } from './input.js';

export interface OutRecord {
  /** 1-based line of the input file. */
  line: number;
  /** The chunk the item was sent in (0-based); null for INVALID_LINE. */
  chunk: number | null;
  /** The item's index in that chunk's batch (the facade's `index`); null for INVALID_LINE. */
  index: number | null;
  /** --chunk-size of the run that sent it: chunks (and their keys) depend on it. */
  chunkSize: number | null;
  /** The result's __typename, or INVALID_LINE, NOT_SENT, TRANSPORT_ERROR. */
  outcome: string;
  code: string | null;
  message: string | null;
  vendorCode: string | null;
  backend: string | null;
  nativeId: string | null;
  retryable: boolean | null;
  /** Ties the record to its input file (a hash prefix): resuming against another file is refused. */
  input: string;
  /** Present on the records of a --dry-run, which --resume refuses to continue. */
  dryRun?: true;
}

export const SUCCEEDED = new Set(['TaskUpdated', 'TaskUpdateAccepted']);
/** Outcomes of lines whose chunk got no answer: --resume sends them again. */
export const UNANSWERED = new Set(['NOT_SENT', 'TRANSPORT_ERROR']);

const isRecord = (v: unknown): v is OutRecord => typeof v === 'object' && v !== null
  && Number.isInteger((v as OutRecord).line) && typeof (v as OutRecord).outcome === 'string' && typeof (v as OutRecord).input === 'string';

export interface Previous {
  /** Line → its record, for every line answered by an earlier run. */
  answered: Map<number, OutRecord>;
  /** Records dropped so their lines are sent again (NOT_SENT, TRANSPORT_ERROR, a torn last line). */
  dropped: number;
  /** The chunk size of the latest run recorded, if any record says. */
  chunkSize?: number;
}

/**
 * Each non-empty line of a results file: its record, or null when it is none; `last` tells a torn last
 * record (as a crash leaves it) from a foreign line in the middle.
 */
function* resultLines(text: string): Generator<{ raw: string; number: number; rec: OutRecord | null; last: boolean }> {
  const lines = text.split('\n');
  for (const [i, raw] of lines.entries()) {
    if (raw.trim() === '') continue;
    let rec: unknown;
    try { rec = JSON.parse(raw); } catch { rec = undefined; }
    yield { raw, number: i + 1, rec: isRecord(rec) ? rec : null, last: i === lines.length - 1 };
  }
}

/** Reads an existing results file for --resume, and rewrites it without the records it drops. */
export function readPrevious(path: string, inputTag: string): Previous {
  const answered = new Map<number, OutRecord>();
  if (!existsSync(path)) return { answered, dropped: 0 };
  if (statSync(path).isDirectory()) throw new InputFileError(`--out ${path} is a directory; give a file`);
  const text = readFileSync(path, 'utf8');
  let dropped = 0;
  let chunkSize: number | undefined;
  const kept: string[] = [];
  for (const { raw, number, rec, last } of resultLines(text)) {
    if (!rec) {
      // A crash can tear the last record; anything else means this is not our file.
      if (last) { dropped++; continue; }
      throw new InputFileError(`--out ${path}: line ${number} is not a taskhub-batch result record; not resuming`);
    }
    if (rec.dryRun) throw new InputFileError(`--out ${path} holds --dry-run results; resume into another --out`);
    if (rec.input !== inputTag) {
      throw new InputFileError(`--out ${path} holds results for another input file (input ${rec.input}, this file is ${inputTag}); use another --out`);
    }
    if (answered.has(rec.line)) throw new InputFileError(`--out ${path} answers input line ${rec.line} twice; not resuming`);
    if (Number.isInteger(rec.chunkSize)) chunkSize = rec.chunkSize!;
    if (UNANSWERED.has(rec.outcome)) { dropped++; continue; }
    answered.set(rec.line, rec);
    kept.push(raw);
  }
  // Appending to a file that does not end its last record would glue two records together.
  if (dropped > 0 || (text.length > 0 && !text.endsWith('\n'))) {
    // Replace, never truncate in place: a crash here leaves the old file or the new one, not half of each.
    const tmp = `${path}.taskhub-batch.tmp`;
    writeFileSync(tmp, kept.map((l) => `${l}\n`).join(''));
    renameSync(tmp, path);
  }
  return { answered, dropped, ...(chunkSize !== undefined ? { chunkSize } : {}) };
}

/**
 * Whether `path` holds job results of the input `inputTag` only (a torn last record allowed): what a run of
 * the same --job command left, which may be written anew. False for a missing or empty file, or anything else.
 */
export function holdsOnlyResultsOf(path: string, inputTag: string): boolean {
  if (!existsSync(path) || statSync(path).isDirectory()) return false;
  let records = 0;
  for (const { rec, last } of resultLines(readFileSync(path, 'utf8'))) {
    if (!rec) {
      if (last) continue;
      return false;
    }
    // A chunked run's records (chunk set) are the only record of its unanswered lines and of --resume:
    // never written over by a job.
    if (rec.input !== inputTag || rec.chunk !== null) return false;
    records++;
  }
  return records > 0;
}

export class ResultsWriter {
  private constructor(private readonly fd: number | null, private readonly stdout: NodeJS.WritableStream) {}

  /**
   * `path` undefined writes to stdout. A fresh run refuses to overwrite results it did not make; `replace`
   * writes the file anew (a job's results, written whole each time, over an earlier run's of the same input).
   */
  static open(path: string | undefined, resume: boolean, stdout: NodeJS.WritableStream, replace = false): ResultsWriter {
    if (path === undefined) return new ResultsWriter(null, stdout);
    if (existsSync(path) && statSync(path).isDirectory()) throw new InputFileError(`--out ${path} is a directory; give a file`);
    if (!resume && !replace && existsSync(path) && statSync(path).size > 0) {
      throw new InputFileError(`--out ${path} already holds results: pass --resume to continue that run, or choose another file`);
    }
    try {
      return new ResultsWriter(openSync(path, resume ? 'a' : 'w'), stdout);
    } catch (err) {
      // A folder that does not exist, no permission: the option's problem, before anything is sent.
      throw new InputFileError(`--out ${path} cannot be written: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }

  write(records: readonly OutRecord[]): void {
    if (records.length === 0) return;
    const block = records.map((r) => `${JSON.stringify(r)}\n`).join('');
    if (this.fd === null) this.stdout.write(block);
    else writeSync(this.fd, block);
  }

  async close(): Promise<void> {
    if (this.fd !== null) { closeSync(this.fd); return; }
    // Let a piped stdout drain before the process decides its exit code.
    await new Promise<void>((resolve) => this.stdout.write('', () => resolve()));
  }
}
