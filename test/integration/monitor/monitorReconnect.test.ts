import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import Redis from 'ioredis';
import { buildRedisEnvelope } from '../../../src/core/celery/rawMessage';
import { encodeTaskMessage } from '../../../src/core/celery/taskEncoder';
import type { ConnectionStatus } from '../../../src/core/monitor/monitorTypes';
import { privateRedis, type PrivateRedis } from '../faults/privateRedis';
import { getCluster, sleep, testRunDir, waitFor } from '../support';
import { monitorFor, stopAllMonitors } from './monitorSupport';

/** Push a task message the way kombu does (binding set + LPUSH); returns its id. */
async function pushTask(client: Redis, queue: string): Promise<string> {
  await client.sadd(`_kombu.binding.${queue}`, `${queue}\x06\x16\x06\x16${queue}`);
  const message = encodeTaskMessage({ name: 'lens_testapp.tasks.add', args: [1, 2], queue });
  await client.lpush(queue, buildRedisEnvelope(message, randomUUID()));
  return message.headers.id as string;
}

async function publishHeartbeat(client: Redis, hostname: string): Promise<void> {
  const event = { type: 'worker-heartbeat', hostname, timestamp: Date.now() / 1000, utcoffset: 0, pid: 1, clock: 1, freq: 2, active: 0, processed: 0 };
  const envelope = buildRedisEnvelope({
    body: Buffer.from(JSON.stringify(event)), contentType: 'application/json', contentEncoding: 'utf-8',
    headers: { hostname }, properties: {}, exchange: 'celeryev', routingKey: 'worker.heartbeat',
  }, randomUUID());
  await client.publish('/0.celeryev/worker.heartbeat', envelope);
}

describe('(integration) ClusterMonitor reconnects after a Redis restart, and to a late result backend', function () {
  this.timeout(90_000);
  let server: PrivateRedis;
  let port: number;
  const clients: Redis[] = [];

  function client(): Redis {
    const c = new Redis({ port, maxRetriesPerRequest: 1 });
    c.on('error', () => undefined);
    clients.push(c);
    return c;
  }

  before(async () => {
    server = await privateRedis(path.join(testRunDir(), `redis-reconnect-${Date.now()}`));
    port = server.port;
    await server.start();
  });

  after(async () => {
    await stopAllMonitors();
    clients.forEach((c) => c.disconnect());
    await server?.destroy();
  });

  it('goes reconnecting when the server dies, comes back connected, resubscribes and backfills again', async () => {
    const before = client();
    const queuedBefore = await pushTask(before, 'reconnect-q');
    const { monitor } = monitorFor({ brokerUrl: `redis://127.0.0.1:${port}/0`, backendUrl: '' });
    const statuses: ConnectionStatus[] = [];
    monitor.onDidChangeStatus((s) => statuses.push(s));
    await monitor.start();
    assert.equal(monitor.status.kind, 'connected');
    assert.equal(monitor.state.tasks.get(queuedBefore)?.state, 'PENDING');

    await server.kill();
    await waitFor(() => monitor.status.kind === 'reconnecting', 10_000, 'reconnecting after the server died');
    const lost = statuses.find((s) => s.kind === 'reconnecting');
    assert.ok(lost && lost.kind === 'reconnecting' && lost.attempt === 1, JSON.stringify(statuses));
    await sleep(1500);
    const down = monitor.status as ConnectionStatus;
    assert.ok(down.kind === 'reconnecting' && down.attempt >= 2, `retrying while down: ${JSON.stringify(down)}`);

    await server.start();
    const after = client();
    // The restarted server is empty (no persistence): this task exists only after the restart.
    const queuedAfter = await pushTask(after, 'reconnect-q');
    await waitFor(() => monitor.status.kind === 'connected', 15_000, 'connected again');
    assert.equal(monitor.health.reconnects, 1);
    assert.equal(monitor.state.tasks.get(queuedAfter)?.state, 'PENDING', 'backfilled again on reconnect');
    assert.ok(monitor.state.tasks.has(queuedBefore), 'what was known before is kept');

    await waitFor(async () => {
      await publishHeartbeat(after, 'ghost@reconnect');
      return monitor.state.workers.has('ghost@reconnect');
    }, 10_000, 'events after the reconnect');
    assert.ok(monitor.isWorkerOnline('ghost@reconnect'));
    await monitor.stop();
    assert.deepEqual(monitor.status, { kind: 'idle' });
  });

  it('a result backend that comes up later is connected in the background and backfilled', async () => {
    const cluster = getCluster('redis');
    const backendServer = await privateRedis(path.join(testRunDir(), `redis-backend-${Date.now()}`));
    const backendPort = backendServer.port;
    const { monitor } = monitorFor({ brokerUrl: cluster.brokerUrl, backendUrl: `redis://127.0.0.1:${backendPort}/0` });
    await monitor.start();
    assert.equal(monitor.status.kind, 'connected');
    assert.match(monitor.health.backendProblem ?? '', /ECONNREFUSED/);
    await backendServer.start();
    try {
      const id = randomUUID();
      const writer = new Redis({ port: backendPort, maxRetriesPerRequest: 1 });
      await writer.set(`celery-task-meta-${id}`, JSON.stringify({ status: 'SUCCESS', result: 'late', traceback: null, children: [], task_id: id, date_done: null }));
      writer.disconnect();
      await waitFor(() => monitor.backend !== undefined, 20_000, 'the backend connected');
      assert.equal(monitor.health.backendProblem, undefined);
      await waitFor(() => monitor.state.tasks.get(id)?.result === 'late', 10_000, 'stored results backfilled');
      await monitor.stop();
    } finally {
      await backendServer.destroy();
    }
  });
});
