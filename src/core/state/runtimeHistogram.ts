/**
 * A fixed log-scale histogram of runtimes, small enough to keep one per time bucket: bin 0 holds
 * runtimes under 1 ms, bin i (1..46) holds [1 ms * 2^((i-1)/2), 1 ms * 2^(i/2)), and the last bin
 * everything from 2^23 ms (about 2.3 h) up. Percentiles interpolate inside a bin, so an estimate
 * is within one bin's width (a factor of 1.41) of the true value, and usually much closer.
 */

/** Number of bins. */
export const RUNTIME_BINS = 48;

const MIN_SECONDS = 0.001;
const BINS_PER_DOUBLING = 2;
const RATIO = 2 ** (1 / BINS_PER_DOUBLING);

/** The bin of a runtime in seconds. */
export function runtimeBin(seconds: number): number {
  if (!(seconds >= MIN_SECONDS)) return 0; // also NaN and negatives
  const bin = 1 + Math.floor(Math.log2(seconds / MIN_SECONDS) * BINS_PER_DOUBLING);
  return bin < RUNTIME_BINS ? bin : RUNTIME_BINS - 1;
}

/** Lower edge of a bin, seconds. */
export function binLower(bin: number): number {
  return bin === 0 ? 0 : MIN_SECONDS * RATIO ** (bin - 1);
}

/**
 * The runtime at quantile `q` (0..1) of the counts in `bins` (length {@link RUNTIME_BINS}), or
 * undefined when there are none.
 */
export function quantileOf(bins: ArrayLike<number>, q: number): number | undefined {
  let total = 0;
  for (let i = 0; i < RUNTIME_BINS; i++) total += bins[i];
  if (total === 0) return undefined;
  // The rank of the wanted sample (nearest-rank), then where it falls inside its bin.
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let bin = 0; bin < RUNTIME_BINS; bin++) {
    const count = bins[bin];
    if (count === 0 || seen + count < rank) {
      seen += count;
      continue;
    }
    const fraction = (rank - seen - 0.5) / count;
    if (bin === 0) return MIN_SECONDS * fraction;
    if (bin === RUNTIME_BINS - 1) return binLower(bin);
    return binLower(bin) * RATIO ** fraction;
  }
  return binLower(RUNTIME_BINS - 1);
}
