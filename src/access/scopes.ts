// Who is calling and what they may do. A principal comes from an API key (TASKHUB_API_KEYS: full access;
// TASKHUB_API_KEYS_FILE: the scopes listed there), a JWT (its `scope` claim), or open mode (no access
// control configured: full access). Scopes:
//   tasks:read             queries (and reading the tasks a mutation returns)
//   tasks:write            mutations, on every backend
//   tasks:write:<BACKEND>  mutations, on that backend only; items for other backends are PERMISSION_DENIED

import { BACKENDS } from '../vendors/index.js';
import type { Backend } from '../domain.js';
import type { RefuseItem } from '../batch/plan.js';

export interface Principal {
  /** Who, for logs, metrics and idempotency scoping: a key's name, `jwt:<sub>`, or `anonymous`. Never a secret. */
  readonly name: string;
  readonly scopes: ReadonlySet<string>;
}

export const READ_SCOPE = 'tasks:read';
export const WRITE_SCOPE = 'tasks:write';
export const writeScopeFor = (backend: Backend) => `${WRITE_SCOPE}:${backend}`;

/** Every scope a key or token may carry; anything else in a keys file is a configuration error. */
export const KNOWN_SCOPES: ReadonlySet<string> = new Set([READ_SCOPE, WRITE_SCOPE, ...BACKENDS.map(writeScopeFor)]);

export const FULL_ACCESS: ReadonlySet<string> = new Set([READ_SCOPE, WRITE_SCOPE]);

export const canRead = (p: Principal) => p.scopes.has(READ_SCOPE);

/** May run mutations at all: `tasks:write`, or a write scope for at least one backend. */
export const canWriteSome = (p: Principal) => p.scopes.has(WRITE_SCOPE) || BACKENDS.some((b) => p.scopes.has(writeScopeFor(b)));

export const canWriteTo = (p: Principal, backend: Backend) => p.scopes.has(WRITE_SCOPE) || p.scopes.has(writeScopeFor(backend));

/**
 * For the batch engine (RunOptions.refuse): items for a backend outside the caller's write scopes end
 * PERMISSION_DENIED, the message naming the missing scope, and are never sent. Undefined with `tasks:write`.
 * Every path that runs a batch for a caller (batchUpdateTasks, batch jobs) passes this.
 */
export const refuseOutsideWriteScopes = (principal: Principal): RefuseItem | undefined => {
  if (principal.scopes.has(WRITE_SCOPE)) return undefined;
  return (item, where) => canWriteTo(principal, item.backend) ? undefined : {
    kind: 'ERROR', code: 'PERMISSION_DENIED', retryable: false,
    message: `${where}: this credential lacks the ${writeScopeFor(item.backend)} scope (or ${WRITE_SCOPE}); nothing was sent`,
  };
};
