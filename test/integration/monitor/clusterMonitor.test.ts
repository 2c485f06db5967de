import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { ClusterMonitor } from '../../../src/core/monitor/clusterMonitor';
import { TASK_META_PREFIX } from '../../../src/core/backend/taskMeta';
import { rawBrokerFor, type RawBroker } from '../cli/rawBroker';
import { celeryPythonJson, getCluster, redisFor, waitFor, type TestCluster } from '../support';
import { monitorFor, sendTask, stopAllMonitors, waitForTask, type MonitorUnderTest } from './monitorSupport';

// Redis twice: decoding in line, and with the decoding thread holding the event subscription (the extension's way).
for (const [kind, threaded] of [['redis', false], ['redis', true], ['amqp', false]] as const) {
  describe(`(integration) ClusterMonitor on ${kind}${threaded ? ', decoding thread' : ''}`, function () {
    this.timeout(90_000);
    let cluster: TestCluster;
    let raw: RawBroker;
    let live: MonitorUnderTest;
    let monitor: ClusterMonitor;
    let changes = 0;

    before(async () => {
      cluster = getCluster(kind);
      raw = rawBrokerFor(cluster);
      live = monitorFor(cluster, {}, 'test', threaded);
      monitor = live.monitor;
      monitor.onDidChange(() => changes++);
      const statuses: string[] = [];
      monitor.onDidChangeStatus((s) => statuses.push(s.kind));
      await monitor.start();
      assert.deepEqual(statuses, ['connecting', 'connected'], JSON.stringify(monitor.status));
      assert.equal(monitor.eventDecoding, threaded ? 'worker thread' : 'this thread');
    });

    after(async () => {
      await stopAllMonitors();
      await raw?.close();
    });

    it('sees both workers online with stats, queues, registered tasks and conf', async () => {
      await waitFor(() => cluster.workers.every((w) => monitor.isWorkerOnline(w)), 15_000, 'both workers online');
      await waitFor(() => cluster.workers.every((w) => monitor.state.workers.get(w)?.lastHeartbeat !== undefined), 15_000, 'heartbeats from both');
      for (const hostname of cluster.workers) {
        const worker = monitor.state.workers.get(hostname);
        assert.ok(worker, hostname);
        assert.equal(worker.pool, 'prefork');
        assert.equal(worker.concurrency, 2);
        assert.ok(worker.stats && typeof worker.stats.pid === 'number');
        assert.deepEqual([...(worker.queues ?? [])].sort(), ['celery', 'priority']);
        assert.ok(worker.registered?.includes('lens_testapp.tasks.add'), String(worker.registered));
        const info = monitor.workerInfo.get(hostname);
        assert.equal(info?.conf?.result_extended, true, JSON.stringify(info?.conf));
        assert.ok(Array.isArray(info?.scheduled));
      }
      assert.ok(monitor.health.events > 0);
      assert.ok(monitor.health.lastInspectAt !== undefined);
      assert.ok(changes > 0, 'onDidChange fired');
    });

    it('reads queue depths with a trend', async () => {
      const celery = await waitFor(() => monitor.queues.find((q) => q.name === 'celery'), 10_000, 'the celery queue');
      assert.equal(celery.exists, true);
      assert.ok(Math.abs(celery.readAt - Date.now() / 1000) < 10);
      await waitFor(() => monitor.queues.find((q) => q.name === 'celery')?.previousMessages !== undefined, 5000, 'a second poll');
      if (kind === 'redis') assert.equal(monitor.queues.find((q) => q.name === 'celery')?.consumers, 2, 'consumers counted from active_queues');
    });

    it('follows a task sent with the core encoder to SUCCESS with its result', async () => {
      const id = await sendTask(monitor, { name: 'lens_testapp.tasks.add', args: [20, 22], queue: 'celery' });
      const task = await waitForTask(monitor, id, (t) => t.state === 'SUCCESS' && String(t.result) === '42', 'SUCCESS with 42');
      assert.equal(task.name, 'lens_testapp.tasks.add');
      assert.ok(cluster.workers.includes(task.worker ?? ''), String(task.worker));
      assert.equal(task.args, '(20, 22)');
      // The backend's record (a JSON value) lands after or before the event's repr: both say 42.
      await waitFor(() => monitor.health.resultsReceived > 0, 10_000, 'a live result from the backend');
    });

    it('a failed task has its exception and traceback', async () => {
      const id = await sendTask(monitor, { name: 'lens_testapp.tasks.fail_nested', args: [7], queue: 'celery' });
      const task = await waitForTask(monitor, id, (t) => t.state === 'FAILURE' && t.traceback !== undefined, 'FAILURE with traceback');
      assert.match(task.traceback ?? '', /Traceback \(most recent call last\)/);
      assert.match(task.traceback ?? '', /LensTestError/);
      assert.match(task.exception ?? '', /LensTestError/);
    });

    it('an ETA task held by a worker shows in its scheduled list and as RECEIVED', async () => {
      const id = await sendTask(monitor, { name: 'lens_testapp.tasks.add', args: [1, 1], queue: 'celery', countdown: 120 });
      try {
        await monitor.refresh();
        const holder = await waitFor(async () => {
          await monitor.refresh();
          return cluster.workers.find((w) => JSON.stringify(monitor.workerInfo.get(w)?.scheduled ?? []).includes(id));
        }, 20_000, 'the worker holding the ETA task');
        const task = monitor.state.tasks.get(id);
        assert.equal(task?.state, 'RECEIVED');
        assert.equal(task?.worker, holder);
        assert.ok(monitor.state.workers.get(holder)?.reservedTasks?.includes(id), 'merged with the reserved tasks');
      } finally {
        await monitor.control?.revoke([id]);
      }
    });

    it('counts and logs an undecodable event, and keeps going', async () => {
      const before = monitor.health.undecodableEvents;
      await raw.publishEvent('worker.heartbeat', '{"type": "worker-heartbeat", oops');
      await waitFor(() => monitor.health.undecodableEvents > before, 10_000, 'the bad event counted');
      assert.ok(live.logs.some((l) => l.level === 'warn' && /undecodable event/.test(l.message)), JSON.stringify(live.logs));
      assert.ok(monitor.health.recentErrors.some((e) => e.kind === 'undecodable' && e.source === 'event'));
      const id = await sendTask(monitor, { name: 'lens_testapp.tasks.add', args: [2, 2], queue: 'celery' });
      await waitForTask(monitor, id, (t) => t.state === 'SUCCESS', 'a task after the bad event');
    });

    it('a flood of 300 bad events is counted in full but logged in a few lines', async () => {
      const before = monitor.health.undecodableEvents;
      await Promise.all(Array.from({ length: 300 }, (_, i) => raw.publishEvent('worker.heartbeat', `not json ${i}`)));
      await waitFor(() => monitor.health.undecodableEvents >= before + 300, 15_000, '300 bad events counted');
      const lines = live.logs.filter((l) => /undecodable event/.test(l.message));
      assert.ok(lines.length <= 10, `${lines.length} log lines for ${monitor.health.undecodableEvents} bad events`);
      assert.ok(monitor.health.recentErrors.length <= 50, 'recent problems are bounded');
    });

    it('ignores live results of keys that are not in our backend DB, merges ones that are', async () => {
      const pub = redisFor(cluster.backendUrl);
      const foreignId = randomUUID();
      const record = (id: string) => JSON.stringify({ status: 'SUCCESS', result: 7, traceback: null, children: [], date_done: '2026-01-01T00:00:00.000000', task_id: id });
      const ignoredBefore = monitor.health.foreignResultsIgnored;
      // Another app on the same server, another DB: only the channel reaches us.
      await pub.publish(`${TASK_META_PREFIX}${foreignId}`, record(foreignId));
      await waitFor(() => monitor.health.foreignResultsIgnored > ignoredBefore, 10_000, 'the foreign result counted');
      assert.equal(monitor.state.tasks.has(foreignId), false);
      const oursId = randomUUID();
      await pub.set(`${TASK_META_PREFIX}${oursId}`, record(oursId), 'EX', 600);
      await pub.publish(`${TASK_META_PREFIX}${oursId}`, record(oursId));
      const task = await waitForTask(monitor, oursId, (t) => t.state === 'SUCCESS', 'our own result merged');
      assert.equal(task.result, 7);
      await pub.del(`${TASK_META_PREFIX}${oursId}`);
    });

    it('backfills, on start, a task that finished before, and a task waiting on a queue nobody consumes', async () => {
      const finished = await celeryPythonJson<string>('r = tasks.add.delay(100, 1); assert r.get(timeout=30) == 101; print(json.dumps(r.id))', cluster);
      const idle = `lens-idle-${Date.now()}`;
      await raw.createQueue(idle);
      try {
        const queued = await raw.pushTask(idle, 5);
        const fresh = monitorFor(cluster, { peekAmqpOnBackfill: true }, 'fresh', threaded).monitor;
        let eventsAtConnect = -1;
        fresh.onDidChangeStatus((s) => {
          if (s.kind === 'connected') eventsAtConnect = fresh.state.eventCount;
        });
        await fresh.start();
        assert.equal(fresh.status.kind, 'connected');
        const done = fresh.state.tasks.get(finished);
        assert.ok(done, 'the finished task was backfilled from the result backend');
        assert.equal(done.state, 'SUCCESS');
        assert.equal(done.result, 101);
        assert.equal(done.name, 'lens_testapp.tasks.add', 'result_extended gives the name');
        const waiting = fresh.state.tasks.get(queued);
        if (kind === 'amqp' && !cluster.managementUrl) {
          assert.equal(waiting, undefined, 'RabbitMQ queues cannot be peeked without the management API');
        } else {
          assert.ok(waiting, `the queued task was backfilled (events at connect: ${eventsAtConnect})`);
          assert.equal(waiting.state, 'PENDING');
          assert.equal(waiting.name, 'lens_testapp.tasks.add');
          assert.equal(waiting.args, '(5, 5)');
        }
        if (kind === 'redis' || cluster.managementUrl) assert.equal(fresh.queues.find((q) => q.name === idle)?.messages, 1, 'the idle queue is listed with its depth');
        if (kind === 'amqp' && cluster.managementUrl) {
          // Off by default: peeking RabbitMQ marks messages redelivered.
          const cautious = monitorFor(cluster, {}, 'cautious', threaded).monitor;
          await cautious.start();
          assert.equal(cautious.state.tasks.has(queued), false);
          await cautious.stop();
        }
        await fresh.stop();
      } finally {
        await raw.deleteQueue(idle);
      }
    });

    it('pauses polling while inactive (events still flow) and refresh() polls at once', async () => {
      monitor.setActive(false);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const inspectedAt = monitor.health.lastInspectAt;
      const polledAt = monitor.health.lastQueuePollAt;
      await new Promise((resolve) => setTimeout(resolve, 2500));
      assert.equal(monitor.health.lastInspectAt, inspectedAt, 'no inspect while paused');
      assert.equal(monitor.health.lastQueuePollAt, polledAt, 'no queue poll while paused');
      const id = await sendTask(monitor, { name: 'lens_testapp.tasks.add', args: [3, 3], queue: 'celery' });
      await waitForTask(monitor, id, (t) => t.state === 'SUCCESS', 'events while paused');
      await monitor.refresh();
      assert.ok((monitor.health.lastInspectAt ?? 0) > (inspectedAt ?? 0));
      assert.ok((monitor.health.lastQueuePollAt ?? 0) > (polledAt ?? 0));
      monitor.setActive(true);
    });

    it('stop() is idempotent and ends idle', async () => {
      const extra = monitorFor(cluster, {}, 'extra', threaded).monitor;
      await extra.start();
      await Promise.all([extra.stop(), extra.stop()]);
      await extra.stop();
      assert.deepEqual(extra.status, { kind: 'idle' });
      assert.equal(extra.broker, undefined);
    });
  });
}
