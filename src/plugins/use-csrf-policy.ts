// The CSRF policy, decided from how taskhub authenticates: a bearer key or token in the Authorization
// header, never a cookie. A browser attaches no credential to a cross-site request on its own, so a forged
// request from another site arrives without one, and a protected taskhub answers it 401. What remains is an
// open taskhub (no keys configured) on a private network: a page on the public web could make a visitor's
// browser send it a "simple" request (no CORS preflight) that changes tasks. So:
//
// - GET runs queries, with no extra header (urql's and Apollo's defaults work). Yoga itself refuses a
//   mutation over GET (405), so a link or an <img> never writes.
// - POST bodies a cross-site HTML form or a no-preflight fetch can send (application/x-www-form-urlencoded,
//   multipart/form-data, text/plain, or no content type) are refused (403, nothing parsed or sent) unless the
//   request carries a header a browser only sends after a CORS preflight: Authorization, or one of the
//   conventional CSRF headers (x-graphql-yoga-csrf, apollo-require-preflight). That keeps GraphQL multipart
//   uploads working for clients that send either, as Apollo's upload link does.
// - JSON POSTs (application/json, application/graphql-response+json) are always preflighted by browsers.

import { createGraphQLError } from 'graphql-yoga';
import type { Plugin } from 'graphql-yoga';

/** Content types a browser may POST cross-site without asking the server first (the Fetch spec's list). */
const SIMPLE_CONTENT_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

/** Headers that a browser sends cross-site only after the server allowed them in a preflight. */
export const PREFLIGHT_HEADERS = ['authorization', 'x-graphql-yoga-csrf', 'apollo-require-preflight'];

export function useCsrfPolicy(): Plugin {
  return {
    onRequestParse({ request }) {
      if (request.method !== 'POST') return;
      const type = (request.headers.get('content-type') ?? '').trim().toLowerCase();
      const simple = type === '' || SIMPLE_CONTENT_TYPES.some((t) => type.startsWith(t));
      if (!simple || PREFLIGHT_HEADERS.some((h) => request.headers.has(h))) return;
      throw createGraphQLError(
        `POST with content type '${type || 'none'}' is refused (CSRF protection): send application/json, or add an `
        + 'Authorization, x-graphql-yoga-csrf or apollo-require-preflight header',
        { extensions: { code: 'CSRF_REFUSED', http: { status: 403 } } },
      );
    },
  };
}
