import * as assert from 'node:assert/strict';
import * as amqp from 'amqplib';
import { ManagementClient } from '../../../src/core/broker/amqp/managementClient';
import { getCluster, testVhost, waitFor } from '../support';
import { monitorFor, stopAllMonitors } from '../monitor/monitorSupport';

/**
 * On RabbitMQ our event queue can lose its binding while its consumer and the connection stay
 * fine: the `celeryev` exchange deleted takes its bindings with it, and declared again (by an
 * operator, or a worker's publish) it is bound to nothing. Workers go on answering remote control; their events stop.
 * The monitor's silence check must re-assert the binding so events come back, without blaming
 * the workers for it.
 */
describe('(integration) RabbitMQ: our event queue loses its binding while the workers answer remote control', function () {
  this.timeout(60_000);

  after(async () => {
    await stopAllMonitors();
  });

  it('the silence check re-binds the queue, the heartbeats come back, and no worker is reported', async function () {
    // Deleting and declaring the exchange again leaves it missing for a moment; a worker whose
    // heartbeat lands in that moment loses its event channel and really does go quiet, which the
    // check then rightly reports. That is the fault injection, not the code under test: one retry.
    this.retries(1);
    const cluster = getCluster('amqp');
    assert.ok(cluster.managementUrl, 'the amqp test cluster has the management API');
    const management = new ManagementClient(cluster.managementUrl, 5000);
    const eventQueues = async (): Promise<string[]> => (await management.listQueues(testVhost)).map((q) => q.name).filter((n) => n.startsWith('celeryev.'));
    const before = new Set(await eventQueues());
    const { monitor, logs } = monitorFor(cluster, { inspectIntervalMs: 1500, controlTimeoutMs: 500 }, 'unbound');
    await monitor.start();
    await waitFor(() => cluster.workers.every((w) => monitor.state.workers.get(w)?.lastHeartbeat !== undefined), 20_000, 'heartbeats from the workers');
    await waitFor(async () => (await eventQueues()).filter((n) => !before.has(n)).length === 1, 10_000, 'our event queue in the management API');

    // The exchange deleted and declared again (by an operator, or by a worker's next publish): the
    // same exchange, without our binding. Our queue is exclusive: nobody else could unbind it.
    // Both in one go, so a worker's heartbeat hardly ever meets the exchange missing.
    const conn = await amqp.connect(cluster.brokerUrl);
    try {
      const channel = await conn.createChannel();
      await Promise.all([channel.deleteExchange('celeryev'), channel.assertExchange('celeryev', 'topic', { durable: true, autoDelete: false })]);
    } finally {
      await conn.close();
    }
    const unboundAt = monitor.state.now();

    // Their heartbeats stop reaching us (so Celery's rule takes them offline) until the check re-binds.
    let sawOffline = false;
    await waitFor(() => {
      if (cluster.workers.some((w) => !monitor.isWorkerOnline(w))) sawOffline = true;
      return sawOffline && cluster.workers.every((w) => (monitor.state.workers.get(w)?.lastHeartbeat ?? 0) > unboundAt + 4);
    }, 30_000, 'heartbeats after the binding was re-asserted', 100);
    const seen = (): string => JSON.stringify({ health: monitor.health, status: monitor.status, logs: logs.map((l) => l.message) });
    assert.ok(cluster.workers.every((w) => monitor.isWorkerOnline(w)), seen());
    assert.equal(monitor.health.heartbeatSilence, undefined, seen());
    assert.equal(monitor.health.heartbeatSilences, undefined, `the workers were not blamed: ${seen()}`);
    assert.equal(monitor.status.kind, 'connected', seen());
    assert.ok(!logs.some((l) => /answers? remote control/.test(l.message)), logs.map((l) => l.message).join('\n'));
  });
});
