/** Times every tree level the views build, over a filled ClusterState. */
import type { ClusterState } from '../src/core/state/clusterState';
import { countByState, listTasks, runningOn, taskNames, workflowTasks } from '../src/core/state/selectors';
import { TASK_STATES } from '../src/core/state/taskIndex';

export interface LevelTiming {
  level: string;
  median: number;
  max: number;
  detail: string;
}

const RUNS = 20;
const PAGE = 200;

function time(level: string, build: () => string): LevelTiming {
  const samples: number[] = [];
  let detail = '';
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    detail = build();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return { level, median: samples[Math.floor(RUNS / 2)], max: samples[RUNS - 1], detail };
}

/** The largest of several timings, named after the slowest case. */
function worst(level: string, timings: LevelTiming[]): LevelTiming {
  const slowest = timings.reduce((a, b) => (b.max > a.max ? b : a));
  return { level, median: Math.max(...timings.map((t) => t.median)), max: slowest.max, detail: `slowest: ${slowest.detail}` };
}

export function treeLevelTimings(state: ClusterState): LevelTiming[] {
  const names = taskNames(state);
  const workers = [...state.workers.keys()];
  const biggestName = names.reduce((a, b) => (state.index.byName.count(b) > state.index.byName.count(a) ? b : a));
  const root = [...state.index.byRoot.keyList()].reduce((a, b) => (state.index.byRoot.count(b) > state.index.byRoot.count(a) ? b : a));
  const summary = (counts: Map<string, number>): string => [...counts].filter(([, n]) => n).map(([s, n]) => `${s} ${n}`).join(', ');
  const page = (p: { tasks: unknown[]; total: number }): string => `${p.tasks.length} of ${p.total}`;
  return [
    time('Tasks root: countByState()', () => summary(countByState(state))),
    worst('Tasks > state: listTasks first page, per state', TASK_STATES.map((s) =>
      time(s, () => `${s}: ${page(listTasks(state, { state: s }, 0, PAGE))}`))),
    time('Tasks > SUCCESS: page at offset 50 000', () => page(listTasks(state, { state: 'SUCCESS' }, 50_000, PAGE))),
    time('Workers > worker: runningOn, every worker', () => `${workers.reduce((n, w) => n + runningOn(state, w).length, 0)} running`),
    worst('by worker: listTasks first page, per worker', workers.map((w) =>
      time(w, () => `${w}: ${page(listTasks(state, { workers: [w] }, 0, PAGE))}`))),
    time('task names: taskNames()', () => `${taskNames(state).length} names`),
    worst('by name: listTasks first page, per name', names.map((n) =>
      time(n, () => `${n}: ${page(listTasks(state, { names: [n] }, 0, PAGE))}`))),
    time('filter name: countByState({names})', () => `${biggestName}: ${summary(countByState(state, { names: [biggestName] }))}`),
    time('filter name+worker: countByState', () => summary(countByState(state, { names: [biggestName], workers: [workers[0]] }))),
    time('filter name+worker+state: first page', () =>
      page(listTasks(state, { state: 'SUCCESS', names: [biggestName], workers: [workers[0]] }, 0, PAGE))),
    time('workflow: workflowTasks(largest)', () => `${workflowTasks(state, root).length} tasks`),
    time('text filter "value": countByState (scan)', () => summary(countByState(state, { text: 'value' }))),
    time('text filter "ab12": first page (scan)', () => page(listTasks(state, { text: 'ab12' }, 0, PAGE))),
    time('text filter "OSError": FAILURE page (scan)', () => page(listTasks(state, { state: 'FAILURE', text: 'oserror' }, 0, PAGE))),
  ];
}
