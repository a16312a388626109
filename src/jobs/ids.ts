// Opaque ids for batch jobs (`BatchUpdateJob.id`, also resolved by `node(id:)`) and for positions in a
// job's results. Both come back from clients, so decoding checks everything.

const enc = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
const dec = (s: string) => Buffer.from(s, 'base64url').toString('utf8');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const encodeJobId = (storeId: string): string => enc(`BatchUpdateJob:${storeId}`);

/** The store's id, or null when `id` is not a batch job id. */
export function decodeJobId(id: string): string | null {
  const m = /^BatchUpdateJob:(.+)$/.exec(dec(id));
  return m && UUID.test(m[1]!) && enc(`BatchUpdateJob:${m[1]}`) === id ? m[1]! : null;
}

export const encodeResultCursor = (index: number): string => enc(`r1:${index}`);

export function decodeResultCursor(cursor: string): number | null {
  const m = /^r1:(\d{1,9})$/.exec(dec(cursor));
  return m && enc(`r1:${m[1]}`) === cursor ? Number(m[1]) : null;
}
