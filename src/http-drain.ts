// Shutting the HTTP server down without waiting on idle keep-alive sockets. `server.close()` stops
// accepting and closes the connections idle at that moment, but a connection whose request was still
// running becomes idle only after its answer, and Node then keeps it open for `keepAliveTimeout`, so the
// process waited out TASKHUB_SHUTDOWN_TIMEOUT_MS and warned that it was "aborting" requests that had all
// been answered. Once draining, every answer still to be written says `Connection: close`, and each
// finished answer closes whatever connections are idle by then.

import type { Server, ServerResponse } from 'node:http';

export interface HttpDrain {
  /** Requests still being answered. */
  readonly inFlight: number;
  /** From now on, connections close as soon as their answers are sent. */
  begin(): void;
}

export function trackHttpDrain(server: Server): HttpDrain {
  const open = new Set<ServerResponse>();
  let draining = false;
  server.on('request', (_req, res: ServerResponse) => {
    open.add(res);
    if (draining) res.shouldKeepAlive = false;
    res.on('close', () => {
      open.delete(res);
      // After this tick the connection counts as idle.
      if (draining) setImmediate(() => server.closeIdleConnections());
    });
  });
  return {
    get inFlight() { return open.size; },
    begin() {
      draining = true;
      for (const res of open) if (!res.headersSent) res.shouldKeepAlive = false;
    },
  };
}
