// One abort listener per signal, however many vendor calls watch it. A GraphQL request's signal (or the
// shutdown signal) is shared by every vendor call made for it: a 1000-item batch reading tasks back has
// dozens in flight at once, and one listener each tripped Node's MaxListenersExceededWarning ("11 abort
// listeners"). Here the first watcher adds the signal's one listener, the last one to leave removes it.

interface Watchers {
  readonly callbacks: Set<() => void>;
  readonly listener: () => void;
}

const watched = new WeakMap<AbortSignal, Watchers>();

/** Calls `fn` once when `signal` aborts; returns the function that stops watching. */
export function watchAbort(signal: AbortSignal, fn: () => void): () => void {
  let w = watched.get(signal);
  if (!w) {
    const callbacks = new Set<() => void>();
    const listener = () => {
      watched.delete(signal);
      for (const cb of [...callbacks]) cb();
      callbacks.clear();
    };
    w = { callbacks, listener };
    watched.set(signal, w);
    signal.addEventListener('abort', listener, { once: true });
  }
  const entry = w;
  // A distinct wrapper per watch, so the same fn watched twice is two watches.
  const cb = () => fn();
  entry.callbacks.add(cb);
  return () => {
    if (!entry.callbacks.delete(cb) || entry.callbacks.size > 0) return;
    signal.removeEventListener('abort', entry.listener);
    if (watched.get(signal) === entry) watched.delete(signal);
  };
}

/**
 * Resolves true after `ms`, or false as soon as `signal` aborts (at once when it already has), watching the
 * signal through watchAbort: the waits of a whole batch on its one signal add one listener, not one each.
 */
export function pause(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const stop = signal ? watchAbort(signal, () => { clearTimeout(timer); resolve(false); }) : undefined;
    const timer = setTimeout(() => { stop?.(); resolve(true); }, ms);
  });
}
