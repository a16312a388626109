// A handler that takes a reply in whole: status, headers and the body as one Buffer, handed over at its
// end. The retry piece buffers each attempt this way (so a reply cut off half way is one more failed
// attempt) and the reply collector ends the chain this way. A body that arrived as one chunk (as every
// reply the retry piece passes on does) is handed over as it is, not copied.

import type { Controller, Handler, Headers } from './interceptor.js';

export abstract class WholeReplyHandler implements Handler {
  private status = 0;
  private headers: Headers = NO_HEADERS;
  private statusMessage: string | undefined;
  // Most replies arrive as one chunk: the first is kept on its own, an array made only for a second.
  private first: Buffer | undefined;
  private more: Buffer[] | undefined;

  /** The reply, complete. */
  protected abstract whole(status: number, headers: Headers, statusMessage: string | undefined, body: Buffer, trailers: Headers): void;
  abstract onRequestStart(controller: Controller, context: unknown): void;
  abstract onResponseError(controller: Controller, error: Error): void;

  onResponseStart(_c: Controller, statusCode: number, headers: Headers, statusMessage?: string): void {
    this.status = statusCode;
    this.headers = headers;
    this.statusMessage = statusMessage;
  }

  onResponseData(_c: Controller, chunk: Buffer): void {
    if (this.first === undefined) this.first = chunk;
    else (this.more ??= [this.first]).push(chunk);
  }

  onResponseEnd(_c: Controller, trailers: Headers): void {
    const body = this.more ? Buffer.concat(this.more) : this.first ?? EMPTY;
    this.whole(this.status, this.headers, this.statusMessage, body, trailers);
  }
}

const EMPTY = Buffer.alloc(0);
const NO_HEADERS: Headers = Object.freeze({});
