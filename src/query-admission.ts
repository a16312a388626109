// How many queries execute at once while the CPU is the bottleneck. A query in execution holds its vendor
// calls' state (sockets' buffers, replies, mapped tasks) until its slowest call ends; with 32 clients at
// once on a saturated event loop, each query takes ~32 of its own CPU times to finish, its state outlives
// several young-generation collections, is promoted, and the old generation's collections then take a
// share of every query's CPU. Admitting fewer at once while the loop is saturated lets each finish sooner
// and its garbage die young: 9–14 % less CPU per read at 32 clients with a fixed 8 (BENCHMARKS.md).
//
// A fixed limit would cap throughput against slow vendors (8 queries waiting 200 ms each is 40 a second,
// the CPU idle), so the limit moves with the event loop's utilisation: it shrinks by a quarter per sample
// while the loop is saturated (from 32 to the floor in half a second), never below the floor; grows by a
// tenth per sample while the loop has room and queries wait (or the loop is mostly idle); and goes away
// once it is well above what runs and waits. Without saturation nothing ever waits.

export interface AdmissionSettings {
  /** Queries always admitted at once, saturated or not. */
  floor: number;
  /** Utilisation (0–1) at or above which the loop counts as saturated. */
  busy: number;
  /** Utilisation below which the limit grows. */
  idle: number;
}

// Under a read load that saturates the server, its loop's utilisation reads 0.65–0.98 per 100 ms sample
// (the collector's helper threads and the kernel's time are not in it), so 0.85 is where it counts as busy.
export const DEFAULT_ADMISSION: Readonly<AdmissionSettings> = Object.freeze({ floor: 8, busy: 0.85, idle: 0.6 });

interface Waiter {
  admit(): void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

export class QueryAdmission {
  private limit = Infinity;
  private running = 0;
  private readonly waiting: Waiter[] = [];

  constructor(private readonly settings: AdmissionSettings = DEFAULT_ADMISSION) {}

  /** Queries executing now. */
  get inFlight(): number { return this.running; }
  /** Queries waiting for a place. */
  get queued(): number { return this.waiting.length; }
  /** The current limit (Infinity when none). */
  get current(): number { return this.limit; }

  /** One sample of the event loop's utilisation over the last interval. */
  observe(utilisation: number): void {
    const { floor, busy, idle } = this.settings;
    if (utilisation >= busy) {
      const base = Math.min(this.limit, this.running);
      if (base > floor) this.limit = Math.max(floor, Math.min(base - 1, Math.floor(base * 0.75)));
    } else if (this.limit !== Infinity && (this.waiting.length > 0 || utilisation < idle)) {
      // Room on the loop and queries waiting for it (vendors slower than the CPU), or plenty of room.
      this.limit += Math.max(1, Math.floor(this.limit / 10));
      if (this.limit >= 2 * (this.running + this.waiting.length) + floor) this.limit = Infinity;
    }
    this.admitWaiting();
  }

  /**
   * Resolves when the query may run; the caller must call leave() once it has ended. Rejects with the
   * signal's reason if it aborts first (a client gone while its query waited): nothing of it ran.
   */
  enter(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.waiting.length === 0 && this.running < this.limit) {
      this.running += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { admit: resolve, signal, onAbort: undefined };
      if (signal) {
        waiter.onAbort = () => {
          const at = this.waiting.indexOf(waiter);
          if (at >= 0) this.waiting.splice(at, 1);
          reject(signal.reason);
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiting.push(waiter);
    });
  }

  leave(): void {
    this.running -= 1;
    this.admitWaiting();
  }

  private admitWaiting(): void {
    while (this.waiting.length > 0 && this.running < this.limit) {
      const next = this.waiting.shift()!;
      if (next.onAbort) next.signal!.removeEventListener('abort', next.onAbort);
      this.running += 1;
      next.admit();
    }
  }
}
