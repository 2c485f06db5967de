/**
 * The timeline: every task execution (attempt, see taskAttempts.ts) as a bar in a lane per worker
 * and, where known, per pool process (`task-started` carries the process id), from received to
 * started to its end, for a window of time. The answer is columnar (one array per field, a bar is
 * an index) so 20,000 bars cross to a webview as a few number arrays and draw from typed loops.
 *
 * A query walks the state's task list once, newest first, rejecting most tasks from their times
 * alone; only tasks overlapping the window have their history decoded. Times in the answer are
 * seconds relative to `origin` (the window's start), so they stay small and exact in JSON.
 */
import type { ClusterState } from '../state/clusterState';
import { NONE } from '../state/slotLists';
import type { TaskRecord } from '../state/taskRecord';
import { RECEIVED as RECEIVED_STATE, STARTED as STARTED_STATE } from '../state/taskStates';
import { HISTORY_COUNT, HISTORY_START, RECEIVED, REJECTED, STARTED } from '../state/taskTimes';
import { outcomeCode, taskAttempts } from './taskAttempts';
import { BAR_END_UNKNOWN, BAR_OPEN, BAR_RETRY, type TimelineBars, type TimelineData, type TimelineLane } from './timelineTypes';

export * from './timelineTypes';

/** Most bars a query returns by default (the newest). */
export const DEFAULT_MAX_BARS = 50_000;

export interface TimelineQuery {
  /** Window, epoch seconds. */
  from: number;
  to: number;
  maxBars?: number;
  /** Only these workers (all when undefined). */
  workers?: readonly string[];
}

/** The window of a live "follow" view: the last `minutes` up to `now`. */
export function followWindow(now: number, minutes: number): { from: number; to: number } {
  return { from: now - Math.max(0, minutes) * 60, to: now };
}

function emptyBars(): TimelineBars {
  return { taskId: [], name: [], lane: [], start: [], run: [], end: [], outcome: [], flags: [], attempt: [] };
}

/** Earliest time the task's record knows (NaN when none), without decoding its history. */
function taskFirst(t: number[]): number {
  let first = t[RECEIVED];
  const started = t[STARTED];
  if (!(first <= started) && started === started) first = started;
  if (t[HISTORY_COUNT] > 0 && !(first <= t[HISTORY_START])) first = t[HISTORY_START];
  return first;
}

/** Latest time a finished task's record knows (NaN when none). */
function taskLast(t: number[]): number {
  let last = NaN;
  for (let slot = RECEIVED; slot <= REJECTED; slot++) {
    const v = t[slot];
    if (v === v && !(last >= v)) last = v;
  }
  return last;
}

/** Bars of the task executions overlapping the window, newest tasks first up to `maxBars`. */
export function queryTimeline(state: ClusterState, query: TimelineQuery): TimelineData {
  const now = state.now();
  const { from, to } = query;
  const maxBars = Math.max(0, query.maxBars ?? DEFAULT_MAX_BARS);
  const workers = query.workers ? new Set(query.workers) : undefined;
  const bars = emptyBars();
  const laneIds = new Map<string, number>();
  const lanes: TimelineLane[] = [];
  const nameIds = new Map<string, number>();
  const names: string[] = [];
  let truncated = false;

  const laneOf = (worker: string, pid: number): number => {
    const key = `${worker}\u0000${pid}`;
    let id = laneIds.get(key);
    if (id === undefined) {
      id = lanes.length;
      lanes.push({ worker, pid });
      laneIds.set(key, id);
    }
    return id;
  };
  const nameOf = (name: string | undefined): number => {
    if (name === undefined) return -1;
    let id = nameIds.get(name);
    if (id === undefined) {
      id = names.length;
      names.push(name);
      nameIds.set(name, id);
    }
    return id;
  };

  const index = state.index;
  const all = index.all;
  const bucket = all.find('');
  outer: for (let slot = bucket === NONE ? NONE : all.head[bucket]; slot !== NONE; slot = all.next(slot)) {
    const task = index.records[slot] as TaskRecord;
    const live = task.state === STARTED_STATE || task.state === RECEIVED_STATE;
    if (!(taskFirst(task.times) <= to) || !(live || taskLast(task.times) >= from)) continue; // NaN (never received) fails
    const attempts = taskAttempts(task);
    for (const attempt of attempts) {
      const worker = attempt.worker ?? task.worker ?? '';
      if (workers && !workers.has(worker)) continue;
      const isLast = attempt.index === attempts.length - 1;
      let flags = attempt.index > 0 ? BAR_RETRY : 0;
      const start = attempt.received === attempt.received ? attempt.received : attempt.started;
      let end = attempt.ended;
      if (end !== end) {
        if (isLast && live) {
          end = now;
          flags |= BAR_OPEN;
        } else {
          end = attempt.started === attempt.started ? attempt.started : start;
          flags |= BAR_END_UNKNOWN;
        }
      }
      const begin = start === start ? start : end;
      if (!(begin <= to) || !(end >= from)) continue;
      if (bars.taskId.length >= maxBars) {
        truncated = true;
        break outer;
      }
      const run = attempt.started === attempt.started ? attempt.started : end;
      const pid = isLast && worker === task.worker ? task.pid : 0;
      bars.taskId.push(task.id);
      bars.name.push(nameOf(task.name));
      bars.lane.push(laneOf(worker, pid));
      bars.start.push(begin - from);
      bars.run.push(Math.max(begin, Math.min(run, end)) - from);
      bars.end.push(Math.max(begin, end) - from);
      bars.outcome.push(outcomeCode(attempt.outcome));
      bars.flags.push(flags);
      bars.attempt.push(attempt.index);
    }
  }
  return { origin: from, from, to, now, ...sortLanes(lanes, bars), names, bars, truncated };
}

/** Lanes by worker, then process (unknown process first); bars renumbered to match. */
function sortLanes(lanes: TimelineLane[], bars: TimelineBars): { lanes: TimelineLane[] } {
  const order = lanes.map((_, i) => i).sort((a, b) => lanes[a].worker.localeCompare(lanes[b].worker) || lanes[a].pid - lanes[b].pid);
  const renumber = new Array<number>(lanes.length);
  order.forEach((old, i) => { renumber[old] = i; });
  for (let i = 0; i < bars.lane.length; i++) bars.lane[i] = renumber[bars.lane[i]];
  return { lanes: order.map((i) => lanes[i]) };
}
