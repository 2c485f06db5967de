/**
 * Short human renderings shared by the tree views, the status bar and the CLI. Pure functions, so
 * every label the UI shows is unit-tested without VS Code.
 */

/** The first 8 characters of a task id, as users quote them. */
export function shortId(id: string): string {
  return id.length > 8 ? id.slice(0, 8) : id;
}

/** `850 ms`, `1.24 s`, `12.3 s`, `4m 05s`, `2h 03m`. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 10) return `${seconds.toFixed(2)} s`;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${String(Math.floor(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h ${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

/** `just now`, `42s ago`, `5m ago`, `3h ago`, `2d ago`; `in 30s` for future times (ETA). */
export function relativeTime(then: number | null | undefined, now: number): string {
  if (then === null || then === undefined || !Number.isFinite(then)) return '';
  const delta = now - then;
  const future = delta < 0;
  const d = Math.abs(delta);
  let text: string;
  if (d < 2) return 'just now';
  if (d < 60) text = `${Math.floor(d)}s`;
  else if (d < 3600) text = `${Math.floor(d / 60)}m`;
  else if (d < 86400) text = `${Math.floor(d / 3600)}h`;
  else text = `${Math.floor(d / 86400)}d`;
  return future ? `in ${text}` : `${text} ago`;
}

/** ISO-like local rendering with milliseconds, for details pages: `2026-11-23 13:26:34.863 UTC`. */
export function formatTimestamp(epochSeconds: number | null | undefined): string {
  if (epochSeconds === null || epochSeconds === undefined || !Number.isFinite(epochSeconds)) return '';
  return `${new Date(epochSeconds * 1000).toISOString().replace('T', ' ').replace('Z', '')} UTC`;
}

/** `1 task`, `3 tasks`. */
export function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nouns}`;
}

/** A trend arrow comparing a queue depth with the previous reading. */
export function trendArrow(current: number, previous: number | undefined): string {
  if (previous === undefined || previous === current) return '';
  return current > previous ? '↑' : '↓';
}

/** Collapse whitespace and cut to `max` characters with an ellipsis. */
export function oneLine(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
