import assert from 'node:assert/strict';
import { PeriodicTask } from '../../../src/core/monitor/periodicTask';
import { FakeTimers, flushMicrotasks } from './fakeTimers';

describe('(unit) PeriodicTask', () => {
  it('runs every interval, never overlapping a slow run', async () => {
    const timers = new FakeTimers();
    const starts: number[] = [];
    let finish: (() => void) | undefined;
    const task = new PeriodicTask(() => {
      starts.push(timers.now());
      return new Promise<void>((resolve) => (finish = resolve));
    }, 1000, timers);
    task.start();
    await timers.advance(999);
    assert.equal(starts.length, 0);
    await timers.advance(1);
    assert.equal(starts.length, 1);
    await timers.advance(5000);
    assert.equal(starts.length, 1, 'the run is still in progress: nothing else starts');
    const t = timers.now();
    finish?.();
    await flushMicrotasks();
    await timers.advance(1000);
    assert.deepEqual(starts.slice(1), [t + 1000], 'the next run is one interval after the slow one ended');
    task.dispose();
  });

  it('pauses and resumes; runNow() works while paused; a throwing job does not stop the schedule', async () => {
    const timers = new FakeTimers();
    let runs = 0;
    const task = new PeriodicTask(async () => {
      runs++;
      throw new Error('job failed');
    }, 1000, timers);
    task.start();
    await timers.advance(1000);
    assert.equal(runs, 1);
    task.setPaused(true);
    await timers.advance(10_000);
    assert.equal(runs, 1);
    await task.runNow();
    assert.equal(runs, 2);
    await timers.advance(10_000);
    assert.equal(runs, 2, 'runNow while paused does not restart the schedule');
    task.setPaused(false);
    await timers.advance(1000);
    assert.equal(runs, 3);
    task.dispose();
    await timers.advance(10_000);
    assert.equal(runs, 3);
  });

  it('runNow() during a run queues exactly one follow-up run shared by all callers', async () => {
    const timers = new FakeTimers();
    let runs = 0;
    let finish: (() => void) | undefined;
    const task = new PeriodicTask(() => {
      runs++;
      return new Promise<void>((resolve) => (finish = resolve));
    }, 1000, timers);
    task.start();
    const first = task.runNow();
    const a = task.runNow();
    const b = task.runNow();
    assert.equal(a, b);
    assert.equal(runs, 1);
    finish?.();
    await first;
    await flushMicrotasks();
    assert.equal(runs, 2, 'one follow-up');
    finish?.();
    await Promise.all([a, b]);
    assert.equal(runs, 2);
    assert.deepEqual(timers.pendingDelays(), [1000], 'the schedule goes on after the follow-up');
    task.dispose();
  });
});
