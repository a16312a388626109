// Domain errors with stable codes. Vendor and transport failures become a BackendError at exactly one
// boundary per vendor (its mapping.ts, or the transport's errors.ts); everything above matches on `code`.

import type { Backend, ErrorCode, OutcomeError } from './domain.js';
import { outcomeError } from './domain.js';

export class BackendError extends Error {
  override readonly name = 'BackendError';
  readonly code: ErrorCode;
  readonly backend: Backend;
  /** HTTP status the vendor answered with, when there was an answer. */
  readonly status: number | undefined;
  readonly vendorCode: string | undefined;
  readonly retryable: boolean;
  /**
   * False only when we know the request never left this process (connection refused, circuit open).
   * A non-idempotent write whose request may have been sent is OUTCOME_UNKNOWN, not BACKEND_UNAVAILABLE.
   */
  readonly requestMayHaveBeenSent: boolean;

  constructor(
    backend: Backend,
    code: ErrorCode,
    message: string,
    opts: {
      status?: number; vendorCode?: string; retryable?: boolean; requestMayHaveBeenSent?: boolean; cause?: unknown;
    } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.backend = backend;
    this.code = code;
    this.status = opts.status;
    this.vendorCode = opts.vendorCode;
    this.retryable = opts.retryable ?? code === 'BACKEND_UNAVAILABLE';
    this.requestMayHaveBeenSent = opts.requestMayHaveBeenSent ?? true;
  }
}

export const isBackendError = (e: unknown): e is BackendError => e instanceof BackendError;

/**
 * The per-item outcome for a failed call. For a non-idempotent write (an action) whose request may have reached
 * the vendor, "unavailable" would invite a retry that could apply the action twice: say OUTCOME_UNKNOWN.
 */
export function outcomeFromError(err: unknown, backend: Backend, opts: { idempotent: boolean }): OutcomeError {
  if (isBackendError(err)) {
    if (!opts.idempotent && err.code === 'BACKEND_UNAVAILABLE' && err.requestMayHaveBeenSent) {
      return outcomeError('OUTCOME_UNKNOWN',
        `${backend} may have applied this update, but its reply was lost (${err.message}); check the task before retrying`,
        { retryable: false });
    }
    return outcomeError(err.code, err.message, {
      ...(err.vendorCode === undefined ? {} : { vendorCode: err.vendorCode }),
      retryable: err.retryable,
    });
  }
  // Not one of ours: a bug. The message is masked; the cause is logged by whoever catches it.
  return outcomeError(opts.idempotent ? 'BACKEND_UNAVAILABLE' : 'OUTCOME_UNKNOWN',
    `${backend} update failed unexpectedly`, { retryable: opts.idempotent });
}

/**
 * The one wording of NOT_FOUND, in a run and in a dry run alike, whatever the vendor said (its own code stays
 * in vendorCode; its text may name accounts and hosts).
 */
export const notFoundMessage = (backend: Backend, nativeId: string): string => `${backend} has no task ${nativeId}`;
