// HTTP-level hygiene around Yoga: media types read case-insensitively (RFC 9110 §8.3.1; Yoga compares
// them case-sensitively and answers `APPLICATION/JSON` with 415), GET parameters that are not JSON refused
// with 400 as for a POST (Yoga's JSON.parse would throw: HTTP 500), and no 4xx left without a JSON body
// saying what was wrong (Yoga's 404/405/406/415 have none).

import { createGraphQLError } from 'graphql-yoga';
import type { GraphQLParams, Plugin } from 'graphql-yoga';
import { jsonErrorResponse } from './json-error.js';

/** `Application/Json; charset=UTF-8` → `application/json; charset=UTF-8`: the type is case-insensitive, parameters kept. */
export const normalisedContentType = (value: string): string => {
  const at = value.indexOf(';');
  return at < 0 ? value.trim().toLowerCase() : `${value.slice(0, at).trim().toLowerCase()}${value.slice(at)}`;
};

export function useCaseInsensitiveMediaTypes(): Plugin {
  return {
    onRequest({ request }) {
      const type = request.headers.get('content-type');
      if (type !== null && normalisedContentType(type) !== type) request.headers.set('content-type', normalisedContentType(type));
      const accept = request.headers.get('accept');
      if (accept !== null && accept.toLowerCase() !== accept) request.headers.set('accept', accept.toLowerCase());
    },
  };
}

/**
 * GraphQL at its endpoint only. Yoga serves GraphQL at any URL that ends in the endpoint (`/x/graphql`,
 * `/graphql/`, even `/health?x=/graphql`), and there access control, parameter checks and everything
 * else keyed to the endpoint would not look. Such URLs are 404 here, before any other plugin.
 */
export function useExactGraphqlEndpoint(graphqlEndpoint: string): Plugin {
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname === graphqlEndpoint) return;
      if (request.url.endsWith(graphqlEndpoint) || request.url.endsWith(`${graphqlEndpoint}/`) || url.pathname === `${graphqlEndpoint}/`) {
        endResponse(new fetchAPI.Response(null, { status: 404 }));
      }
    },
  };
}

export function useJsonQueryParams(graphqlEndpoint: string): Plugin {
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (request.method !== 'GET' || url.pathname !== graphqlEndpoint) return;
      for (const name of ['variables', 'extensions']) {
        const raw = url.searchParams.get(name);
        if (!raw) continue;
        let value: unknown;
        try { value = JSON.parse(raw); } catch { value = undefined; }
        if (value === null || typeof value !== 'object' || Array.isArray(value)) {
          endResponse(jsonErrorResponse(fetchAPI, 400, `The '${name}' query parameter must be a JSON object.`, 'BAD_REQUEST'));
          return;
        }
      }
    },
  };
}

const clip = (s: string | null) => JSON.stringify((s ?? '').slice(0, 100));

export function useJsonErrorBodies(graphqlEndpoint: string): Plugin {
  // Requests that ran a subscription: its answer is a stream of events, which only text/event-stream carries
  // (Yoga answers 406 to any other Accept once the subscription has started, so the 406 must say so).
  const subscriptions = new WeakSet<Request>();
  const explain = (status: number, request: Request, path: string): [string, string] => {
    switch (status) {
      case 404: return [`Nothing is served at ${clip(path)}: GraphQL is at ${graphqlEndpoint}; /health and /ready are the probes.`, 'NOT_FOUND'];
      case 405: return [`Method ${request.method} is not allowed here: use POST (or GET for queries).`, 'METHOD_NOT_ALLOWED'];
      case 406: return subscriptions.has(request)
        ? [`A subscription is answered as Server-Sent Events only: accept text/event-stream (Accept ${clip(request.headers.get('accept'))} does not).`, 'NOT_ACCEPTABLE']
        : [`Accept ${clip(request.headers.get('accept'))} allows nothing taskhub answers with: accept application/json or application/graphql-response+json.`, 'NOT_ACCEPTABLE'];
      case 415: return [`Content-Type ${clip(request.headers.get('content-type'))} is not supported: send application/json.`, 'UNSUPPORTED_MEDIA_TYPE'];
      default: return [`The request was refused (HTTP ${status}).`, 'BAD_REQUEST'];
    }
  };
  return {
    onSubscribe({ args }) {
      const { request } = args.contextValue as { request?: Request };
      if (request) subscriptions.add(request);
    },
    onResponse({ request, response, setResponse, fetchAPI }) {
      if (response.status < 400 || response.status > 499 || response.body !== null || request.method === 'HEAD') return;
      const [message, code] = explain(response.status, request, new URL(request.url).pathname);
      setResponse(jsonErrorResponse(fetchAPI, response.status, message, code, Object.fromEntries(response.headers)));
    },
  };
}

/**
 * A request that carries only an Apollo persisted-query hash gets the answer Apollo's PersistedQueryLink
 * waits for (`PersistedQueryNotSupported`): it then sends the whole query, and keeps doing so. Yoga's own
 * answer ("Must provide query string.") made every query of such a client fail. taskhub keeps no registry
 * of queries: documents are small, and parsed once per text (Yoga's parser cache).
 *
 * Answered per operation: Apollo's BatchHttpLink sends a batch of hashes and needs one answer in each
 * operation's place, or it fails them all. Yoga's own parameter check (a built-in onParams hook, before any
 * plugin's) refuses an operation without a query first, so the parsed request's hash-only operations are
 * given an empty query and marked, and this plugin's onParams answers each marked one.
 */
export function usePersistedQueryRefusal(): Plugin {
  const hashOnly = new WeakSet<object>();
  return {
    onRequestParse() {
      return {
        onRequestParseDone({ requestParserResult, setRequestParserResult }) {
          const mark = (p: GraphQLParams): GraphQLParams => {
            if (p.query !== undefined || typeof p.extensions?.['persistedQuery'] !== 'object') return p;
            const marked = { ...p, query: '' };
            hashOnly.add(marked);
            return marked;
          };
          setRequestParserResult(Array.isArray(requestParserResult) ? requestParserResult.map(mark) : mark(requestParserResult));
        },
      };
    },
    onParams({ params, setResult }) {
      if (!hashOnly.has(params)) return;
      setResult({ errors: [createGraphQLError('PersistedQueryNotSupported', { extensions: { code: 'PERSISTED_QUERY_NOT_SUPPORTED' } })] });
    },
  };
}
