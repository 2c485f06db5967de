/**
 * The critical path: the chain of tasks that set the workflow's total time. Walking back from the
 * last unit to finish among those nothing waits for (sinks), each step goes to the predecessor that
 * finished last (the one the next unit was waiting for); through a group, the member that finished
 * last. Running tasks count as finishing now. Starting from a sink matters: a chord's last header
 * task reports success after it has already triggered the body, so the body may "finish" first.
 */
import { isGroupRef, type UnitRef, type WorkflowGraph, type WorkflowTask } from './workflowGraph';

function taskEnd(task: WorkflowTask, now: number): number | undefined {
  if (task.finished !== undefined) return task.finished;
  return task.state === 'STARTED' ? now : undefined;
}

/** Marks the path's tasks, groups and edges `critical`, and sets the workflow's start, end and total. */
export function markCriticalPath(graph: WorkflowGraph, now: number): WorkflowGraph {
  const taskById = new Map(graph.tasks.map((t) => [t.id, t]));
  const groupById = new Map(graph.groups.map((g) => [`group:${g.id}`, g]));
  const lastMember = new Map<UnitRef, WorkflowTask>();
  const end = new Map<UnitRef, number>();
  for (const task of graph.tasks) {
    const e = taskEnd(task, now);
    if (e === undefined) continue;
    const unit = task.groupId ? `group:${task.groupId}` : task.id;
    if (!end.has(unit) || (end.get(unit) as number) < e) {
      end.set(unit, e);
      if (task.groupId) lastMember.set(unit, task);
    }
  }
  let startedAt: number | undefined;
  let finishedAt: number | undefined;
  for (const task of graph.tasks) {
    const s = task.started ?? task.sent;
    if (s !== undefined && (startedAt === undefined || s < startedAt)) startedAt = s;
    const e = taskEnd(task, now);
    if (e !== undefined && (finishedAt === undefined || e > finishedAt)) finishedAt = e;
  }

  const incoming = new Map<UnitRef, Array<(typeof graph.edges)[number]>>();
  for (const edge of graph.edges) {
    const list = incoming.get(edge.to);
    if (list) list.push(edge);
    else incoming.set(edge.to, [edge]);
  }
  // Edges to units that have not run (placeholders, waiting tasks) do not make a unit wait.
  const hasOutgoing = new Set(graph.edges.filter((e) => end.has(e.to)).map((e) => e.from));
  let current: UnitRef | undefined;
  for (const sinksOnly of [true, false]) {
    for (const [unit, e] of end) {
      if (sinksOnly && hasOutgoing.has(unit)) continue;
      if (current === undefined || e > (end.get(current) as number)) current = unit;
    }
    if (current !== undefined) break;
  }
  const visited = new Set<UnitRef>();
  while (current !== undefined && !visited.has(current)) {
    visited.add(current);
    if (isGroupRef(current)) {
      const group = groupById.get(current);
      if (group) group.critical = true;
      const member = lastMember.get(current);
      if (member) member.critical = true;
    } else {
      const task = taskById.get(current);
      if (task) task.critical = true;
    }
    let best: (typeof graph.edges)[number] | undefined;
    for (const edge of incoming.get(current) ?? []) {
      const e = end.get(edge.from);
      if (e !== undefined && (best === undefined || e > (end.get(best.from) as number))) best = edge;
    }
    if (!best) break;
    best.critical = true;
    current = best.from;
  }
  const totalS = startedAt !== undefined && finishedAt !== undefined ? Math.max(0, finishedAt - startedAt) : undefined;
  return { ...graph, startedAt, finishedAt, totalS };
}
