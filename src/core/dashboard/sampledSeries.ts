/**
 * Sampled gauges over time (a queue's depth, a worker's busy slots), one series per key, for the
 * dashboard's 5 minute, 1 hour and 24 hour windows. Each series is a cascade of fixed rings
 * (windowRing.ts): 10 s buckets over 5 minutes, 1 minute buckets over an hour, 5 minute buckets
 * over a day, so memory is fixed per key (~9 KB) and a sample writes one bucket. A bucket keeps
 * the sum of the values, the number of samples and, when asked, the sum of a second value (a
 * worker's concurrency), so a coarser bucket's mean stays exact when finer ones roll into it.
 */
import { ringCascade, type WindowRing } from '../state/windowRing';

/** [bucket width s, buckets] per ring, finest first. */
export const SAMPLED_SHAPES: ReadonlyArray<readonly [number, number]> = [[10, 30], [60, 60], [300, 288]];

/** Keys kept at most (network input: queue and worker names must not grow memory without end). */
export const MAX_SAMPLED_KEYS = 256;

const SAMPLES = 0;
const SECOND = 1;

/** Mean values per bucket, oldest first; null where there was no sample. */
export interface SampledColumns {
  /** Start of the first bucket, epoch seconds. */
  start: number;
  step: number;
  keys: string[];
  /** Per key, one mean per bucket. */
  means: Array<Array<number | null>>;
  /** Per key, the mean of the second value per bucket (only when the series keeps one). */
  secondMeans: Array<Array<number | null>>;
}

export class SampledSeries {
  private readonly rings = new Map<string, WindowRing>();

  constructor(private readonly withSecond = false) {}

  /** Record `value` (and `second`) for `key` at `at` (epoch seconds); false when the key is not kept. */
  sample(key: string, at: number, value: number, second = 0): boolean {
    if (!Number.isFinite(value) || !Number.isFinite(second)) return false;
    let ring = this.rings.get(key);
    if (ring === undefined) {
      if (this.rings.size >= MAX_SAMPLED_KEYS) return false;
      ring = ringCascade(SAMPLED_SHAPES, this.withSecond ? 2 : 1);
      this.rings.set(key, ring);
    }
    const target = ring.target(at);
    if (!target) return false;
    const base = target.row * target.ring.stride;
    target.ring.counts[base + SAMPLES]++;
    if (this.withSecond) target.ring.counts[base + SECOND] += Math.max(0, Math.round(second));
    target.ring.sums[target.row] += value;
    return true;
  }

  keys(): string[] {
    return [...this.rings.keys()];
  }

  /** Means per `step`-second bucket over [from, to], for the given keys (default: all, sorted). */
  columns(from: number, to: number, step: number, keys: string[] = this.keys().sort()): SampledColumns {
    const first = Math.floor(from / step);
    const buckets = Math.max(0, Math.floor(to / step) - first + 1);
    const means: Array<Array<number | null>> = [];
    const secondMeans: Array<Array<number | null>> = [];
    for (const key of keys) {
      const sums = new Float64Array(buckets);
      const samples = new Float64Array(buckets);
      const seconds = new Float64Array(buckets);
      this.rings.get(key)?.forEachRow(first * step, to, (ring, row, start) => {
        const at = Math.floor(start / step) - first;
        if (at < 0 || at >= buckets) return;
        const base = row * ring.stride;
        samples[at] += ring.counts[base + SAMPLES];
        if (this.withSecond) seconds[at] += ring.counts[base + SECOND];
        sums[at] += ring.sums[row];
      });
      means.push(Array.from(sums, (sum, i) => (samples[i] > 0 ? sum / samples[i] : null)));
      secondMeans.push(this.withSecond ? Array.from(seconds, (sum, i) => (samples[i] > 0 ? sum / samples[i] : null)) : []);
    }
    return { start: first * step, step, keys, means, secondMeans };
  }

  clear(): void {
    this.rings.clear();
  }
}
