// The GraphQL request an outbound vendor call belongs to, without threading it through every adapter
// signature: execution runs inside this AsyncLocalStorage scope (see useRequestScope in server.ts), and
// the HTTP layer reads the id to send it to vendors that accept one (Zuora-Track-Id).

import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestScope { requestId: string }

const storage = new AsyncLocalStorage<RequestScope>();

export const runInRequestScope = <T>(scope: RequestScope, fn: () => T): T => storage.run(scope, fn);

export const currentRequestId = (): string | undefined => storage.getStore()?.requestId;
