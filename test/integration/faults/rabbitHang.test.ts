import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { ClusterMonitor } from '../../../src/core/monitor/clusterMonitor';
import { testRunDir, waitFor } from '../support';
import { faultMonitor, hangNoticed, whileFrozen } from './faultMonitor';
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
    const { monitor, statuses } = faultMonitor('rabbit-hang', `amqp://guest:guest@127.0.0.1:${node.amqpPort}//`);
    monitors.push(monitor);
    await monitor.start();
    assert.equal(monitor.status.kind, 'connected', JSON.stringify(monitor.status));

    await whileFrozen(node, async (frozenAt) => {
      const noticed = await hangNoticed(monitor, frozenAt, 10_000);
      // At most one queue poll interval plus the command timeout (plus scheduling slack).
      assert.ok(noticed.afterMs < 500 + 1000 + 1500, `noticed after ${noticed.afterMs} ms`);
      assert.match(noticed.reason, /no answer within 1000 ms \(the server is hung/);
      // Reconnect attempts while it is still frozen fail on the connect timeout, saying so.
      const retry = await waitFor(() => statuses.filter((s) => s.kind === 'reconnecting')[1], 10_000, 'a failed reconnect');
      assert.match((retry as { reason: string }).reason, /Connecting to RabbitMQ amqp:\/\/guest:\*\*\*@127\.0\.0\.1:\d+\/\/ timed out: no answer within 1000 ms/);
      assert.equal(monitor.status.kind, 'reconnecting');
    });
    await waitFor(() => monitor.status.kind === 'connected', 30_000, 'the monitor to reconnect after SIGCONT');
    assert.ok(monitor.health.reconnects >= 1);
  });
});
