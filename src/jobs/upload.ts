// A batch job's `file`: JSONL or CSV in the taskhub-batch CLI's line format, read by the same parsers
// the CLI uses (pure functions that check each line against the committed schema). A file with a line
// that is not an item is refused as a whole, naming the lines, like a GraphQL request with a malformed
// item: nothing is queued, and the client fixes the file.

import type { ItemLine } from '../cli/input.js';
import type { TaskUpdateInput } from '../generated/graphql.js';

/** At most this many bad lines are named in the error. */
const MAX_NAMED = 10;

export class UploadError extends Error {
  override readonly name = 'UploadError';
}

function formatOf(file: File): 'jsonl' | 'csv' {
  if (/\.(jsonl|ndjson)$/i.test(file.name)) return 'jsonl';
  if (/\.csv$/i.test(file.name)) return 'csv';
  if (/^text\/csv\b/i.test(file.type)) return 'csv';
  if (/^application\/(x-)?(ndjson|jsonl|x-jsonlines)\b/i.test(file.type)) return 'jsonl';
  throw new UploadError(`cannot tell the format of the file '${file.name.slice(0, 80)}': name it .jsonl, .ndjson or .csv, or send it as text/csv or application/x-ndjson`);
}

/** The file's items in file order, as GraphQL input values (TaskUpdateInput). */
export async function readUploadedItems(file: File, maxItems: number): Promise<TaskUpdateInput[]> {
  const format = formatOf(file);
  // Imported on the first upload: the CLI's parsers build their own schema from the SDL at load (~4 MB of
  // resident memory a process that never receives a file need not hold).
  const [{ decodeUtf8, InputFileError, parseJsonl }, { parseCsv }] = await Promise.all([import('../cli/input.js'), import('../cli/csv.js')]);
  let lines;
  try {
    const text = decodeUtf8(new Uint8Array(await file.arrayBuffer()));
    lines = format === 'csv' ? parseCsv(text) : parseJsonl(text);
  } catch (err) {
    if (err instanceof InputFileError) throw new UploadError(`input.file: ${err.message}`);
    throw err;
  }
  if (lines.length > maxItems) {
    throw new UploadError(`input.file has ${lines.length} items; at most ${maxItems} are accepted per job (TASKHUB_MAX_JOB_ITEMS)`);
  }
  const bad = lines.filter((l) => l.kind === 'invalid');
  if (bad.length > 0) {
    const named = bad.slice(0, MAX_NAMED).map((l) => `line ${l.line}: ${l.kind === 'invalid' ? l.error : ''}`).join('; ');
    const more = bad.length > MAX_NAMED ? ` (and ${bad.length - MAX_NAMED} more)` : '';
    throw new UploadError(`input.file has ${bad.length} line(s) that are not valid items, so nothing was queued: ${named}${more}`);
  }
  return (lines as ItemLine[]).map((l) => l.item);
}
