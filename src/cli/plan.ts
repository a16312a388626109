// Chunks and their idempotency keys. Both depend only on the input file (its bytes, the format it is read
// as) and --chunk-size, never on what an earlier run answered: a rerun after a crash rebuilds the same
// chunks under the same keys, so the facade replays a chunk it already applied (within its TTL) instead
// of writing it again. Chunking what is left instead would put different items under a known key, which
// the facade refuses (IDEMPOTENCY_KEY_REUSED).

import { createHash } from 'node:crypto';
import type { Format, InputLine, ItemLine } from './input.js';

export interface Chunk {
  /** 0-based position among the file's chunks. */
  index: number;
  /** null for dry runs: a replayed dry run would show stale lookups. */
  key: string | null;
  lines: ItemLine[];
}

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** What the results file records to tie it to one input file (a resume against another file is refused). */
export const inputTag = (inputHash: string) => inputHash.slice(0, 16);

export function chunkKey(inputHash: string, format: Format, chunkSize: number, index: number): string {
  return `taskhub-batch:v1:${inputHash.slice(0, 32)}:${format}:${chunkSize}:${index}`;
}

export function planChunks(lines: readonly InputLine[], opts: { chunkSize: number; inputHash: string; format: Format; dryRun: boolean }): Chunk[] {
  const items = lines.filter((l): l is ItemLine => l.kind === 'item');
  const chunks: Chunk[] = [];
  for (let start = 0, index = 0; start < items.length; start += opts.chunkSize, index++) {
    chunks.push({
      index,
      key: opts.dryRun ? null : chunkKey(opts.inputHash, opts.format, opts.chunkSize, index),
      lines: items.slice(start, start + opts.chunkSize),
    });
  }
  return chunks;
}
