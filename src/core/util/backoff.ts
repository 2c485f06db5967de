/**
 * Exponential backoff with jitter, for reconnecting: 1 s, 2 s, 4 s, ... up to 30 s by default.
 * Jitter only shortens a delay (by up to `jitter` of it), so a delay never exceeds `maxMs` and many
 * clients that lost the same server do not all come back in the same millisecond.
 */

/** Backoff tuning; every field has a default. */
export interface BackoffOptions {
  /** First delay, ms (default 1 000). */
  initialMs?: number;
  /** Growth per attempt (default 2). */
  factor?: number;
  /** Longest delay, ms (default 30 000). */
  maxMs?: number;
  /** Fraction of a delay that may be taken off at random, 0..1 (default 0.2). */
  jitter?: number;
}

export const DEFAULT_BACKOFF: Required<BackoffOptions> = Object.freeze({ initialMs: 1000, factor: 2, maxMs: 30_000, jitter: 0.2 });

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

/**
 * The delay before retry number `attempt` (1 for the first retry). `random` returns [0, 1); with
 * `() => 0` the delay is the undisturbed exponential value.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const initialMs = Math.max(0, options.initialMs ?? DEFAULT_BACKOFF.initialMs);
  const factor = Math.max(1, options.factor ?? DEFAULT_BACKOFF.factor);
  const maxMs = Math.max(initialMs, options.maxMs ?? DEFAULT_BACKOFF.maxMs);
  const jitter = clamp(options.jitter ?? DEFAULT_BACKOFF.jitter, 0, 1);
  const step = Math.max(1, Math.floor(attempt)) - 1;
  // Capping the exponent keeps factor ** step finite however long a server stays down.
  const base = Math.min(maxMs, initialMs * factor ** Math.min(step, 64));
  const r = clamp(random(), 0, 1);
  return Math.round(base * (1 - jitter * r));
}

/** A retry counter: `next()` gives the following delay, `reset()` starts over after a success. */
export class Backoff {
  private attempts = 0;

  constructor(
    private readonly options: BackoffOptions = {},
    private readonly random: () => number = Math.random,
  ) {}

  /** Retries handed out since the last reset. */
  get attempt(): number {
    return this.attempts;
  }

  /** Count one more retry and return its delay, ms. */
  next(): number {
    this.attempts++;
    return backoffDelay(this.attempts, this.options, this.random);
  }

  reset(): void {
    this.attempts = 0;
  }
}
