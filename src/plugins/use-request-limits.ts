// Refuses request bodies over the configured size (HTTP 413), with a clear error, however the body is
// framed: a declared Content-Length is checked before anything is read; a chunked body (no length) is read
// up to the limit and refused as soon as it passes it, so Yoga never buffers more than the limit.

import type { Plugin } from 'graphql-yoga';
import { jsonErrorResponse } from './json-error.js';

// `connection: close`: the rest of the body is never read, so the socket cannot carry another request.
const tooLarge = (fetchAPI: { Response: typeof Response }, what: string, maxBytes: number) =>
  jsonErrorResponse(fetchAPI, 413, `Request body is ${what}; at most ${maxBytes} are accepted`, 'PAYLOAD_TOO_LARGE', { connection: 'close' });

/** The body's bytes, or null as soon as there are more than `maxBytes` (the rest is not read). */
async function readAtMost(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array<ArrayBuffer> | null> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(new ArrayBuffer(total));
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.byteLength; }
  return out;
}

export function useRequestBodyLimit(maxBytes: number): Plugin {
  return {
    async onRequest({ request, setRequest, endResponse, fetchAPI }) {
      const declared = request.headers.get('content-length');
      // Node's parser holds the body to a declared length, so checking the header is enough. Anything but
      // one plain number (possible only when the app is called without Node's parser) is read as chunked.
      if (declared !== null && /^\d+$/.test(declared)) {
        const length = Number(declared);
        if (length > maxBytes) endResponse(tooLarge(fetchAPI, `${length} bytes`, maxBytes));
        return;
      }
      if (request.body === null || request.method === 'GET' || request.method === 'HEAD') return;
      const bytes = await readAtMost(request.body, maxBytes);
      if (bytes === null) {
        endResponse(tooLarge(fetchAPI, `larger than ${maxBytes} bytes (chunked)`, maxBytes));
        return;
      }
      setRequest(new fetchAPI.Request(request.url, { method: request.method, headers: request.headers, body: bytes, signal: request.signal }));
    },
  };
}
