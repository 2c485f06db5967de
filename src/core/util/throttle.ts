import type { Disposable } from './disposable';

/** Calls `run` at most once per `intervalMs`. */
export interface Throttle extends Disposable {
  /** Asks for a run: at once when the last one is older than the interval, else once at its end. */
  schedule(): void;
  /** Runs now if a run is pending (e.g. before the panel goes away). */
  flush(): void;
}

/**
 * Coalesces bursts of changes into a bounded rate of work: many `schedule()` calls within one
 * interval produce a single trailing run, and a quiet period lets the next call run immediately.
 */
export function createThrottle(run: () => void, intervalMs: number, now: () => number = Date.now): Throttle {
  let lastRun = Number.NEGATIVE_INFINITY;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;
  const fire = () => {
    timer = undefined;
    lastRun = now();
    run();
  };
  return {
    schedule() {
      if (disposed || timer !== undefined) return;
      const wait = lastRun + intervalMs - now();
      if (wait <= 0) fire();
      else timer = setTimeout(fire, wait);
    },
    flush() {
      if (timer === undefined) return;
      clearTimeout(timer);
      fire();
    },
    dispose() {
      disposed = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
