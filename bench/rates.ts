/** The applied-events samples a bench:e2e run takes every 50 ms, the rates read off them, and how counts print. */

/** A count or rate as the benches print it: rounded, with thousands separators. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en');
}

export interface Sample {
  /** performance.now() */
  at: number;
  /** Events applied to the model so far. */
  applied: number;
  /** Tasks held. */
  tasks: number;
}

/** Events/s between the first sample `keep` takes and the last one of those that added any. */
export function rateOver(samples: Sample[], keep: (s: Sample) => boolean): { rate: number; seconds: number } {
  const part = samples.filter(keep);
  if (part.length < 2) return { rate: 0, seconds: 0 };
  let last = part.length - 1;
  while (last > 0 && part[last].applied === part[last - 1].applied) last--;
  const seconds = (part[last].at - part[0].at) / 1000;
  return { rate: seconds > 0 ? (part[last].applied - part[0].applied) / seconds : 0, seconds };
}

/** Events/s in each half second of the run, to see the warm-up and the GC dips. */
export function halfSecondRates(samples: Sample[]): number[] {
  const rates: number[] = [];
  let from = samples.find((s) => s.applied > 0) ?? samples[0];
  for (const sample of samples) {
    if (sample.at - from.at < 500) continue;
    rates.push(((sample.applied - from.applied) * 1000) / (sample.at - from.at));
    from = sample;
  }
  return rates;
}
