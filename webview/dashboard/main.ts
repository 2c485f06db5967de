/**
 * The dashboard panel: throughput by state, failure rate, runtime percentiles per task, queue
 * depth history, a workers x time utilisation heatmap and the top failing tasks, for the last
 * 5 minutes, hour or day (the core's rolling counters), each with CSV and JSON export.
 */
import '../components/components.css';
import './dashboard.css';
import { connectToHost } from '../shared/vscodeHost';
import { createButton } from '../components/button';
import { createDropdown } from '../components/dropdown';
import { createStatusText, createToolbar } from '../components/toolbar';
import { stateClass } from '../components/stateColors';
import { assertNever } from '../../src/shared/webviewProtocol';
import { CHART_IDS, CHART_TITLES, DASHBOARD_WINDOWS, type ChartId, type DashboardData, type DashboardWindow, type FromDashboard, type ToDashboard } from '../../src/shared/dashboardMessages';
import { heatmap, lineChart, table } from './charts';

interface DashboardViewState {
  window: DashboardWindow;
}

const WINDOW_LABELS: Record<DashboardWindow, string> = { '5m': 'Last 5 minutes', '1h': 'Last hour', '24h': 'Last 24 hours' };
let current: DashboardData | undefined;

const host = connectToHost<ToDashboard, FromDashboard, DashboardViewState>((message) => {
  switch (message.type) {
    case 'dashboard': show(message.data, message.title); break;
    default: assertNever(message.type);
  }
});
const savedWindow = host.viewState()?.window ?? '1h';
const root = document.getElementById('root') as HTMLElement;
const status = createStatusText();
const heading = document.createElement('strong');
const windowPicker = createDropdown({
  label: 'Window',
  options: DASHBOARD_WINDOWS.map((w) => ({ value: w, label: WINDOW_LABELS[w] })),
  value: savedWindow,
  onChange: (value) => {
    host.saveViewState({ window: value as DashboardWindow });
    host.post({ type: 'setWindow', window: value as DashboardWindow });
  },
});
root.append(createToolbar('Dashboard', [heading, windowPicker, status]));
const grid = document.createElement('div');
grid.className = 'dash-grid';
root.append(grid);
host.post({ type: 'setWindow', window: savedWindow });

const percent = (v: number) => `${Math.round(v * 100)}%`;
const secs = (v: number | null) => (v === null ? '–' : v < 1 ? `${(v * 1000).toFixed(0)} ms` : `${v.toFixed(2)} s`);

function body(chart: ChartId, data: DashboardData, width: number): HTMLElement | SVGSVGElement {
  switch (chart) {
    case 'throughput': {
      const series = data.throughput.filter((s) => s.counts.some((n) => n > 0))
        .map((s) => ({ label: s.state, colorClass: s.state === 'OTHER' ? 'state-custom' : stateClass(s.state), values: s.counts }));
      return series.length ? lineChart(data, series, width, 'Tasks entering each state per time bucket') : empty('No task changed state in this window.');
    }
    case 'failureRate':
      return data.failureRate.runs.some((n) => n > 0)
        ? lineChart(data, [{ label: 'failures / finished runs', colorClass: 'state-failure', values: data.failureRate.rate }], width, 'Failure rate over time', percent)
        : empty('No run finished in this window.');
    case 'runtimes':
      return data.runtimes.length
        ? table(['task', 'runs', 'p50', 'p95', 'p99'], data.runtimes.map((r) => [r.name, r.runs, secs(r.p50), secs(r.p95), secs(r.p99)]), 'Runtime percentiles per task')
        : empty('No run finished in this window.');
    case 'queueDepth':
      return data.queueDepth.length
        ? lineChart(data, data.queueDepth.map((q, i) => ({ label: q.queue, colorClass: `series-${i % 6}`, values: q.depth })), width, 'Messages waiting per queue')
        : empty('No queue polled yet (polling runs while a Celery view is visible).');
    case 'utilisation':
      return data.utilisation.length ? heatmap(data, width) : empty('No live worker with heartbeats yet.');
    case 'topFailing':
      return data.topFailing.length
        ? table(['task', 'failures', 'runs', 'failure rate'], data.topFailing.map((r) => [r.name, r.failures, r.runs, percent(r.failureRate)]), 'Top failing tasks')
        : empty('No failure in this window.');
  }
}

function empty(text: string): HTMLElement {
  const element = document.createElement('div');
  element.className = 'dash-empty';
  element.textContent = text;
  return element;
}

function show(data: DashboardData, title: string): void {
  current = data;
  heading.textContent = title;
  status.textContent = `${WINDOW_LABELS[data.window]} · ${data.axis.step} s buckets · updated ${new Date(data.now * 1000).toLocaleTimeString()}`;
  const focused = (document.activeElement as HTMLElement | null)?.dataset?.action;
  const width = Math.max(360, Math.floor((grid.clientWidth || 900) / Math.max(1, Math.floor((grid.clientWidth || 900) / 460))) - 40);
  grid.replaceChildren(...CHART_IDS.map((chart) => {
    const card = document.createElement('section');
    card.className = 'dash-card';
    card.dataset.chart = chart;
    const header = document.createElement('header');
    const h2 = document.createElement('h2');
    h2.textContent = CHART_TITLES[chart];
    const csv = createButton({ label: 'CSV', title: `Export ${CHART_TITLES[chart]} as CSV`, onClick: () => host.post({ type: 'export', chart, format: 'csv' }) });
    const json = createButton({ label: 'JSON', title: `Export ${CHART_TITLES[chart]} as JSON`, onClick: () => host.post({ type: 'export', chart, format: 'json' }) });
    csv.dataset.action = `${chart}-csv`;
    json.dataset.action = `${chart}-json`;
    header.append(h2, csv, json);
    card.append(header, body(chart, data, width));
    return card;
  }));
  // Updates rebuild the cards: keep the keyboard focus on the same export button.
  if (focused) grid.querySelector<HTMLElement>(`[data-action="${focused}"]`)?.focus();
  host.post({ type: 'rendered', charts: grid.querySelectorAll('.dash-card').length });
}

new ResizeObserver(() => current && show(current, heading.textContent ?? '')).observe(grid);
