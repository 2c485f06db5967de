/**
 * Run an async job every `intervalMs`, one run at a time (the next is scheduled when a run ends,
 * so a slow broker never gets overlapping calls), pausable, and runnable on demand.
 */
import type { Disposable } from '../util/disposable';
import { realTimers, type TimerHandle, type Timers } from './timers';

export class PeriodicTask implements Disposable {
  private timer: TimerHandle | undefined;
  private running: Promise<void> | undefined;
  private rerun: Promise<void> | undefined;
  private paused = false;
  private started = false;
  private disposed = false;

  /** `job` must not reject; anything it throws is swallowed so a timer never throws. */
  constructor(
    private readonly job: () => Promise<void>,
    private readonly intervalMs: number,
    private readonly timers: Pick<Timers, 'setTimeout' | 'clearTimeout'> = realTimers,
  ) {}

  /** Begin: the first run comes one interval from now (unless paused). */
  start(): void {
    if (this.started || this.disposed) return;
    this.started = true;
    this.schedule();
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Pause or resume the schedule; a run in progress finishes. */
  setPaused(paused: boolean): void {
    if (paused === this.paused) return;
    this.paused = paused;
    if (paused) this.cancel();
    else this.schedule();
  }

  /**
   * Run now (even while paused) and resolve when done. If a run is in progress, one more run
   * follows it (its data may predate the request); concurrent callers share that follow-up run.
   */
  runNow(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    if (!this.running) return this.execute();
    this.rerun ??= this.running.then(() => {
      this.rerun = undefined;
      return this.execute();
    });
    return this.rerun;
  }

  dispose(): void {
    this.disposed = true;
    this.cancel();
  }

  private execute(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    this.cancel();
    const run = (async () => {
      try {
        await this.job();
      } catch {
        // The job reports its own problems; a rejection here must not escape a timer.
      }
    })().finally(() => {
      if (this.running === run) this.running = undefined;
      this.schedule();
    });
    this.running = run;
    return run;
  }

  private schedule(): void {
    if (!this.started || this.paused || this.disposed || this.running || this.timer !== undefined) return;
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      void this.execute();
    }, this.intervalMs);
  }

  private cancel(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
