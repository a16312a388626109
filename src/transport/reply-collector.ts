// The end of the interceptor chain on the caller's side: collects one reply whole, as the adapters read it
// (status, headers, the body as one Buffer). undici's request() would wrap every reply in a Readable stream
// and copy the body once more to hand it out whole; the retry piece already delivers idempotent replies
// as one chunk, so here the body is usually that chunk, uncopied. What request() also did, this does:
// the call's deadline aborts the call (the controller undici or the retry piece hands over).

import type { CallDeadline } from './deadline.js';
import type { Controller, Headers } from './interceptor.js';
import { WholeReplyHandler } from './whole-reply.js';

export interface CollectedReply {
  status: number;
  headers: Headers;
  body: Buffer;
}

export class ReplyCollector extends WholeReplyHandler {
  private stopWatching: (() => void) | undefined;

  constructor(
    private readonly deadline: Pick<CallDeadline, 'aborted' | 'reason' | 'onAbort'>,
    private readonly resolve: (reply: CollectedReply) => void,
    private readonly reject: (error: Error) => void,
  ) {
    super();
  }

  onRequestStart(controller: Controller): void {
    if (this.deadline.aborted) return controller.abort(this.deadline.reason!);
    this.stopWatching = this.deadline.onAbort((reason) => controller.abort(reason));
  }

  protected whole(status: number, headers: Headers, _statusMessage: string | undefined, body: Buffer): void {
    this.stopWatching?.();
    this.resolve({ status, headers, body });
  }

  onResponseError(_c: Controller, error: Error): void {
    this.stopWatching?.();
    this.reject(error);
  }
}
