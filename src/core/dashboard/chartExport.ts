/**
 * The data behind each dashboard chart as a table, and that table as CSV (RFC 4180) or JSON, for
 * "Export CSV / JSON" (the extension host writes the text where the user chooses). Times are
 * ISO-8601 UTC bucket starts, so the files open in any spreadsheet; empty cells mean "no data".
 */
import type { ChartId, DashboardData } from './dashboardTypes';

export { CHART_IDS, CHART_TITLES, type ChartId } from './dashboardTypes';

export type Cell = string | number | null;

export interface ChartTable {
  chart: ChartId;
  columns: string[];
  rows: Cell[][];
}

function iso(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString();
}

function times(data: DashboardData): string[] {
  const { start, step, buckets } = data.axis;
  return Array.from({ length: buckets }, (_, i) => iso(start + i * step));
}

/** One chart's data as a table (long format for the heatmap: one row per worker and bucket). */
export function chartTable(data: DashboardData, chart: ChartId): ChartTable {
  const at = times(data);
  switch (chart) {
    case 'throughput':
      return { chart, columns: ['time', ...data.throughput.map((s) => s.state)], rows: at.map((t, i) => [t, ...data.throughput.map((s) => s.counts[i])]) };
    case 'failureRate': {
      const f = data.failureRate;
      return { chart, columns: ['time', 'runs', 'failures', 'failure_rate'], rows: at.map((t, i) => [t, f.runs[i], f.failures[i], f.rate[i]]) };
    }
    case 'runtimes':
      return { chart, columns: ['task', 'runs', 'p50_s', 'p95_s', 'p99_s', 'mean_s'], rows: data.runtimes.map((r) => [r.name, r.runs, r.p50, r.p95, r.p99, r.mean]) };
    case 'queueDepth':
      return { chart, columns: ['time', ...data.queueDepth.map((q) => q.queue)], rows: at.map((t, i) => [t, ...data.queueDepth.map((q) => q.depth[i])]) };
    case 'utilisation': {
      const rows: Cell[][] = [];
      for (const w of data.utilisation) at.forEach((t, i) => rows.push([t, w.worker, w.busy[i], w.concurrency[i], w.ratio[i]]));
      return { chart, columns: ['time', 'worker', 'busy_slots', 'concurrency', 'utilisation'], rows };
    }
    case 'topFailing':
      return { chart, columns: ['task', 'failures', 'runs', 'failure_rate'], rows: data.topFailing.map((r) => [r.name, r.failures, r.runs, r.failureRate]) };
  }
}

function csvCell(cell: Cell): string {
  if (cell === null) return '';
  const text = typeof cell === 'number' ? (Number.isFinite(cell) ? String(cell) : '') : cell;
  // Quote what CSV needs quoted; a leading = + - @ is prefixed so a spreadsheet never runs a
  // task name from the wire as a formula.
  const safe = typeof cell === 'string' && /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** RFC 4180 CSV with a header row and CRLF line ends. */
export function tableToCsv(table: ChartTable): string {
  return [table.columns, ...table.rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** JSON: the chart, its window and time step, and one object per row keyed by column. */
export function tableToJson(table: ChartTable, data: Pick<DashboardData, 'window' | 'now' | 'axis'>): string {
  const rows = table.rows.map((row) => Object.fromEntries(table.columns.map((c, i) => [c, row[i] ?? null])));
  return JSON.stringify({ chart: table.chart, window: data.window, exportedAt: iso(data.now), step: data.axis.step, rows }, null, 2) + '\n';
}

/** A file name for an export, e.g. `celery-throughput-1h.csv`. */
export function exportFileName(chart: ChartId, window: string, format: 'csv' | 'json'): string {
  return `celery-${chart.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}-${window}.${format}`;
}
