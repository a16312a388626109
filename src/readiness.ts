// /ready: 200 once every configured backend has answered an authenticated read once, 503 before that and
// from the moment a shutdown starts. Backends are pinged in the background until each has answered.
// The JSON body also reports Redis when it is configured. Redis does not decide the status: without it
// reads and unkeyed batches still work, and failing every replica's readiness at once would take the
// whole service out of the balancer for a partial outage; keyed batches answer for themselves.

import type { Plugin } from 'graphql-yoga';
import type { Registry } from './registry.js';
import type { Logger } from './logger.js';
import type { Backend } from './domain.js';

export class Readiness {
  private readonly answered = new Set<Backend>();
  /** Backends whose failure was already logged at warn: later rounds log at debug. */
  private readonly reported = new Set<Backend>();
  private shuttingDown = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly registry: Registry,
    private readonly logger: Logger,
    private readonly intervalMs = 2_000,
    /** Set when TASKHUB_REDIS_URL is: reported in the body. */
    private readonly redis?: { readonly up: boolean },
  ) {}

  /** What /ready answers: the status and a small JSON body (no hosts, no URLs). */
  report(): { status: number; body: { ready: boolean; backends: Record<string, boolean>; redis?: 'up' | 'down' } } {
    const ready = this.isReady();
    const backends = Object.fromEntries(this.registry.all().map((a) => [a.backend, this.answered.has(a.backend)]));
    return { status: ready ? 200 : 503, body: { ready, backends, ...(this.redis ? { redis: this.redis.up ? 'up' : 'down' } : {}) } };
  }

  /** Starts pinging; resolves after the first round. */
  async start(): Promise<void> {
    await this.pingPending();
    if (!this.isReady() && !this.shuttingDown) {
      this.timer = setInterval(() => void this.pingPending(), this.intervalMs);
      this.timer.unref();
    }
  }

  isReady(): boolean {
    return !this.shuttingDown && this.registry.all().every((a) => this.answered.has(a.backend));
  }

  beginShutdown(): void {
    this.shuttingDown = true;
    clearInterval(this.timer);
  }

  private async pingPending(): Promise<void> {
    await Promise.all(this.registry.all().filter((a) => !this.answered.has(a.backend)).map(async (a) => {
      try {
        await a.ping(AbortSignal.timeout(5_000));
        this.answered.add(a.backend);
        this.logger.info({ backend: a.backend }, 'backend answered');
      } catch (err) {
        // One line, no stack, when a backend first fails; the circuit breaker logs its state changes with
        // their cause (transport/breaker-log.ts). A stack every round said nothing new.
        const line = { backend: a.backend, code: (err as { code?: string }).code, reason: (err as Error).message };
        if (this.reported.has(a.backend)) this.logger.debug(line, 'backend still not answering');
        else this.logger.warn(line, 'backend not answering yet');
        this.reported.add(a.backend);
      }
    }));
    if (this.isReady()) clearInterval(this.timer);
  }
}

/**
 * Serves /health (the process is up) and `readiness` at /ready, each at exactly that path. Yoga's own
 * health check answers any URL that ends in its endpoint, query string included: `DELETE /x/health`, and
 * even a GraphQL GET whose last parameter ended in `/health`, got an empty 200 (HEALTH_CHECK_UNMATCHABLE
 * turns it off). Yoga's useReadinessCheck also tests every other request's URL against a URLPattern, which
 * on Node 20 is a polyfill: ~40 µs of each GraphQL request's CPU, for a path with nothing to match but itself.
 */
export function useProbeEndpoints(readiness: Readiness): Plugin {
  return {
    onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname === '/health') {
        endResponse(new fetchAPI.Response(null, { status: 200 }));
      } else if (url.pathname === '/ready') {
        const { status, body } = readiness.report();
        endResponse(new fetchAPI.Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }));
      }
    },
  };
}

/**
 * Yoga's `healthCheckEndpoint`, set to what no request URL can end with (a URL never holds a raw line
 * break): useProbeEndpoints answers /health instead. Yoga offers no way to turn its check off.
 */
export const HEALTH_CHECK_UNMATCHABLE = '\n';
