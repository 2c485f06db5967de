import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ConnectionStatus } from '../../../src/core/monitor/monitorTypes';
import { startCli, testRunDir, waitFor, type CliSession } from '../support';
import { faultMonitor } from './faultMonitor';
import { amqpEventPublisher, redisEventPublisher, type EventPublisher } from './eventPublisher';
import { privateRabbit } from './privateRabbit';
import { privateRedis } from './privateRedis';

/** One `watch --json` frame. */
interface Frame {
  connection: ConnectionStatus;
  tasks: Array<{ id: string; state: string }>;
  workers: Array<{ hostname: string }>;
}

function frames(cli: CliSession): Frame[] {
  return cli.stdout().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Frame);
}

function lastFrame(cli: CliSession): Frame | undefined {
  return frames(cli).at(-1);
}

/** A broker the test can restart, with the URLs to reach it. */
interface Restartable {
  brokerUrl: string;
  backendUrl?: string;
  publisher(): EventPublisher;
  restart(): Promise<void>;
}

const HOST = 'restart-worker@test';

/**
 * The broker restarts under a connected ClusterMonitor and a running `celery-lens watch`: both go
 * reconnecting, come back with backoff, and the tasks they knew keep their ids and states (no
 * duplicates); tasks that progress after the restart are followed.
 */
async function restartScenario(broker: Restartable): Promise<void> {
  const { monitor, statuses } = faultMonitor('restart', broker.brokerUrl, broker.backendUrl);
  const args = ['--broker', broker.brokerUrl, ...(broker.backendUrl ? ['--backend', broker.backendUrl] : []), '--timeout', '1000', '--json', 'watch', '--interval', '0.3'];
  let cli: CliSession | undefined;
  const publisher = broker.publisher();
  try {
    await monitor.start();
    assert.equal(monitor.status.kind, 'connected');
    cli = startCli(args);
    const session = cli;
    await waitFor(() => lastFrame(session)?.connection.kind === 'connected', 15_000, 'the watch to connect');

    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    await publisher.heartbeat(HOST);
    await publisher.received(a, HOST, true);
    await publisher.succeeded(a, HOST);
    await publisher.received(b, HOST, true);
    await waitFor(() => monitor.state.tasks.get(b)?.state === 'STARTED' && monitor.state.tasks.get(a)?.state === 'SUCCESS', 5000, 'the monitor to see A and B');
    await waitFor(() => {
      const tasks = lastFrame(session)?.tasks ?? [];
      return tasks.some((t) => t.id === a && t.state === 'SUCCESS') && tasks.some((t) => t.id === b && t.state === 'STARTED');
    }, 5000, 'the watch to show A and B');

    const restartedAt = Date.now();
    await broker.restart();
    const downFor = Date.now() - restartedAt;
    await waitFor(() => monitor.status.kind === 'connected' && statuses.some((s) => s.kind === 'reconnecting'), 20_000, 'the monitor to reconnect');
    const cliSawDown = await waitFor(() => frames(session).some((f) => f.connection.kind === 'reconnecting'), 5000, 'the watch to show reconnecting');
    await waitFor(() => lastFrame(session)?.connection.kind === 'connected', 20_000, 'the watch to reconnect');
    assert.ok(cliSawDown);
    assert.ok(monitor.health.reconnects >= 1);
    const reconnectedIn = Date.now() - restartedAt;

    await publisher.succeeded(b, HOST);
    await publisher.received(c, HOST, true);
    await publisher.succeeded(c, HOST);
    await publisher.heartbeat(HOST);
    await waitFor(() => [a, b, c].every((id) => monitor.state.tasks.get(id)?.state === 'SUCCESS'), 5000, 'the monitor to follow B and C');
    assert.equal(monitor.state.tasks.size, 3, 'no duplicate or phantom tasks');
    await waitFor(() => {
      const tasks = lastFrame(session)?.tasks ?? [];
      return tasks.length === 3 && [a, b, c].every((id) => tasks.some((t) => t.id === id && t.state === 'SUCCESS'));
    }, 5000, 'the watch to show A, B and C succeeded, once each');
    assert.equal(await session.stop('SIGINT'), 0, `watch did not exit cleanly: ${session.stderr()}`);
    // Recorded in the test output, to keep an eye on the reconnect time.
    console.log(`      (broker down for ${downFor} ms; both reconnected ${reconnectedIn - downFor} ms after it was back)`);
  } finally {
    await cli?.stop('SIGKILL');
    await publisher.close();
    await monitor.stop();
  }
}

describe('(integration) broker restarts under a ClusterMonitor and `celery-lens watch`', function () {
  this.timeout(90_000);
  const cleanups: Array<() => Promise<void>> = [];
  after(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup().catch(() => undefined);
  });

  it('Redis (killed and restarted on the same port)', async () => {
    const redis = await privateRedis(path.join(testRunDir(), `redis-restart-${process.pid}`));
    cleanups.push(() => redis.destroy());
    await redis.start();
    await restartScenario({
      brokerUrl: redis.url(0),
      backendUrl: redis.url(1),
      publisher: () => redisEventPublisher(redis.port, 0),
      async restart() {
        await redis.kill();
        await new Promise((resolve) => setTimeout(resolve, 1500));
        await redis.start();
      },
    });
  });

  it('RabbitMQ (a private node stopped and started again)', async () => {
    const dir = path.join(testRunDir(), `rabbit-restart-${process.pid}`);
    fs.mkdirSync(dir, { recursive: true });
    const node = await privateRabbit(dir);
    cleanups.push(() => node.destroy());
    await node.start();
    await restartScenario({
      brokerUrl: `amqp://guest:guest@127.0.0.1:${node.amqpPort}//`,
      publisher: () => amqpEventPublisher(`amqp://guest:guest@127.0.0.1:${node.amqpPort}/`),
      async restart() {
        await node.stop();
        await node.start();
      },
    });
  });
});
