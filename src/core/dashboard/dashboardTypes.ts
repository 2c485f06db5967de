/**
 * The dashboard's data as it crosses to the webview (src/shared/dashboardMessages.ts): plain JSON,
 * no imports, so the webview bundle type-checks it on its own.
 */

export type DashboardWindow = '5m' | '1h' | '24h';

export const DASHBOARD_WINDOWS: readonly DashboardWindow[] = Object.freeze(['5m', '1h', '24h']);

/** Seconds and bucket step of each window. */
export const WINDOW_SPANS: Readonly<Record<DashboardWindow, { seconds: number; step: number }>> = Object.freeze({
  '5m': { seconds: 300, step: 10 },
  '1h': { seconds: 3600, step: 60 },
  '24h': { seconds: 86_400, step: 300 },
});

/** Buckets of `step` seconds from `start` (epoch seconds). */
export interface TimeAxis {
  start: number;
  step: number;
  buckets: number;
}

export interface DashboardData {
  window: DashboardWindow;
  /** Epoch seconds the data was read at. */
  now: number;
  axis: TimeAxis;
  /** Transitions into each state per bucket (Celery's states, then OTHER for custom ones). */
  throughput: Array<{ state: string; counts: number[] }>;
  /** Finished runs, failures and failures / runs per bucket (null without runs). */
  failureRate: { runs: number[]; failures: number[]; rate: Array<number | null> };
  /** Runtime percentiles (seconds) of successful runs per task name, busiest first. */
  runtimes: Array<{ name: string; runs: number; p50: number | null; p95: number | null; p99: number | null; mean: number | null }>;
  /** Mean queue depth per bucket, per queue (null: not polled then). */
  queueDepth: Array<{ queue: string; depth: Array<number | null> }>;
  /** Per worker and bucket: mean busy slots, mean concurrency, busy / concurrency (null when unknown). */
  utilisation: Array<{ worker: string; busy: Array<number | null>; concurrency: Array<number | null>; ratio: Array<number | null> }>;
  /** Task names with the most failures in the window. */
  topFailing: Array<{ name: string; failures: number; runs: number; failureRate: number }>;
}

export type ChartId = 'throughput' | 'failureRate' | 'runtimes' | 'queueDepth' | 'utilisation' | 'topFailing';

export const CHART_IDS: readonly ChartId[] = Object.freeze(['throughput', 'failureRate', 'runtimes', 'queueDepth', 'utilisation', 'topFailing']);

export const CHART_TITLES: Readonly<Record<ChartId, string>> = Object.freeze({
  throughput: 'Throughput by state',
  failureRate: 'Failure rate',
  runtimes: 'Runtime percentiles per task',
  queueDepth: 'Queue depth',
  utilisation: 'Worker utilisation',
  topFailing: 'Top failing tasks',
});
