// The Node HTTP server taskhub listens with, its timeouts set explicitly. Node's defaults hold a socket
// for a client that never finishes its body for 300 s and one that never finishes its headers for 60 s;
// a handful of slow clients could then pin every socket. Used by main.ts and by tests (port 0).

import { createServer } from 'node:http';
import type { RequestListener, Server } from 'node:http';

export interface HttpServerTimeouts {
  /** Headers and body must have arrived within this long (HTTP 408 and close otherwise). */
  requestTimeoutMs: number;
  /** Headers must have arrived within this long. */
  headersTimeoutMs: number;
  /** An idle keep-alive connection is closed after this long. */
  keepAliveTimeoutMs: number;
}

export function createHttpServer(handler: RequestListener, t: HttpServerTimeouts): Server {
  const server = createServer({
    requestTimeout: t.requestTimeoutMs,
    headersTimeout: t.headersTimeoutMs,
    // Node checks the two timeouts above only this often (default 30 s): keep it well below them.
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(t.headersTimeoutMs / 2))),
  }, handler);
  server.keepAliveTimeout = t.keepAliveTimeoutMs;
  return server;
}
