/** Where commands write: results to stdout, diagnostics to stderr, JSON or human text. */
import type { Undecodable } from '../core/celery/rawMessage';

export interface Output {
  readonly json: boolean;
  /** One line to stdout. */
  line(text: string): void;
  /** A value as JSON: compact (one line) for streams, indented otherwise. */
  value(value: unknown, compact?: boolean): void;
  /** One line to stderr. */
  warn(text: string): void;
  /** Count and report something that could not be decoded: never silent. */
  undecodable(item: Undecodable): void;
  readonly undecodableCount: number;
}

export function describeUndecodable(item: Undecodable): string {
  const who = item.taskId ? ` task ${item.taskId}${item.taskName ? ` (${item.taskName})` : ''}` : '';
  const type = item.contentType ? `, ${item.contentType}` : '';
  return `undecodable ${item.source} message from ${item.where}${who}: ${item.reason} [${item.size} bytes${type}]`;
}

export function createOutput(json: boolean, stdout: NodeJS.WritableStream = process.stdout, stderr: NodeJS.WritableStream = process.stderr): Output {
  let undecodableCount = 0;
  return {
    json,
    line: (text) => void stdout.write(`${text}\n`),
    value: (value, compact = false) => void stdout.write(`${compact ? JSON.stringify(value) : JSON.stringify(value, null, 2)}\n`),
    warn: (text) => void stderr.write(`${text}\n`),
    undecodable(item) {
      undecodableCount++;
      stderr.write(`warning: ${describeUndecodable(item)}\n`);
    },
    get undecodableCount() {
      return undecodableCount;
    },
  };
}

/** Left-aligned columns for human tables. */
export function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ').trimEnd());
}

/** A short, single-line rendering of a value for tables. */
export function brief(value: unknown, max = 60): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

/** `p0:3 p9:1` — the non-empty priority buckets of a queue. */
export function formatByPriority(byPriority: Record<string, number>): string {
  return Object.entries(byPriority).filter(([, n]) => n > 0).map(([p, n]) => `p${p}:${n}`).join(' ');
}
