// The one sleep of the tree: the core holds it (it is a timer, not I/O) because every package depends on the core; @tthc/retry re-exports it.
/** Waits `ms`, or less when `signal` aborts first; never rejects, so a stop is checked by the caller. */
export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
