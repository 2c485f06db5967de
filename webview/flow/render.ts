/**
 * Draws a laid-out workflow with d3 (selection, zoom, shape): edges, group boxes, task nodes coloured
 * by state through theme variables (webview/components/stateColors.ts). Labels hide when zoomed far
 * out, which keeps thousands of nodes smooth to pan.
 */
import { select, type Selection } from 'd3-selection';
import { zoom, zoomIdentity, type ZoomBehavior, type ZoomTransform } from 'd3-zoom';
import { linkHorizontal } from 'd3-shape';
import { layoutWorkflow, type WorkflowLayout } from '../../src/core/workflow/layout';
import type { WorkflowGraph, WorkflowTask } from '../../src/core/workflow/workflowGraph';
import { stateClass } from '../components/stateColors';
import { ariaLabel, metaLine, shortName } from './labels';

/** Below this zoom the labels are unreadable anyway: hidden, so panning stays cheap. */
const LABELS_MIN_SCALE = 0.45;

export interface ViewTransform {
  x: number;
  y: number;
  k: number;
}

export interface FlowViewHandlers {
  open(taskId: string): void;
  reveal(taskId: string): void;
  select(taskId: string | undefined): void;
  zoomed(transform: ViewTransform): void;
}

export interface DrawStats {
  nodes: number;
  groups: number;
  edges: number;
  layoutMs: number;
  drawMs: number;
}

/** Up to this many tasks every node gets its labels at once; beyond, only those zoomed into view. */
const EAGER_LABELS_MAX = 1000;

function labelMarkup(task: WorkflowTask): string {
  return `<text x="9" y="19" class="flow-name">${escapeXml(shortName(task.name))}</text><text x="9" y="37" class="flow-meta">${escapeXml(metaLine(task))}</text>`;
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const edgePath = linkHorizontal<{ source: [number, number]; target: [number, number] }, [number, number]>();

export class FlowView {
  readonly svg: Selection<SVGSVGElement, unknown, null, undefined>;
  private readonly viewport: Selection<SVGGElement, unknown, null, undefined>;
  private readonly zoomBehavior: ZoomBehavior<SVGSVGElement, unknown>;
  private layout: WorkflowLayout | undefined;
  private nodes = new Map<string, SVGGElement>();
  private edges = new Map<string, SVGPathElement>();
  private groupBoxes = new Map<string, SVGGElement>();
  private tasks = new Map<string, WorkflowTask>();
  private focusId = '';
  /** Tasks whose node has its text labels. */
  private labelled = new Set<string>();
  private transformNow: ZoomTransform = zoomIdentity;
  selected: string | undefined;

  constructor(container: HTMLElement, private readonly handlers: FlowViewHandlers) {
    this.svg = select(container).append('svg').attr('class', 'flow-svg').attr('role', 'group').attr('aria-label', 'Workflow diagram');
    const defs = this.svg.append('defs');
    defs.append('marker').attr('id', 'flow-arrow').attr('viewBox', '0 0 10 10').attr('refX', 10).attr('refY', 5)
      .attr('markerUnits', 'userSpaceOnUse').attr('markerWidth', 9).attr('markerHeight', 9).attr('orient', 'auto-start-reverse')
      .append('path').attr('class', 'flow-arrow').attr('d', 'M 0 0 L 10 5 L 0 10 z');
    this.viewport = this.svg.append('g').attr('class', 'flow-viewport');
    this.zoomBehavior = zoom<SVGSVGElement, unknown>()
      .scaleExtent([0.01, 4])
      .on('zoom', (event: { transform: ZoomTransform }) => {
        this.transformNow = event.transform;
        this.viewport.attr('transform', event.transform.toString());
        this.svg.classed('zoomed-out', event.transform.k < LABELS_MIN_SCALE);
      })
      .on('end', (event: { transform: ZoomTransform }) => {
        this.labelVisible();
        this.handlers.zoomed({ x: event.transform.x, y: event.transform.y, k: event.transform.k });
      });
    this.svg.call(this.zoomBehavior).on('dblclick.zoom', null);
  }

  /** Lays out and draws `graph` from scratch; keeps `transform` when given, else fits the view. */
  draw(graph: WorkflowGraph, transform?: ViewTransform): DrawStats {
    const t0 = performance.now();
    const layout = layoutWorkflow(graph);
    const t1 = performance.now();
    this.layout = layout;
    this.focusId = graph.focusId;
    this.tasks = new Map(graph.tasks.map((t) => [t.id, t]));
    this.viewport.selectChildren().remove();
    const edgeLayer = this.viewport.append('g').attr('class', 'flow-edges').node() as SVGGElement;
    const groupLayer = this.viewport.append('g').attr('class', 'flow-groups').node() as SVGGElement;
    const nodeLayer = this.viewport.append('g').attr('class', 'flow-nodes').node() as SVGGElement;

    // Markup strings parsed once per layer: for thousands of nodes the parser is several times
    // faster than creating elements one by one (or a d3 join); d3 still owns zoom, paths and events.
    const edgeMarkup: string[] = [];
    for (const e of layout.edges) {
      const d = edgePath({ source: [e.x1, e.y1], target: [e.x2 - 2, e.y2] }) ?? '';
      edgeMarkup.push(`<path d="${d}" class="flow-edge kind-${e.edge.kind}${e.edge.critical ? ' critical' : ''}" marker-end="url(#flow-arrow)"></path>`);
    }
    edgeLayer.innerHTML = edgeMarkup.join('');
    this.edges = new Map();
    layout.edges.forEach((e, i) => this.edges.set(`${e.edge.from}\n${e.edge.to}`, edgeLayer.children[i] as SVGPathElement));

    const groupMarkup: string[] = [];
    const drawnGroups: string[] = [];
    for (const group of graph.groups) {
      const box = layout.groups.get(group.id);
      if (!box) continue;
      const n = group.members.length;
      const label = `${group.chord ? 'chord header' : 'group'} · ${n} task${n === 1 ? '' : 's'} · ${group.id.slice(0, 8)}`;
      groupMarkup.push(`<g class="flow-group${group.chord ? ' chord' : ''}${group.critical ? ' critical' : ''}" transform="translate(${box.x},${box.y})">` +
        `<rect width="${box.w}" height="${box.h}" rx="6"></rect><text x="10" y="16" class="flow-group-label">${escapeXml(label)}</text></g>`);
      drawnGroups.push(group.id);
    }
    groupLayer.innerHTML = groupMarkup.join('');
    this.groupBoxes = new Map(drawnGroups.map((id, i) => [id, groupLayer.children[i] as SVGGElement]));

    // Big diagrams: only the critical path and the focus are Tab stops (thousands would trap the
    // keyboard), and labels are added only where the view is zoomed in enough to read them.
    const big = graph.tasks.length > EAGER_LABELS_MAX;
    this.labelled = new Set();
    const nodeMarkup: string[] = [];
    const drawnNodes: WorkflowTask[] = [];
    for (const task of graph.tasks) {
      const box = layout.tasks.get(task.id);
      if (!box) continue;
      // Only Tab stops carry their accessible name (the status line sums up the rest).
      const tab = !big || task.critical || task.id === graph.focusId ? ` tabindex="0" role="button" aria-label="${escapeXml(ariaLabel(task))}"` : '';
      nodeMarkup.push(`<g class="${this.nodeClass(task)}" transform="translate(${box.x},${box.y})" data-id="${escapeXml(task.id)}" data-state="${escapeXml(task.state)}"${tab}>` +
        `<rect width="${box.w}" height="${box.h}" rx="4"></rect>${big ? '' : labelMarkup(task)}</g>`);
      drawnNodes.push(task);
      if (!big) this.labelled.add(task.id);
    }
    nodeLayer.innerHTML = nodeMarkup.join('');
    this.nodes = new Map(drawnNodes.map((task, i) => [task.id, nodeLayer.children[i] as SVGGElement]));
    this.bindEvents(nodeLayer);
    this.applyTransform(transform);
    const t2 = performance.now();
    return { nodes: this.nodes.size, groups: this.groupBoxes.size, edges: this.edges.size, layoutMs: t1 - t0, drawMs: t2 - t1 };
  }

  /** New states, times and critical flags for known tasks (same shape: no new layout). */
  patch(tasks: WorkflowTask[], criticalEdges: ReadonlyArray<readonly [string, string]>): void {
    for (const task of tasks) {
      if (!this.nodes.has(task.id)) continue;
      this.tasks.set(task.id, task);
      this.updateNode(task);
    }
    const critical = new Set(criticalEdges.map(([a, b]) => `${a}\n${b}`));
    for (const [key, path] of this.edges) path.classList.toggle('critical', critical.has(key));
    const criticalGroups = new Set([...critical].flatMap((k) => k.split('\n')).filter((r) => r.startsWith('group:')).map((r) => r.slice(6)));
    for (const [id, g] of this.groupBoxes) g.classList.toggle('critical', criticalGroups.has(id));
  }

  private nodeClass(task: WorkflowTask): string {
    const classes = ['flow-node', stateClass(task.state)];
    if (task.critical) classes.push('critical');
    if (task.placeholder) classes.push('placeholder');
    if (task.id === this.focusId) classes.push('focus');
    if (task.id === this.selected) classes.push('selected');
    return classes.join(' ');
  }

  private updateNode(task: WorkflowTask): void {
    const g = this.nodes.get(task.id);
    if (!g) return;
    g.setAttribute('class', this.nodeClass(task));
    g.dataset.state = task.state;
    if (g.hasAttribute('aria-label')) g.setAttribute('aria-label', ariaLabel(task));
    const meta = g.querySelector('.flow-meta');
    if (meta) meta.textContent = metaLine(task);
  }

  private bindEvents(layer: SVGGElement): void {
    const idOf = (target: EventTarget | null) => (target instanceof Element ? (target.closest('.flow-node') as SVGGElement | null)?.dataset.id : undefined);
    layer.addEventListener('click', (event) => {
      const id = idOf(event.target);
      if (!id) return;
      this.setSelected(id);
      if (event.altKey) this.handlers.reveal(id);
      else this.handlers.open(id);
    });
    layer.addEventListener('keydown', (event) => {
      const id = idOf(event.target);
      if (!id) return;
      if (event.key === 'Enter' || event.key === ' ') {
        this.setSelected(id);
        this.handlers.open(id);
        event.preventDefault();
      } else if (event.key === 'r') {
        this.setSelected(id);
        this.handlers.reveal(id);
      }
    });
    layer.addEventListener('focusin', (event) => {
      const id = idOf(event.target);
      if (id) this.setSelected(id);
    });
  }

  private setSelected(id: string | undefined): void {
    const previous = this.selected;
    this.selected = id;
    for (const changed of [previous, id]) {
      const task = changed ? this.tasks.get(changed) : undefined;
      if (task) this.updateNode(task);
    }
    this.handlers.select(id);
  }

  private applyTransform(transform: ViewTransform | undefined): void {
    if (transform && Number.isFinite(transform.k) && transform.k > 0) {
      this.svg.call(this.zoomBehavior.transform, zoomIdentity.translate(transform.x, transform.y).scale(transform.k));
    } else this.fit();
  }

  /** Zooms so the whole workflow fits (never above 100%). */
  fit(): void {
    const layout = this.layout;
    const node = this.svg.node();
    if (!layout || !node) return;
    const { width, height } = node.getBoundingClientRect();
    const margin = 24;
    const k = Math.min(1, (width - 2 * margin) / Math.max(1, layout.width), (height - 2 * margin) / Math.max(1, layout.height));
    const x = (width - layout.width * k) / 2;
    const y = Math.max(margin, (height - layout.height * k) / 2);
    this.svg.call(this.zoomBehavior.transform, zoomIdentity.translate(x, y).scale(Math.max(k, 0.01)));
  }

  /** Adds the missing labels of the nodes in view, once zoomed in enough to read them. */
  private labelVisible(): void {
    const layout = this.layout;
    const node = this.svg.node();
    if (!layout || !node || this.transformNow.k < LABELS_MIN_SCALE || this.labelled.size === this.nodes.size) return;
    const { width, height } = node.getBoundingClientRect();
    const t = this.transformNow;
    const [x0, y0] = t.invert([0, 0]);
    const [x1, y1] = t.invert([width, height]);
    for (const [id, g] of this.nodes) {
      if (this.labelled.has(id)) continue;
      const box = layout.tasks.get(id);
      const task = this.tasks.get(id);
      if (!box || !task || box.x + box.w < x0 || box.x > x1 || box.y + box.h < y0 || box.y > y1) continue;
      g.insertAdjacentHTML('beforeend', labelMarkup(task));
      this.labelled.add(id);
    }
  }

  /** Every node's labels (before an export). */
  labelAll(): void {
    for (const [id, g] of this.nodes) {
      const task = this.tasks.get(id);
      if (this.labelled.has(id) || !task) continue;
      g.insertAdjacentHTML('beforeend', labelMarkup(task));
      this.labelled.add(id);
    }
  }

  zoomBy(factor: number): void {
    this.svg.call(this.zoomBehavior.scaleBy, factor);
  }

  /** The whole diagram's size (for export). */
  size(): { width: number; height: number } | undefined {
    return this.layout ? { width: this.layout.width, height: this.layout.height } : undefined;
  }
}
