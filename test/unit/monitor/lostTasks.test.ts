import assert from 'node:assert/strict';
import type { CeleryEvent } from '../../../src/core/celery/types';
import { inferLostTasks } from '../../../src/core/monitor/lostTasks';
import { LivenessTracker } from '../../../src/core/monitor/workerLiveness';
import { ClusterState } from '../../../src/core/state/index';

function event(type: string, hostname: string, at: number, fields: Record<string, unknown> = {}): CeleryEvent {
  return { type, hostname, timestamp: at, clock: 1, utcoffset: 0, pid: 42, local_received: at, freq: 2, ...fields };
}

describe('(unit) tasks lost with their worker', () => {
  const t0 = 1_700_000_000;

  function cluster(): { state: ClusterState; setNow(t: number): void } {
    let now = t0;
    const state = new ClusterState({ now: () => now });
    state.apply(event('worker-heartbeat', 'killed@h', t0));
    state.apply(event('task-received', 'killed@h', t0, { uuid: 'running', name: 'app.slow' }));
    state.apply(event('task-started', 'killed@h', t0, { uuid: 'running' }));
    state.apply(event('task-received', 'killed@h', t0, { uuid: 'done', name: 'app.fast' }));
    state.apply(event('task-started', 'killed@h', t0, { uuid: 'done' }));
    state.apply(event('task-succeeded', 'killed@h', t0, { uuid: 'done', result: '1', runtime: 0.1 }));
    state.apply(event('task-received', 'killed@h', t0, { uuid: 'waiting', name: 'app.slow' }));
    state.apply(event('worker-heartbeat', 'other@h', t0));
    state.apply(event('task-started', 'other@h', t0, { uuid: 'elsewhere', name: 'app.slow' }));
    return { state, setNow: (t) => (now = t) };
  }

  it('fails the STARTED tasks of a worker that expired while we were connected, as WorkerLostError, inferred', () => {
    const { state, setNow } = cluster();
    setNow(t0 + 5);
    const marked = inferLostTasks(state, ['killed@h'], t0 - 10, t0 + 5);
    assert.deepEqual(marked, [{ hostname: 'killed@h', taskIds: ['running'] }]);
    const task = state.tasks.get('running')!;
    assert.equal(task.state, 'FAILURE');
    assert.match(task.exception ?? '', /^WorkerLostError\('Worker killed@h went offline while running the task \(no heartbeat for 5 s\): inferred by Celery Lens/);
    assert.equal(task.worker, 'killed@h');
    assert.equal(state.tasks.get('done')!.state, 'SUCCESS');
    assert.equal(state.tasks.get('waiting')!.state, 'RECEIVED', 'an unstarted message is redelivered, not lost');
    assert.equal(state.tasks.get('elsewhere')!.state, 'STARTED');
    assert.equal(state.workers.get('killed@h')!.isAlive(t0 + 5), false, 'the inferred event is no heartbeat');
  });

  it('infers nothing when we were not connected throughout (the heartbeats may have been ours to miss)', () => {
    const { state } = cluster();
    assert.deepEqual(inferLostTasks(state, ['killed@h'], t0 + 1, t0 + 5), []);
    assert.deepEqual(inferLostTasks(state, ['killed@h'], undefined, t0 + 5), []);
    assert.equal(state.tasks.get('running')!.state, 'STARTED');
  });

  it('infers nothing for a worker that said goodbye (worker-offline)', () => {
    const { state } = cluster();
    state.apply(event('worker-offline', 'killed@h', t0 + 1));
    assert.deepEqual(inferLostTasks(state, ['killed@h'], t0 - 10, t0 + 5), []);
    assert.equal(state.tasks.get('running')!.state, 'STARTED');
  });

  it('LivenessTracker lists the workers that went from online to offline at the last check', () => {
    const { state } = cluster();
    const tracker = new LivenessTracker();
    tracker.check(state, new Map(), t0 + 1, 25);
    assert.deepEqual(tracker.wentOffline, [], 'first sight is not a flip');
    tracker.check(state, new Map(), t0 + 4, 25);
    assert.deepEqual(tracker.wentOffline.sort(), ['killed@h', 'other@h']);
    tracker.check(state, new Map(), t0 + 5, 25);
    assert.deepEqual(tracker.wentOffline, [], 'reported once');
  });
});
