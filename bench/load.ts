// The load generator in a process of its own: autocannon (programmatic) sharing the server's event loop
// would steal the very CPU being measured. Forked by bench/reads.ts; each IPC message is one bounded run
// (fixed connections; a fixed duration, or a fixed number of requests for the CI smoke run, so that it
// always has answers to compute ratios from; loopback only) and is answered with a summary.

import autocannon from 'autocannon';

export interface LoadRequest {
  id: number;
  url: string;
  body: string;
  connections: number;
  durationSec: number;
  /** When set, exactly this many requests instead of a duration. */
  amount?: number;
}

export interface LoadSummary {
  requests: number;
  durationSec: number;
  /** Completed requests per second over the whole run. */
  throughput: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

process.on('message', (m: LoadRequest) => {
  if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(m.url)) throw new Error(`load is only ever sent to 127.0.0.1; got ${m.url}`);
  void autocannon({
    url: m.url, method: 'POST', body: m.body, headers: { 'content-type': 'application/json', accept: 'application/json' },
    connections: m.connections, pipelining: 1, timeout: 60,
    ...(m.amount === undefined ? { duration: m.durationSec } : { amount: m.amount }),
  }).then((r) => {
    const done = r.requests.total > 0;
    const summary: LoadSummary = {
      requests: r.requests.total, durationSec: r.duration, throughput: r.requests.total / r.duration,
      // No completed request: no latency either (autocannon would say 0).
      p50Ms: done ? r.latency.p50 : Number.NaN, p99Ms: done ? r.latency.p99 : Number.NaN, meanMs: done ? r.latency.average : Number.NaN,
      non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts,
    };
    process.send?.({ id: m.id, summary });
  });
});
process.on('disconnect', () => process.exit(0));
process.send?.({ ready: true });
