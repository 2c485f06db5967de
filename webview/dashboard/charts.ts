/**
 * The dashboard's chart drawings (d3 on SVG): line charts over the shared time axis, a workers x
 * time heatmap, and tables. Colours come from classes bound to theme variables (dashboard.css,
 * components.css); nothing here holds a colour.
 */
import { axisBottom, axisLeft } from 'd3-axis';
import { scaleBand, scaleLinear, scaleTime } from 'd3-scale';
import { select } from 'd3-selection';
import { line } from 'd3-shape';
import type { DashboardData } from '../../src/shared/dashboardMessages';

const HEIGHT = 170;
const MARGIN = { top: 6, right: 10, bottom: 20, left: 44 };

export interface Series {
  label: string;
  /** The class giving its colour (`state-success`, `series-2`...). */
  colorClass: string;
  values: ReadonlyArray<number | null>;
}

function svg(width: number): SVGSVGElement {
  const element = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  element.setAttribute('class', 'dash-chart');
  element.setAttribute('viewBox', `0 0 ${width} ${HEIGHT}`);
  element.setAttribute('role', 'img');
  return element;
}

function timeScale(data: DashboardData, width: number) {
  const { start, step, buckets } = data.axis;
  return scaleTime().domain([new Date(start * 1000), new Date((start + (buckets - 1) * step) * 1000)]).range([MARGIN.left, width - MARGIN.right]);
}

/** Lines over time; `format` labels the y axis (e.g. percent). */
export function lineChart(data: DashboardData, series: readonly Series[], width: number, label: string, format?: (v: number) => string): HTMLElement {
  const wrap = document.createElement('div');
  const element = svg(width);
  element.setAttribute('aria-label', label);
  const x = timeScale(data, width);
  const max = Math.max(1e-9, ...series.flatMap((s) => s.values.filter((v): v is number => v !== null)));
  const y = scaleLinear().domain([0, max]).nice().range([HEIGHT - MARGIN.bottom, MARGIN.top]);
  const root = select(element);
  const at = (i: number) => x(new Date((data.axis.start + i * data.axis.step) * 1000));
  const path = line<number | null>().defined((v) => v !== null).x((_, i) => at(i)).y((v) => y(v as number));
  for (const s of series) root.append('path').attr('class', `line ${s.colorClass}`).attr('data-series', s.label).attr('d', path([...s.values]) ?? '');
  root.append('g').attr('class', 'axis').attr('transform', `translate(0,${HEIGHT - MARGIN.bottom})`).call(axisBottom(x).ticks(Math.max(2, Math.floor(width / 90))));
  const yAxis = axisLeft(y).ticks(4);
  if (format) yAxis.tickFormat((v) => format(Number(v)));
  root.append('g').attr('class', 'axis').attr('transform', `translate(${MARGIN.left},0)`).call(yAxis);
  const legend = document.createElement('div');
  legend.className = 'dash-legend';
  for (const s of series) {
    const item = document.createElement('span');
    item.className = s.colorClass;
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    item.append(swatch, s.label);
    legend.append(item);
  }
  wrap.append(element, legend);
  return wrap;
}

/** Workers (rows) x time buckets (columns), shaded by busy slots / concurrency. */
export function heatmap(data: DashboardData, width: number): SVGSVGElement {
  const rows = data.utilisation;
  const height = Math.max(HEIGHT, rows.length * 16 + MARGIN.bottom + MARGIN.top);
  const element = svg(width);
  element.setAttribute('viewBox', `0 0 ${width} ${height}`);
  element.setAttribute('aria-label', 'Worker utilisation: busy pool slots over concurrency per worker and time');
  const labelWidth = 120;
  const x = scaleLinear().domain([0, data.axis.buckets]).range([labelWidth, width - MARGIN.right]);
  const y = scaleBand<string>().domain(rows.map((r) => r.worker)).range([MARGIN.top, height - MARGIN.bottom]).padding(0.1);
  const root = select(element);
  // Without a known concurrency, the busy count relative to the busiest sample shades it instead.
  const maxBusy = Math.max(1, ...rows.flatMap((r) => r.busy.filter((v): v is number => v !== null)));
  for (const r of rows) {
    root.append('text').attr('class', 'row-label').attr('x', 2).attr('y', (y(r.worker) ?? 0) + y.bandwidth() / 2 + 4).text(r.worker.length > 18 ? `${r.worker.slice(0, 17)}…` : r.worker);
    r.busy.forEach((busy, i) => {
      if (busy === null) return;
      const ratio = r.ratio[i] ?? busy / maxBusy;
      root.append('rect').attr('class', 'heat').attr('x', x(i)).attr('y', y(r.worker) ?? 0)
        .attr('width', Math.max(1, x(i + 1) - x(i))).attr('height', y.bandwidth())
        .style('fill-opacity', String(0.08 + 0.92 * ratio))
        .append('title').text(`${r.worker}: ${busy.toFixed(1)} busy${r.concurrency[i] ? ` of ${r.concurrency[i]}` : ''}`);
    });
  }
  const time = timeScale(data, width).range([labelWidth, width - MARGIN.right]);
  root.append('g').attr('class', 'axis').attr('transform', `translate(0,${height - MARGIN.bottom})`).call(axisBottom(time).ticks(Math.max(2, Math.floor(width / 110))));
  return element;
}

/** A table with a header row; numbers right-aligned (CSS). */
export function table(columns: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>, label: string): HTMLTableElement {
  const element = document.createElement('table');
  element.className = 'dash-table';
  element.setAttribute('aria-label', label);
  const head = element.createTHead().insertRow();
  for (const c of columns) {
    const th = document.createElement('th');
    th.textContent = c;
    head.append(th);
  }
  const body = element.createTBody();
  for (const r of rows) {
    const tr = body.insertRow();
    for (const cell of r) tr.insertCell().textContent = String(cell);
  }
  return element;
}
