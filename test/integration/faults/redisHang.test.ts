import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { buildRedisEnvelope } from '../../../src/core/celery/rawMessage';
import type { ClusterMonitor } from '../../../src/core/monitor/clusterMonitor';
import type { ConnectionStatus } from '../../../src/core/monitor/monitorTypes';
import { runCli, startCli, testRunDir, waitFor } from '../support';
import { faultMonitor, hangNoticed, whileFrozen } from './faultMonitor';
import { privateRedis, type PrivateRedis } from './privateRedis';

/**
 * A Redis that hangs (SIGSTOP: the kernel still accepts connections, nobody answers) is noticed
 * within the configured command timeout, reported as such, and recovered from after SIGCONT.
 */
describe('(integration) a hung Redis (SIGSTOP) under a ClusterMonitor and `celery-lens watch`', function () {
  this.timeout(60_000);
  let redis: PrivateRedis;
  const monitors: ClusterMonitor[] = [];

  before(async () => {
    redis = await privateRedis(path.join(testRunDir(), `redis-hang-${process.pid}`));
    await redis.start();
  });

  after(async () => {
    await Promise.all(monitors.map((m) => m.stop()));
    await redis.destroy();
  });

  it('the monitor goes reconnecting with "no answer within N ms", the CLI fails in time, and both recover after SIGCONT', async () => {
    const { monitor } = faultMonitor('hang', redis.url(0), redis.url(1));
    monitors.push(monitor);
    await monitor.start();
    assert.equal(monitor.status.kind, 'connected');
    const watch = startCli(['--broker', redis.url(0), '--timeout', '1000', '--json', 'watch', '--interval', '0.3']);
    const watchStatus = (): ConnectionStatus | undefined => {
      const frames = watch.stdout().split('\n').filter((l) => l.startsWith('{'));
      return frames.length ? (JSON.parse(frames[frames.length - 1]) as { connection: ConnectionStatus }).connection : undefined;
    };
    await waitFor(() => watchStatus()?.kind === 'connected', 10_000, 'the watch to connect');

    await whileFrozen(redis, async (frozenAt) => {
      const noticed = await hangNoticed(monitor, frozenAt, 8000);
      // At most one queue poll interval plus the command timeout (plus scheduling slack).
      assert.ok(noticed.afterMs < 500 + 1000 + 1000, `noticed after ${noticed.afterMs} ms`);
      assert.match(noticed.reason, /no answer within 1000 ms/);
      const watchNoticed = await waitFor(() => {
        const s = watchStatus();
        return s?.kind === 'reconnecting' ? s : undefined;
      }, 8000, 'the watch to notice the hang');
      assert.match(watchNoticed.reason, /no answer within 1000 ms/);

      // Reconnect attempts while it is still frozen fail on the connect timeout, saying so.
      await waitFor(() => monitor.status.kind === 'reconnecting' && /Cannot connect to Redis .*no answer within 1000 ms/.test(monitor.status.reason), 8000, 'a failed reconnect');

      const started = Date.now();
      const cli = await runCli(['--broker', redis.url(0), '--timeout', '1000', 'ping'], {}, { timeoutMs: 15_000 });
      const cliMs = Date.now() - started;
      assert.equal(cli.code, 1, cli.stderr);
      assert.match(cli.stderr, /Cannot connect to Redis redis:\/\/127\.0\.0\.1:\d+\/0 .*no answer within 1000 ms/);
      assert.ok(cliMs < 4000, `the CLI took ${cliMs} ms`);
    });
    await waitFor(() => monitor.status.kind === 'connected', 10_000, 'the monitor to reconnect after SIGCONT');
    await waitFor(() => watchStatus()?.kind === 'connected', 15_000, 'the watch to reconnect after SIGCONT');
    assert.equal(await watch.stop('SIGINT'), 0, watch.stderr());
    assert.ok(monitor.health.reconnects >= 1);
    // Events flow again on the new session.
    const client = new Redis(redis.port, '127.0.0.1');
    try {
      const before = monitor.health.events;
      await waitFor(async () => {
        await client.publish('/0.celeryev/worker.heartbeat', heartbeatEnvelope('hang@test'));
        return monitor.health.events > before;
      }, 5000, 'an event after the recovery', 200);
      assert.ok(monitor.state.workers.has('hang@test'));
    } finally {
      client.disconnect();
    }
    const cli = await runCli(['--broker', redis.url(0), '--timeout', '1000', 'queues'], {}, { timeoutMs: 15_000 });
    assert.equal(cli.code, 0, cli.stderr);
  });
});

function heartbeatEnvelope(hostname: string): string {
  const event = { type: 'worker-heartbeat', hostname, timestamp: Date.now() / 1000, utcoffset: 0, pid: 1, clock: 1, freq: 2, active: 0, processed: 0 };
  return buildRedisEnvelope({
    body: Buffer.from(JSON.stringify(event)), contentType: 'application/json', contentEncoding: 'utf-8',
    headers: { hostname }, properties: {}, exchange: 'celeryev', routingKey: 'worker.heartbeat',
  }, randomUUID());
}
