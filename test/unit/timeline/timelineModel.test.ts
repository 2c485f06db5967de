import assert from 'node:assert/strict';
import { ClusterState } from '../../../src/core/state/clusterState';
import { outcomeCode, taskAttempts } from '../../../src/core/timeline/taskAttempts';
import { BAR_END_UNKNOWN, BAR_OPEN, BAR_RETRY, followWindow, queryTimeline, type TimelineData } from '../../../src/core/timeline/timelineModel';
import { ev, id, replayedState } from '../state/stateFixtures';

/** The recorded run's first and last event times. */
function span(state: ClusterState): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const t of state.tasks.values()) for (const h of t.history) [min, max] = [Math.min(min, h.timestamp), Math.max(max, h.timestamp)];
  return [min, max];
}

function barsOf(data: TimelineData, taskId: string): number[] {
  return data.bars.taskId.flatMap((t, i) => (t === taskId ? [i] : []));
}

describe('(unit) timeline model: task executions as bars per worker and process', () => {
  const state = replayedState();
  const [first, last] = span(state);
  const all = queryTimeline(state, { from: first - 1, to: last + 1 });

  it('splits a retried task into its executions, from the recorded run (the retry message arrives before task-retried)', () => {
    const attempts = taskAttempts(state.tasks.get(id('flaky'))!);
    assert.deepEqual(attempts.map((a) => a.outcome), ['retried', 'retried', 'failed']);
    for (const a of attempts) assert.ok(a.received <= a.started && a.started <= a.ended, JSON.stringify(a));
    // The second run waited for its countdown (about 1 s) between receipt and start.
    assert.ok(attempts[1].started - attempts[1].received > 0.9);
    assert.deepEqual(taskAttempts(state.tasks.get(id('manual_retry'))!).map((a) => a.outcome), ['retried', 'succeeded']);
  });

  it('marks retries and failures on the bars', () => {
    const flaky = barsOf(all, id('flaky'));
    assert.equal(flaky.length, 3);
    assert.deepEqual(flaky.map((i) => all.bars.attempt[i]), [0, 1, 2]);
    assert.deepEqual(flaky.map((i) => all.bars.flags[i] & BAR_RETRY), [0, BAR_RETRY, BAR_RETRY]);
    assert.deepEqual(flaky.map((i) => all.bars.outcome[i]), [outcomeCode('retried'), outcomeCode('retried'), outcomeCode('failed')]);
    const failed = barsOf(all, id('fail_nested'));
    assert.deepEqual(failed.map((i) => all.bars.outcome[i]), [outcomeCode('failed')]);
    for (let i = 0; i < all.bars.taskId.length; i++) {
      assert.ok(all.bars.start[i] <= all.bars.run[i] && all.bars.run[i] <= all.bars.end[i], `bar ${i} out of order`);
    }
  });

  it('puts the latest execution in its pool process lane (task-started carries pid)', () => {
    const task = state.tasks.get(id('chain_first'))!;
    assert.ok(task.pid > 0);
    const [bar] = barsOf(all, task.id);
    assert.deepEqual(all.lanes[all.bars.lane[bar]], { worker: task.worker, pid: task.pid });
    const workers = new Set(all.lanes.map((l) => l.worker));
    assert.deepEqual([...workers].sort(), ['w1@vm', 'w2@vm', 'w3@vm']);
    const sorted = [...all.lanes].sort((a, b) => a.worker.localeCompare(b.worker) || a.pid - b.pid);
    assert.deepEqual(all.lanes, sorted);
  });

  it('answers only the window asked for, relative to its start, and honours maxBars and worker filters', () => {
    const mid = (first + last) / 2;
    const window = queryTimeline(state, { from: mid, to: last + 1 });
    assert.ok(window.bars.taskId.length > 0 && window.bars.taskId.length < all.bars.taskId.length);
    for (let i = 0; i < window.bars.taskId.length; i++) assert.ok(window.bars.end[i] >= 0, 'a bar ending before the window');
    assert.equal(window.origin, mid);
    const capped = queryTimeline(state, { from: first - 1, to: last + 1, maxBars: 5 });
    assert.equal(capped.bars.taskId.length, 5);
    assert.equal(capped.truncated, true);
    assert.equal(all.truncated, false);
    const w2 = queryTimeline(state, { from: first - 1, to: last + 1, workers: ['w2@vm'] });
    assert.ok(w2.bars.taskId.length > 0);
    assert.ok(w2.lanes.every((l) => l.worker === 'w2@vm'));
    assert.equal(queryTimeline(state, { from: last + 100, to: last + 200 }).bars.taskId.length, 0);
  });

  it('draws a running task up to now (open) and a task whose end was lost as a stub', () => {
    let now = 2000;
    const live = new ClusterState({ now: () => now });
    live.apply(ev('task-received', { uuid: 'run', name: 'slow', timestamp: 1000 }));
    live.apply(ev('task-started', { uuid: 'run', name: 'slow', timestamp: 1001, pid: 42 }));
    // A received-and-started task that then moved on without an end event (a later receipt).
    live.apply(ev('task-received', { uuid: 'lost', name: 'x', timestamp: 1000 }));
    live.apply(ev('task-started', { uuid: 'lost', name: 'x', timestamp: 1002 }));
    live.apply(ev('task-received', { uuid: 'lost', name: 'x', timestamp: 1010 }));
    live.apply(ev('task-succeeded', { uuid: 'lost', name: 'x', timestamp: 1011, runtime: 1 }));
    now = 1100;
    const data = queryTimeline(live, followWindow(now, 5));
    assert.deepEqual([data.from, data.to], [800, 1100]);
    const [run] = barsOf(data, 'run');
    assert.equal(data.bars.flags[run] & BAR_OPEN, BAR_OPEN);
    assert.equal(data.bars.end[run], 300);
    assert.deepEqual(data.lanes[data.bars.lane[run]], { worker: 'w1@vm', pid: 42 });
    // 'lost': two receipts and one start/end pair: the ended run is the started one, the other waited.
    const lost = barsOf(data, 'lost');
    assert.equal(lost.length, 2);
    assert.deepEqual(lost.map((i) => data.bars.outcome[i]), [outcomeCode('succeeded'), outcomeCode('open')]);
    assert.equal(data.bars.flags[lost[1]] & BAR_END_UNKNOWN, BAR_END_UNKNOWN);
  });

  it('ignores a pid that is not a positive integer (untrusted input)', () => {
    const s = new ClusterState();
    s.apply(ev('task-started', { uuid: 'a', pid: 'x' }));
    s.apply(ev('task-started', { uuid: 'b', pid: -3 }));
    s.apply(ev('task-started', { uuid: 'c', pid: 2 ** 40 }));
    assert.deepEqual(['a', 'b', 'c'].map((t) => s.tasks.get(t)!.pid), [0, 0, 0]);
  });
});
