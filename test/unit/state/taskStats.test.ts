import assert from 'node:assert/strict';
import { binLower, quantileOf, RUNTIME_BINS, runtimeBin } from '../../../src/core/state/runtimeHistogram';
import { MAX_STATS_KEYS } from '../../../src/core/state/taskStats';
import { ringCascade, WindowRing } from '../../../src/core/state/windowRing';
import { clocked, ev, T0 } from './stateFixtures';

describe('(unit) task statistics: counters and rolling windows (injected clock)', () => {
  it('counts runs, failures, retries, revocations per task name, per worker and for the cluster', () => {
    const { state, setNow, run } = clocked();
    run('a', T0 + 1, 'task-succeeded', { runtime: 0.2 });
    run('b', T0 + 2, 'task-failed', { hostname: 'w2@vm' });
    run('c', T0 + 3, 'task-retried');
    run('d', T0 + 4, 'task-succeeded', { runtime: 0.4, name: 'shop.email' });
    state.apply(ev('task-revoked', { uuid: 'e', name: 'shop.charge', hostname: 'w1@vm', local_received: T0 + 5 }));
    setNow(T0 + 9);
    const charge = state.stats.forTask('shop.charge');
    assert.deepEqual([charge.runs, charge.succeeded, charge.failures, charge.retries, charge.revoked], [2, 1, 1, 1, 1]);
    assert.equal(state.stats.forTask('shop.email').succeeded, 1);
    assert.deepEqual([state.stats.forWorker('w2@vm').failures, state.stats.forWorker('w2@vm').runs], [1, 1]);
    assert.equal(state.stats.forWorker('w1@vm').runs, 2);
    const cluster = state.stats.forCluster();
    assert.deepEqual([cluster.runs, cluster.failures, cluster.retries, cluster.revoked], [3, 1, 1, 1]);
    assert.equal(state.stats.forTask('never.ran').runs, 0);
    assert.equal(state.stats.forTask('never.ran').p50, undefined);
    assert.deepEqual(state.stats.taskNames().sort(), ['shop.charge', 'shop.email']);
  });

  it('a task is counted once per transition, however many sources report it', () => {
    const { state, setNow, run } = clocked();
    run('a', T0 + 1, 'task-failed');
    state.apply(ev('task-failed', { uuid: 'a', hostname: 'w1@vm', local_received: T0 + 2 }));
    state.mergeTaskFromResult({ task_id: 'a', status: 'FAILURE', result: { exc_type: 'E', exc_message: [] } });
    setNow(T0 + 5);
    assert.equal(state.stats.forTask('shop.charge').failures, 1);
    assert.equal(state.stats.failuresSince(T0), 1);
  });

  it('windows of 5 minutes, 1 hour and 24 hours forget what is older', () => {
    const { state, setNow, run } = clocked();
    run('day', T0, 'task-failed');
    run('twoHours', T0 + 22 * 3600, 'task-failed');
    run('recent', T0 + 24 * 3600 - 200, 'task-failed');
    setNow(T0 + 24 * 3600 - 10);
    assert.equal(state.stats.forTask('shop.charge', 300).failures, 1);
    assert.equal(state.stats.forTask('shop.charge', 3600).failures, 1);
    assert.equal(state.stats.forTask('shop.charge', 2 * 3600).failures, 2);
    assert.equal(state.stats.forTask('shop.charge', 24 * 3600).failures, 3);
    setNow(T0 + 24 * 3600 + 1800);
    assert.equal(state.stats.forTask('shop.charge', 24 * 3600).failures, 2, 'the first fell out of the day');
    assert.equal(state.stats.forTask('shop.charge', 300).failures, 0);
    setNow(T0 + 3 * 24 * 3600);
    assert.equal(state.stats.forTask('shop.charge', 24 * 3600).failures, 0, 'a ring reused after a quiet day starts clean');
  });

  it('failuresSince counts cluster-wide failures from a time on', () => {
    const { state, setNow, run } = clocked();
    run('a', T0 + 10, 'task-failed');
    run('b', T0 + 100, 'task-failed', { name: 'other' });
    run('c', T0 + 200, 'task-succeeded', { runtime: 1 });
    setNow(T0 + 250);
    assert.equal(state.stats.failuresSince(T0), 2);
    assert.equal(state.stats.failuresSince(T0 + 50), 1);
    assert.equal(state.stats.failuresSince(T0 + 150), 0);
  });

  it('runtime percentiles from the histograms, within one bin (x1.41) of the truth', () => {
    const { state, setNow, run } = clocked();
    const runtimes: number[] = [];
    for (let i = 0; i < 200; i++) {
      const runtime = 0.01 * (i + 1); // 10 ms .. 2 s, uniform
      runtimes.push(runtime);
      run(`t${i}`, T0 + 1 + i, 'task-succeeded', { runtime });
    }
    setNow(T0 + 250);
    const stats = state.stats.forTask('shop.charge');
    const exact = (q: number): number => runtimes[Math.ceil(q * runtimes.length) - 1];
    for (const [q, estimate] of [[0.5, stats.p50], [0.95, stats.p95], [0.99, stats.p99]] as const) {
      assert.ok(estimate !== undefined);
      const ratio = estimate / exact(q);
      assert.ok(ratio > 1 / Math.SQRT2 && ratio < Math.SQRT2, `p${q * 100}: ${estimate} vs ${exact(q)}`);
    }
    assert.ok(Math.abs((stats.meanRuntime ?? 0) - 1.005) < 1e-9);
    assert.equal(stats.runs, 200);
  });

  it('a result backfilled from the backend counts when it finished, not when it was read', () => {
    const { state, setNow } = clocked();
    setNow(T0 + 3600);
    state.mergeTaskFromResult({ task_id: 'old', status: 'FAILURE', result: { exc_type: 'E', exc_message: [] }, dateDone: T0 + 10 });
    state.mergeTaskFromResult({ task_id: 'new', status: 'FAILURE', result: null, dateDone: T0 + 3590 });
    assert.equal(state.stats.failuresSince(T0 + 3600 - 300), 1);
    assert.equal(state.stats.forCluster(24 * 3600).failures, 2);
  });

  it('throughput by state: transitions per bucket, oldest first', () => {
    const { state, setNow, run } = clocked();
    run('a', T0 + 5, 'task-succeeded', { runtime: 1 });
    run('b', T0 + 25, 'task-failed');
    setNow(T0 + 59);
    const series = state.stats.throughput(50);
    assert.equal(series.step, 10);
    assert.equal(series.start, T0);
    assert.deepEqual(series.counts.get('SUCCESS'), [1, 0, 0, 0, 0, 0]);
    assert.deepEqual(series.counts.get('FAILURE'), [0, 0, 1, 0, 0, 0]);
    assert.deepEqual(series.counts.get('RECEIVED'), [1, 0, 1, 0, 0, 0]);
    assert.deepEqual(series.counts.get('OTHER'), [0, 0, 0, 0, 0, 0]);
    const day = state.stats.throughput(24 * 3600);
    assert.equal(day.step, 60);
    assert.equal(day.counts.get('SUCCESS')?.reduce((a, b) => a + b, 0), 1);
  });

  it('keeps at most MAX_STATS_KEYS series per kind (names come off the wire)', () => {
    const { state } = clocked();
    for (let i = 0; i < MAX_STATS_KEYS + 5; i++) state.apply(ev('task-failed', { uuid: `t${i}`, name: `n${i}`, local_received: T0 }));
    assert.equal(state.stats.taskNames().length, MAX_STATS_KEYS);
    assert.equal(state.stats.forCluster().failures, MAX_STATS_KEYS + 5, 'the cluster still counts them all');
  });

  it('clear() forgets the statistics', () => {
    const { state, run } = clocked();
    run('a', T0 + 1, 'task-failed');
    state.clear();
    assert.equal(state.stats.failuresSince(T0), 0);
  });
});

describe('(unit) runtime histogram and window ring', () => {
  it('bins runtimes on a half-octave scale from 1 ms', () => {
    assert.equal(runtimeBin(0), 0);
    assert.equal(runtimeBin(-1), 0);
    assert.equal(runtimeBin(NaN), 0);
    assert.equal(runtimeBin(0.001), 1);
    assert.equal(runtimeBin(0.002), 3);
    assert.equal(runtimeBin(1e9), RUNTIME_BINS - 1);
    for (const seconds of [0.0015, 0.05, 1, 30, 600]) {
      const bin = runtimeBin(seconds);
      assert.ok(binLower(bin) <= seconds && seconds < binLower(bin + 1), `${seconds} in bin ${bin}`);
    }
    assert.equal(quantileOf(new Array(RUNTIME_BINS).fill(0), 0.5), undefined);
  });

  it('a ring drops values older than it reaches and resets reused rows', () => {
    const ring = new WindowRing(10, 3, 1);
    ring.add(100, 0);
    ring.add(105, 0);
    ring.add(120, 0);
    assert.equal(ring.total(100, 129, 0), 3);
    ring.add(130, 0); // reuses the row of bucket 10 (t=100..109)
    assert.equal(ring.total(100, 139, 0), 2, 'bucket 10 is gone, buckets 11..13 remain');
    ring.add(101, 0);
    assert.equal(ring.total(100, 139, 0), 2, 'too old to record');
  });

  it('cascaded rings: a reclaimed row rolls into the coarser ring, each value counted once', () => {
    const fine = ringCascade([[10, 3], [60, 10]], 1);
    fine.add(100, 0);
    fine.add(130, 0); // reclaims bucket 10's row: its count moves to the 60 s bucket [60, 120)
    assert.equal(fine.total(0, 139, 0), 2);
    assert.equal(fine.total(120, 139, 0), 1, 'the coarse bucket starts before the window: not counted');
    fine.add(101, 0); // too old for the 10 s ring: goes straight to the coarse one
    assert.equal(fine.total(0, 139, 0), 3);
    assert.equal(fine.coarser?.total(60, 119, 0), 2);
    fine.clear();
    assert.equal(fine.total(0, 1000, 0), 0);
  });
});
