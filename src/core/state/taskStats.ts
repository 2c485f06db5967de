/**
 * Counters and rolling windows per task name and per worker (and for the whole cluster): runs,
 * failures, retries, revocations, and runtime percentiles, over any window up to 24 hours, plus
 * a throughput-by-state time series. Fed by ClusterState with every state change, so a task is
 * counted once per transition however many sources (events, backend, inspect) report it.
 *
 * Each series is a cascade of three rings of buckets (windowRing.ts): 10 s buckets over 5 minutes,
 * rolled into 2 minute buckets over an hour, rolled into 30 minute buckets over a day; each bucket
 * holds the counters and a runtime histogram (runtimeHistogram.ts). An update writes one bucket,
 * O(1), and memory is fixed per series (~23 KB, outside the JS heap). A window sums the buckets
 * inside it, so its old edge is as precise as the buckets there: 10 s for the last 5 minutes,
 * 2 minutes up to an hour, 30 minutes beyond. Times are our clock, epoch seconds.
 */
import { quantileOf, RUNTIME_BINS, runtimeBin } from './runtimeHistogram';
import type { TaskRecord } from './taskRecord';
import { TASK_STATES } from './taskIndex';
import { FAILURE, REJECTED, RETRY, REVOKED, SUCCESS } from './taskStates';
import { ringCascade, WindowRing } from './windowRing';

const SUCCEEDED_FIELD = 0;
const FAILED_FIELD = 1;
const RETRIED_FIELD = 2;
const REVOKED_FIELD = 3;
const REJECTED_FIELD = 4;
const COUNTERS = 5;
const STRIDE = COUNTERS + RUNTIME_BINS;

const COUNTER_OF_STATE: ReadonlyMap<string, number> = new Map([
  [SUCCESS, SUCCEEDED_FIELD], [FAILURE, FAILED_FIELD], [RETRY, RETRIED_FIELD], [REVOKED, REVOKED_FIELD], [REJECTED, REJECTED_FIELD],
]);

/** [bucket width, bucket count] of each ring, finest first. */
const RING_SHAPES: ReadonlyArray<readonly [number, number]> = [[10, 30], [120, 30], [1800, 48]];
/** Throughput series: 10 s over an hour, 1 minute over a day. */
const THROUGHPUT_SHAPES: ReadonlyArray<readonly [number, number]> = [[10, 360], [60, 1440]];
/** States of the throughput series: Celery's eight, then every custom state together. */
export const THROUGHPUT_STATES: readonly string[] = Object.freeze([...TASK_STATES, 'OTHER']);

/** Per-name and per-worker series kept at most (network input must not grow memory without end). */
export const MAX_STATS_KEYS = 512;

/** What happened in a window (for one task name, one worker, or the cluster). */
export interface RunStats {
  windowSeconds: number;
  /** Executions that ended: succeeded + failures. */
  runs: number;
  succeeded: number;
  failures: number;
  retries: number;
  revoked: number;
  rejected: number;
  /** Runtime percentiles of the successful runs, seconds (Celery reports runtime only on success); undefined without any. */
  p50: number | undefined;
  p95: number | undefined;
  p99: number | undefined;
  meanRuntime: number | undefined;
}

/** Transitions into each state per time bucket, oldest bucket first. */
export interface ThroughputSeries {
  /** Start of the first bucket, epoch seconds. */
  start: number;
  /** Bucket width, seconds. */
  step: number;
  /** State (or `OTHER` for custom states) -> one count per bucket. */
  counts: Map<string, number[]>;
}

/** One series: the counters and runtime histograms of one task name, worker, or the cluster. */
class RunSeries {
  private readonly ring = ringCascade(RING_SHAPES, STRIDE);

  record(at: number, field: number, runtime: number | undefined): void {
    const target = this.ring.target(at);
    if (!target) return;
    const { ring, row } = target;
    const base = row * STRIDE;
    ring.counts[base + field]++;
    if (runtime !== undefined) {
      ring.counts[base + COUNTERS + runtimeBin(runtime)]++;
      ring.sums[row] += runtime;
    }
  }

  summary(now: number, windowSeconds: number): RunStats {
    const totals = new Float64Array(STRIDE);
    let runtimeSum = 0;
    this.ring.forEachRow(now - windowSeconds, now, (ring, row) => {
      const base = row * STRIDE;
      for (let i = 0; i < STRIDE; i++) totals[i] += ring.counts[base + i];
      runtimeSum += ring.sums[row];
    });
    const bins = totals.subarray(COUNTERS);
    const timed = timedRuns(bins);
    const succeeded = totals[SUCCEEDED_FIELD];
    return {
      windowSeconds,
      runs: succeeded + totals[FAILED_FIELD],
      succeeded,
      failures: totals[FAILED_FIELD],
      retries: totals[RETRIED_FIELD],
      revoked: totals[REVOKED_FIELD],
      rejected: totals[REJECTED_FIELD],
      p50: quantileOf(bins, 0.5),
      p95: quantileOf(bins, 0.95),
      p99: quantileOf(bins, 0.99),
      meanRuntime: timed ? runtimeSum / timed : undefined,
    };
  }

  total(from: number, now: number, field: number): number {
    return this.ring.total(from, now, field);
  }

  clear(): void {
    this.ring.clear();
  }
}

function timedRuns(bins: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < bins.length; i++) n += bins[i];
  return n;
}

export class TaskStats {
  private readonly overall = new RunSeries();
  private readonly byName = new Map<string, RunSeries>();
  private readonly byWorker = new Map<string, RunSeries>();
  private readonly throughputRing: WindowRing = ringCascade(THROUGHPUT_SHAPES, THROUGHPUT_STATES.length);
  private readonly stateSlot = new Map(TASK_STATES.map((s, i) => [s, i]));

  /** `now`: our clock, epoch seconds. */
  constructor(private readonly now: () => number) {}

  /**
   * Count the task's move into its current state at time `at` (ClusterState calls this on
   * every state change).
   */
  record(task: TaskRecord, at: number): void {
    const state = task.state;
    const slot = this.stateSlot.get(state) ?? TASK_STATES.length;
    this.throughputRing.add(at, slot);
    const field = COUNTER_OF_STATE.get(state);
    if (field === undefined) return;
    const runtime = field === SUCCEEDED_FIELD ? task.runtime : undefined;
    this.overall.record(at, field, runtime);
    if (task.name !== undefined) seriesFor(this.byName, task.name)?.record(at, field, runtime);
    if (task.worker !== undefined) seriesFor(this.byWorker, task.worker)?.record(at, field, runtime);
  }

  /** Runs of task `name` in the last `windowSeconds` (default 5 minutes). */
  forTask(name: string, windowSeconds = 300): RunStats {
    return (this.byName.get(name) ?? EMPTY).summary(this.now(), windowSeconds);
  }

  /** Runs on worker `hostname` in the last `windowSeconds` (default 5 minutes). */
  forWorker(hostname: string, windowSeconds = 300): RunStats {
    return (this.byWorker.get(hostname) ?? EMPTY).summary(this.now(), windowSeconds);
  }

  /** Runs of every task in the last `windowSeconds` (default 5 minutes). */
  forCluster(windowSeconds = 300): RunStats {
    return this.overall.summary(this.now(), windowSeconds);
  }

  /** Tasks that failed since `since` (epoch seconds; resolution: the bucket holding it). */
  failuresSince(since: number): number {
    return this.overall.total(since, this.now(), FAILED_FIELD);
  }

  /** Task names and workers with a series. */
  taskNames(): string[] {
    return [...this.byName.keys()];
  }

  workers(): string[] {
    return [...this.byWorker.keys()];
  }

  /**
   * Transitions into each state over the last `windowSeconds` (default 1 hour), in 10 s buckets
   * up to an hour, 1 minute buckets beyond (up to a day).
   */
  throughput(windowSeconds = 3600): ThroughputSeries {
    const now = this.now();
    const step = windowSeconds <= THROUGHPUT_SHAPES[0][0] * THROUGHPUT_SHAPES[0][1] ? THROUGHPUT_SHAPES[0][0] : THROUGHPUT_SHAPES[1][0];
    const first = Math.floor((now - windowSeconds) / step);
    const buckets = Math.floor(now / step) - first + 1;
    const columns = THROUGHPUT_STATES.map(() => new Array<number>(buckets).fill(0));
    this.throughputRing.forEachRow(first * step, now, (ring, row, start) => {
      const at = Math.floor(start / step) - first;
      for (let i = 0; i < columns.length; i++) columns[i][at] += ring.counts[row * ring.stride + i];
    });
    return { start: first * step, step, counts: new Map(THROUGHPUT_STATES.map((s, i) => [s, columns[i]])) };
  }

  clear(): void {
    this.byName.clear();
    this.byWorker.clear();
    this.overall.clear();
    this.throughputRing.clear();
  }
}

const EMPTY = new RunSeries();

function seriesFor(map: Map<string, RunSeries>, key: string): RunSeries | undefined {
  let series = map.get(key);
  if (series === undefined && map.size < MAX_STATS_KEYS) {
    series = new RunSeries();
    map.set(key, series);
  }
  return series;
}
