// VendorBudget for one backend: `<BACKEND>_MAX_REQUESTS_PER_SECOND` (a RateLimiter, rate-limiter.ts: in
// Redis when it is set, so the rate holds across replicas; in process otherwise) and pauses after a
// vendor's 429. A pause is kept locally and, with Redis, in a key every replica reads every half second, so
// one replica's 429 stops all of them (no request stream keeps hammering a vendor that asked for quiet).
// Redis trouble never blocks vendor calls: the limiter falls back to a per-process limit (its insurance
// limiter) and pauses to this replica's own knowledge; failures are counted.

import type { Backend } from '../domain.js';
import { BackendError } from '../errors.js';
import { pause } from '../transport/abort-fanout.js';
import type { Logger } from '../logger.js';
import type { SharedRedis } from '../redis/connection.js';
import type { VendorBudget } from '../transport/budget.js';
import type { RateLimiter } from './rate-limiter.js';

/** Longest pause honoured from a vendor's hint: a bogus year-long Retry-After must not stop a backend for good. */
const MAX_PAUSE_MS = 10 * 60_000;
const PAUSE_POLL_MS = 500;

// Sets the pause only when it extends the current one (two replicas hearing different hints keep the later).
const EXTEND_PAUSE = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > current then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0`;

export interface BudgetOptions {
  backend: Backend;
  /** The backend's request rate (createRateLimiter); none = no rate limit (pauses still apply). */
  limiter?: RateLimiter | undefined;
  redis?: SharedRedis;
  logger: Logger;
  now?: () => number;
}

export class SharedVendorBudget implements VendorBudget {
  private pausedUntil = 0;
  private readonly limiter: RateLimiter | undefined;
  private readonly pauseKey: string;
  private readonly poller: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(private readonly opts: BudgetOptions) {
    this.now = opts.now ?? Date.now;
    this.pauseKey = `taskhub:pause:${opts.backend}`;
    const { redis } = opts;
    this.limiter = opts.limiter;
    if (redis) {
      redis.client.defineCommand('thExtendPause', { numberOfKeys: 1, lua: EXTEND_PAUSE });
      this.poller = setInterval(() => void this.readSharedPause(), PAUSE_POLL_MS);
      this.poller.unref();
    }
  }

  takeNow(): boolean {
    return !this.limiter && this.pausedUntil <= this.now();
  }

  async take(signal: AbortSignal): Promise<void> {
    for (;;) {
      const wait = this.pausedUntil - this.now();
      if (wait > 0) {
        await this.sleep(wait, signal);
        continue;
      }
      if (!this.limiter) return;
      let waitMs: number;
      try {
        waitMs = await this.limiter.take(this.opts.backend);
      } catch {
        // Neither Redis nor the insurance limiter answered: a budget must not stop vendor calls.
        this.opts.redis && this.countError();
        return;
      }
      if (waitMs === 0) return;
      await this.sleep(waitMs, signal);
    }
  }

  async pause(untilEpochMs: number): Promise<void> {
    const until = Math.min(untilEpochMs, this.now() + MAX_PAUSE_MS);
    if (until <= this.pausedUntil) return;
    this.pausedUntil = until;
    this.opts.logger.warn({ backend: this.opts.backend, pauseMs: until - this.now() }, 'vendor asked to slow down (429): pausing its requests');
    const { redis } = this.opts;
    if (!redis) return;
    await redis.run('budget', (r) => (r as unknown as Record<string, (...a: Array<string | number>) => Promise<unknown>>)
      .thExtendPause!(this.pauseKey, until, Math.max(1, until - this.now()))).catch(() => undefined);
  }

  close(): void {
    clearInterval(this.poller);
  }

  private async readSharedPause(): Promise<void> {
    const redis = this.opts.redis!;
    if (!redis.up) return;
    const raw = await redis.run('budget', (r) => r.get(this.pauseKey)).catch(() => null);
    const until = Number(raw);
    if (Number.isFinite(until) && until > this.pausedUntil) this.pausedUntil = Math.min(until, this.now() + MAX_PAUSE_MS);
  }

  private countError() {
    this.opts.logger.debug({ backend: this.opts.backend }, 'rate budget unavailable; request allowed');
  }

  private async sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (await pause(ms, signal)) return;
    throw new BackendError(this.opts.backend, 'BACKEND_UNAVAILABLE',
      `${this.opts.backend} call cancelled while waiting for its request budget`, { requestMayHaveBeenSent: false, retryable: true });
  }
}
