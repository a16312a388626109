// The one Redis connection of a replica (ioredis 5: the client BullMQ is built on, so the jobs use the same
// library). Set up for a request path that must fail fast and safely rather than wait:
// - enableOfflineQueue: false — while disconnected a command fails at once instead of queueing forever;
// - commandTimeout — a command that gets no reply in time fails (a hung server is as bad as a dead one);
// - maxRetriesPerRequest: 1 — no silent resends across reconnects;
// - retryStrategy: reconnect forever with a capped backoff, so Redis coming back is picked up without a
//   restart.
// Every failure surfaces as RunStoreUnavailableError ("Redis is unreachable ...") and is counted.

import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { RunStoreUnavailableError } from '../batch/run-store.js';

export interface RedisObserver {
  /** A failed command or connection attempt (`op`: the command's purpose, or "connection"). */
  onError?(op: string): void;
  /** Connected and ready (true) or lost (false). */
  onState?(up: boolean): void;
}

export interface SharedRedisOptions {
  commandTimeoutMs?: number;
  connectTimeoutMs?: number;
}

/** How often a quiet connection is asked whether Redis still answers. */
const HEARTBEAT_MS = 1_000;

export class SharedRedis {
  readonly client: Redis;
  private lastLoggedDown = 0;
  /** False from an unanswered heartbeat until the next answer: a hung server keeps its connection 'ready'. */
  private answering = true;
  private heartbeatInFlight = false;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(url: string, private readonly logger: Logger, private readonly observer: RedisObserver = {}, opts: SharedRedisOptions = {}) {
    this.client = new Redis(url, {
      enableOfflineQueue: false,
      commandTimeout: opts.commandTimeoutMs ?? 2_000,
      connectTimeout: opts.connectTimeoutMs ?? 2_000,
      maxRetriesPerRequest: 1,
      retryStrategy: (times) => Math.min(100 * times, 2_000),
      // The URL's password is never logged: ioredis does not put it in errors, and the logger scrubs it.
      lazyConnect: false,
    });
    this.client.on('ready', () => {
      // A (re)connection answered its ready check: Redis answers, whatever the last heartbeat said.
      this.answering = true;
      this.logger.info('redis: connected');
      this.observer.onState?.(true);
    });
    this.client.on('close', () => this.observer.onState?.(false));
    this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS).unref();
    this.client.on('error', (err: Error) => {
      this.observer.onError?.('connection');
      // ioredis emits one error per reconnect attempt: log the first and then at most every 30 s.
      const now = Date.now();
      if (now - this.lastLoggedDown > 30_000) {
        this.lastLoggedDown = now;
        this.logger.warn({ err }, 'redis: connection failed; retrying in the background');
      }
    });
  }

  /** Connected, ready for commands, and answering them (within the command timeout). */
  get up(): boolean {
    return this.client.status === 'ready' && this.answering;
  }

  /** One PING at a time; its timeout is the connection's command timeout. */
  private beat(): void {
    if (this.heartbeatInFlight || this.client.status !== 'ready') return;
    this.heartbeatInFlight = true;
    this.client.ping().then(() => true, () => false).then((answered) => {
      this.heartbeatInFlight = false;
      if (answered === this.answering) return;
      this.answering = answered;
      if (!answered) this.logger.warn('redis: not answering (no reply within the command timeout)');
      else this.logger.info('redis: answering again');
      this.observer.onState?.(answered);
    });
  }

  /** Runs commands; any failure becomes RunStoreUnavailableError naming Redis, counted under `op`. */
  async run<T>(op: string, fn: (redis: Redis) => Promise<T>): Promise<T> {
    try {
      return await fn(this.client);
    } catch (err) {
      this.observer.onError?.(op);
      throw new RunStoreUnavailableError(`Redis is unreachable (${op} failed)`, { cause: err });
    }
  }

  /** Resolves once connected, or after `ms` (the process starts either way). */
  async waitUntilUp(ms: number): Promise<boolean> {
    if (this.up) return true;
    return new Promise((resolve) => {
      const done = (v: boolean) => { clearTimeout(timer); this.client.off('ready', onReady); resolve(v); };
      const onReady = () => done(true);
      const timer = setTimeout(() => done(false), ms);
      this.client.on('ready', onReady);
    });
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    try { await this.client.quit(); } catch { this.client.disconnect(); }
  }
}
