import assert from 'node:assert/strict';
import { ClusterState } from '../../../src/core/state/clusterState';
import {
  countByState, isFilterActive, lastSeen, listTasks, runningByWorker, runningOn, taskNames, textMatcher, workflowTasks,
} from '../../../src/core/state/selectors';
import { TASK_STATES } from '../../../src/core/state/taskIndex';
import type { TaskRecord } from '../../../src/core/state/taskRecord';
import { idHead, idHeadMask, textPrint } from '../../../src/core/state/textPrints';
import { checkIndexes } from './indexCheck';
import { ev, id, replayedState } from './stateFixtures';

/** A small cluster: tasks t0..t9 on two workers, three names, events in a known order. */
function sample(): ClusterState {
  const state = new ClusterState();
  let clock = 1000;
  const send = (type: string, fields: Record<string, unknown>): void => {
    clock += 1;
    state.apply(ev(type, { timestamp: clock, local_received: clock, ...fields }));
  };
  const names = ['shop.charge', 'shop.email', 'Report.Build'];
  for (let i = 0; i < 10; i++) {
    send('task-received', {
      uuid: `t${i}`, name: names[i % 3], hostname: `w${i % 2}@vm`, args: `(${i}, 'Order-${100 + i}')`, kwargs: i === 4 ? "{'coupon': 'SPRING'}" : '{}',
      root_id: i >= 7 ? 't6' : `t${i}`, parent_id: i >= 7 ? `t${i - 1}` : null,
    });
  }
  for (const i of [0, 2, 4, 6, 8]) send('task-started', { uuid: `t${i}`, hostname: `w${i % 2}@vm` });
  for (const i of [2, 6, 0]) send('task-succeeded', { uuid: `t${i}`, hostname: `w${i % 2}@vm`, result: '1', runtime: 0.5 });
  send('task-failed', { uuid: 't4', hostname: 'w0@vm', exception: "KeyError('Missing SKU')", traceback: 'Traceback...' });
  send('task-progress', { uuid: 't9', hostname: 'w1@vm' });
  return state;
}

const page = (state: ClusterState, filter: Parameters<typeof listTasks>[1], offset = 0, limit = 100): string[] =>
  listTasks(state, filter, offset, limit).tasks.map((t) => t.id);

describe('(unit) selectors for the tree views', () => {
  const state = sample();

  it('countByState: all eight states always, custom states when present', () => {
    const counts = countByState(state);
    assert.deepEqual([...counts.keys()], [...TASK_STATES, 'PROGRESS']);
    assert.deepEqual(Object.fromEntries(counts), {
      PENDING: 0, RECEIVED: 4, STARTED: 1, RETRY: 0, SUCCESS: 3, FAILURE: 1, REVOKED: 0, REJECTED: 0, PROGRESS: 1,
    });
    assert.deepEqual([...countByState(new ClusterState()).entries()], TASK_STATES.map((s) => [s, 0]));
  });

  it('countByState with filters: names, workers, both, states, text', () => {
    const only = (counts: Map<string, number>): Record<string, number> => Object.fromEntries([...counts].filter(([, n]) => n > 0));
    assert.deepEqual(only(countByState(state, { names: ['shop.charge'] })), { SUCCESS: 2, RECEIVED: 1, PROGRESS: 1 });
    assert.deepEqual(only(countByState(state, { workers: ['w1@vm'] })), { RECEIVED: 4, PROGRESS: 1 });
    assert.deepEqual(only(countByState(state, { names: ['shop.charge'], workers: ['w0@vm'] })), { SUCCESS: 2 });
    assert.deepEqual(only(countByState(state, { states: ['SUCCESS', 'FAILURE'] })), { SUCCESS: 3, FAILURE: 1 });
    assert.deepEqual(only(countByState(state, { text: 'sku' })), { FAILURE: 1 });
    assert.deepEqual(only(countByState(state, { names: ['nope'] })), {});
    assert.equal(countByState(state, { names: ['nope'] }).size, 8);
  });

  it('listTasks per state: newest first by when the task entered the state', () => {
    assert.deepEqual(page(state, { state: 'SUCCESS' }), ['t0', 't6', 't2']);
    assert.deepEqual(page(state, { state: 'RECEIVED' }), ['t7', 't5', 't3', 't1']);
    assert.deepEqual(page(state, { states: ['SUCCESS', 'FAILURE'] }), ['t4', 't0', 't6', 't2'], 'several states merge in one order');
    assert.deepEqual(page(state, { state: 'SUCCESS', states: ['FAILURE'] }), [], 'a group outside the state filter is empty');
  });

  it('listTasks without a state: newest first by when the task was first seen', () => {
    assert.deepEqual(page(state, {}), ['t9', 't8', 't7', 't6', 't5', 't4', 't3', 't2', 't1', 't0']);
    assert.deepEqual(page(state, { names: ['shop.email', 'Report.Build'] }), ['t8', 't7', 't5', 't4', 't2', 't1']);
    assert.deepEqual(page(state, { workers: ['w0@vm'] }), ['t8', 't6', 't4', 't2', 't0']);
  });

  it('listTasks pages: offset, limit and the total that match', () => {
    assert.deepEqual(listTasks(state, {}, 0, 3).tasks.map((t) => t.id), ['t9', 't8', 't7']);
    const second = listTasks(state, {}, 3, 3);
    assert.deepEqual(second.tasks.map((t) => t.id), ['t6', 't5', 't4']);
    assert.equal(second.total, 10);
    const filtered = listTasks(state, { names: ['shop.charge'], workers: ['w0@vm'] }, 1, 1);
    assert.deepEqual(filtered.tasks.map((t) => t.id), ['t0']);
    assert.equal(filtered.total, 2);
    assert.deepEqual(listTasks(state, {}, 50, 10), { tasks: [], total: 10 });
    assert.deepEqual(listTasks(state, { state: 'SUCCESS' }, 0, 0).total, 3);
  });

  it('text filter: id prefix, name, args, kwargs, exception; case-insensitive', () => {
    assert.deepEqual(page(state, { text: 'T1' }), ['t1'], 'id prefix');
    assert.deepEqual(page(state, { text: 'REPORT.b' }), ['t8', 't5', 't2'], 'name substring');
    assert.deepEqual(page(state, { text: "order-105'" }), ['t5'], 'args substring');
    assert.deepEqual(page(state, { text: '105' }), ['t5'], 'a needle without letters');
    assert.deepEqual(page(state, { text: 'spring' }), ['t4'], 'kwargs substring');
    assert.deepEqual(page(state, { text: 'missing sku' }), ['t4'], 'exception substring');
    assert.deepEqual(page(state, { text: '(2, ', state: 'SUCCESS' }), ['t2']);
    assert.deepEqual(page(state, { text: '  ' }), page(state, {}), 'blank text filters nothing');
    assert.deepEqual(page(state, { text: '.*' }), [], 'regex characters are literal');
    assert.equal(textMatcher(undefined), undefined);
  });

  it('taskNames: names of known tasks and registered ones, sorted', () => {
    assert.deepEqual(taskNames(state), ['Report.Build', 'shop.charge', 'shop.email']);
    const withRegistered = sample();
    withRegistered.mergeRegistered('w0@vm', ['shop.refund [rate_limit=1/s]', 'shop.charge']);
    assert.deepEqual(taskNames(withRegistered), ['Report.Build', 'shop.charge', 'shop.email', 'shop.refund']);
  });

  it('workflowTasks: the root and its members, newest first', () => {
    assert.deepEqual(workflowTasks(state, 't6').map((t) => t.id), ['t9', 't8', 't7', 't6']);
    assert.deepEqual(workflowTasks(state, 't3').map((t) => t.id), ['t3']);
    assert.deepEqual(workflowTasks(state, 'unknown'), []);
  });

  it('runningOn: STARTED tasks of one worker', () => {
    assert.deepEqual(runningOn(state, 'w0@vm').map((t) => t.id), ['t8']);
    assert.deepEqual(runningOn(state, 'w1@vm'), []);
    assert.deepEqual(runningOn(state, 'nobody'), []);
  });

  it('lastSeen and isFilterActive', () => {
    assert.equal(lastSeen(state.tasks.get('t4')!), 1019);
    const fromBackend = new ClusterState();
    const t = fromBackend.mergeTaskFromResult({ task_id: 'b', status: 'SUCCESS', result: 1, date_done: '2026-11-23T11:26:43' });
    assert.equal(lastSeen(t!), Date.UTC(2026, 10, 23, 11, 26, 43) / 1000);
    assert.equal(isFilterActive(undefined), false);
    assert.equal(isFilterActive({ text: ' ' }), false);
    assert.equal(isFilterActive({ states: [] }), true);
    assert.equal(isFilterActive({ text: 'x' }), true);
  });

  it('follows changes: a state change moves the task to the head of its new group', () => {
    const s = sample();
    s.apply(ev('task-succeeded', { uuid: 't1', hostname: 'w1@vm', timestamp: 5000, local_received: 5000 }));
    assert.deepEqual(page(s, { state: 'SUCCESS' }), ['t1', 't0', 't6', 't2']);
    assert.deepEqual(page(s, { state: 'RECEIVED' }), ['t7', 't5', 't3']);
    s.mergeActive('w0@vm', [{ id: 't3', name: 'shop.charge', args: [], kwargs: {} }]);
    assert.deepEqual(runningOn(s, 'w0@vm').map((t) => t.id), ['t3', 't8'], 'inspect moved t3 to STARTED on w0');
    assert.deepEqual(runningByWorker(s).get('w0@vm')?.map((t) => t.id), ['t3', 't8']);
    checkIndexes(s);
  });

  it('runningByWorker: runningOn of every worker, in one walk', () => {
    for (const s of [state, replayedState()]) {
      const byWorker = runningByWorker(s);
      for (const hostname of new Set([...s.workers.keys(), ...byWorker.keys()])) {
        assert.deepEqual((byWorker.get(hostname) ?? []).map((t) => t.id), runningOn(s, hostname).map((t) => t.id), hostname);
      }
    }
  });

  it('on the real captured run: counts match the tasks, pages add up', () => {
    const real = replayedState();
    const counts = countByState(real);
    let sum = 0;
    for (const [stateName, n] of counts) {
      sum += n;
      const all = listTasks(real, { state: stateName }, 0, 1000);
      assert.equal(all.total, n);
      assert.ok(all.tasks.every((t) => t.state === stateName));
    }
    assert.equal(sum, real.tasks.size);
    assert.ok(workflowTasks(real, id('chain_first')).some((t) => t.id === id('chain_last')));
  });
});

describe('(unit) text filter summaries never hide a match', () => {
  it('a substring\'s pair print is inside the text\'s, whatever the ASCII case', () => {
    const text = "KeyError('Missing SKU-42 in Order')";
    for (let start = 0; start < text.length; start++) {
      for (let end = start + 2; end <= text.length; end++) {
        const needle = text.slice(start, end).toLowerCase();
        assert.equal(textPrint(text) & textPrint(needle), textPrint(needle), needle);
      }
    }
    assert.equal(idHead('AbC') & idHeadMask(2), idHead('ab') & idHeadMask(2));
  });

  it('the indexed text filter finds exactly what a full scan finds', () => {
    const real = replayedState();
    const s = sample();
    // An exception that arrives without a state change (event said FAILURE, the backend adds why).
    s.apply(ev('task-failed', { uuid: 'quiet', hostname: 'w0@vm' }));
    s.mergeTaskFromResult({ task_id: 'quiet', status: 'FAILURE', result: { exc_type: 'TimeoutError', exc_message: ['Payment gateway'] } });
    s.mergeActive('w1@vm', [{ id: 't3', name: 'shop.charge', args: ['late-Args'], kwargs: {} }]);
    const needles = ['a', 'T', 'sku', 'SKU', 'gateway', 'payment GATEWAY', 'Order-10', "('", '5', '3, ', 'shop', 'ErRoR', 'é', 'zzz',
      id('flaky').slice(0, 6).toUpperCase(), 'OSError', 'proj.tasks', 'probe failure', '(2, 3)', 'value=10', "{'"];
    for (const state of [real, s]) {
      for (const text of needles) {
        const match = textMatcher(text) as (t: TaskRecord) => boolean;
        const expected = [...state.tasks.values()].filter(match).map((t) => t.id).sort();
        const found = listTasks(state, { text }, 0, 100_000).tasks.map((t) => t.id).sort();
        assert.deepEqual(found, expected, `"${text}"`);
      }
    }
    assert.deepEqual(page(s, { text: 'gateway' }), ['quiet']);
  });
});
