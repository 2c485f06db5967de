import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as amqp from 'amqplib';
import { AmqpBroker } from '../../../src/core/broker/amqp/amqpBroker';
import { ClusterMonitor } from '../../../src/core/monitor/clusterMonitor';
import { parseConnectionUrl, type AmqpConnectionUrl } from '../../../src/core/url/connectionUrl';
import { startCli, testRunDir, waitFor } from '../support';
import { privateRabbit, type PrivateRabbit } from './privateRabbit';

/** One `watch --json` frame's health. */
interface FrameHealth {
  events: number;
  eventsLost: number;
  blocked?: string;
}

/**
 * Overload and alarms on RabbitMQ, on a private node: events that expire in our event queue
 * (we fell behind for longer than its 5 s TTL) are counted exactly, and a connection blocked by a
 * resource alarm shows in the health until unblocked.
 */
describe('(integration) RabbitMQ event gaps: expired events and blocked connections', function () {
  this.timeout(60_000);
  let node: PrivateRabbit;
  let url: string;

  before(async () => {
    node = await privateRabbit(path.join(testRunDir(), `rabbit-gaps-${process.pid}`));
    await node.start();
    url = `amqp://guest:guest@127.0.0.1:${node.amqpPort}//`;
  });

  after(async () => {
    await node?.destroy();
  });

  it("declares Celery's event queue arguments, dead-lettering into a side queue that is purged", async () => {
    const broker = new AmqpBroker(parseConnectionUrl(url) as AmqpConnectionUrl);
    try {
      await broker.connect();
      const subscription = await broker.subscribeEvents(() => undefined);
      const listed = await node.ctl(['list_queues', 'name', 'arguments', 'exclusive', 'auto_delete']);
      const line = listed.stdout.split('\n').find((l) => l.startsWith(subscription.queueName ?? '?')) ?? '';
      assert.match(line, /x-message-ttl.*5000/);
      assert.match(line, /x-expires.*60000/);
      assert.match(line, /x-dead-letter-routing-key.*celery-lens\.lost-events\./);
      assert.match(line, /\ttrue\ttrue$/, 'exclusive, auto-delete');
      await subscription.close();
    } finally {
      await broker.close();
    }
  });

  it('events that expire while the watch hangs are counted exactly, not lost silently', async () => {
    const watch = startCli(['--broker', url, '--timeout', '2000', '--json', 'watch', '--interval', '0.5']);
    const health = (): FrameHealth | undefined => {
      const frames = watch.stdout().split('\n').filter((l) => l.startsWith('{'));
      return frames.length ? (JSON.parse(frames[frames.length - 1]) as { health: FrameHealth }).health : undefined;
    };
    try {
      await waitFor(() => health() !== undefined, 15_000, 'the first frame');
      const pid = watch.child.pid;
      assert.ok(pid !== undefined);
      process.kill(pid, 'SIGSTOP');
      const total = 40_000;
      try {
        // More than the sockets' buffers hold: most of it waits in the queue past the 5 s TTL.
        const conn = await amqp.connect(url);
        const channel = await conn.createConfirmChannel();
        const body = Buffer.from(JSON.stringify({ type: 'worker-heartbeat', hostname: 'flood@test', timestamp: Date.now() / 1000, clock: 1, utcoffset: 0, pid: 1, freq: 2, pad: 'x'.repeat(900) }));
        for (let i = 0; i < total; i++) {
          channel.publish('celeryev', 'worker.heartbeat', body, { contentType: 'application/json', contentEncoding: 'utf-8' });
        }
        await channel.waitForConfirms();
        await conn.close();
        await new Promise((resolve) => setTimeout(resolve, 6500));
      } finally {
        process.kill(pid, 'SIGCONT');
      }
      const counted = await waitFor(() => {
        const h = health();
        return h && h.eventsLost > 0 && h.events + h.eventsLost >= total ? h : undefined;
      }, 20_000, `received + lost to add up to ${total} (${JSON.stringify(health())})`);
      assert.equal(counted.events + counted.eventsLost, total, JSON.stringify(counted));
      assert.match(watch.stdout(), /RabbitMQ dropped \d+ event\(s\) that waited in the event queue longer than its 5 s TTL/);
      console.log(`      (of ${total} events: ${counted.events} received, ${counted.eventsLost} expired and counted)`);
    } finally {
      await watch.stop('SIGKILL');
    }
  });

  it('a connection blocked by a memory alarm shows in the health until the alarm clears', async () => {
    const monitor = new ClusterMonitor({
      name: 'blocked',
      brokerUrl: parseConnectionUrl(url),
      settings: { inspectIntervalMs: 500, controlTimeoutMs: 200, commandTimeoutMs: 2000 },
    });
    const ctl = (...args: string[]): Promise<unknown> => node.ctl(args);
    try {
      await monitor.start();
      assert.equal(monitor.status.kind, 'connected');
      await ctl('set_vm_memory_high_watermark', 'absolute', '1');
      // The next inspect publishes, and RabbitMQ blocks the publishing connection.
      await waitFor(() => monitor.health.blocked, 15_000, 'health.blocked');
      assert.match(monitor.health.blocked ?? '', /memory|low on/i);
      assert.ok(monitor.health.recentErrors.some((e) => /RabbitMQ blocked the connection/.test(e.message)));
      await ctl('set_vm_memory_high_watermark', '0.4');
      await waitFor(() => monitor.health.blocked === undefined, 15_000, 'unblocked');
    } finally {
      await ctl('set_vm_memory_high_watermark', '0.4');
      await monitor.stop();
    }
  });
});
