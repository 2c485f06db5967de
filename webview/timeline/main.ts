/**
 * The timeline panel: task executions as bars per worker and pool process (canvas, see
 * timelineCanvas.ts), an overview with a brush to zoom (timelineNavigator.ts), wheel zoom and drag
 * to pan, a live "follow" mode over the last minutes, and a click (or Enter) for a task's details.
 * Keyboard: ←/→ pan, +/− zoom, 0 resets, ↑/↓ select the previous/next execution, Enter opens its
 * details, T its workflow trace.
 */
import '../components/components.css';
import './timeline.css';
import { connectToHost } from '../shared/vscodeHost';
import { createButton } from '../components/button';
import { createCheckbox } from '../components/checkbox';
import { createDropdown } from '../components/dropdown';
import { createStatusText, createToolbar } from '../components/toolbar';
import { stateClass } from '../components/stateColors';
import { assertNever } from '../../src/shared/webviewProtocol';
import { ATTEMPT_OUTCOMES, TIMELINE_RANGES, type FromTimeline, type TimelineData, type ToTimeline } from '../../src/shared/timelineMessages';
import { LABEL_WIDTH, OUTCOME_STATES, TimelineCanvas, type TimeView } from './timelineCanvas';
import { TimelineNavigator } from './timelineNavigator';

interface TimelineViewState {
  minutes: number;
  follow: boolean;
  /** The zoomed part as fractions of the window, or null for all of it. */
  zoom: [number, number] | null;
}

const saved = (): TimelineViewState => ({ minutes: 15, follow: true, zoom: null, ...host.viewState() });
let data: TimelineData | undefined;
let view: TimeView = { t0: 0, t1: 1 };
let selectedKey: string | undefined;
let frame = 0;
let reported = -1;

const host = connectToHost<ToTimeline, FromTimeline, TimelineViewState>((message) => {
  switch (message.type) {
    case 'timeline': receive(message); break;
    default: assertNever(message.type);
  }
});

const root = document.getElementById('root') as HTMLElement;
const status = createStatusText();
const title = document.createElement('strong');
const follow = createCheckbox({ label: 'Follow', checked: saved().follow, onChange: (on) => setRange(saved().minutes, on) });
follow.title = 'Keep the window on the last minutes as time passes';
const range = createDropdown({
  label: 'Time range',
  options: TIMELINE_RANGES.map((m) => ({ value: String(m), label: m < 60 ? `Last ${m} min` : `Last ${m / 60} h` })),
  value: String(saved().minutes),
  onChange: (value) => setRange(Number(value), saved().follow),
});
const toolbar = createToolbar('Timeline', [
  title, range, follow,
  createButton({ label: 'Reset zoom', onClick: () => zoomTo(undefined) }),
  createButton({ label: 'Details', title: 'Open the selected task’s details (Enter)', onClick: () => openSelected('openTask') }),
  createButton({ label: 'Trace', title: 'Show the selected task’s workflow trace (T)', onClick: () => openSelected('showTrace') }),
  status,
]);
const legend = document.createElement('div');
legend.className = 'timeline-legend';
legend.setAttribute('aria-label', 'Legend');
ATTEMPT_OUTCOMES.forEach((outcome, i) => {
  const item = document.createElement('span');
  item.className = stateClass(OUTCOME_STATES[i]);
  const swatch = document.createElement('span');
  swatch.className = 'swatch';
  item.append(swatch, outcome === 'open' ? 'running' : outcome);
  legend.append(item);
});
const svgNs = 'http://www.w3.org/2000/svg';
const overview = document.createElementNS(svgNs, 'svg');
overview.setAttribute('class', 'timeline-overview');
overview.setAttribute('aria-label', 'Overview: drag to zoom');
const axis = document.createElementNS(svgNs, 'svg');
axis.setAttribute('class', 'timeline-axis');
const scroller = document.createElement('div');
scroller.className = 'timeline-scroll';
const canvasElement = document.createElement('canvas');
canvasElement.className = 'timeline-canvas';
canvasElement.tabIndex = 0;
canvasElement.setAttribute('role', 'img');
canvasElement.setAttribute('aria-label', 'Task executions per worker and process. Arrows pan and select, plus and minus zoom, Enter opens details.');
const empty = document.createElement('div');
empty.className = 'timeline-empty';
scroller.append(canvasElement, empty);
const detail = document.createElement('div');
detail.className = 'timeline-detail';
detail.setAttribute('aria-live', 'polite');
root.append(toolbar, legend, overview, axis, scroller, detail);

const canvas = new TimelineCanvas(canvasElement);
const navigator_ = new TimelineNavigator(overview, axis, (v) => zoomTo(v));
host.post({ type: 'setRange', minutes: saved().minutes, follow: saved().follow });

function span(): number {
  return data ? data.to - data.from : 1;
}

function setRange(minutes: number, on: boolean): void {
  host.saveViewState({ ...saved(), minutes, follow: on });
  host.post({ type: 'setRange', minutes, follow: on });
}

function receive(message: Extract<ToTimeline, { type: 'timeline' }>): void {
  const previous = data;
  data = message.data;
  title.textContent = message.title;
  const zoom = saved().zoom;
  if (!previous) {
    view = zoom ? { t0: zoom[0] * span(), t1: zoom[1] * span() } : { t0: 0, t1: span() };
  } else if (zoom && message.follow && Math.abs(view.t1 - (previous.to - previous.from)) < 1e-6 * span() + 0.5) {
    // Zoomed at the live edge: stay there as the window moves.
    const width = view.t1 - view.t0;
    view = { t0: span() - width, t1: span() };
  } else if (zoom) {
    const shift = previous.origin - data.origin;
    view = { t0: view.t0 + shift, t1: view.t1 + shift };
  } else {
    view = { t0: 0, t1: span() };
  }
  const bars = data.bars;
  const selected = selectedKey === undefined ? -1 : bars.taskId.findIndex((id, i) => `${id}#${bars.attempt[i]}` === selectedKey);
  canvas.setData(data);
  canvas.selected = selected;
  status.textContent = `${bars.taskId.length.toLocaleString()} executions · ${data.lanes.length} lanes${message.follow ? ' · live' : ''}${data.truncated ? ' · newest only' : ''}`;
  empty.textContent = bars.taskId.length ? '' : 'No task ran in this window. Tasks appear as their events arrive (workers need events enabled: celery worker -E).';
  canvas.resize(scroller.clientWidth || root.clientWidth);
  navigator_.setData(span(), bars.start, scroller.clientWidth || root.clientWidth);
  schedule();
}

function zoomTo(next: TimeView | undefined): void {
  const whole = span();
  let v = next ?? { t0: 0, t1: whole };
  const width = Math.max(0.01, Math.min(whole, v.t1 - v.t0));
  let t0 = Math.max(0, Math.min(whole - width, v.t0));
  if (!Number.isFinite(t0)) t0 = 0;
  v = { t0, t1: t0 + width };
  view = v;
  const full = v.t0 <= 0 && v.t1 >= whole;
  host.saveViewState({ ...saved(), zoom: full ? null : [v.t0 / whole, v.t1 / whole] });
  schedule();
}

function schedule(): void {
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    if (!data) return;
    canvas.draw(view);
    navigator_.show(view, data.origin);
    if (reported !== canvas.drawnBars) {
      reported = canvas.drawnBars;
      host.post({ type: 'rendered', bars: canvas.drawnBars, lanes: data.lanes.length });
    }
  });
}

function select_(index: number): void {
  if (!data) return;
  canvas.selected = index;
  const b = data.bars;
  selectedKey = index >= 0 ? `${b.taskId[index]}#${b.attempt[index]}` : undefined;
  if (index >= 0) {
    const lane = data.lanes[b.lane[index]];
    const name = b.name[index] >= 0 ? data.names[b.name[index]] : '(unknown task)';
    const seconds = b.end[index] - b.run[index];
    const waited = b.run[index] - b.start[index];
    detail.textContent = `${name} ${b.taskId[index]} · ${ATTEMPT_OUTCOMES[b.outcome[index]]}${b.attempt[index] ? ` (retry ${b.attempt[index]})` : ''}` +
      ` · ${lane.worker}${lane.pid ? ` pid ${lane.pid}` : ''} · waited ${waited.toFixed(3)} s · ran ${seconds.toFixed(3)} s`;
  } else detail.textContent = '';
  schedule();
}

function openSelected(type: 'openTask' | 'showTrace'): void {
  const i = canvas.selected;
  if (data && i >= 0) host.post({ type, taskId: data.bars.taskId[i] });
}

// Wheel zooms around the pointer; dragging pans; a click selects and opens details.
canvasElement.addEventListener('wheel', (event) => {
  event.preventDefault();
  const at = view.t0 + ((event.offsetX - LABEL_WIDTH) / Math.max(1, canvasElement.clientWidth - LABEL_WIDTH)) * (view.t1 - view.t0);
  const factor = Math.pow(1.0015, event.deltaY);
  zoomTo({ t0: at - (at - view.t0) * factor, t1: at + (view.t1 - at) * factor });
}, { passive: false });
let drag: { x: number; view: TimeView; moved: boolean } | undefined;
canvasElement.addEventListener('pointerdown', (event) => {
  drag = { x: event.clientX, view, moved: false };
  canvasElement.setPointerCapture(event.pointerId);
});
canvasElement.addEventListener('pointermove', (event) => {
  if (!drag) return;
  const dx = event.clientX - drag.x;
  if (Math.abs(dx) > 3) drag.moved = true;
  if (!drag.moved) return;
  const dt = (dx / Math.max(1, canvasElement.clientWidth - LABEL_WIDTH)) * (drag.view.t1 - drag.view.t0);
  zoomTo({ t0: drag.view.t0 - dt, t1: drag.view.t1 - dt });
});
canvasElement.addEventListener('pointerup', (event) => {
  const click = drag && !drag.moved;
  drag = undefined;
  if (!click) return;
  const hit = canvas.hitTest(event.offsetX, event.offsetY, view);
  select_(hit);
  if (hit >= 0) openSelected('openTask');
});
canvasElement.addEventListener('keydown', (event) => {
  const width = view.t1 - view.t0;
  const keys: Record<string, () => void> = {
    ArrowLeft: () => zoomTo({ t0: view.t0 - width * 0.1, t1: view.t1 - width * 0.1 }),
    ArrowRight: () => zoomTo({ t0: view.t0 + width * 0.1, t1: view.t1 + width * 0.1 }),
    '+': () => zoomTo({ t0: view.t0 + width * 0.2, t1: view.t1 - width * 0.2 }),
    '=': () => zoomTo({ t0: view.t0 + width * 0.2, t1: view.t1 - width * 0.2 }),
    '-': () => zoomTo({ t0: view.t0 - width * 0.5, t1: view.t1 + width * 0.5 }),
    '0': () => zoomTo(undefined),
    Home: () => zoomTo(undefined),
    ArrowDown: () => select_(neighbour(1)),
    ArrowUp: () => select_(neighbour(-1)),
    Enter: () => openSelected('openTask'),
    t: () => openSelected('showTrace'),
  };
  const action = keys[event.key];
  if (!action) return;
  event.preventDefault();
  action();
});

/** The visible execution starting just after (or before) the selected one. */
function neighbour(direction: 1 | -1): number {
  if (!data) return -1;
  const { start, end } = data.bars;
  const from = canvas.selected >= 0 ? start[canvas.selected] : direction > 0 ? -Infinity : Infinity;
  let best = -1;
  for (let i = 0; i < start.length; i++) {
    if (end[i] < view.t0 || start[i] > view.t1 || i === canvas.selected) continue;
    const d = (start[i] - from) * direction;
    if (d < 0 || (d === 0 && i * direction < canvas.selected * direction)) continue;
    if (best < 0 || (start[i] - start[best]) * direction < 0) best = i;
  }
  return best >= 0 ? best : canvas.selected;
}

new ResizeObserver(() => {
  if (!data) return;
  canvas.resize(scroller.clientWidth);
  navigator_.setData(span(), data.bars.start, scroller.clientWidth);
  schedule();
}).observe(scroller);
