/**
 * The trace panel: one workflow as a waterfall, like a distributed-tracing view. Each task is a
 * row, indented under its parent, with its wait (queued to started) and run (started to end) drawn
 * against the workflow's time; the W3C traceparent of its message is shown and copyable, or why it
 * is unknown. Keyboard: ↑/↓ move between rows, Enter opens a task's details, C copies its trace
 * context.
 */
import '../components/components.css';
import './trace.css';
import { connectToHost } from '../shared/vscodeHost';
import { createButton } from '../components/button';
import { createStatusText, createToolbar } from '../components/toolbar';
import { stateClass } from '../components/stateColors';
import { assertNever } from '../../src/shared/webviewProtocol';
import type { FromTrace, ToTrace, Trace, TraceContext, TraceSpan } from '../../src/shared/traceMessages';

interface TraceViewState {
  focusedId?: string;
}

let trace: Trace | undefined;
const host = connectToHost<ToTrace, FromTrace, TraceViewState>((message) => {
  switch (message.type) {
    case 'trace': show(message.trace, message.contextText); break;
    default: assertNever(message.type);
  }
});

const root = document.getElementById('root') as HTMLElement;
const status = createStatusText();
const heading = document.createElement('strong');
const copy = createButton({ label: 'Copy traceparent', title: 'Copy the workflow’s W3C traceparent', onClick: () => copyContext(trace?.traceContext) });
const copyId = createButton({ label: 'Copy root id', onClick: () => trace && host.post({ type: 'copy', text: trace.rootId }) });
root.append(createToolbar('Trace', [heading, copy, copyId, status]));
const context = document.createElement('div');
context.className = 'trace-context';
const rows = document.createElement('div');
rows.className = 'trace-rows';
rows.setAttribute('role', 'tree');
rows.setAttribute('aria-label', 'Workflow tasks');
root.append(context, rows);

function copyContext(c: TraceContext | undefined): void {
  if (c?.status === 'valid' || c?.status === 'invalid') host.post({ type: 'copy', text: c.value });
}

function seconds(s: number | undefined): string {
  if (s === undefined) return '?';
  return s < 1 ? `${(s * 1000).toFixed(1)} ms` : `${s.toFixed(3)} s`;
}

function show(next: Trace, contextText: string): void {
  trace = next;
  const rootSpan = next.spans.find((s) => s.id === next.rootId);
  heading.textContent = `${rootSpan?.name ?? 'Workflow'} ${next.rootId.slice(0, 8)}`;
  status.textContent = `${next.spans.length} tasks · ${seconds(next.duration)}${next.traceIds.length > 1 ? ` · ${next.traceIds.length} trace ids` : ''}`;
  const c = next.traceContext;
  const label = document.createElement('span');
  label.textContent = 'traceparent:';
  const value = document.createElement(c.status === 'valid' ? 'code' : 'span');
  value.className = c.status === 'valid' ? 'traceparent' : 'traceparent muted';
  value.textContent = contextText;
  context.replaceChildren(label, value);
  copy.toggleAttribute('disabled', c.status !== 'valid' && c.status !== 'invalid');
  const focusedId = (document.activeElement as HTMLElement | null)?.dataset?.taskId ?? host.viewState()?.focusedId;
  rows.replaceChildren(...next.spans.map((span) => row(span, next)));
  if (!next.spans.length) {
    const empty = document.createElement('div');
    empty.className = 'trace-empty';
    empty.textContent = 'No task of this workflow is known yet.';
    rows.append(empty);
  }
  const focus = rows.querySelector<HTMLElement>(`[data-task-id="${CSS.escape(focusedId ?? '')}"]`) ?? rows.querySelector<HTMLElement>('.trace-row');
  if (focus) focus.tabIndex = 0;
  if (focus && focusedId && document.activeElement === document.body) focus.focus();
  host.post({ type: 'rendered', spans: next.spans.length, context: c.status });
}

function row(span: TraceSpan, t: Trace): HTMLElement {
  const element = document.createElement('div');
  element.className = 'trace-row';
  element.setAttribute('role', 'treeitem');
  element.setAttribute('aria-level', String(span.depth + 1));
  element.tabIndex = -1;
  element.dataset.taskId = span.id;
  element.dataset.state = span.state;
  const name = document.createElement('div');
  name.className = 'trace-name';
  name.style.paddingLeft = `${6 + span.depth * 14}px`;
  name.textContent = span.name ?? '(unknown task)';
  const id = document.createElement('span');
  id.className = 'id';
  id.textContent = `${span.id.slice(0, 8)}${span.attempts > 1 ? ` ×${span.attempts}` : ''}`;
  name.append(id);
  if (span.detached) {
    const note = document.createElement('span');
    note.className = 'detached';
    note.textContent = ' (parent unknown)';
    name.append(note);
  }
  const track = document.createElement('div');
  track.className = `trace-track ${stateClass(span.state)}`;
  const total = Math.max(t.duration, 1e-6);
  const pct = (s: number) => `${Math.max(0, Math.min(100, (s / total) * 100))}%`;
  const end = span.ended ?? (span.open ? t.now : span.started);
  // Waiting: from queued to started, or to now (or its end) when it never started.
  const waitEnd = span.started ?? (span.open ? t.now : span.ended);
  if (span.queued !== undefined && waitEnd !== undefined && waitEnd > span.queued) {
    const wait = document.createElement('div');
    wait.className = 'trace-wait';
    wait.style.left = pct(span.queued);
    wait.style.width = pct(waitEnd - span.queued);
    track.append(wait);
  }
  const from = span.started;
  if (from !== undefined && end !== undefined) {
    const run = document.createElement('div');
    run.className = 'trace-run';
    run.style.left = pct(from);
    run.style.width = pct(end - from);
    const text = document.createElement('span');
    text.className = 'trace-label';
    text.style.left = `calc(${pct(end)} + 4px)`;
    text.textContent = `${span.state} · ${span.started !== undefined && end !== undefined ? seconds(end - span.started) : '?'}`;
    track.append(run, text);
  }
  element.title = `${span.name ?? ''} ${span.id}\n${span.state}${span.worker ? ` on ${span.worker}` : ''}\nstart +${seconds(span.started)}, ran ${span.started !== undefined && end !== undefined ? seconds(end - span.started) : '?'}` +
    `\ntraceparent: ${span.traceContext.status === 'valid' ? span.traceContext.value : span.traceContext.status}`;
  element.append(name, track);
  element.addEventListener('click', () => {
    element.focus();
    host.post({ type: 'openTask', taskId: span.id });
  });
  element.addEventListener('focus', () => host.saveViewState({ focusedId: span.id }));
  element.addEventListener('keydown', (event) => {
    const move = (target: Element | null) => {
      if (!(target instanceof HTMLElement)) return;
      element.tabIndex = -1;
      target.tabIndex = 0;
      target.focus();
    };
    if (event.key === 'ArrowDown') move(element.nextElementSibling);
    else if (event.key === 'ArrowUp') move(element.previousElementSibling);
    else if (event.key === 'Enter') host.post({ type: 'openTask', taskId: span.id });
    else if (event.key === 'c') copyContext(span.traceContext);
    else return;
    event.preventDefault();
  });
  return element;
}
