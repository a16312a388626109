// Input file → one entry per item line: a checked TaskUpdateInput ready to send, or the reason the line
// cannot be sent. Blank lines (and the CSV header) are not items. Problems with the file as a whole (not
// UTF-8, unreadable CSV quoting, a bad header) are InputFileErrors: nothing is sent then.

import type { Backend, TaskUpdateInput } from '../generated/graphql.js';
import { BACKEND_OF, VENDORS, coerceItem, exampleLine } from './schema.js';
import type { VendorKey } from './schema.js';

export type Format = 'jsonl' | 'csv';

export interface ItemLine {
  kind: 'item';
  /** 1-based line of the input file where the item starts. */
  line: number;
  item: TaskUpdateInput;
  backend: Backend;
  nativeId: string;
}

export interface InvalidLine {
  kind: 'invalid';
  line: number;
  /** What is wrong, without the line number. */
  error: string;
  /** As far as the line tells. */
  backend: Backend | null;
  nativeId: string | null;
}

export type InputLine = ItemLine | InvalidLine;

export class InputFileError extends Error {
  override readonly name = 'InputFileError';
}

export function formatOf(path: string, explicit?: string): Format {
  if (explicit !== undefined) {
    if (explicit === 'jsonl' || explicit === 'csv') return explicit;
    throw new InputFileError(`--format must be jsonl or csv; got '${explicit}'`);
  }
  if (/\.(jsonl|ndjson)$/i.test(path)) return 'jsonl';
  if (/\.csv$/i.test(path)) return 'csv';
  throw new InputFileError(`cannot tell the format of '${path}' from its extension (.jsonl, .ndjson or .csv); pass --format jsonl or --format csv`);
}

export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ERR_ENCODING_INVALID_ENCODED_DATA') throw new InputFileError('the input file is not valid UTF-8');
    // Longer than the longest string this Node holds (~512 MB): the file's size is the problem, not its bytes.
    throw new InputFileError(`the input file is too large to read at once (${bytes.length} bytes): split it`);
  }
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Which backend and task a (possibly invalid) item names, for the results file. */
function identify(raw: unknown): { backend: Backend | null; nativeId: string | null } {
  if (!isPlainObject(raw)) return { backend: null, nativeId: null };
  const keys = Object.keys(raw).filter((k) => k in BACKEND_OF) as VendorKey[];
  if (keys.length !== 1) return { backend: null, nativeId: null };
  const vendor = VENDORS.find((v) => v.key === keys[0])!;
  const body = raw[vendor.key];
  const id = isPlainObject(body) ? body[vendor.idField] : undefined;
  return { backend: vendor.backend, nativeId: typeof id === 'string' || typeof id === 'number' ? String(id) : null };
}

/** Checks one parsed item against the schema, as the facade would. */
export function checkItem(line: number, raw: unknown): InputLine {
  const { backend, nativeId } = identify(raw);
  if (!isPlainObject(raw)) {
    return { kind: 'invalid', line, error: `expected a JSON object with one vendor key, e.g. ${exampleLine()}`, backend, nativeId };
  }
  const result = coerceItem(raw);
  if ('problems' in result) return { kind: 'invalid', line, error: result.problems.join('; '), backend, nativeId };
  return { kind: 'item', line, item: result.item, backend: backend!, nativeId: nativeId! };
}

export function parseJsonl(text: string): InputLine[] {
  const out: InputLine[] = [];
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  lines.forEach((rawLine, i) => {
    const content = rawLine.replace(/\r$/, '');
    if (content.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(content);
    } catch (err) {
      out.push({ kind: 'invalid', line: i + 1, error: `not valid JSON: ${(err as Error).message}`, backend: null, nativeId: null });
      return;
    }
    out.push(checkItem(i + 1, value));
  });
  return out;
}
