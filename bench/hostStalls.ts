/**
 * How long the thread that would be the extension host goes without serving its event loop,
 * measured three ways: perf_hooks' event-loop delay histogram (max), a 10 ms timer's lag (max; a
 * timer is how VS Code's own work is scheduled), and the longest GC pause.
 *
 * On a machine whose cores are all busy (the bench itself keeps two busy: publisher, Redis, this
 * thread and the decoding thread), part of a lag is the thread waiting for a core, not work of its
 * own. Linux's schedstat says how long the thread waited on the run queue, so each lag is also
 * reported net of that wait: the longest stretch the thread's own work held its event loop.
 */
import { readFileSync } from 'node:fs';
import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

const SCHEDSTAT = `/proc/self/task/${process.pid}/schedstat`;

/** Milliseconds this thread has waited for a core so far (Linux), or undefined. */
function runQueueWaitMs(): number | undefined {
  try {
    return Number(readFileSync(SCHEDSTAT, 'utf8').split(' ')[1]) / 1e6;
  } catch {
    return undefined;
  }
}

export interface StallFigures {
  /** Longest event-loop delay, ms (monitorEventLoopDelay, 10 ms resolution). */
  loopDelayMaxMs: number;
  loopDelayP99Ms: number;
  /** Longest lateness of a 10 ms interval timer, ms. */
  timerLagMaxMs: number;
  /** Longest single GC pause, ms, and its kind (major: mark-compact, minor: scavenge, ...). */
  gcPauseMaxMs: number;
  gcPauseMaxKind: string;
  /** GC pauses of 50 ms or more. */
  gcPausesOver50Ms: number;
  /** The longest timer lag less the time the thread waited for a core meanwhile (Linux), ms. */
  ownLagMaxMs?: number;
  /** How long the thread waited for a core during the longest timer lag, ms. */
  waitInLongestLagMs?: number;
}

const TICK_MS = 10;

const GC_KINDS = new Map([
  [constants.NODE_PERFORMANCE_GC_MINOR, 'minor (scavenge)'],
  [constants.NODE_PERFORMANCE_GC_MAJOR, 'major (mark-compact)'],
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL, 'incremental marking'],
  [constants.NODE_PERFORMANCE_GC_WEAKCB, 'weak callbacks'],
]);

function gcKind(kind: number | undefined): string {
  return (kind !== undefined ? GC_KINDS.get(kind) : undefined) ?? 'unknown';
}

/** The figures as one line's worth of text, as both end-to-end benches print them. */
export function describeStalls(stalls: StallFigures): string {
  return `longest event-loop delay ${stalls.loopDelayMaxMs.toFixed(1)} ms (p99 ${stalls.loopDelayP99Ms.toFixed(1)} ms), ` +
    `longest 10 ms timer lag ${stalls.timerLagMaxMs.toFixed(1)} ms` +
    (stalls.waitInLongestLagMs !== undefined ? ` (${stalls.waitInLongestLagMs.toFixed(1)} ms of it waiting for a core)` : '') +
    (stalls.ownLagMaxMs !== undefined ? `, longest lag net of waiting for a core ${stalls.ownLagMaxMs.toFixed(1)} ms` : '') +
    `, longest GC pause ${stalls.gcPauseMaxMs.toFixed(1)} ms (${stalls.gcPauseMaxKind}; ${stalls.gcPausesOver50Ms} of 50 ms or more)`;
}

export class StallProbe {
  private readonly histogram = monitorEventLoopDelay({ resolution: TICK_MS });
  private readonly gcObserver: PerformanceObserver;
  private timer: NodeJS.Timeout | undefined;
  private timerLagMax = 0;
  private waitInLongestLag: number | undefined;
  private ownLagMax: number | undefined;
  private gcPauseMax = 0;
  private gcPauseMaxKind = '';
  private gcPausesOver50 = 0;

  constructor() {
    this.gcObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        if (entry.duration >= 50) this.gcPausesOver50++;
        if (entry.duration <= this.gcPauseMax) continue;
        this.gcPauseMax = entry.duration;
        this.gcPauseMaxKind = gcKind(((entry as { detail?: unknown }).detail as { kind?: number } | undefined)?.kind);
      }
    });
  }

  start(): void {
    this.histogram.enable();
    this.gcObserver.observe({ entryTypes: ['gc'] });
    let expected = performance.now() + TICK_MS;
    let waitedBefore = runQueueWaitMs();
    this.timer = setInterval(() => {
      const now = performance.now();
      const lag = now - expected;
      const waited = runQueueWaitMs();
      // Waiting anywhere in the tick counts against the lag: a lower bound of the thread's own share.
      const wait = waited !== undefined && waitedBefore !== undefined ? waited - waitedBefore : undefined;
      if (lag > this.timerLagMax) {
        this.timerLagMax = lag;
        this.waitInLongestLag = wait;
      }
      if (wait !== undefined) this.ownLagMax = Math.max(this.ownLagMax ?? 0, lag - wait);
      waitedBefore = waited;
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
      gcPauseMaxKind: this.gcPauseMaxKind,
      gcPausesOver50Ms: this.gcPausesOver50,
      ownLagMaxMs: this.ownLagMax,
      waitInLongestLagMs: this.waitInLongestLag,
    };
  }
}
