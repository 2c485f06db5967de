/**
 * How long the thread that would be the extension host goes without serving its event loop,
 * measured three ways: perf_hooks' event-loop delay histogram (max), a 10 ms timer's lag (max; a
 * timer is how VS Code's own work is scheduled), and the longest GC pause.
 */
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

export interface StallFigures {
  /** Longest event-loop delay, ms (monitorEventLoopDelay, 10 ms resolution). */
  loopDelayMaxMs: number;
  loopDelayP99Ms: number;
  /** Longest lateness of a 10 ms interval timer, ms. */
  timerLagMaxMs: number;
  /** Longest single GC pause, ms. */
  gcPauseMaxMs: number;
}

const TICK_MS = 10;

export class StallProbe {
  private readonly histogram = monitorEventLoopDelay({ resolution: TICK_MS });
  private readonly gcObserver: PerformanceObserver;
  private timer: NodeJS.Timeout | undefined;
  private timerLagMax = 0;
  private gcPauseMax = 0;

  constructor() {
    this.gcObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) this.gcPauseMax = Math.max(this.gcPauseMax, entry.duration);
    });
  }

  start(): void {
    this.histogram.enable();
    this.gcObserver.observe({ entryTypes: ['gc'] });
    let expected = performance.now() + TICK_MS;
    this.timer = setInterval(() => {
      const now = performance.now();
      this.timerLagMax = Math.max(this.timerLagMax, now - expected);
      expected = now + TICK_MS;
    }, TICK_MS);
  }

  stop(): StallFigures {
    this.histogram.disable();
    this.gcObserver.disconnect();
    clearInterval(this.timer);
    return {
      loopDelayMaxMs: this.histogram.max / 1e6,
      loopDelayP99Ms: this.histogram.percentile(99) / 1e6,
      timerLagMaxMs: this.timerLagMax,
      gcPauseMaxMs: this.gcPauseMax,
    };
  }
}
