import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Redis from 'ioredis';
import { buildRedisEnvelope } from '../../../src/core/celery/rawMessage';
import { encodeTaskMessage } from '../../../src/core/celery/taskEncoder';
import type { ConnectionStatus } from '../../../src/core/monitor/monitorTypes';
import { freePort } from '../support/net';
import { startLogged, stopProcess, type ManagedProcess } from '../support/processes';
import { getCluster, sleep, testRunDir, waitFor } from '../support';
import { monitorFor, stopAllMonitors } from './monitorSupport';

/** A throwaway redis-server (no persistence) that this test may kill and restart. */
async function startRedis(port: number, dir: string): Promise<ManagedProcess> {
  const proc = startLogged('redis-reconnect', 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
    logFile: path.join(dir, 'redis-server.log'),
  });
  await waitFor(async () => {
    const probe = new Redis({ port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      return (await probe.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      probe.disconnect();
    }
  }, 10_000, `redis-server on ${port}`);
  return proc;
}

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
  let server: ManagedProcess | undefined;
  let port: number;
  let dir: string;
  const clients: Redis[] = [];

  function client(): Redis {
    const c = new Redis({ port, maxRetriesPerRequest: 1 });
    c.on('error', () => undefined);
    clients.push(c);
    return c;
  }

  before(async () => {
    port = await freePort();
    dir = path.join(testRunDir(), `redis-reconnect-${port}`);
    fs.mkdirSync(dir, { recursive: true });
    server = await startRedis(port, dir);
  });

  after(async () => {
    await stopAllMonitors();
    clients.forEach((c) => c.disconnect());
    if (server) await stopProcess(server, 2000);
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

    await stopProcess(server!, 0, 'SIGKILL');
    server = undefined;
    await waitFor(() => monitor.status.kind === 'reconnecting', 10_000, 'reconnecting after the server died');
    const lost = statuses.find((s) => s.kind === 'reconnecting');
    assert.ok(lost && lost.kind === 'reconnecting' && lost.attempt === 1, JSON.stringify(statuses));
    await sleep(1500);
    const down = monitor.status as ConnectionStatus;
    assert.ok(down.kind === 'reconnecting' && down.attempt >= 2, `retrying while down: ${JSON.stringify(down)}`);

    server = await startRedis(port, dir);
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
    const backendPort = await freePort();
    const { monitor } = monitorFor({ brokerUrl: cluster.brokerUrl, backendUrl: `redis://127.0.0.1:${backendPort}/0` });
    await monitor.start();
    assert.equal(monitor.status.kind, 'connected');
    assert.match(monitor.health.backendProblem ?? '', /ECONNREFUSED/);
    const backendDir = path.join(testRunDir(), `redis-backend-${backendPort}`);
    fs.mkdirSync(backendDir, { recursive: true });
    const backendServer = await startRedis(backendPort, backendDir);
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
      await stopProcess(backendServer, 2000);
    }
  });
});
