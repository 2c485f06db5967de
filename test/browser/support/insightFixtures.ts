/**
 * Data for the timeline, trace and dashboard bundles, made by the real core models: the recorded
 * Celery run (test/fixtures/wire) replayed into a ClusterState, and a synthetic busy cluster
 * (thousands of executions over 8 workers x 4 processes, every 13th failing, some retried).
 */
import { ClusterState } from '../../../src/core/state/clusterState';
import type { CeleryEvent } from '../../../src/core/celery/types';

export { replayedState } from '../../unit/state/stateFixtures';

/** Epoch seconds the synthetic cluster ends at (its clock). */
export const SYNTHETIC_NOW = 1_795_430_000;

function event(type: string, fields: Record<string, unknown>): CeleryEvent {
  return { type, clock: 1, utcoffset: 0, pid: 1, ...fields } as CeleryEvent;
}

/**
 * `count` executions over the `seconds` before SYNTHETIC_NOW on 8 workers x 4 pool processes, each
 * process running its tasks one after another; every 13th fails, every 29th is retried once first
 * (two bars: the first run's process is not known), and the newest ones are still running.
 */
export function busyState(count: number, seconds: number): ClusterState {
  const state = new ClusterState({ now: () => SYNTHETIC_NOW, maxTasks: count + 10 });
  const processes = 32;
  const slot = seconds / Math.ceil(count / processes);
  for (let i = 0; i < count; i++) {
    const proc = i % processes;
    const worker = proc % 8;
    const t = SYNTHETIC_NOW - seconds + Math.floor(i / processes) * slot + (proc / processes) * slot * 0.5;
    const hostname = `worker${worker}@host`;
    const pid = 1000 + worker * 10 + Math.floor(proc / 8);
    const base = { uuid: `task-${i}`, hostname, local_received: t };
    const name = `shop.${['charge', 'email', 'resize', 'report'][i % 4]}`;
    const runtime = slot * (0.25 + ((i * 7) % 10) / 25);
    state.apply(event('task-received', { ...base, name, timestamp: t }));
    let start = t + slot * 0.05;
    if (i % 29 === 0) {
      state.apply(event('task-started', { ...base, timestamp: start, pid }));
      state.apply(event('task-received', { ...base, timestamp: start + slot * 0.05 }));
      state.apply(event('task-retried', { ...base, timestamp: start + slot * 0.1, exception: 'Retry' }));
      start += slot * 0.2;
    }
    state.apply(event('task-started', { ...base, timestamp: start, pid }));
    if (start + runtime > SYNTHETIC_NOW) continue; // still running
    const end = i % 13 === 0 ? 'task-failed' : 'task-succeeded';
    state.apply(event(end, { ...base, timestamp: start + runtime, local_received: start + runtime, runtime, exception: i % 13 === 0 ? "ValueError('card declined')" : undefined }));
  }
  return state;
}
