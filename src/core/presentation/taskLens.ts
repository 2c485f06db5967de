/** The CodeLens and hover text above a task definition: what its runs looked like recently. */
import type { RunStats } from '../state/taskStats';
import { formatDuration, plural, relativeTime } from './format';

/** `12 runs · 2 failures · p50 120 ms · p95 1.20 s · last failure 3m ago (1 h)` */
export function taskLensTitle(stats: RunStats | undefined, lastFailure: number | undefined, now: number): string {
  if (!stats || (stats.runs === 0 && stats.retries === 0 && lastFailure === undefined)) return `no runs in the last ${windowLabel(stats?.windowSeconds ?? 3600)}`;
  const parts = [plural(stats.runs, 'run'), plural(stats.failures, 'failure')];
  if (stats.retries) parts.push(plural(stats.retries, 'retry', 'retries'));
  if (stats.p50 !== undefined) parts.push(`p50 ${formatDuration(stats.p50)}`);
  if (stats.p95 !== undefined) parts.push(`p95 ${formatDuration(stats.p95)}`);
  if (lastFailure !== undefined) parts.push(`last failure ${relativeTime(lastFailure, now)}`);
  return `${parts.join(' · ')} (${windowLabel(stats.windowSeconds)})`;
}

function windowLabel(seconds: number): string {
  return seconds % 3600 === 0 ? `${seconds / 3600} h` : `${Math.round(seconds / 60)} min`;
}
