import assert from 'node:assert/strict';
import { ClusterState } from '../../../src/core/state/clusterState';
import { MAX_TASK_HISTORY, TaskRecord } from '../../../src/core/state/taskRecord';
import { KNOWN_EVENT_TYPES } from '../../../src/core/celery/events';
import { wireJson } from '../celery/wireFixtures';
import { ev, id, replayedState } from './stateFixtures';

interface Oracle {
  eventCount: number;
  tasks: Record<string, Record<string, unknown> & { children: string[]; traceback_len: number | null }>;
  workersStillKnown: Record<string, { pid: number; freq: number; processed: number; active: number; sw_ver: string; loadavg: number[] }>;
}

const oracle = wireJson<Oracle>('redis/events-stream.celery-state.json');

function task(state: ClusterState, taskId: string): TaskRecord {
  const t = state.tasks.get(taskId);
  assert.ok(t, `task ${taskId} missing`);
  return t;
}

describe('(unit) ClusterState replaying a real run agrees with Celery\'s own State', () => {
  const state = replayedState();

  it('applied every event and counted each type', () => {
    assert.equal(state.eventCount, oracle.eventCount);
    assert.equal(state.eventCount, 344);
    assert.equal(state.eventTypeCounts.get('worker-heartbeat'), 136);
    assert.equal(state.eventTypeCounts.get('task-sent'), 52);
    assert.equal(state.unknownEventCount, 0);
    assert.equal(state.tasks.size, Object.keys(oracle.tasks).length);
  });

  const fields: Array<[keyof TaskRecord, string]> = [
    ['name', 'name'], ['state', 'state'], ['args', 'args'], ['kwargs', 'kwargs'], ['result', 'result'], ['exception', 'exception'],
    ['retries', 'retries'], ['rootId', 'root_id'], ['sent', 'sent'], ['received', 'received'], ['started', 'started'],
    ['succeeded', 'succeeded'], ['failed', 'failed'], ['retried', 'retried'], ['revoked', 'revoked'], ['rejected', 'rejected'],
    ['runtime', 'runtime'], ['eta', 'eta'], ['expires', 'expires'], ['client', 'client'], ['worker', 'worker'],
  ];

  it('every task matches field by field (parent self-loops of retries excepted)', () => {
    for (const [taskId, expected] of Object.entries(oracle.tasks)) {
      const t = task(state, taskId);
      for (const [ours, theirs] of fields) assert.deepEqual(t[ours] ?? null, expected[theirs] ?? null, `${taskId}.${ours}`);
      const parent = expected.parent_id === taskId ? null : expected.parent_id;
      assert.equal(t.parentId ?? null, parent ?? null, `${taskId}.parentId`);
      assert.deepEqual([...(t.children ?? [])].sort(), expected.children.filter((c) => c !== taskId), `${taskId}.children`);
      assert.equal(t.traceback?.length ?? null, expected.traceback_len, `${taskId}.traceback`);
    }
  });

  it('knows every worker, and that all three left (worker-offline)', () => {
    assert.deepEqual([...state.workers.keys()].sort(), Object.keys(oracle.workersStillKnown).sort());
    for (const [hostname, expected] of Object.entries(oracle.workersStillKnown)) {
      const w = state.workers.get(hostname);
      assert.ok(w);
      assert.deepEqual([w.pid, w.freq, w.processed, w.active, w.swVer, w.loadavg], [expected.pid, expected.freq, expected.processed, expected.active, expected.sw_ver, expected.loadavg]);
      assert.equal(w.offline, true);
      assert.deepEqual(w.heartbeats, []);
      assert.equal(state.isAlive(w, 1795433184), false);
    }
  });

  it('a whole lifecycle: add(2, 3) sent, received, started, succeeded', () => {
    const t = task(state, id('add_plain'));
    assert.equal(t.state, 'SUCCESS');
    assert.equal(t.result, '5');
    assert.equal(t.worker, 'w1@vm');
    assert.equal(t.client, 'gen20696@vm');
    assert.deepEqual(t.history.map((h) => h.type), ['task-sent', 'task-received', 'task-started', 'task-succeeded']);
    assert.ok(t.sent! < t.received! && t.received! < t.started! && t.started! < t.succeeded!);
    assert.ok(t.runtime! > 0 && t.runtime! < 1);
  });

  it('retries: flaky retried twice then failed; the retry self-parent is not a tree loop', () => {
    const t = task(state, id('flaky'));
    assert.equal(t.state, 'FAILURE');
    assert.equal(t.retries, 2);
    assert.equal(t.exception, "OSError('flaky attempt 2 for A')");
    assert.equal(t.history.filter((h) => h.type === 'task-retried').length, 2);
    assert.equal(t.parentId, null);
    assert.equal(t.children, undefined);
    const manual = task(state, id('manual_retry'));
    assert.equal(manual.state, 'SUCCESS');
    assert.equal(manual.result, "'ok after 1 retries'");
  });

  it('revoked: expired on arrival, and terminated with a signal', () => {
    const expired = task(state, id('expired_on_arrival'));
    assert.equal(expired.state, 'REVOKED');
    assert.equal(expired.expired, true);
    const terminated = task(state, id('sleeper', 0));
    assert.equal(terminated.state, 'REVOKED');
    assert.equal(terminated.terminated, true);
    assert.equal(terminated.signum, 15);
  });

  it('rejected after started stays STARTED (REJECTED ranks earlier in PRECEDENCE), as in Celery', () => {
    const t = task(state, id('rejecter'));
    assert.equal(t.state, 'STARTED');
    assert.ok(t.rejected);
    assert.equal(t.requeue, false);
  });

  it('links children to parents (spawner, chain)', () => {
    const spawner = task(state, id('spawner'));
    assert.equal(spawner.children?.length, 2);
    for (const child of spawner.children ?? []) assert.equal(task(state, child).parentId, spawner.id);
    assert.deepEqual(task(state, id('chain_first')).children, [id('chain_parent')]);
  });
});

describe('(unit) ClusterState rules', () => {
  it('a late "earlier" event only fills descriptive fields', () => {
    const state = new ClusterState();
    state.apply(ev('task-succeeded', { uuid: 't', result: '3', runtime: 0.5, timestamp: 1003 }));
    state.apply(ev('task-received', { uuid: 't', name: 'proj.add', args: '(1, 2)', kwargs: '{}', retries: 0, eta: null, root_id: 't', parent_id: 'p', timestamp: 1001 }));
    const t = task(state, 't');
    assert.equal(t.state, 'SUCCESS');
    assert.equal(t.timestamp, 1003);
    assert.equal(t.result, '3');
    assert.equal(t.name, 'proj.add');
    assert.equal(t.args, '(1, 2)');
    assert.equal(t.parentId, 'p');
    assert.equal(t.received, 1001, 'the event time is still recorded');
  });

  it('a task in RETRY accepts the next run\'s events; RETRY always applies', () => {
    const state = new ClusterState();
    state.apply(ev('task-started', { uuid: 't' }));
    state.apply(ev('task-retried', { uuid: 't', exception: "ValueError('x')" }));
    assert.equal(task(state, 't').state, 'RETRY');
    state.apply(ev('task-received', { uuid: 't', retries: 1, parent_id: 't' }));
    assert.equal(task(state, 't').state, 'RECEIVED');
    assert.equal(task(state, 't').retries, 1);
    assert.equal(task(state, 't').parentId, undefined);
  });

  it('REJECTED applies only over PENDING/RETRY (Celery ranks it before RECEIVED), but is always recorded', () => {
    const state = new ClusterState();
    state.apply(ev('task-received', { uuid: 't' }));
    state.apply(ev('task-rejected', { uuid: 't', requeue: true, timestamp: 1005 }));
    assert.equal(task(state, 't').state, 'RECEIVED');
    assert.equal(task(state, 't').rejected, 1005);
    assert.equal(task(state, 't').requeue, true);
    state.apply(ev('task-sent', { uuid: 'u' }));
    state.apply(ev('task-rejected', { uuid: 'u', requeue: false }));
    assert.equal(task(state, 'u').state, 'REJECTED');
  });

  it('unknown task events set a custom state and are counted as unknown', () => {
    const state = new ClusterState();
    state.apply(ev('task-started', { uuid: 't' }));
    state.apply(ev('task-progress', { uuid: 't', known: false }));
    state.apply(ev('something-else'));
    assert.equal(task(state, 't').state, 'PROGRESS');
    assert.equal(state.unknownEventCount, 2);
    assert.equal(state.eventTypeCounts.get('task-progress'), 1);
    assert.equal(state.eventCount, 3);
    assert.equal(KNOWN_EVENT_TYPES.includes('task-progress'), false);
  });

  it('resolves children that arrived before their parent', () => {
    const state = new ClusterState();
    state.apply(ev('task-received', { uuid: 'child', parent_id: 'parent' }));
    state.apply(ev('task-received', { uuid: 'parent' }));
    assert.deepEqual(task(state, 'parent').children, ['child']);
  });

  it('keeps a bounded history per task', () => {
    const state = new ClusterState();
    for (let i = 0; i < MAX_TASK_HISTORY + 10; i++) state.apply(ev('task-retried', { uuid: 't', timestamp: i }));
    const t = task(state, 't');
    assert.equal(t.history.length, MAX_TASK_HISTORY);
    assert.equal(t.history[0].timestamp, 10);
  });

  it('drops the oldest tasks beyond maxTasks', () => {
    const state = new ClusterState({ maxTasks: 3 });
    for (const uuid of ['a', 'b', 'c', 'd']) state.apply(ev('task-received', { uuid }));
    assert.deepEqual([...state.tasks.keys()], ['b', 'c', 'd']);
  });
});

describe('(unit) ClusterState worker liveness (injected clock)', () => {
  it('online, heartbeat, expiry after freq * 2, offline, back online', () => {
    let now = 100;
    const state = new ClusterState({ now: () => now });
    state.apply(ev('worker-online', { freq: 2.0, active: 0, processed: 0, loadavg: [0.1, 0.2, 0.3], sw_ver: '5.2.6', local_received: 100, timestamp: 100 }));
    const w = state.workers.get('w1@vm');
    assert.ok(w);
    assert.equal(state.isAlive(w), true);
    now = 103.99;
    assert.equal(state.isAlive(w), true);
    now = 104;
    assert.equal(state.isAlive(w), false, 'expired: no heartbeat for 2 * freq');
    assert.deepEqual(state.aliveWorkers(), []);

    state.apply(ev('worker-heartbeat', { freq: 2.0, active: 1, processed: 7, local_received: 105, timestamp: 105 }));
    now = 106;
    assert.equal(state.isAlive(w), true);
    assert.equal(w.processed, 7);
    assert.equal(w.active, 1);

    // A heartbeat requested by the `heartbeat` control command: freq 5, no counters.
    state.apply(ev('worker-heartbeat', { freq: 5, local_received: 106, timestamp: 106 }));
    assert.equal(w.processed, 7);
    assert.equal(w.freq, 5);
    now = 115.9;
    assert.equal(state.isAlive(w), true);

    state.apply(ev('worker-offline', { local_received: 116, timestamp: 116 }));
    assert.equal(state.isAlive(w), false);
    assert.equal(w.offline, true);
    assert.deepEqual(w.heartbeats, []);

    state.apply(ev('task-started', { uuid: 't', local_received: 117, timestamp: 117 }));
    now = 118;
    assert.equal(state.isAlive(w), true, 'a task event counts as a heartbeat');
    assert.equal(w.offline, false);
  });

  it('keeps the last 4 heartbeats, sorted even when received out of order', () => {
    const state = new ClusterState();
    for (const t of [1, 2, 3, 4, 5]) state.apply(ev('worker-heartbeat', { local_received: t, timestamp: t }));
    state.apply(ev('worker-heartbeat', { local_received: 3.5, timestamp: 3.5 }));
    assert.deepEqual(state.workers.get('w1@vm')?.heartbeats, [3, 3.5, 4, 5]);
  });

  it('records the clock drift between the worker and us', () => {
    const state = new ClusterState();
    state.apply(ev('worker-heartbeat', { local_received: 1030, timestamp: 1000 }));
    assert.equal(state.workers.get('w1@vm')?.drift, 30);
  });
});
