import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import * as amqp from 'amqplib';
import { celeryEnv, getCluster, redisFor, testRunDir, waitFor } from '../support';
import { celeryAppDir, python } from '../support/paths';
import { startLogged, type ManagedProcess } from '../support/processes';
import { monitorFor, sendTask, stopAllMonitors, waitForTask } from '../monitor/monitorSupport';

/**
 * A worker killed with SIGKILL (the whole process group, as the OOM killer or a lost machine
 * would) while running an acks_late task. What the brokers really do with the message (Celery
 * 5.2, kombu 5.2):
 * - RabbitMQ requeues the unacked message at once, when the dead consumer's connection closes;
 *   it is ready again in the queue, marked redelivered.
 * - Redis has no consumer connections to watch: the message stays in kombu's `unacked` hash
 *   until its visibility timeout (1 hour by default) passes, and only then does a consumer's
 *   restore put it back in the queue. Until then it is in neither the queue nor any worker.
 * The monitor (ours, not Celery's: Celery's State leaves such a task STARTED) sees the worker go
 * offline by the heartbeat rule and fails the task as WorkerLostError, marked inferred.
 */
for (const kind of ['redis', 'amqp'] as const) {
  describe(`(integration) a worker killed with SIGKILL on ${kind}`, function () {
    this.timeout(60_000);
    const queue = `lens-lost-${process.pid}`;
    const nodeName = `lens-lost-${process.pid}@${os.hostname()}`;
    let worker: ManagedProcess | undefined;

    after(async () => {
      if (worker?.child.pid !== undefined) {
        try {
          process.kill(-worker.child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await stopAllMonitors();
      await cleanUpQueue(kind, queue);
    });

    it('goes offline on time, its running acks_late task is failed as lost, and the message is where the broker keeps it', async () => {
      const cluster = getCluster(kind);
      const { monitor } = monitorFor(cluster, {}, `killed-${kind}`);
      await monitor.start();
      assert.equal(monitor.status.kind, 'connected');

      worker = startLogged(`${kind} worker ${nodeName}`, python, ['-m', 'celery', '-A', 'lens_testapp.celery_app:app', 'worker', '-n', nodeName,
        '-Q', queue, '-c', '1', '-P', 'prefork', '-E', '--without-mingle', '--without-gossip', '-l', 'INFO'], {
        cwd: celeryAppDir, env: { ...celeryEnv(cluster), PYTHONUNBUFFERED: '1' }, logFile: path.join(testRunDir(), `${kind}-${nodeName}.log`),
      });
      await waitFor(() => monitor.isWorkerOnline(nodeName), 30_000, `${nodeName} to come online`);
      if (kind === 'amqp') {
        // Its first heartbeat can come before it declares its queue, and an unroutable publish fails.
        await waitFor(async () => ((await monitor.broker?.queueInfo([queue]))?.[0].consumers ?? 0) >= 1, 15_000, `${nodeName} consuming ${queue}`);
      }

      const id = await sendTask(monitor, { name: 'lens_testapp.tasks.sleeper_late', args: [30], queue });
      await waitForTask(monitor, id, (t) => t.state === 'STARTED' && t.worker === nodeName, 'the task to start on the third worker', 15_000);

      const pid = worker.child.pid;
      assert.ok(pid !== undefined);
      process.kill(-pid, 'SIGKILL');
      const killedAt = Date.now();
      await worker.exited;

      await waitFor(() => !monitor.isWorkerOnline(nodeName), 10_000, `${nodeName} to go offline`);
      const offlineAfterMs = Date.now() - killedAt;
      const freq = monitor.state.workers.get(nodeName)?.freq ?? 2;
      // Celery's rule: offline once no heartbeat came for 2 x freq; the liveness check runs every second.
      assert.ok(offlineAfterMs <= 2 * freq * 1000 + 1500, `offline after ${offlineAfterMs} ms (freq ${freq} s)`);

      const lost = await waitForTask(monitor, id, (t) => t.state === 'FAILURE', 'the task to be marked lost', 5000);
      assert.match(lost.exception ?? '', new RegExp(`^WorkerLostError\\('Worker ${nodeName.replace(/[.]/g, '\\.')} went offline while running the task .*inferred by Celery Lens`));
      assert.equal(lost.worker, nodeName);
      console.log(`      (offline ${offlineAfterMs} ms after SIGKILL, heartbeat freq ${freq} s)`);

      const broker = monitor.broker;
      assert.ok(broker);
      if (kind === 'amqp') {
        // Requeued at once by RabbitMQ when the dead worker's connection closed.
        const [info] = await waitFor(async () => {
          const infos = await broker.queueInfo([queue]);
          return infos[0].messages === 1 ? infos : undefined;
        }, 5000, 'the message back in the queue');
        assert.equal(info.consumers, 0);
        const [message] = await peekAmqp(cluster.brokerUrl, queue);
        assert.equal(message.taskId, id);
        assert.equal(message.redelivered, true);
      } else {
        // Not back in the queue: held in kombu's unacked hash until the visibility timeout.
        assert.equal((await broker.queueInfo([queue]))[0].messages, 0);
        const unacked = await broker.listUnacked();
        const held = unacked.find((e) => e.routingKey === queue);
        assert.ok(held, `the message in the unacked hash (${unacked.length} entries)`);
        assert.ok(!('reason' in held.message) && held.message.headers.id === id);
      }
    });
  });
}

/** One look at the queue's head message, requeued at once (this test's own queue: nobody else reads it). */
async function peekAmqp(url: string, queue: string): Promise<Array<{ taskId: unknown; redelivered: boolean }>> {
  const conn = await amqp.connect(url);
  try {
    const channel = await conn.createChannel();
    const msg = await channel.get(queue, { noAck: false });
    if (!msg) return [];
    channel.nack(msg, false, true);
    return [{ taskId: msg.properties.headers?.id, redelivered: msg.fields.redelivered }];
  } finally {
    await conn.close();
  }
}

async function cleanUpQueue(kind: 'redis' | 'amqp', queue: string): Promise<void> {
  const cluster = getCluster(kind);
  if (kind === 'amqp') {
    const conn = await amqp.connect(cluster.brokerUrl);
    try {
      const channel = await conn.createChannel();
      await channel.deleteQueue(queue);
      await channel.deleteExchange(queue);
    } finally {
      await conn.close();
    }
    return;
  }
  // Drop our message from the unacked hash so no worker restores it an hour from now.
  const redis = redisFor(cluster.brokerUrl);
  const entries = await redis.hgetall('unacked');
  for (const [tag, value] of Object.entries(entries)) {
    if (value.includes(`"${queue}"`)) await redis.multi().hdel('unacked', tag).zrem('unacked_index', tag).exec();
  }
  await redis.del(queue, `_kombu.binding.${queue}`);
}
