/**
 * The dashboard's charts for one window (5 minutes, 1 hour, 24 hours), built from the state's
 * rolling task statistics (taskStats.ts) and the monitor's sampled gauges (dashboardMetrics.ts).
 * Every time series shares one bucket step per window (10 s, 1 min, 5 min), so charts line up.
 * Plain JSON: it crosses to the dashboard webview as is, and chartExport.ts turns each chart
 * into CSV or JSON.
 */
import type { TaskStats } from '../state/taskStats';
import { THROUGHPUT_STATES } from '../state/taskStats';
import type { DashboardMetrics } from './dashboardMetrics';
import { type DashboardData, type DashboardWindow, type TimeAxis, WINDOW_SPANS } from './dashboardTypes';

export * from './dashboardTypes';

/** Task names in the percentile table and the top failing list, at most. */
export const MAX_TASK_ROWS = 50;
export const TOP_FAILING = 10;

/** Add `from` (step `fromStep`) into buckets of `axis` (coarser or equal step). */
function rebucket(values: readonly number[], fromStart: number, fromStep: number, axis: TimeAxis): number[] {
  const out = new Array<number>(axis.buckets).fill(0);
  for (let i = 0; i < values.length; i++) {
    const at = Math.floor((fromStart + i * fromStep - axis.start) / axis.step);
    if (at >= 0 && at < axis.buckets) out[at] += values[i];
  }
  return out;
}

function orNull(value: number | undefined): number | null {
  return value === undefined ? null : value;
}

/** The dashboard for `window` at `now` (epoch seconds; the stats' clock). */
export function buildDashboard(stats: TaskStats, metrics: DashboardMetrics, window: DashboardWindow, now: number): DashboardData {
  const { seconds, step } = WINDOW_SPANS[window];
  const first = Math.floor((now - seconds) / step);
  const axis: TimeAxis = { start: first * step, step, buckets: Math.floor(now / step) - first + 1 };

  const series = stats.throughput(seconds);
  const throughput = THROUGHPUT_STATES.map((state) => ({ state, counts: rebucket(series.counts.get(state) ?? [], series.start, series.step, axis) }));
  const succeeded = throughput.find((t) => t.state === 'SUCCESS')?.counts ?? [];
  const failures = throughput.find((t) => t.state === 'FAILURE')?.counts ?? [];
  const runs = succeeded.map((n, i) => n + failures[i]);
  const failureRate = { runs, failures, rate: runs.map((n, i) => (n > 0 ? failures[i] / n : null)) };

  const perName = stats.taskNames().map((name) => ({ name, stats: stats.forTask(name, seconds) })).filter((e) => e.stats.runs + e.stats.retries > 0);
  const runtimes = [...perName]
    .sort((a, b) => b.stats.runs - a.stats.runs || a.name.localeCompare(b.name))
    .slice(0, MAX_TASK_ROWS)
    .map(({ name, stats: s }) => ({ name, runs: s.runs, p50: orNull(s.p50), p95: orNull(s.p95), p99: orNull(s.p99), mean: orNull(s.meanRuntime) }));
  const topFailing = perName
    .filter((e) => e.stats.failures > 0)
    .sort((a, b) => b.stats.failures - a.stats.failures || a.name.localeCompare(b.name))
    .slice(0, TOP_FAILING)
    .map(({ name, stats: s }) => ({ name, failures: s.failures, runs: s.runs, failureRate: s.runs > 0 ? s.failures / s.runs : 1 }));

  const end = axis.start + (axis.buckets - 1) * step;
  const depths = metrics.queueDepths.columns(axis.start, end, step);
  const queueDepth = depths.keys.map((queue, i) => ({ queue, depth: depths.means[i] }));
  const busy = metrics.busySlots.columns(axis.start, end, step);
  const utilisation = busy.keys.map((worker, i) => {
    const concurrency = busy.secondMeans[i].map((c) => (c === null || c <= 0 ? null : c));
    const ratio = busy.means[i].map((b, j) => (b === null || concurrency[j] === null ? null : Math.min(1, b / (concurrency[j] as number))));
    return { worker, busy: busy.means[i], concurrency, ratio };
  });
  return { window, now, axis, throughput, failureRate, runtimes, queueDepth, utilisation, topFailing };
}
