// The vendor-neutral model every layer speaks. Adapters map wire shapes into these types at one
// boundary (their mapping.ts); the schema exposes them; the batch engine moves them around.
// Nothing here knows HTTP, XML or GraphQL.

/**
 * A vendor's value in the `Backend` enum, e.g. one folder's `backend` in src/vendors/index.ts (the
 * registry). Core code treats it as data: it names no vendor.
 */
export type Backend = string;

export const TASK_STATUSES = [
  'NEW', 'READY', 'IN_PROGRESS', 'WAITING', 'SUSPENDED', 'COMPLETED', 'FAILED', 'CANCELLED', 'UNKNOWN',
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export interface KeyValue { key: string; value: string }

/**
 * Fields every task has, whatever its vendor (the GraphQL `Task` interface). Each vendor's own task type
 * (in its folder's model.ts) extends this with its fields and a literal `backend`.
 */
export interface DomainTask {
  backend: Backend;
  nativeId: string;
  name: string | null;
  status: TaskStatus;
  vendorStatus: string | null;
  description: string | null;
  priority: number | null;
}


// ---- updates ----

/**
 * One batchUpdateTasks item after GraphQL parsing: the backend, and the update in that vendor's own type
 * (its folder's model.ts; absent field = leave unchanged), which only that vendor's adapter reads.
 */
export interface TaskUpdate { backend: Backend; update: unknown }

// ---- outcomes ----

export const ERROR_CODES = [
  'NOT_FOUND', 'PERMISSION_DENIED', 'REJECTED', 'INVALID_INPUT', 'BACKEND_NOT_CONFIGURED',
  'BACKEND_UNAVAILABLE', 'BACKEND_AUTH_FAILED', 'OUTCOME_UNKNOWN',
  // A batch job item never sent because the job was cancelled first.
  'CANCELLED',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface OutcomeError {
  kind: 'ERROR';
  code: ErrorCode;
  /** Safe to show to a person: never credentials, URLs with secrets or stack traces. */
  message: string;
  vendorCode?: string;
  retryable: boolean;
}

/**
 * What happened to one update item. `UPDATED` only when the vendor confirmed that item; `task` is the
 * task as the vendor now holds it when its reply carried it, otherwise the facade reads it back.
 */
export type UpdateOutcome =
  | { kind: 'UPDATED'; task?: DomainTask }
  | { kind: 'ACCEPTED'; message: string }
  | OutcomeError;

export const outcomeError = (
  code: ErrorCode, message: string, extra: { vendorCode?: string; retryable?: boolean } = {},
): OutcomeError => ({
  kind: 'ERROR', code, message,
  ...(extra.vendorCode === undefined ? {} : { vendorCode: extra.vendorCode }),
  retryable: extra.retryable ?? (code === 'BACKEND_UNAVAILABLE' || code === 'CANCELLED'),
});
