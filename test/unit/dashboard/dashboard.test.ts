import assert from 'node:assert/strict';
import { ClusterState } from '../../../src/core/state/clusterState';
import { buildDashboard } from '../../../src/core/dashboard/dashboardData';
import { DashboardMetrics } from '../../../src/core/dashboard/dashboardMetrics';
import { CHART_IDS, chartTable, exportFileName, tableToCsv, tableToJson } from '../../../src/core/dashboard/chartExport';
import { MAX_SAMPLED_KEYS, SampledSeries } from '../../../src/core/dashboard/sampledSeries';
import { WorkerRecord } from '../../../src/core/state/workerRecord';
import { clocked, T0 } from '../state/stateFixtures';

function worker(hostname: string, active: number, concurrency: number | undefined, heartbeatAt: number): WorkerRecord {
  const w = new WorkerRecord(hostname);
  w.freq = 2;
  w.heartbeat(heartbeatAt, heartbeatAt);
  w.active = active;
  w.concurrency = concurrency;
  return w;
}

describe('(unit) dashboard: rolling charts for 5 minutes, 1 hour, 24 hours', () => {
  it('builds throughput, failure rate, percentiles and the top failing tasks from the task statistics', () => {
    const { state, setNow, run } = clocked();
    run('a', T0 + 1, 'task-succeeded', { runtime: 0.5 });
    run('b', T0 + 2, 'task-failed');
    run('c', T0 + 12, 'task-failed', { name: 'shop.email' });
    run('d', T0 + 13, 'task-failed', { name: 'shop.email' });
    run('e', T0 + 14, 'task-succeeded', { name: 'shop.email', runtime: 2 });
    setNow(T0 + 20);
    const data = buildDashboard(state.stats, new DashboardMetrics(), '5m', T0 + 20);
    assert.equal(data.axis.step, 10);
    assert.equal(data.axis.buckets, 31);
    const last = data.axis.buckets - 1;
    const at = (t: number): number => Math.floor((t - data.axis.start) / data.axis.step);
    assert.equal(at(T0 + 20), last);
    const success = data.throughput.find((s) => s.state === 'SUCCESS')!.counts;
    assert.equal(success[at(T0 + 1)], 1);
    assert.equal(success[at(T0 + 14)], 1);
    assert.equal(data.throughput.find((s) => s.state === 'STARTED')!.counts.reduce((a, b) => a + b), 5);
    assert.deepEqual([data.failureRate.runs[at(T0 + 1)], data.failureRate.failures[at(T0 + 1)], data.failureRate.rate[at(T0 + 1)]], [2, 1, 0.5]);
    assert.equal(data.failureRate.rate[at(T0 + 12)], 2 / 3);
    assert.equal(data.failureRate.rate[0], null);
    assert.deepEqual(data.topFailing.map((r) => [r.name, r.failures, r.runs]), [['shop.email', 2, 3], ['shop.charge', 1, 2]]);
    const email = data.runtimes.find((r) => r.name === 'shop.email')!;
    assert.ok(email.p50! > 1.4 && email.p50! < 2.9, String(email.p50));
    // 24 hours: coarser steps, the same totals.
    const day = buildDashboard(state.stats, new DashboardMetrics(), '24h', T0 + 20);
    assert.equal(day.axis.step, 300);
    assert.equal(day.throughput.find((s) => s.state === 'FAILURE')!.counts.reduce((a, b) => a + b), 3);
  });

  it('keeps queue depth history as means per bucket, null where nothing was polled', () => {
    const metrics = new DashboardMetrics();
    metrics.recordQueues([{ name: 'celery', messages: 10 }, { name: 'mail', messages: 0 }], T0 + 1);
    metrics.recordQueues([{ name: 'celery', messages: 20 }], T0 + 6);
    metrics.recordQueues([{ name: 'celery', messages: 4 }], T0 + 31);
    const data = buildDashboard(new ClusterState({ now: () => T0 + 40 }).stats, metrics, '5m', T0 + 40);
    const celery = data.queueDepth.find((q) => q.queue === 'celery')!.depth;
    const at = (t: number): number => Math.floor((t - data.axis.start) / data.axis.step);
    assert.equal(celery[at(T0 + 1)], 15);
    assert.equal(celery[at(T0 + 31)], 4);
    assert.equal(celery[at(T0 + 15)], null);
    assert.equal(data.queueDepth.find((q) => q.queue === 'mail')!.depth[at(T0 + 1)], 0);
  });

  it('keeps means exact when fine buckets roll into coarse ones (an hour later, in the 1 h window)', () => {
    const series = new SampledSeries();
    for (let t = 0; t < 60; t += 5) series.sample('q', T0 + t, t < 30 ? 2 : 4);
    // Move on 10 minutes: the 10 s ring reclaims those rows into 1 minute buckets.
    for (let t = 600; t < 900; t += 5) series.sample('q', T0 + t, 1);
    const cols = series.columns(T0, T0 + 900, 60);
    assert.equal(cols.means[0][0], 3);
    assert.equal(cols.means[0][14], 1);
  });

  it('samples utilisation of live workers from heartbeats and concurrency', () => {
    const metrics = new DashboardMetrics();
    const busy = worker('w1@vm', 3, 4, T0);
    const unknown = worker('w2@vm', 1, undefined, T0);
    const dead = worker('w3@vm', 2, 2, T0 - 100);
    metrics.sampleWorkers([busy, unknown, dead], T0 + 1);
    busy.active = 1;
    metrics.sampleWorkers([busy, unknown, dead], T0 + 2);
    const data = buildDashboard(new ClusterState({ now: () => T0 + 5 }).stats, metrics, '5m', T0 + 5);
    const last = data.axis.buckets - 1;
    assert.deepEqual(data.utilisation.map((u) => u.worker), ['w1@vm', 'w2@vm']);
    const [w1, w2] = data.utilisation;
    assert.deepEqual([w1.busy[last], w1.concurrency[last], w1.ratio[last]], [2, 4, 0.5]);
    assert.deepEqual([w2.busy[last], w2.concurrency[last], w2.ratio[last]], [1, null, null]);
  });

  it('bounds memory: a fixed number of keys, and non-finite samples are refused', () => {
    const series = new SampledSeries();
    for (let i = 0; i < MAX_SAMPLED_KEYS + 10; i++) series.sample(`q${i}`, T0, 1);
    assert.equal(series.keys().length, MAX_SAMPLED_KEYS);
    assert.equal(series.sample('q0', T0, NaN), false);
  });
});

describe('(unit) dashboard export: CSV and JSON per chart', () => {
  const { state, setNow, run } = clocked();
  run('a', T0 + 1, 'task-failed', { name: '=HYPERLINK("x"),"quoted"\nline' });
  setNow(T0 + 20);
  const metrics = new DashboardMetrics();
  metrics.recordQueues([{ name: 'celery', messages: 7 }], T0 + 3);
  const data = buildDashboard(state.stats, metrics, '5m', T0 + 20);

  it('has a table for every chart, with a header row and one row per bucket for time series', () => {
    for (const chart of CHART_IDS) {
      const table = chartTable(data, chart);
      assert.ok(table.columns.length >= 2, chart);
      for (const row of table.rows) assert.equal(row.length, table.columns.length, chart);
    }
    const throughput = chartTable(data, 'throughput');
    assert.equal(throughput.rows.length, data.axis.buckets);
    assert.equal(throughput.rows[0][0], new Date(data.axis.start * 1000).toISOString());
    assert.equal(chartTable(data, 'utilisation').rows.length, 0);
  });

  it('writes RFC 4180 CSV, quoting and defusing formula-like names from the wire', () => {
    const csv = tableToCsv(chartTable(data, 'topFailing'));
    const lines = csv.split('\r\n');
    assert.equal(lines[0], 'task,failures,runs,failure_rate');
    assert.equal(csv.endsWith('\r\n'), true);
    assert.ok(csv.includes(`"'=HYPERLINK(""x""),""quoted""\nline",1,1,1`), csv);
    const depth = tableToCsv(chartTable(data, 'queueDepth')).split('\r\n');
    assert.equal(depth[0], 'time,celery');
    assert.ok(depth.some((line) => line.endsWith(',7')));
    assert.ok(depth.some((line) => line.endsWith(',')), 'a bucket without a poll is an empty cell');
  });

  it('writes JSON rows keyed by column, with the window and step', () => {
    const json = JSON.parse(tableToJson(chartTable(data, 'failureRate'), data)) as { chart: string; window: string; step: number; rows: Array<Record<string, unknown>> };
    assert.equal(json.chart, 'failureRate');
    assert.equal(json.window, '5m');
    assert.equal(json.step, 10);
    assert.equal(json.rows.length, data.axis.buckets);
    assert.ok(json.rows.some((r) => r.failures === 1 && r.failure_rate === 1));
    assert.equal(exportFileName('topFailing', '1h', 'csv'), 'celery-top-failing-1h.csv');
  });
});
