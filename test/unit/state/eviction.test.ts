import assert from 'node:assert/strict';
import { ClusterState } from '../../../src/core/state/clusterState';
import { countByState, listTasks, workflowTasks } from '../../../src/core/state/selectors';
import { checkIndexes } from './indexCheck';
import { ev, replayedState } from './stateFixtures';

function ids(state: ClusterState): string[] {
  return [...state.tasks.keys()].sort();
}

describe('(unit) bounded memory: eviction order', () => {
  it('evicts the oldest FINISHED task first, by finish order, not creation order', () => {
    const state = new ClusterState({ maxTasks: 3 });
    for (const uuid of ['a', 'b', 'c']) state.apply(ev('task-received', { uuid }));
    state.apply(ev('task-succeeded', { uuid: 'c' }));
    state.apply(ev('task-failed', { uuid: 'a' }));
    state.apply(ev('task-received', { uuid: 'd' }));
    assert.deepEqual(ids(state), ['a', 'b', 'd'], 'c finished first, so it goes first');
    state.apply(ev('task-received', { uuid: 'e' }));
    assert.deepEqual(ids(state), ['b', 'd', 'e'], 'then a');
    assert.equal(state.evictedCount, 2);
    checkIndexes(state);
  });

  it('evicts the oldest unfinished task only when no task is finished', () => {
    const state = new ClusterState({ maxTasks: 3 });
    for (const uuid of ['a', 'b', 'c']) state.apply(ev('task-started', { uuid }));
    state.apply(ev('task-started', { uuid: 'a', timestamp: 2000 }));
    state.apply(ev('task-received', { uuid: 'd' }));
    assert.deepEqual(ids(state), ['b', 'c', 'd'], 'a is the oldest created, even though it was seen again');
    state.apply(ev('task-revoked', { uuid: 'd' }));
    state.apply(ev('task-received', { uuid: 'e' }));
    assert.deepEqual(ids(state), ['b', 'c', 'e'], 'the one finished task (d) goes before older unfinished ones');
    checkIndexes(state);
  });

  it('all four final states count as finished; a requeued REJECTED task is unfinished again', () => {
    const state = new ClusterState({ maxTasks: 4 });
    state.apply(ev('task-sent', { uuid: 'rej' }));
    state.apply(ev('task-rejected', { uuid: 'rej', requeue: true }));
    state.apply(ev('task-received', { uuid: 'rej' }));
    assert.equal(state.tasks.get('rej')?.state, 'RECEIVED');
    state.apply(ev('task-received', { uuid: 'x' }));
    state.apply(ev('task-revoked', { uuid: 'x' }));
    state.apply(ev('task-received', { uuid: 'y' }));
    state.apply(ev('task-received', { uuid: 'z' }));
    state.apply(ev('task-received', { uuid: 'n' }));
    assert.deepEqual(ids(state), ['n', 'rej', 'y', 'z'], 'x (REVOKED) went, not rej (finished once, then back in the queue)');
    state.apply(ev('task-sent', { uuid: 'r2' }));
    state.apply(ev('task-rejected', { uuid: 'r2' }));
    state.apply(ev('task-received', { uuid: 'm' }));
    assert.ok(!state.tasks.has('r2'), 'REJECTED is finished');
    checkIndexes(state);
  });

  it('an evicted task leaves every index and count, and its record stays readable', () => {
    const state = new ClusterState({ maxTasks: 2 });
    state.apply(ev('task-received', { uuid: 'root', name: 'flow.start', root_id: 'root', hostname: 'w1@vm' }));
    state.apply(ev('task-received', { uuid: 'child', name: 'flow.step', root_id: 'root', parent_id: 'root', hostname: 'w2@vm' }));
    state.apply(ev('task-succeeded', { uuid: 'child', hostname: 'w2@vm', result: "'ok'" }));
    const child = state.tasks.get('child');
    assert.ok(child);
    assert.deepEqual(workflowTasks(state, 'root').map((t) => t.id), ['child', 'root']);
    state.apply(ev('task-received', { uuid: 'other', name: 'flow.start', hostname: 'w1@vm' }));
    assert.ok(!state.tasks.has('child'));
    assert.deepEqual(workflowTasks(state, 'root').map((t) => t.id), ['root']);
    assert.equal(countByState(state).get('SUCCESS'), 0);
    assert.equal(listTasks(state, { names: ['flow.step'] }, 0, 10).total, 0);
    assert.equal(listTasks(state, { workers: ['w2@vm'] }, 0, 10).total, 0);
    assert.equal(listTasks(state, {}, 0, 10).total, 2);
    assert.equal(child.result, "'ok'", 'a view holding the record still reads it');
    assert.equal(child.slot, -1);
    checkIndexes(state);
  });

  it('a child waiting for a parent that never came does not leak when evicted', () => {
    const state = new ClusterState({ maxTasks: 2 });
    state.apply(ev('task-received', { uuid: 'orphan', parent_id: 'never-seen' }));
    state.apply(ev('task-succeeded', { uuid: 'orphan' }));
    state.apply(ev('task-received', { uuid: 'b' }));
    state.apply(ev('task-received', { uuid: 'c' }));
    state.apply(ev('task-received', { uuid: 'never-seen' }));
    assert.equal(state.tasks.get('never-seen')?.children, undefined, 'the evicted child is not linked to the late parent');
  });

  it('keeps the indexes exact through a long random mix of events, merges and evictions', () => {
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.floor(seed / 65536) % n;
    };
    const subjects = ['sent', 'received', 'started', 'succeeded', 'failed', 'retried', 'revoked', 'rejected', 'progress'];
    const state = new ClusterState({ maxTasks: 50 });
    for (let i = 0; i < 4000; i++) {
      const uuid = `t${random(120)}`;
      const roll = random(20);
      if (roll === 0) {
        state.mergeTaskFromResult({ task_id: uuid, status: ['SUCCESS', 'FAILURE', 'STARTED'][random(3)], result: null, date_done: '2026-11-23T11:26:43' });
      } else if (roll === 1) {
        state.mergeActive(`w${random(3)}@vm`, [{ id: uuid, name: `n${random(4)}`, args: [], kwargs: {} }]);
      } else {
        state.apply(ev(`task-${subjects[random(subjects.length)]}`, {
          uuid, hostname: `w${random(3)}@vm`, name: random(3) ? `n${random(4)}` : undefined, timestamp: i,
          root_id: random(2) ? `t${random(120)}` : undefined, parent_id: random(4) ? undefined : `t${random(120)}`,
        }));
      }
      if (i % 250 === 0) checkIndexes(state);
    }
    assert.equal(checkIndexes(state), 50);
    assert.ok(state.evictedCount > 0);
  });

  it('the real captured run, replayed, is consistently indexed', () => {
    const state = replayedState();
    assert.equal(checkIndexes(state), state.tasks.size);
    const small = replayedState({ maxTasks: 10 });
    assert.equal(checkIndexes(small), 10);
  });

  it('clear() empties the indexes too', () => {
    const state = replayedState();
    state.clear();
    assert.equal(checkIndexes(state), 0);
    assert.deepEqual([state.eventCount, state.eventTypeCounts.size, state.workers.size, state.evictedCount], [0, 0, 0, 0]);
    assert.deepEqual([...countByState(state).values()].reduce((a, b) => a + b, 0), 0);
    state.apply(ev('task-received', { uuid: 'after' }));
    assert.equal(checkIndexes(state), 1);
  });
});
