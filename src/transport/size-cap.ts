// Bounded replies: a reply larger than `maxBytes`, before or after decompression, ends the attempt with
// ResponseTooLargeError instead of filling memory.
//
// Decompression is undici's own `interceptors.decompress` (gzip, deflate, br), with two settings its
// defaults get wrong for us: `maxSize` defaults to 0 (unlimited, so a 50 KB gzip bomb inflates to GBs) and
// error replies are skipped by default (vendors gzip their 4xx/5xx bodies too, and the mapping reads them).
// Its limit applies per decoding stage; the count here bounds what reaches the caller, and a declared
// Content-Length over the cap is refused before any byte is read.

import { interceptors } from 'undici';
import { ResponseTooLargeError } from './errors.js';
import { ForwardingHandler } from './interceptor.js';
import type { Controller, Handler, Headers, Interceptor } from './interceptor.js';

export function responseSizeCap(maxBytes: number): Interceptor {
  const decompress = withoutExperimentalNotice(() => interceptors.decompress({ maxSize: maxBytes, skipErrorResponses: false }));
  return (dispatch) => {
    const decoding = decompress(dispatch);
    return (opts, handler) => decoding(opts, new SizeCapHandler(handler, maxBytes));
  };
}

class SizeCapHandler extends ForwardingHandler {
  private size = 0;
  private refused = false;

  constructor(next: Handler, private readonly maxBytes: number) {
    super(next);
  }

  override onResponseStart(controller: Controller, statusCode: number, headers: Headers, statusMessage?: string): void {
    const declared = Number(headers['content-length']);
    if (Number.isFinite(declared) && declared > this.maxBytes) return this.refuse(controller, false);
    super.onResponseStart(controller, statusCode, headers, statusMessage);
  }

  override onResponseData(controller: Controller, chunk: Buffer): void {
    if (this.refused) return;
    this.size += chunk.length;
    if (this.size > this.maxBytes) return this.refuse(controller, false);
    super.onResponseData(controller, chunk);
  }

  override onResponseError(controller: Controller, error: Error): void {
    // The decompressor's own limit: the compressed reply inflated past the cap.
    const decodedTooLarge = (error as { code?: string }).code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE';
    super.onResponseError(controller, decodedTooLarge ? new ResponseTooLargeError(this.maxBytes, true) : error);
  }

  private refuse(controller: Controller, decoded: boolean): void {
    this.refused = true;
    controller.abort(new ResponseTooLargeError(this.maxBytes, decoded));
  }
}

/**
 * undici marks its decompress interceptor experimental and prints that once, as a plain line on stderr.
 * Our logs are one JSON line per event (tools parse them line by line), so exactly that notice is dropped
 * while the interceptor is created; every other warning goes through untouched.
 */
function withoutExperimentalNotice<T>(create: () => T): T {
  const emit = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (String(warning).startsWith('DecompressInterceptor is experimental')) return;
    (emit as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return create();
  } finally {
    process.emitWarning = emit;
  }
}
