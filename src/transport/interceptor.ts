// What every piece of the transport is: an undici interceptor (`dispatch => dispatch`, composed with
// `dispatcher.compose`), usually with a handler that forwards everything and overrides one or two events.

import type { Dispatcher } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';
import type { Backend } from '../domain.js';

export type Dispatch = Dispatcher['dispatch'];
export type Interceptor = Dispatcher.DispatcherComposeInterceptor;
export type Handler = Dispatcher.DispatchHandler;
export type Controller = Dispatcher.DispatchController;
export type Headers = IncomingHttpHeaders;

/** What one call carries through the pieces besides undici's own options. */
export interface CallOptions extends Dispatcher.DispatchOptions {
  /** The call's signal (caller or deadline), as given to request(); undici passes it on to dispatch. */
  signal?: AbortSignal;
  /**
   * Whether `signal` has aborted, readable without making it: VendorTransport's signal is made when first
   * read (deadline.ts), and the hot path only needs this. Without it, pieces read `signal.aborted`.
   */
  readonly callAborted?: boolean;
  /** Whether sending it twice is harmless. Only idempotent calls are retried. */
  idempotent?: boolean;
  /** Shared by every attempt of the call; pieces write what the error mapping needs to know. */
  trace?: CallTrace;
}

export interface CallTrace {
  backend: Backend;
  /** Attempts handed to a socket so far: the request (or part of it) may have reached the vendor. */
  sent: number;
  /** Attempts started (dispatched past the breaker and the budget). */
  attempts: number;
}

/** Forwards every event to `next`; subclasses override what they watch. */
export class ForwardingHandler implements Handler {
  constructor(protected readonly next: Handler) {}
  onRequestStart(controller: Controller, context: unknown): void { this.next.onRequestStart?.(controller, context); }
  onRequestUpgrade(controller: Controller, statusCode: number, headers: Headers, socket: import('node:stream').Duplex): void {
    this.next.onRequestUpgrade?.(controller, statusCode, headers, socket);
  }
  onResponseStart(controller: Controller, statusCode: number, headers: Headers, statusMessage?: string): void {
    this.next.onResponseStart?.(controller, statusCode, headers, statusMessage);
  }
  onResponseData(controller: Controller, chunk: Buffer): void { this.next.onResponseData?.(controller, chunk); }
  onResponseEnd(controller: Controller, trailers: Headers): void { this.next.onResponseEnd?.(controller, trailers); }
  onResponseError(controller: Controller, error: Error): void { this.next.onResponseError?.(controller, error); }
}

/**
 * Fails a call before it reached the pool (circuit open, budget refused). Deferred a microtask so the
 * caller's dispatch() returns first, as it would for an error from a socket.
 */
export function failBeforeDispatch(handler: Handler, error: Error): true {
  queueMicrotask(() => handler.onResponseError?.(NOT_STARTED, error));
  return true;
}

/** The controller handed along with an error raised before any socket was involved. */
const NOT_STARTED: Controller = {
  aborted: false, paused: false, reason: null,
  abort() {}, pause() {}, resume() {},
};
