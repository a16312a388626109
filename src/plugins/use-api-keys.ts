// TASKHUB_API_KEYS: when keys are configured, every /graphql request needs `Authorization: Bearer <key>`,
// else HTTP 401. Keys are compared as SHA-256 digests with timingSafeEqual, so neither their content nor
// their length leaks through timing. The GraphiQL page itself (a static HTML shell, no data) stays
// reachable, so a person can open it and put the key in its headers editor.

import { createHash, timingSafeEqual } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** A short, non-reversible id for the caller (scopes idempotency keys); 'anonymous' without a key. */
export const clientIdOf = (authorization: string | null): string => {
  const key = /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1]?.trim();
  return key ? digest(key).toString('base64url').slice(0, 16) : 'anonymous';
};

export function useApiKeys(keys: readonly string[], graphqlEndpoint: string): Plugin {
  const digests = keys.map(digest);
  const accepts = (authorization: string | null): boolean => {
    const key = /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1]?.trim();
    if (!key) return false;
    const d = digest(key);
    // Check every key, not just until the first match: constant work whatever matches.
    return digests.reduce((ok, k) => timingSafeEqual(k, d) || ok, false);
  };
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (digests.length === 0 || url.pathname !== graphqlEndpoint) return;
      const isGraphiqlPage = request.method === 'GET' && !url.searchParams.has('query')
        && (request.headers.get('accept') ?? '').includes('text/html');
      if (isGraphiqlPage || accepts(request.headers.get('authorization'))) return;
      endResponse(new fetchAPI.Response(JSON.stringify({
        errors: [{ message: 'Missing or invalid API key: send Authorization: Bearer <key>', extensions: { code: 'UNAUTHENTICATED' } }],
      }), { status: 401, headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer realm="taskhub"' } }));
    },
  };
}
