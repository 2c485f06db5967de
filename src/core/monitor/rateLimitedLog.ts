/**
 * Log lines for recurring problems without flooding: per category, the first `burst` lines are
 * logged as they come, then only a summary every `windowMs` while the problem goes on ("1 520 more
 * undecodable events in the last 10 s; latest: ..."). A category that stays quiet for a whole
 * window starts over.
 */
import { realTimers, type TimerHandle, type Timers } from './timers';

export type LogLevel = 'info' | 'warn' | 'error';

/** One log line, already redacted. */
export interface LogEntry {
  level: LogLevel;
  message: string;
}

export interface RateLimitedLogOptions {
  /** Lines logged one by one before summarising (default 10). */
  burst?: number;
  /** Summary period, ms (default 10 000). */
  windowMs?: number;
  timers?: Pick<Timers, 'setTimeout' | 'clearTimeout'>;
}

interface CategoryState {
  logged: number;
  suppressed: number;
  latest: string;
  level: LogLevel;
  timer: TimerHandle | undefined;
}

export class RateLimitedLog {
  private readonly categories = new Map<string, CategoryState>();
  private readonly burst: number;
  private readonly windowMs: number;
  private readonly timers: Pick<Timers, 'setTimeout' | 'clearTimeout'>;

  constructor(
    private readonly emit: (entry: LogEntry) => void,
    options: RateLimitedLogOptions = {},
  ) {
    this.burst = Math.max(0, options.burst ?? 10);
    this.windowMs = Math.max(1, options.windowMs ?? 10_000);
    this.timers = options.timers ?? realTimers;
  }

  /** Log `message` unless `category` is past its burst; then it is counted for the next summary. */
  report(category: string, level: LogLevel, message: string): void {
    let state = this.categories.get(category);
    if (!state) {
      state = { logged: 0, suppressed: 0, latest: '', level, timer: undefined };
      this.categories.set(category, state);
      state.timer = this.timers.setTimeout(() => this.endWindow(category), this.windowMs);
    }
    if (state.logged < this.burst) {
      state.logged++;
      this.safeEmit({ level, message });
      return;
    }
    state.suppressed++;
    state.latest = message;
    state.level = level;
  }

  /** Emit every pending summary now and forget all categories (e.g. when the monitor stops). */
  flush(): void {
    for (const [category, state] of [...this.categories]) {
      this.timers.clearTimeout(state.timer);
      this.summarise(category, state);
    }
    this.categories.clear();
  }

  private endWindow(category: string): void {
    const state = this.categories.get(category);
    if (!state) return;
    if (state.suppressed === 0) {
      this.categories.delete(category);
      return;
    }
    this.summarise(category, state);
    state.suppressed = 0;
    state.timer = this.timers.setTimeout(() => this.endWindow(category), this.windowMs);
  }

  private summarise(category: string, state: CategoryState): void {
    if (state.suppressed === 0) return;
    const seconds = Math.round(this.windowMs / 1000);
    this.safeEmit({ level: state.level, message: `${state.suppressed} more ${category} in the last ${seconds} s; latest: ${state.latest}` });
  }

  private safeEmit(entry: LogEntry): void {
    try {
      this.emit(entry);
    } catch {
      // Logging must never break the caller (it runs inside event handlers and timers).
    }
  }
}
