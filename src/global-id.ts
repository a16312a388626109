// Opaque global ids (`Node.id`) and list cursors. Both are base64url of a small text form so clients
// treat them as opaque; decoding validates everything, because they come back from clients.

// A backend outside `backends` (the registered ones unless the schema was built for another list) makes
// the id invalid.

import { BACKENDS } from './vendors/index.js';
import type { Backend } from './domain.js';

const enc = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
const dec = (s: string) => Buffer.from(s, 'base64url').toString('utf8');

export const encodeGlobalId = (backend: Backend, nativeId: string): string => enc(`Task:${backend}:${nativeId}`);

export function decodeGlobalId(id: string, backends: readonly Backend[] = BACKENDS): { backend: Backend; nativeId: string } | null {
  const text = dec(id);
  const m = /^Task:([A-Z0-9_]+):([\s\S]+)$/.exec(text);
  if (!m || !backends.includes(m[1]!) || enc(text) !== id) return null;
  return { backend: m[1], nativeId: m[2]! };
}

/**
 * A position in the merged list: the next task to return is at `offset` of `backend`'s own list.
 * `skipped`: backends before it whose tasks an earlier page of the walk could not read (they failed), so
 * every later page can say the walk misses them.
 */
export interface ListPosition { backend: Backend; offset: number; skipped?: readonly Backend[] }

/** `c1:<backend>:<offset>`, or `c2:<backend>:<offset>:<skipped,…>` once a backend was skipped. */
export const encodeCursor = (p: ListPosition): string => enc(p.skipped?.length
  ? `c2:${p.backend}:${p.offset}:${p.skipped.join(',')}`
  : `c1:${p.backend}:${p.offset}`);

export function decodeCursor(cursor: string, backends: readonly Backend[] = BACKENDS): ListPosition | null {
  const text = dec(cursor);
  const m = /^c1:([A-Z0-9_]+):(\d{1,9})$|^c2:([A-Z0-9_]+):(\d{1,9}):([A-Z0-9_]+(?:,[A-Z0-9_]+)*)$/.exec(text);
  if (!m || enc(text) !== cursor) return null;
  const backend = m[1] ?? m[3]!;
  const skipped = m[5]?.split(',') ?? [];
  if (!backends.includes(backend)) return null;
  // As issued: each skipped backend once, and each before the position's own in the list order. A forged
  // list (repeated names, copied into every edge's cursor of a page) would cost memory and a false error.
  const at = backends.indexOf(backend);
  if (new Set(skipped).size !== skipped.length || skipped.some((b) => !backends.includes(b) || backends.indexOf(b) >= at)) return null;
  return { backend, offset: Number(m[2] ?? m[4]), ...(skipped.length ? { skipped } : {}) };
}
