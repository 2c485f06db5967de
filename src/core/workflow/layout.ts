/**
 * Layered left-to-right layout of a workflow graph (a small Sugiyama): units (tasks, and groups as
 * one box each) are assigned to columns by longest path, ordered within columns by barycenters,
 * then placed near their predecessors. Group members sit in a grid inside their box, so a chord
 * with thousands of header tasks is one compact block. Pure: no DOM, no d3; the flow webview and
 * the unit tests both import it.
 */
import { groupRef, type UnitRef, type WorkflowEdge, type WorkflowGraph } from './workflowGraph';

export interface LayoutOptions {
  readonly nodeWidth: number;
  readonly nodeHeight: number;
  /** Between columns (room for edges). */
  readonly columnGap: number;
  /** Between units of a column. */
  readonly rowGap: number;
  /** Between members inside a group box. */
  readonly memberGap: number;
  readonly groupPadding: number;
  /** Room for the group's title above its members. */
  readonly groupHeader: number;
}

export const DEFAULT_LAYOUT: LayoutOptions = {
  nodeWidth: 190, nodeHeight: 46, columnGap: 80, rowGap: 16, memberGap: 8, groupPadding: 10, groupHeader: 22,
};

export interface Box {
  x: number;
  y: number;
  readonly w: number;
  readonly h: number;
}

export interface LaidOutEdge {
  readonly edge: WorkflowEdge;
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
}

export interface WorkflowLayout {
  readonly width: number;
  readonly height: number;
  /** Every task's box (members included), by task id. */
  readonly tasks: Map<string, Box>;
  /** Every group's box, by group id. */
  readonly groups: Map<string, Box & { readonly columns: number }>;
  readonly edges: LaidOutEdge[];
  /** Unit refs per column, top to bottom. */
  readonly columns: UnitRef[][];
}

/** Columns of a group's member grid: one column for small groups, else about square. */
export function groupColumns(members: number, o: LayoutOptions = DEFAULT_LAYOUT): number {
  if (members <= 8) return 1;
  return Math.max(1, Math.ceil(Math.sqrt((members * (o.nodeHeight + o.memberGap)) / (o.nodeWidth + o.memberGap))));
}

export function layoutWorkflow(graph: WorkflowGraph, o: LayoutOptions = DEFAULT_LAYOUT): WorkflowLayout {
  // Units and their sizes.
  const size = new Map<UnitRef, { w: number; h: number }>();
  const order: UnitRef[] = [];
  const groupIds = new Set(graph.groups.map((g) => g.id));
  for (const group of graph.groups) {
    const ref = groupRef(group.id);
    const cols = groupColumns(group.members.length, o);
    const rows = Math.max(1, Math.ceil(group.members.length / cols));
    size.set(ref, {
      w: cols * o.nodeWidth + (cols - 1) * o.memberGap + 2 * o.groupPadding,
      h: o.groupHeader + rows * o.nodeHeight + (rows - 1) * o.memberGap + 2 * o.groupPadding,
    });
    order.push(ref);
  }
  for (const task of graph.tasks) {
    if (task.groupId && groupIds.has(task.groupId)) continue;
    size.set(task.id, { w: o.nodeWidth, h: o.nodeHeight });
    order.push(task.id);
  }
  // Tasks before groups in input order: the root usually comes first.
  order.sort((a, b) => (a.startsWith('group:') ? 1 : 0) - (b.startsWith('group:') ? 1 : 0));

  const succ = new Map<UnitRef, UnitRef[]>(order.map((u) => [u, []]));
  const pred = new Map<UnitRef, UnitRef[]>(order.map((u) => [u, []]));
  const acyclic = withoutCycles(order, graph.edges.filter((e) => e.from !== e.to && size.has(e.from) && size.has(e.to)));
  for (const e of acyclic) {
    succ.get(e.from)?.push(e.to);
    pred.get(e.to)?.push(e.from);
  }

  // Longest-path columns (Kahn's order).
  const layer = new Map<UnitRef, number>();
  const indegree = new Map<UnitRef, number>(order.map((u) => [u, (pred.get(u) as UnitRef[]).length]));
  const queue = order.filter((u) => indegree.get(u) === 0);
  for (let i = 0; i < queue.length; i++) {
    const u = queue[i];
    const l = layer.get(u) ?? 0;
    layer.set(u, l);
    for (const v of succ.get(u) as UnitRef[]) {
      layer.set(v, Math.max(layer.get(v) ?? 0, l + 1));
      const d = (indegree.get(v) as number) - 1;
      indegree.set(v, d);
      if (d === 0) queue.push(v);
    }
  }
  const columns: UnitRef[][] = [];
  for (const u of queue) (columns[layer.get(u) as number] ??= []).push(u);

  orderColumns(columns, pred, succ);
  const boxes = placeColumns(columns, pred, size, o);

  // Member grids inside their groups.
  const tasks = new Map<string, Box>();
  const groups = new Map<string, Box & { columns: number }>();
  for (const group of graph.groups) {
    const box = boxes.get(groupRef(group.id)) as Box;
    const cols = groupColumns(group.members.length, o);
    groups.set(group.id, { ...box, columns: cols });
    group.members.forEach((id, i) => {
      tasks.set(id, {
        x: box.x + o.groupPadding + (i % cols) * (o.nodeWidth + o.memberGap),
        y: box.y + o.groupHeader + o.groupPadding + Math.floor(i / cols) * (o.nodeHeight + o.memberGap),
        w: o.nodeWidth,
        h: o.nodeHeight,
      });
    });
  }
  for (const [ref, box] of boxes) if (!ref.startsWith('group:')) tasks.set(ref, box);

  const edges: LaidOutEdge[] = [];
  for (const edge of graph.edges) {
    const a = boxes.get(edge.from);
    const b = boxes.get(edge.to);
    if (!a || !b || a === b) continue;
    edges.push({ edge, x1: a.x + a.w, y1: a.y + a.h / 2, x2: b.x, y2: b.y + b.h / 2 });
  }
  let width = 0;
  let height = 0;
  for (const box of boxes.values()) {
    width = Math.max(width, box.x + box.w);
    height = Math.max(height, box.y + box.h);
  }
  return { width, height, tasks, groups, edges, columns };
}

/** Drops the edges that close a cycle (found by depth-first search), so columns exist. */
function withoutCycles(units: UnitRef[], edges: WorkflowEdge[]): WorkflowEdge[] {
  const out = new Map<UnitRef, WorkflowEdge[]>();
  for (const e of edges) (out.get(e.from) ?? out.set(e.from, []).get(e.from) as WorkflowEdge[]).push(e);
  const state = new Map<UnitRef, 1 | 2>(); // 1 on the stack, 2 done
  const dropped = new Set<WorkflowEdge>();
  for (const start of units) {
    if (state.has(start)) continue;
    const stack: Array<{ unit: UnitRef; next: number }> = [{ unit: start, next: 0 }];
    state.set(start, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const list = out.get(top.unit) ?? [];
      if (top.next >= list.length) {
        state.set(top.unit, 2);
        stack.pop();
        continue;
      }
      const e = list[top.next++];
      const s = state.get(e.to);
      if (s === 1) dropped.add(e);
      else if (s === undefined) {
        state.set(e.to, 1);
        stack.push({ unit: e.to, next: 0 });
      }
    }
  }
  return edges.filter((e) => !dropped.has(e));
}

/** Barycenter sweeps: each unit moves toward the mean position of its neighbours in the next column. */
function orderColumns(columns: UnitRef[][], pred: Map<UnitRef, UnitRef[]>, succ: Map<UnitRef, UnitRef[]>): void {
  const position = new Map<UnitRef, number>();
  const index = () => columns.forEach((col) => col.forEach((u, i) => position.set(u, i)));
  index();
  const sweep = (col: UnitRef[], neighbours: Map<UnitRef, UnitRef[]>) => {
    const key = new Map<UnitRef, number>();
    col.forEach((u, i) => {
      const ns = neighbours.get(u) as UnitRef[];
      key.set(u, ns.length === 0 ? i : ns.reduce((sum, n) => sum + (position.get(n) as number), 0) / ns.length);
    });
    col.sort((a, b) => (key.get(a) as number) - (key.get(b) as number));
    col.forEach((u, i) => position.set(u, i));
  };
  for (let iteration = 0; iteration < 4; iteration++) {
    for (let c = 1; c < columns.length; c++) sweep(columns[c], pred);
    for (let c = columns.length - 2; c >= 0; c--) sweep(columns[c], succ);
  }
}

/** Columns left to right; within a column, each unit as near its predecessors' middle as room allows. */
function placeColumns(columns: UnitRef[][], pred: Map<UnitRef, UnitRef[]>, size: Map<UnitRef, { w: number; h: number }>, o: LayoutOptions): Map<UnitRef, Box> {
  const boxes = new Map<UnitRef, Box>();
  let x = 0;
  for (const col of columns) {
    const width = Math.max(...col.map((u) => (size.get(u) as { w: number }).w));
    let bottom = Number.NEGATIVE_INFINITY;
    let drift = 0;
    let anchored = 0;
    for (const u of col) {
      const { w, h } = size.get(u) as { w: number; h: number };
      const ps = (pred.get(u) as UnitRef[]).map((p) => boxes.get(p)).filter((b): b is Box => b !== undefined);
      const wanted = ps.length > 0 ? ps.reduce((s, b) => s + b.y + b.h / 2, 0) / ps.length - h / 2 : bottom === Number.NEGATIVE_INFINITY ? 0 : bottom + o.rowGap;
      const y = bottom === Number.NEGATIVE_INFINITY ? wanted : Math.max(wanted, bottom + o.rowGap);
      if (ps.length > 0) {
        drift += y - wanted;
        anchored++;
      }
      boxes.set(u, { x: x + (width - w) / 2, y, w, h });
      bottom = y + h;
    }
    // Units pushed down by their neighbours pull the column back up: siblings centre on their parent.
    const shift = anchored > 0 ? drift / anchored : 0;
    if (shift > 0) for (const u of col) (boxes.get(u) as Box).y -= shift;
    x += width + o.columnGap;
  }
  let top = Number.POSITIVE_INFINITY;
  for (const b of boxes.values()) top = Math.min(top, b.y);
  if (Number.isFinite(top) && top !== 0) for (const b of boxes.values()) b.y -= top;
  return boxes;
}
