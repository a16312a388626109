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

/** A position in the merged list: the next task to return is at `offset` of `backend`'s own list. */
export interface ListPosition { backend: Backend; offset: number }

export const encodeCursor = (p: ListPosition): string => enc(`c1:${p.backend}:${p.offset}`);

export function decodeCursor(cursor: string, backends: readonly Backend[] = BACKENDS): ListPosition | null {
  const m = /^c1:([A-Z0-9_]+):(\d{1,9})$/.exec(dec(cursor));
  if (!m || !backends.includes(m[1]!)) return null;
  return { backend: m[1], offset: Number(m[2]) };
}
