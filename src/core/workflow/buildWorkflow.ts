/**
 * Builds the graph of the whole workflow a task belongs to. Celery spreads a workflow's shape over
 * several sources, none complete alone:
 *  - events: root and parent ids (chain steps, spawned tasks, callbacks). A top-level group or
 *    chord has no common root: each header task is its own root, and the body's root is a header;
 *  - result records (merged into the state): group ids, children, parent ids;
 *  - task messages: group id and index, and the embeds that name what comes next: `chain` (the
 *    remaining steps, reversed), `callbacks`/`errbacks` (link, link_error) and `chord` (the body).
 * So the workflow is the connected component of the focus task over all those relations.
 */
import { READY_STATES } from '../state/taskStates';
import type { MessageFacts, TaskFacts, WorkflowFacts } from './workflowFacts';
import { signatureList, signatureRef, type SignatureRef } from './signatures';
import {
  groupRef, shortId, type UnitRef, type WorkflowEdge, type WorkflowEdgeKind, type WorkflowGraph, type WorkflowGroup, type WorkflowTask,
} from './workflowGraph';
import { markCriticalPath } from './criticalPath';

export interface BuildOptions {
  /** Epoch seconds: running tasks' durations count up to it. */
  readonly now: number;
  /** Most tasks in one diagram (a runaway spawner must not freeze the editor). */
  readonly maxTasks?: number;
}

export const DEFAULT_MAX_TASKS = 20_000;

interface Placeholder {
  id: string;
  name: string;
}

/** Every task id of the focus's workflow, and the placeholders its messages announce. */
function collect(facts: WorkflowFacts, focusId: string, maxTasks: number): { ids: string[]; placeholders: Map<string, Placeholder>; truncated: boolean } {
  const seen = new Set<string>([focusId]);
  const queue = [focusId];
  const placeholders = new Map<string, Placeholder>();
  const visitedRoots = new Set<string>();
  const visitedGroups = new Set<string>();
  let truncated = false;
  const add = (id: string | null | undefined) => {
    if (!id || seen.has(id)) return;
    if (seen.size >= maxTasks) {
      truncated = true;
      return;
    }
    seen.add(id);
    queue.push(id);
  };
  const announce = (ref: SignatureRef | undefined) => {
    if (!ref?.taskId || ref.canvas) return;
    if (!facts.task(ref.taskId) && !placeholders.has(ref.taskId)) placeholders.set(ref.taskId, { id: ref.taskId, name: ref.name });
    add(ref.taskId);
  };
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i];
    const task = facts.task(id);
    const roots = [task?.rootId, id];
    for (const root of roots) {
      if (!root || visitedRoots.has(root)) continue;
      visitedRoots.add(root);
      add(root);
      for (const member of facts.tasksWithRoot(root)) add(member.id);
    }
    add(task?.parentId);
    for (const child of task?.children ?? []) add(child);
    const message = facts.message(id);
    const groupId = task?.groupId ?? message?.group;
    if (groupId && !visitedGroups.has(groupId)) {
      visitedGroups.add(groupId);
      for (const member of facts.tasksInGroup(groupId)) add(member);
    }
    if (message) {
      signatureList(message.embed.chain).forEach(announce);
      signatureList(message.embed.callbacks).forEach(announce);
      signatureList(message.embed.errbacks).forEach(announce);
      announce(signatureRef(message.embed.chord));
    }
  }
  return { ids: [...seen], placeholders, truncated };
}

function finishedAt(task: TaskFacts): number | undefined {
  return task.succeeded ?? task.failed ?? task.revoked;
}

function toNode(task: TaskFacts, groupId: string | undefined, now: number): WorkflowTask {
  const finished = READY_STATES.has(task.state) ? finishedAt(task) : undefined;
  const started = task.started;
  let durationS = task.runtime;
  if (durationS === undefined && started !== undefined) {
    if (finished !== undefined) durationS = Math.max(0, finished - started);
    else if (task.state === 'STARTED') durationS = Math.max(0, now - started);
  }
  return {
    id: task.id,
    name: task.name ?? '?',
    shortId: shortId(task.id),
    state: task.state,
    sent: task.sent ?? task.received,
    started,
    finished,
    durationS,
    worker: task.worker,
    retries: task.retries,
    groupId,
  };
}

/** Builds the diagram of `focusId`'s workflow; undefined when nothing is known about the task. */
export function buildWorkflow(facts: WorkflowFacts, focusId: string, options: BuildOptions): WorkflowGraph | undefined {
  if (!facts.task(focusId) && !facts.message(focusId)) return undefined;
  const { ids, placeholders, truncated } = collect(facts, focusId, options.maxTasks ?? DEFAULT_MAX_TASKS);
  const inWorkflow = new Set(ids);

  // Groups: members by group id, in group order when the messages tell it.
  const groupOf = new Map<string, string>();
  const members = new Map<string, Array<{ id: string; index: number }>>();
  ids.forEach((id, order) => {
    const message = facts.message(id);
    const gid = facts.task(id)?.groupId ?? message?.group;
    if (!gid) return;
    groupOf.set(id, gid);
    const list = members.get(gid) ?? [];
    list.push({ id, index: message?.groupIndex ?? order });
    members.set(gid, list);
  });
  const unitOf = (id: string): UnitRef => {
    const gid = groupOf.get(id);
    return gid ? groupRef(gid) : id;
  };

  const tasks: WorkflowTask[] = [];
  for (const id of ids) {
    const task = facts.task(id);
    if (task) tasks.push(toNode(task, groupOf.get(id), options.now));
    else {
      const p = placeholders.get(id);
      if (p) tasks.push({ id, name: p.name, shortId: shortId(id), state: 'PENDING', placeholder: true, groupId: groupOf.get(id) });
    }
  }
  const present = new Set(tasks.map((t) => t.id));

  // Task-level links, most specific kind first: embeds name what events only show as a parent.
  const links = new Map<string, WorkflowEdgeKind>(); // "from\nto" -> kind
  const chordBodies = new Map<string, string>(); // body id -> header group id
  const link = (from: string, to: string, kind: WorkflowEdgeKind) => {
    if (from === to || !present.has(from) || !present.has(to)) return;
    const key = `${from}\n${to}`;
    if (!links.has(key) || links.get(key) === 'parent') links.set(key, kind);
  };
  // Chord bodies first: a body is the header's parent's child too, and must not pass for a callback.
  for (const id of ids) {
    const body = signatureRef(facts.message(id)?.embed.chord);
    const gid = groupOf.get(id);
    if (body?.taskId && gid && present.has(body.taskId)) chordBodies.set(body.taskId, gid);
  }
  const claimed = new Set<string>();
  let callbackCount = 0;
  // Callbacks are frozen only when sent: the callback is the task's first unclaimed child of that name.
  const childNamed = (parent: string, name: string) =>
    tasks.find((t) => t.name === name && !claimed.has(t.id) && !chordBodies.has(t.id) && facts.task(t.id)?.parentId === parent);
  for (const id of ids) {
    const message: MessageFacts | undefined = facts.message(id);
    if (!message) continue;
    const steps = signatureList(message.embed.chain);
    // Reversed: the last element runs next, then the one before it.
    let previous = id;
    for (let i = steps.length - 1; i >= 0; i--) {
      const step = steps[i];
      if (!step.taskId || step.canvas) break;
      link(previous, step.taskId, 'chain');
      claimed.add(step.taskId);
      previous = step.taskId;
    }
    const callbacks: Array<[SignatureRef[], WorkflowEdgeKind]> = [[signatureList(message.embed.callbacks), 'link'], [signatureList(message.embed.errbacks), 'linkError']];
    for (const [refs, kind] of callbacks) {
      for (const ref of refs) {
        if (ref.canvas) continue;
        let target = ref.taskId ?? childNamed(id, ref.name)?.id;
        if (!target) {
          // Not sent (yet, or ever: Celery calls an errback accepting the request inline).
          target = `${id}/${kind}/${callbackCount++}`;
          tasks.push({ id: target, name: ref.name, shortId: kind === 'link' ? 'link' : 'link_error', state: 'PENDING', placeholder: true });
          present.add(target);
        }
        claimed.add(target);
        link(id, target, kind);
      }
    }
  }
  for (const task of tasks) {
    const parentId = facts.task(task.id)?.parentId;
    if (parentId && inWorkflow.has(parentId) && !chordBodies.has(task.id)) link(parentId, task.id, 'parent');
  }

  // Unit-level edges: members' links become the group's; links inside a group are dropped.
  const edges = new Map<string, WorkflowEdge>();
  const addEdge = (from: UnitRef, to: UnitRef, kind: WorkflowEdgeKind) => {
    if (from === to) return;
    const key = `${from}\n${to}`;
    const existing = edges.get(key);
    if (!existing || existing.kind === 'parent') edges.set(key, { from, to, kind });
  };
  for (const [key, kind] of links) {
    const [from, to] = key.split('\n');
    addEdge(unitOf(from), unitOf(to), kind);
  }
  for (const [body, gid] of chordBodies) addEdge(groupRef(gid), unitOf(body), 'chord');

  // Without the header's message (events and results only), a group feeding a task is a chord's header.
  const chordGroups = new Set(chordBodies.values());
  for (const edge of edges.values()) if (edge.from.startsWith('group:')) chordGroups.add(edge.from.slice('group:'.length));
  const groups: WorkflowGroup[] = [...members].map(([id, list]) => ({
    id,
    members: list.sort((a, b) => a.index - b.index).map((m) => m.id),
    chord: chordGroups.has(id),
  }));

  const focus = facts.task(focusId);
  const rootId = focus?.rootId && present.has(focus.rootId) ? focus.rootId : focusId;
  const graph: WorkflowGraph = { focusId, rootId, tasks, groups, edges: [...edges.values()], truncated };
  return markCriticalPath(graph, options.now);
}
