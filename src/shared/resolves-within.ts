// Racing work against a time limit, as shutdown does in several places (the HTTP server's close, the batch
// job queue's close): the timer is cleared once the race is decided, and `unref` keeps it from holding the
// process open on its own. Pure and dependency-free, like the rest of src/shared/.

/** True when `work` resolves within `ms`, false when the time runs out first (a rejection is passed on). */
export async function resolvesWithin(work: Promise<unknown>, ms: number, opts: { unref?: boolean } = {}): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    if (opts.unref) timer.unref();
  });
  try {
    return await Promise.race([work.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}
