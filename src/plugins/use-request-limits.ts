// Refuses request bodies over the configured size before Yoga reads them (HTTP 413), with a clear error.

import type { Plugin } from 'graphql-yoga';

export function useRequestBodyLimit(maxBytes: number): Plugin {
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      const length = Number(request.headers.get('content-length') ?? '0');
      if (Number.isFinite(length) && length > maxBytes) {
        endResponse(new fetchAPI.Response(JSON.stringify({
          errors: [{ message: `Request body is ${length} bytes; at most ${maxBytes} are accepted`, extensions: { code: 'PAYLOAD_TOO_LARGE' } }],
        }), { status: 413, headers: { 'content-type': 'application/json' } }));
      }
    },
  };
}
