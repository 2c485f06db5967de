/**
 * The timer functions the monitor schedules with, injectable so the scheduling logic can be tested
 * with a hand-driven clock instead of real waits.
 */

/** An opaque handle returned by {@link Timers.setTimeout}. */
export type TimerHandle = unknown;

export interface Timers {
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /** Run `callback` after the current macrotask (and its I/O callbacks) is done. */
  setImmediate(callback: () => void): TimerHandle;
  clearImmediate(handle: TimerHandle): void;
  /** Wall clock, epoch milliseconds. */
  now(): number;
}

export const realTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  setImmediate: (callback) => setImmediate(callback),
  clearImmediate: (handle) => clearImmediate(handle as NodeJS.Immediate),
  now: () => Date.now(),
};
