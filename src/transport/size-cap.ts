// Bounded replies, decoded whole: a reply larger than `maxBytes`, as sent or once decompressed, ends the
// attempt with ResponseTooLargeError instead of filling memory.
//
// A compressed reply (Content-Encoding gzip, deflate or br, or a chain of them) is collected as it comes
// (the compressed bytes bounded by the cap) and decoded in one synchronous call per encoding at its end,
// each bounded by Node's own `maxOutputLength`, so a 50 KB gzip bomb stops at the cap. Decoding whole is
// what every caller needs anyway: the adapters parse the whole body as one synchronous JSON.parse or XML
// parse, so a decode of the same size blocks no longer than that parse. undici's streaming
// `interceptors.decompress` did the same job through a zlib stream per reply, and that stream machinery
// was ~8 % of the server's CPU on a read-heavy load (three 100-task lists per request, one gzipped).
// Error replies are decoded too: vendors gzip their 4xx/5xx bodies, and the mapping reads them.
// An encoding not listed here (or 204/304 replies) passes through as sent, as undici did.

import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { ResponseTooLargeError, UndecodableReplyError } from './errors.js';
import { ForwardingHandler } from './interceptor.js';
import type { Controller, Handler, Headers, Interceptor } from './interceptor.js';

type Decode = (compressed: Buffer, options: { maxOutputLength: number }) => Buffer;

const DECODERS: Readonly<Record<string, Decode>> = {
  gzip: gunzipSync, 'x-gzip': gunzipSync, deflate: inflateSync, br: brotliDecompressSync,
};

/** More stacked encodings than any server sends; a longer chain is refused (as curl and urllib3 do). */
const MAX_ENCODINGS = 5;

export function responseSizeCap(maxBytes: number): Interceptor {
  return (dispatch) => (opts, handler) => dispatch(opts, new SizeCapHandler(handler, maxBytes));
}

class SizeCapHandler extends ForwardingHandler {
  private size = 0;
  private refused = false;
  /** Decoders to apply at the end, in order (the last encoding applied first); empty: pass through. */
  private decoders: Decode[] = [];
  private readonly compressed: Buffer[] = [];

  constructor(next: Handler, private readonly maxBytes: number) {
    super(next);
  }

  override onResponseStart(controller: Controller, statusCode: number, headers: Headers, statusMessage?: string): void {
    const declared = Number(headers['content-length']);
    if (Number.isFinite(declared) && declared > this.maxBytes) return this.refuse(controller, false);
    const encoding = headers['content-encoding'];
    if (encoding === undefined || statusCode === 204 || statusCode === 304) {
      return super.onResponseStart(controller, statusCode, headers, statusMessage);
    }
    const decoders = decodersFor(Array.isArray(encoding) ? encoding.join(',') : encoding);
    if (decoders === 'too many') {
      this.refused = true;
      return controller.abort(new UndecodableReplyError(`more than ${MAX_ENCODINGS} content encodings`));
    }
    if (decoders.length === 0) return super.onResponseStart(controller, statusCode, headers, statusMessage);
    this.decoders = decoders;
    // What the caller gets is the decoded body: its length and encoding are no longer these.
    const { 'content-encoding': _encoding, 'content-length': _length, ...decodedHeaders } = headers;
    super.onResponseStart(controller, statusCode, decodedHeaders, statusMessage);
  }

  override onResponseData(controller: Controller, chunk: Buffer): void {
    if (this.refused) return;
    this.size += chunk.length;
    if (this.size > this.maxBytes) return this.refuse(controller, false);
    if (this.decoders.length > 0) this.compressed.push(chunk);
    else super.onResponseData(controller, chunk);
  }

  override onResponseEnd(controller: Controller, trailers: Headers): void {
    if (this.refused) return;
    if (this.decoders.length > 0) {
      let body = this.compressed.length === 1 ? this.compressed[0]! : Buffer.concat(this.compressed);
      this.compressed.length = 0;
      try {
        for (const decode of this.decoders) body = decode(body, { maxOutputLength: this.maxBytes });
      } catch (err) {
        // The controller is done with this reply: the error goes straight to the caller's side.
        this.refused = true;
        return super.onResponseError(controller, (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE'
          ? new ResponseTooLargeError(this.maxBytes, true)
          : new UndecodableReplyError('the compressed body could not be decoded', { cause: err }));
      }
      if (body.length > 0) super.onResponseData(controller, body);
    }
    super.onResponseEnd(controller, trailers);
  }

  private refuse(controller: Controller, decoded: boolean): void {
    this.refused = true;
    controller.abort(new ResponseTooLargeError(this.maxBytes, decoded));
  }
}

/** The decoders for a Content-Encoding value, last applied first; none when one of them is unknown. */
function decodersFor(value: string): Decode[] | 'too many' {
  const names = value.split(',').map((name) => name.trim().toLowerCase()).filter((name) => name && name !== 'identity');
  if (names.length > MAX_ENCODINGS) return 'too many';
  const decoders: Decode[] = [];
  for (const name of names.reverse()) {
    const decode = DECODERS[name];
    if (!decode) return [];
    decoders.push(decode);
  }
  return decoders;
}
