/**
 * One workflow as a trace waterfall, the way a distributed-tracing view shows spans: every task
 * sharing a root id, indented under its parent (`parent_id`), each with when it was queued,
 * started and ended relative to the workflow's first moment. Tasks whose parent is not known (it
 * was forgotten, or never seen) are shown at the top level, marked detached.
 *
 * The W3C trace context of each task comes from its message headers (traceparent.ts); it is only
 * known for tasks whose message was read (peeked in a queue or unacknowledged), since events
 * carry no headers.
 */
import type { ClusterState } from '../state/clusterState';
import { workflowTasks } from '../state/selectors';
import type { TaskRecord } from '../state/taskRecord';
import { RECEIVED, STARTED } from '../state/taskStates';
import { taskAttempts } from '../timeline/taskAttempts';
import { parseTraceparent } from './traceparent';
import type { Trace, TraceSpan } from './traceTypes';

export type { Trace, TraceSpan } from './traceTypes';

/** The root id of the workflow a task belongs to (itself when it has none). */
export function rootIdOf(state: ClusterState, taskId: string): string {
  return state.tasks.get(taskId)?.rootId ?? taskId;
}

function finite(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) ? value : undefined;
}

interface Timing { queued?: number; started?: number; ended?: number; attempts: number }

/** First queued/started moment and last end over every attempt, epoch seconds. */
function timingOf(task: TaskRecord): Timing {
  const attempts = taskAttempts(task);
  const first = attempts[0];
  const last = attempts[attempts.length - 1];
  const queued = finite(task.sent) ?? finite(first?.received) ?? finite(task.received);
  const started = finite(first?.started) ?? finite(task.started);
  const ended = last && last.outcome !== 'open' ? finite(last.ended) : undefined;
  return { queued, started, ended, attempts: attempts.length };
}

/** The trace of the workflow whose root is `rootId` (the root task itself may be unknown). */
export function buildTrace(state: ClusterState, rootId: string): Trace {
  const tasks = workflowTasks(state, rootId);
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const timing = new Map(tasks.map((t) => [t.id, timingOf(t)]));
  let start = Infinity;
  for (const t of timing.values()) for (const v of [t.queued, t.started, t.ended]) if (v !== undefined && v < start) start = v;
  if (start === Infinity) start = NaN;

  const children = new Map<string, TaskRecord[]>();
  const tops: TaskRecord[] = [];
  for (const task of tasks) {
    const parent = task.parentId && task.parentId !== task.id ? byId.get(task.parentId) : undefined;
    if (parent) {
      const list = children.get(parent.id);
      if (list) list.push(task);
      else children.set(parent.id, [task]);
    } else tops.push(task);
  }
  const firstMoment = (t: TaskRecord): number => {
    const x = timing.get(t.id) as Timing;
    return x.queued ?? x.started ?? x.ended ?? Infinity;
  };
  const order = (list: TaskRecord[]): TaskRecord[] =>
    list.sort((a, b) => (a.id === rootId ? -1 : b.id === rootId ? 1 : 0) || firstMoment(a) - firstMoment(b) || a.id.localeCompare(b.id));

  const now = state.now();
  const spans: TraceSpan[] = [];
  const placed = new Set<string>();
  let end = -Infinity;
  const offset = (v: number | undefined): number | undefined => (v === undefined ? undefined : v - start);
  // Iterative depth-first walk: a deep chain must not overflow the stack, and a parent loop in
  // bad data is cut by `placed`.
  const stack: Array<{ task: TaskRecord; depth: number }> = order(tops).reverse().map((task) => ({ task, depth: 0 }));
  // Members only reachable through a loop of parents come last, at the top level.
  const topSet = new Set(tops);
  const loose = tasks.filter((task) => !topSet.has(task)).reverse();
  while (stack.length || loose.length) {
    if (!stack.length) stack.push({ task: loose.pop() as TaskRecord, depth: 0 });
    const { task, depth } = stack.pop() as { task: TaskRecord; depth: number };
    if (placed.has(task.id)) continue;
    placed.add(task.id);
    const t = timing.get(task.id) as Timing;
    const open = t.ended === undefined && (task.state === STARTED || task.state === RECEIVED);
    const last = open ? now : t.ended ?? t.started ?? t.queued;
    if (last !== undefined && last > end) end = last;
    spans.push({
      id: task.id,
      name: task.name ?? null,
      state: task.state,
      depth,
      parentId: task.parentId ?? null,
      detached: depth === 0 && task.id !== rootId,
      worker: task.worker ?? null,
      queued: offset(t.queued),
      started: offset(t.started),
      ended: offset(t.ended),
      open,
      attempts: t.attempts,
      traceContext: parseTraceparent(task.traceparent),
    });
    const kids = children.get(task.id);
    if (kids) for (const kid of order(kids).reverse()) stack.push({ task: kid, depth: depth + 1 });
  }

  const root = spans.find((s) => s.id === rootId);
  const valid = spans.map((s) => s.traceContext).filter((c) => c.status === 'valid');
  const traceContext = root && root.traceContext.status !== 'unknown' ? root.traceContext : valid[0] ?? root?.traceContext ?? { status: 'unknown' as const };
  const traceIds = [...new Set(valid.map((c) => (c.status === 'valid' ? c.traceId : '')))];
  return {
    rootId, start, duration: start === start && end > -Infinity ? end - start : 0, now: now - start, spans, traceContext, traceIds,
  };
}
