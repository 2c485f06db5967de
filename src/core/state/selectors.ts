/**
 * What the tree views read from a {@link ClusterState}: counts per state, pages of tasks, task
 * names, workflows, running tasks. Pure functions over the state's indexes (taskIndex.ts).
 *
 * Newest first everywhere: when a query names states, by when each task entered its state (so
 * the SUCCESS group lists the latest successes first); otherwise by when the task was first seen.
 *
 * Without a text filter every answer is a lookup: a count is a list size, a page walks only
 * `offset + limit` entries, and a filter on several dimensions walks one candidate list (the
 * states', or else the smallest) checking the others by integer compares on typed arrays. A text
 * filter has to look at each candidate task, which stays a few milliseconds at 100k tasks.
 */
import type { ClusterState } from './clusterState';
import { NONE, SlotLists } from './slotLists';
import { TASK_STATES, TaskIndex } from './taskIndex';
import type { TaskRecord } from './taskRecord';
import { STARTED } from './taskStates';
import { idHead, idHeadMask, textPrint } from './textPrints';
import { finishedAt } from './snapshot';

/** A task filter, as the Tasks view's filter sets it; every part given must match. */
export interface TaskFilter {
  /** Case-insensitive: an id prefix, or a substring of the name, args, kwargs or exception. */
  text?: string;
  /** Any of these task names. */
  names?: string[];
  /** Any of these states. */
  states?: string[];
  /** Any of these worker hostnames. */
  workers?: string[];
}

/** A page of tasks and how many match in all. */
export interface TaskPage {
  tasks: TaskRecord[];
  total: number;
}

/** True when the filter restricts anything (for the view's "filter active" context key). */
export function isFilterActive(filter: TaskFilter | undefined): boolean {
  return !!filter && (!!filter.text?.trim() || filter.names !== undefined || filter.states !== undefined || filter.workers !== undefined);
}

/** Task count per state: Celery's eight states always (0 when none), then custom states that have tasks. */
export function countByState(state: ClusterState, filter?: TaskFilter): Map<string, number> {
  const index = state.index;
  const byState = index.byState;
  const counts = new Map<string, number>(TASK_STATES.map((s) => [s, 0]));
  const allowed = filter?.states === undefined ? undefined : new Set(filter.states);
  const plan = planQuery(index, { ...filter, states: undefined });
  if (plan === undefined) return counts;
  if (plan.exact && plan.lists === index.all) {
    for (const key of byState.keyList()) {
      const n = byState.count(key);
      if (n > 0 || counts.has(key)) counts.set(key, n);
    }
  } else {
    const perBucket: number[] = [];
    walk(plan, (slot) => {
      const bucket = byState.bucketOf(slot);
      perBucket[bucket] = (perBucket[bucket] ?? 0) + 1;
      return true;
    });
    perBucket.forEach((n, bucket) => {
      const key = byState.keys[bucket];
      if (key !== undefined && n > 0) counts.set(key, n);
    });
  }
  if (allowed) for (const key of counts.keys()) if (!allowed.has(key)) counts.set(key, 0);
  return counts;
}

/**
 * The tasks matching `filter` (and `filter.state`, the group being expanded), newest first,
 * `limit` of them from `offset`, with the total that match.
 */
export function listTasks(state: ClusterState, filter: TaskFilter & { state?: string }, offset: number, limit: number): TaskPage {
  const index = state.index;
  let states = filter.states;
  if (filter.state !== undefined) states = states === undefined || states.includes(filter.state) ? [filter.state] : [];
  const plan = planQuery(index, { ...filter, states });
  const tasks: TaskRecord[] = [];
  if (plan === undefined) return { tasks, total: 0 };
  const first = Math.max(0, Math.floor(offset));
  const end = first + Math.max(0, limit);
  let seen = 0;
  walk(plan, (slot) => {
    if (seen >= first && seen < end) tasks.push(index.records[slot] as TaskRecord);
    seen++;
    return !plan.exact || seen < end;
  });
  return { tasks, total: plan.exact ? plan.size : seen };
}

/** Task names to offer in a filter: those of known tasks and those workers registered, sorted. */
export function taskNames(state: ClusterState): string[] {
  const names = new Set(state.index.byName.keyList());
  for (const worker of state.workers.values()) for (const name of worker.registered ?? []) names.add(name);
  return [...names].sort();
}

/** Every known task of the workflow whose root is `rootId` (the root included), newest first. */
export function workflowTasks(state: ClusterState, rootId: string): TaskRecord[] {
  const index = state.index;
  const members: TaskRecord[] = [];
  const root = state.tasks.get(rootId);
  // The root is not in its own list: slot it in by its change number.
  const rootSeq = root && root.slot >= 0 ? index.createdSeq(root.slot) : -1;
  let rootPlaced = root === undefined;
  const lists = index.byRoot;
  const bucket = lists.find(rootId);
  for (let slot = bucket === NONE ? NONE : lists.head[bucket]; slot !== NONE; slot = lists.next(slot)) {
    if (!rootPlaced && rootSeq > index.createdSeq(slot)) {
      members.push(root as TaskRecord);
      rootPlaced = true;
    }
    members.push(index.records[slot] as TaskRecord);
  }
  if (!rootPlaced) members.push(root as TaskRecord);
  return members;
}

/** Tasks the events show running (STARTED) on worker `hostname`, newest first. */
export function runningOn(state: ClusterState, hostname: string): TaskRecord[] {
  return listTasks(state, { state: STARTED, workers: [hostname] }, 0, Number.MAX_SAFE_INTEGER).tasks;
}

/**
 * runningOn for every worker in one walk of the STARTED tasks, by worker hostname. The Workers
 * view asks each worker's count several times a refresh, and a walk per worker per ask took tens
 * of milliseconds with thousands of tasks running.
 */
export function runningByWorker(state: ClusterState): Map<string, TaskRecord[]> {
  const byWorker = new Map<string, TaskRecord[]>();
  for (const task of listTasks(state, { state: STARTED }, 0, Number.MAX_SAFE_INTEGER).tasks) {
    if (task.worker === undefined) continue;
    const tasks = byWorker.get(task.worker);
    if (tasks) tasks.push(task);
    else byWorker.set(task.worker, [task]);
  }
  return byWorker;
}

/** The most recent time we know anything about the task (for "5 s ago"), epoch seconds. */
export function lastSeen(task: TaskRecord): number | undefined {
  return task.lastSeen ?? task.timestamp ?? finishedAt(task) ?? task.started ?? task.received ?? task.sent;
}

/** How to answer a query: which lists to walk, and what to check on each slot. */
interface QueryPlan {
  lists: SlotLists;
  buckets: number[];
  /** The order of those lists, to merge several: stateSeq or createdSeq. */
  seqOf: (slot: number) => number;
  /** Entries in those buckets. */
  size: number;
  /** Per other dimension: the lists and the allowed bucket numbers. */
  checks: Array<{ lists: SlotLists; allowed: Uint8Array }>;
  text: ((slot: number) => boolean) | undefined;
  /** Every walked slot matches (no checks, no text). */
  exact: boolean;
}

/** Undefined when nothing can match (e.g. a name no task has). */
function planQuery(index: TaskIndex, filter: TaskFilter): QueryPlan | undefined {
  const dimensions: Array<{ lists: SlotLists; buckets: number[]; size: number }> = [];
  for (const [lists, keys] of [[index.byState, filter.states], [index.byName, filter.names], [index.byWorker, filter.workers]] as const) {
    if (keys === undefined) continue;
    const buckets = [...new Set(keys)].map((key) => lists.find(key)).filter((b) => b !== NONE && lists.size[b] > 0);
    if (buckets.length === 0) return undefined;
    dimensions.push({ lists, buckets, size: buckets.reduce((sum, b) => sum + lists.size[b], 0) });
  }
  const text = slotTextMatcher(index, filter.text);
  // States decide the order when given; otherwise walk the smallest candidate list.
  const byState = dimensions.length > 0 && dimensions[0].lists === index.byState;
  if (!byState) dimensions.sort((a, b) => a.size - b.size);
  const source = dimensions.shift() ?? { lists: index.all, buckets: [index.all.find('')], size: index.size };
  const checks = dimensions.map(({ lists, buckets }) => {
    const allowed = new Uint8Array(lists.keys.length);
    for (const b of buckets) allowed[b] = 1;
    return { lists, allowed };
  });
  const seqOf = byState ? (slot: number) => index.stateSeq(slot) : (slot: number) => index.createdSeq(slot);
  return { ...source, seqOf, checks, text, exact: checks.length === 0 && text === undefined };
}

/**
 * Visit the slots matching `plan`, newest first, until `visit` returns false. Several source
 * buckets are merged by the plan's sequence (each list is already in that order).
 */
function walk(plan: QueryPlan, visit: (slot: number) => boolean): void {
  const { lists, checks, text, seqOf } = plan;
  const cursors = plan.buckets.map((b) => lists.head[b]);
  const single = cursors.length === 1;
  for (;;) {
    let pick = 0;
    if (!single) {
      for (let i = 1; i < cursors.length; i++) {
        if (cursors[i] !== NONE && (cursors[pick] === NONE || seqOf(cursors[i]) > seqOf(cursors[pick]))) pick = i;
      }
    }
    const slot = cursors[pick];
    if (slot === NONE) return;
    cursors[pick] = lists.next(slot);
    if (!passes(slot, checks)) continue;
    if (text !== undefined && !text(slot)) continue;
    if (!visit(slot)) return;
  }
}

function passes(slot: number, checks: QueryPlan['checks']): boolean {
  for (let i = 0; i < checks.length; i++) {
    const { lists, allowed } = checks[i];
    if (allowed[lists.bucketOf(slot)] !== 1) return false;
  }
  return true;
}

/** How a filter text matches strings: `contains` for any string, `cached` for repeated ones. */
interface Needle {
  /** Trimmed, lower case. */
  text: string;
  contains: (value: string) => boolean;
  /** `contains`, decided once per distinct value (names and exceptions repeat, and are pooled). */
  cached: (value: string) => boolean;
}

function needleOf(text: string | undefined): Needle | undefined {
  const needle = text?.trim().toLowerCase();
  if (!needle) return undefined;
  const pattern = new RegExp(needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
  // A needle without letters (an id fragment, a number) has no case: a plain search is faster.
  const caseless = needle === needle.toUpperCase();
  const contains = caseless ? (value: string): boolean => value.includes(needle) : (value: string): boolean => pattern.test(value);
  const decided = new Map<string, boolean>();
  const cached = (value: string): boolean => {
    let hit = decided.get(value);
    if (hit === undefined) {
      hit = contains(value);
      if (decided.size < 4096) decided.set(value, hit);
    }
    return hit;
  };
  return { text: needle, contains, cached };
}

/** The text test of a filter on one task, or undefined when the text is blank. */
export function textMatcher(text: string | undefined): ((task: TaskRecord) => boolean) | undefined {
  const needle = needleOf(text);
  if (!needle) return undefined;
  return (task) => startsWithIgnoringCase(task.id, needle.text) || (task.name !== undefined && needle.cached(task.name)) || matchesText(task, needle);
}

function matchesText(task: TaskRecord, needle: Needle): boolean {
  return (task.args !== undefined && needle.contains(task.args)) ||
    (task.kwargs !== undefined && task.kwargs.length >= needle.text.length && needle.contains(task.kwargs)) ||
    (task.exception !== undefined && needle.cached(task.exception));
}

/**
 * The same test on an indexed slot, reading the task only when its summaries allow a match: the
 * name is decided once per name list, the id prefix and the text print (textPrints.ts) are
 * integers next to the index, so most non-matching tasks are ruled out without being read.
 */
function slotTextMatcher(index: TaskIndex, text: string | undefined): ((slot: number) => boolean) | undefined {
  const needle = needleOf(text);
  if (!needle) return undefined;
  const byName = index.byName;
  const nameMatch = new Int8Array(byName.keys.length).fill(-1);
  const headMask = idHeadMask(needle.text.length);
  const head = idHead(needle.text) & headMask;
  // Prints fold ASCII case only, as /i does for an ASCII needle; any other needle reads every task.
  const print = isAscii(needle.text) ? textPrint(needle.text) : 0;
  return (slot) => {
    const nameBucket = byName.bucketOf(slot);
    if (nameBucket !== NONE) {
      let hit = nameMatch[nameBucket];
      if (hit < 0) hit = nameMatch[nameBucket] = needle.contains(byName.keys[nameBucket] as string) ? 1 : 0;
      if (hit === 1) return true;
    }
    if ((index.idHeads[slot] & headMask) === head && startsWithIgnoringCase((index.records[slot] as TaskRecord).id, needle.text)) return true;
    if ((index.textPrints[slot] & print) !== print) return false;
    return matchesText(index.records[slot] as TaskRecord, needle);
  };
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 127) return false;
  return true;
}

/** `text` starts with `lowerPrefix` (already lower case), ignoring ASCII case. */
function startsWithIgnoringCase(text: string, lowerPrefix: string): boolean {
  const n = lowerPrefix.length;
  if (text.length < n) return false;
  for (let i = 0; i < n; i++) {
    let c = text.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== lowerPrefix.charCodeAt(i)) return false;
  }
  return true;
}
