import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { ClusterMonitor } from '../../../src/core/monitor/clusterMonitor';
import type { ConnectionStatus } from '../../../src/core/monitor/monitorTypes';
import { parseConnectionUrl } from '../../../src/core/url/connectionUrl';
import { testRunDir, waitFor } from '../support';
import { privateRabbit, type PrivateRabbit } from './privateRabbit';

/**
 * A RabbitMQ that hangs (SIGSTOP: the kernel still accepts connections, nobody answers) is noticed
 * within the configured command timeout, reported as such, and recovered from after SIGCONT.
 */
describe('(integration) a hung RabbitMQ (SIGSTOP) under a ClusterMonitor', function () {
  this.timeout(120_000);
  let node: PrivateRabbit;
  const monitors: ClusterMonitor[] = [];

  before(async () => {
    node = await privateRabbit(path.join(testRunDir(), `rabbit-hang-${process.pid}`));
    await node.start();
  });

  after(async () => {
    await Promise.all(monitors.map((m) => m.stop()));
    await node?.destroy();
  });

  it('goes reconnecting with "no answer within N ms" in time, and connects again after SIGCONT', async () => {
    const monitor = new ClusterMonitor({
      name: 'rabbit-hang',
      brokerUrl: parseConnectionUrl(`amqp://guest:guest@127.0.0.1:${node.amqpPort}//`),
      settings: { commandTimeoutMs: 1000, connectTimeoutMs: 1000, queuePollIntervalMs: 500, inspectIntervalMs: 1000, controlTimeoutMs: 300 },
      backoff: { initialMs: 300, maxMs: 1000 },
    });
    monitors.push(monitor);
    const statuses: ConnectionStatus[] = [];
    monitor.onDidChangeStatus((s) => statuses.push(s));
    await monitor.start();
    assert.equal(monitor.status.kind, 'connected', JSON.stringify(monitor.status));

    node.signal('SIGSTOP');
    const frozenAt = Date.now();
    try {
      const noticed = await waitFor(() => (monitor.status.kind === 'reconnecting' ? monitor.status : undefined), 10_000, 'the monitor to notice the hang');
      const noticedMs = Date.now() - frozenAt;
      // At most one queue poll interval plus the command timeout (plus scheduling slack).
      assert.ok(noticedMs < 500 + 1000 + 1500, `noticed after ${noticedMs} ms`);
      assert.match((noticed as { reason: string }).reason, /no answer within 1000 ms \(the server is hung/);
      // Reconnect attempts while it is still frozen fail on the connect timeout, saying so.
      const retry = await waitFor(() => statuses.filter((s) => s.kind === 'reconnecting')[1], 10_000, 'a failed reconnect');
      assert.match((retry as { reason: string }).reason, /Connecting to RabbitMQ amqp:\/\/guest:\*\*\*@127\.0\.0\.1:\d+\/\/ timed out: no answer within 1000 ms/);
      assert.equal(monitor.status.kind, 'reconnecting');
    } finally {
      node.signal('SIGCONT');
    }
    await waitFor(() => monitor.status.kind === 'connected', 30_000, 'the monitor to reconnect after SIGCONT');
    assert.ok(monitor.health.reconnects >= 1);
  });
});
