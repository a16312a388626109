// Identical vendor reads in flight at the same time go out once. Thirty dashboards asking for the same
// tasks, or a frontend's queries overlapping, need one GET each, not one per GraphQL request: the vendor's
// rate budget, sockets and taskhub's CPU are spent once, and every caller gets the same reply. Hive Gateway
// does the same for its subgraph requests, by default. Nothing is kept once the reply is in: this shares
// an exchange already under way, it is not a cache.
//
// What keeps it safe (vendor-transport.ts decides who may share):
// - Only GETs made for a GraphQL query share. A request that runs a mutation never does: its reads feed
//   writes (a read-modify-write under a task lock, the batch engine's checks, the read-back of updated
//   tasks) and must see the vendor as it is once the lock is held, not as an earlier read did.
//   Batch jobs and scripts (no GraphQL request) never share either.
// - A read is never joined across a write to the same vendor by this process: a write starting or ending
//   starts a new epoch, and only a read started in the current epoch is joined. So a client that saw its
//   update confirmed and then reads the task gets a read sent after that confirmation.
// - A caller who leaves (client gone, its deadline) gets its own cancellation at once; the exchange goes on
//   for the others, and is cancelled only when the last caller has left.

import { watchAbort } from './abort-fanout.js';

export interface Exchange<T> {
  readonly promise: Promise<T>;
  /** Ends the exchange: every caller has left. */
  cancel(reason: Error): void;
}

class InFlight<T> {
  callers = 0;
  constructor(readonly epoch: number, readonly exchange: Exchange<T>) {}
}

export class SharedReads<T> {
  // A dictionary object, not a Map: with a Map (set on start, delete on settle) the replies of 200
  // sequential reads were promoted out of the young generation 2.5 times as much (39 against 15 MB,
  // --trace-gc-nvp) and the server held 15-20 MB more after them; with this object, as without sharing.
  // Measured; what in V8's Map keeps a deleted entry's value reachable for a while was not found.
  private readonly inFlight: Record<string, InFlight<T> | undefined> = Object.create(null) as Record<string, InFlight<T> | undefined>;
  private epoch = 0;

  /** A write to this vendor starts or ends: reads already in flight are not joined after it. */
  writeSeen(): void { this.epoch += 1; }

  /**
   * The reply of the read `key`: from the identical read already in flight in this epoch, or from a new one
   * made by `start`. `left(reason)` is the error for a caller whose `signal` aborts before the reply.
   * `onJoined` is called when the caller joined a read already under way.
   */
  read(key: string, signal: AbortSignal | undefined, start: () => Exchange<T>, left: (reason: unknown) => Error, onJoined?: () => void): Promise<T> {
    if (signal?.aborted) return Promise.reject(left(signal.reason));
    let entry = this.inFlight[key];
    if (entry !== undefined && entry.epoch === this.epoch) {
      onJoined?.();
    } else {
      const started = new InFlight(this.epoch, start());
      const forget = () => { if (this.inFlight[key] === started) delete this.inFlight[key]; };
      started.exchange.promise.then(forget, forget);
      this.inFlight[key] = started;
      entry = started;
    }
    const shared = entry;
    shared.callers += 1;
    if (signal === undefined) return shared.exchange.promise;
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const stop = watchAbort(signal, () => {
        if (settled) return;
        settled = true;
        shared.callers -= 1;
        if (shared.callers === 0) {
          // Nobody may join a read that is being cancelled.
          if (this.inFlight[key] === shared) delete this.inFlight[key];
          shared.exchange.cancel(signal.reason as Error);
        }
        reject(left(signal.reason));
      });
      shared.exchange.promise.then(
        (value) => { if (!settled) { settled = true; stop(); resolve(value); } },
        (err: unknown) => { if (!settled) { settled = true; stop(); reject(err); } },
      );
    });
  }
}
