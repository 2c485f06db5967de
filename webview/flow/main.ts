/** The workflow flow diagram's webview: receives the graph, draws it, and asks the host to act. */
import '../components/components.css';
import './flow.css';
import { connectToHost } from '../shared/vscodeHost';
import { createButton } from '../components/button';
import { createStatusText, createToolbar } from '../components/toolbar';
import { assertNever } from '../../src/shared/webviewProtocol';
import type { FromFlow, ToFlow } from '../../src/shared/flowMessages';
import type { WorkflowGraph } from '../../src/core/workflow/workflowGraph';
import { FlowView, type ViewTransform } from './render';
import { exportPng, exportSvg } from './exportImage';
import { formatDuration } from './labels';

interface FlowViewState {
  transform?: ViewTransform;
}

const root = document.getElementById('root') as HTMLElement;
const status = createStatusText();
const body = document.createElement('div');
body.className = 'flow-body';
const empty = document.createElement('div');
empty.className = 'flow-empty';
empty.textContent = 'Loading the workflow…';
let graph: WorkflowGraph | undefined;

const host = connectToHost<ToFlow, FromFlow, FlowViewState>((message) => {
  switch (message.type) {
    case 'graph':
      show(message.graph);
      break;
    case 'tasks':
      view.patch(message.tasks, message.criticalEdges);
      if (graph) describe({ ...graph, totalS: message.totalS });
      break;
    case 'empty':
      graph = undefined;
      empty.textContent = message.message;
      empty.hidden = false;
      view.svg.attr('display', 'none');
      status.textContent = '';
      break;
    case 'exported':
      status.textContent = `Saved ${message.path}`;
      break;
    default:
      assertNever(message);
  }
});

const view = new FlowView(body, {
  open: (taskId) => host.post({ type: 'openTask', taskId }),
  reveal: (taskId) => host.post({ type: 'revealTask', taskId }),
  select: () => undefined,
  zoomed: (transform) => host.saveViewState({ transform }),
});

const exportAs = async (format: 'svg' | 'png') => {
  const size = view.size();
  const svg = view.svg.node();
  if (!size || !svg) return;
  view.labelAll();
  const text = exportSvg(svg, size);
  host.post({ type: 'export', format, data: format === 'svg' ? text : await exportPng(text, size) });
};

root.append(
  createToolbar('Workflow', [
    createButton({ label: 'Fit', title: 'Fit the whole workflow in view', onClick: () => view.fit() }),
    createButton({ label: 'Zoom In', onClick: () => view.zoomBy(1.5) }),
    createButton({ label: 'Zoom Out', onClick: () => view.zoomBy(1 / 1.5) }),
    createButton({ label: 'Reveal in Tree', title: 'Reveal the selected task in the Tasks view (or Alt+click a task)', onClick: () => view.selected && host.post({ type: 'revealTask', taskId: view.selected }) }),
    createButton({ label: 'Export SVG', onClick: () => void exportAs('svg') }),
    createButton({ label: 'Export PNG', onClick: () => void exportAs('png') }),
    status,
  ]),
  empty,
  body,
);
view.svg.attr('display', 'none');

function show(next: WorkflowGraph): void {
  graph = next;
  empty.hidden = true;
  view.svg.attr('display', null);
  // The zoom the user last chose (kept across redraws and reloads); the first time, fit.
  const stats = view.draw(next, host.viewState()?.transform);
  describe(next);
  host.post({ type: 'rendered', nodes: stats.nodes, groups: stats.groups, edges: stats.edges, layoutMs: Math.round(stats.layoutMs), drawMs: Math.round(stats.drawMs) });
}

function describe(g: WorkflowGraph): void {
  const critical = g.tasks.filter((t) => t.critical).length;
  const total = g.totalS !== undefined ? ` · ${formatDuration(g.totalS)} total` : '';
  status.textContent = `${g.tasks.length} task${g.tasks.length === 1 ? '' : 's'}${total} · critical path ${critical}${g.truncated ? ' · cut at the size limit' : ''}`;
}
