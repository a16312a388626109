// Shutting the HTTP server down without waiting on idle keep-alive sockets. `server.close()` stops
// accepting and closes the connections idle at that moment, but a connection whose request was still
// running becomes idle only after its answer, and Node then keeps it open for `keepAliveTimeout`, so the
// process waited out TASKHUB_SHUTDOWN_TIMEOUT_MS and warned that it was "aborting" requests that had all
// been answered. From the signal, every answer still to be written says `Connection: close`; once the server
// stops accepting, each finished answer also closes whatever connections are idle by then.

import type { Server, ServerResponse } from 'node:http';

export interface HttpDrain {
  /** Requests still being answered. */
  readonly inFlight: number;
  /**
   * From now on (the drain window, while the server still accepts), every answer closes the connection it
   * went out on. Other idle connections are left alone: closing a keep-alive socket while its client may be
   * reusing it is the race that fails a client's next request (a POST is not retried).
   */
  begin(): void;
  /** Once the server stops accepting: also each finished answer closes whatever connections are idle. */
  sweep(): void;
}

export function trackHttpDrain(server: Server): HttpDrain {
  const open = new Set<ServerResponse>();
  let draining = false;
  let sweeping = false;
  server.on('request', (_req, res: ServerResponse) => {
    open.add(res);
    if (draining) res.shouldKeepAlive = false;
    res.on('close', () => {
      open.delete(res);
      // After this tick the connection counts as idle.
      if (sweeping) setImmediate(() => server.closeIdleConnections());
    });
  });
  return {
    get inFlight() { return open.size; },
    begin() {
      draining = true;
      for (const res of open) if (!res.headersSent) res.shouldKeepAlive = false;
    },
    sweep() {
      this.begin();
      sweeping = true;
    },
  };
}
