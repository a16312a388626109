// Access control on /graphql, in two steps, both before anything reaches a vendor:
// - on the request: authenticate (see src/access/authenticate.ts); no valid credential is 401, a credential
//   without `tasks:read` is 403. The GraphiQL page itself (a static HTML shell, no data) stays reachable, so a
//   person can open it and paste `{"Authorization": "Bearer ..."}` into its headers pane.
// - on execution: a mutation needs `tasks:write` or a `tasks:write:<BACKEND>` scope, else 403 and nothing
//   runs. Which items of a batch a per-backend scope covers is decided by the batch (TaskUpdateDenied).
// The principal is kept per request for the context (its name goes to logs, metrics and idempotency scoping).

import { getOperationAST } from 'graphql';
import { createGraphQLError } from 'graphql-yoga';
import type { Plugin } from 'graphql-yoga';
import type { Authenticator } from '../access/authenticate.js';
import { ANONYMOUS } from '../access/authenticate.js';
import { READ_SCOPE, WRITE_SCOPE, canRead, canWriteSome } from '../access/scopes.js';
import type { Principal } from '../access/scopes.js';

const principals = new WeakMap<Request, Principal>();
/** Requests let in, counted when their answer goes out: a mutation refused on execution is 'forbidden'. */
const admitted = new WeakMap<Request, { client: string; forbidden: boolean }>();

/** The caller of this request, as authenticated by useAccess (ANONYMOUS when open or not yet known). */
export const principalOf = (request: Request): Principal => principals.get(request) ?? ANONYMOUS;

export interface AccessObserver {
  /** One per /graphql request: who (a name, never a key) and what was decided. */
  onAccess?(event: { client: string; result: 'allowed' | 'unauthenticated' | 'forbidden' | 'unavailable' }): void;
}

export function useAccess(auth: Authenticator, graphqlEndpoint: string, observer: AccessObserver = {}): Plugin {
  const refuse = (status: number, code: string, message: string, fetchAPI: { Response: typeof Response }) =>
    new fetchAPI.Response(JSON.stringify({ errors: [{ message, extensions: { code } }] }), {
      status,
      headers: {
        'content-type': 'application/json',
        ...(status === 401 ? { 'www-authenticate': 'Bearer realm="taskhub"' } : {}),
      },
    });

  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== graphqlEndpoint) return;
      if (auth.open) { observer.onAccess?.({ client: ANONYMOUS.name, result: 'allowed' }); return; }
      const isGraphiqlPage = request.method === 'GET' && !url.searchParams.has('query')
        && (request.headers.get('accept') ?? '').includes('text/html');
      if (isGraphiqlPage) return;
      const result = await auth.authenticate(request.headers.get('authorization'));
      if (!result.ok) {
        observer.onAccess?.({ client: 'none', result: result.status === 503 ? 'unavailable' : 'unauthenticated' });
        endResponse(refuse(result.status, result.code, result.message, fetchAPI));
        return;
      }
      const { principal } = result;
      if (!canRead(principal)) {
        observer.onAccess?.({ client: principal.name, result: 'forbidden' });
        endResponse(refuse(403, 'FORBIDDEN', `This credential lacks the ${READ_SCOPE} scope`, fetchAPI));
        return;
      }
      admitted.set(request, { client: principal.name, forbidden: false });
      principals.set(request, principal);
    },
    onResponse({ request }) {
      const decided = admitted.get(request);
      if (decided) observer.onAccess?.({ client: decided.client, result: decided.forbidden ? 'forbidden' : 'allowed' });
    },
    // Fail closed: a GraphQL request that reached here without a principal (some path onRequest did not
    // check) runs nothing when access control is on.
    onParams({ request }) {
      if (auth.open || principals.has(request)) return;
      observer.onAccess?.({ client: 'none', result: 'unauthenticated' });
      throw createGraphQLError('Missing or invalid credentials: send Authorization: Bearer <API key or token>', {
        extensions: { code: 'UNAUTHENTICATED', http: { status: 401, headers: { 'www-authenticate': 'Bearer realm="taskhub"' } } },
      });
    },
    onExecute({ args }) {
      const { request } = args.contextValue as { request: Request };
      const operation = getOperationAST(args.document, args.operationName);
      if (operation?.operation !== 'mutation' || canWriteSome(principalOf(request))) return;
      const decided = admitted.get(request);
      if (decided) decided.forbidden = true;
      throw createGraphQLError(`This credential lacks the ${WRITE_SCOPE} scope (or a ${WRITE_SCOPE}:<BACKEND> scope): mutations are refused`, {
        extensions: { code: 'FORBIDDEN', http: { status: 403 } },
      });
    },
  };
}
