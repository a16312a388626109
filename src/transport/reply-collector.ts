// The end of the interceptor chain on the caller's side: collects one reply whole, as the adapters read it
// (status, headers, the body as one Buffer). undici's request() would wrap every reply in a Readable stream
// and copy the body once more to hand it out whole; the retry piece already delivers idempotent replies
// as one chunk, so here the body is usually that chunk, uncopied. What request() also did, this does:
// the call's signal aborts the call (the controller undici or the retry piece hands over).

import type { IncomingHttpHeaders } from 'node:http';
import type { Controller, Handler } from './interceptor.js';

export interface CollectedReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export class ReplyCollector implements Handler {
  private status = 0;
  private headers: IncomingHttpHeaders = {};
  private readonly chunks: Buffer[] = [];
  private stopWatching: (() => void) | undefined;

  constructor(
    private readonly signal: AbortSignal,
    private readonly resolve: (reply: CollectedReply) => void,
    private readonly reject: (error: Error) => void,
  ) {}

  onRequestStart(controller: Controller): void {
    if (this.signal.aborted) return controller.abort(this.signal.reason as Error);
    const abort = () => controller.abort(this.signal.reason as Error);
    this.signal.addEventListener('abort', abort, { once: true });
    this.stopWatching = () => this.signal.removeEventListener('abort', abort);
  }

  onResponseStart(_c: Controller, statusCode: number, headers: IncomingHttpHeaders): void {
    this.status = statusCode;
    this.headers = headers;
  }

  onResponseData(_c: Controller, chunk: Buffer): void {
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    this.stopWatching?.();
    const body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.resolve({ status: this.status, headers: this.headers, body });
  }

  onResponseError(_c: Controller, error: Error): void {
    this.stopWatching?.();
    this.reject(error);
  }
}
