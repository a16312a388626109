// Zuora Workflow shapes exactly as they travel (snake_case, ids as JSON numbers), from the vendor's
// reference pages (vendor-docs/000_*, vendors.md §1). Types only: parsing and checks live in mapping.ts.

/** The documented task statuses; other words may still arrive and map to UNKNOWN. */
export type ZuoraWireStatus = 'Queued' | 'Processing' | 'Pending' | 'Success' | 'Stopped' | 'Error';

/** `Task`: GET /workflows/tasks/{id} answers one bare (no `data` envelope); lists carry them in `data`. */
export interface ZuoraWireTask {
  id: number;
  /** The parent task; null for the first task of a workflow. */
  task_id?: number | null;
  name?: string | null;
  action_type?: string | null;
  call_type?: string | null;
  concurrent_limit?: number | null;
  /** Free-form run context (Callout, Files, Tasks.Previous, Workflow…). */
  data?: Record<string, unknown> | null;
  /** Free-form task configuration, e.g. `{if_clause, strict_variables}`. */
  parameters?: Record<string, unknown> | null;
  /** ISO timestamps with milliseconds, only on instance tasks. */
  start_time?: string | null;
  end_time?: string | null;
  error?: string | null;
  error_class?: string | null;
  error_details?: string | null;
  instance?: boolean | null;
  object?: string | null;
  object_id?: string | null;
  original_task_id?: number | null;
  original_workflow_id?: number | null;
  status?: ZuoraWireStatus | string | null;
  tags?: string[] | null;
  workflow_id?: number | null;
}

/** One item of PUT /workflows/tasks/batch_update; only `id` is required, absent fields stay as they are. */
export interface ZuoraUpdateTask {
  id: number;
  name?: string;
  status?: ZuoraWireStatus;
  tags?: string[];
  /** 1..9999999 */
  concurrent_limit?: number;
  object?: string;
  object_id?: string;
  action_type?: string;
  call_type?: string;
  workflow_id?: number;
}

/** PutTasksRequest: 1..50 items. */
export interface ZuoraPutTasksRequest {
  data: ZuoraUpdateTask[];
}

/**
 * Lists carry an absolute `next_page` URL on another host (absent on the last page); batch_update
 * answers `{page: null, page_length: null}` without `next_page`.
 */
export interface ZuoraPagination {
  next_page?: string | null;
  page?: number | null;
  page_length?: number | null;
}

/** TasksResponse: the list answer and the batch_update 200 answer. */
export interface ZuoraTasksResponse {
  data: ZuoraWireTask[];
  pagination?: ZuoraPagination | null;
}

/** `status` is a string in one published schema and an int in another. */
export interface ZuoraErrorItem {
  code: string;
  status: string | number;
  title: string;
}

/** The 400/401/404 body; the key is capitalised on the wire. */
export interface ZuoraErrorsBody {
  Errors: ZuoraErrorItem[];
}

/** POST /oauth/token, form-urlencoded, with no Authorization header. */
export interface ZuoraTokenRequest {
  client_id: string;
  client_secret: string;
  grant_type: 'client_credentials';
}

export interface ZuoraTokenResponse {
  access_token: string;
  /** Seconds; the docs' sample is 3599. */
  expires_in: number;
  jti: string;
  /** e.g. "user.<id> entity.<uuid> entity.<uuid>.read tenant.<n>" */
  scope: string;
  token_type: 'bearer';
}
