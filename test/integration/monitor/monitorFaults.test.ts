import * as assert from 'node:assert/strict';
import type { ConnectionStatus } from '../../../src/core/monitor/monitorTypes';
import { getCluster, redisFor, waitFor, type TestCluster } from '../support';
import { lensClientCount, monitorFor, sendTask, stopAllMonitors, waitForTask } from './monitorSupport';

function withCredentials(url: string, user: string, password: string): string {
  const u = new URL(url);
  u.username = user;
  u.password = password;
  return u.toString();
}

/** RabbitMQ management API (the test cluster's), for listing and closing connections. */
function managementApi(cluster: TestCluster) {
  const base = new URL(cluster.managementUrl ?? 'http://guest:guest@127.0.0.1:15672');
  const auth = `Basic ${Buffer.from(`${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`).toString('base64')}`;
  const call = (path: string, init: RequestInit = {}) => fetch(new URL(path, `${base.protocol}//${base.host}`), { ...init, headers: { authorization: auth } });
  return {
    /** Names of connections Celery Lens opened (client property connection_name). */
    async lensConnections(): Promise<string[]> {
      const res = await call('/api/connections?columns=name,client_properties');
      const list = (await res.json()) as Array<{ name: string; client_properties?: { connection_name?: string } }>;
      return list.filter((c) => c.client_properties?.connection_name === 'celery-lens').map((c) => c.name);
    },
    async close(name: string): Promise<void> {
      const res = await call(`/api/connections/${encodeURIComponent(name)}`, { method: 'DELETE', headers: { 'X-Reason': 'celery-lens test' } } as RequestInit);
      assert.ok(res.ok || res.status === 404, `closing ${name}: HTTP ${res.status}`);
    },
  };
}

function reasonOf(status: ConnectionStatus): string {
  return 'reason' in status ? status.reason : '';
}

describe('(integration) ClusterMonitor faults', function () {
  this.timeout(90_000);

  afterEach(async () => {
    await stopAllMonitors();
  });

  it('a wrong Redis password: status error with the reason (no password), retried with backoff', async () => {
    const cluster = getCluster('redis');
    const { monitor, logs } = monitorFor({ brokerUrl: withCredentials(cluster.brokerUrl, 'lens-nobody', 'Sup3rSecretPw'), backendUrl: '' });
    await monitor.start();
    const status = monitor.status;
    assert.equal(status.kind, 'error', JSON.stringify(status));
    assert.match(reasonOf(status), /WRONGPASS/);
    assert.ok(status.kind === 'error' && status.attempt === 1 && (status.retryAt ?? 0) > Date.now() - 1000, JSON.stringify(status));
    await waitFor(() => monitor.status.kind === 'error' && (monitor.status.attempt ?? 0) >= 3, 10_000, 'more retries');
    const shown = JSON.stringify([monitor.status, logs, monitor.health]);
    assert.ok(!shown.includes('Sup3rSecretPw'), shown);
    await monitor.stop();
    assert.deepEqual(monitor.status, { kind: 'idle' });
  });

  it('a wrong RabbitMQ password and a missing vhost: status error, reason without the password', async () => {
    const cluster = getCluster('amqp');
    const wrong = monitorFor({ brokerUrl: withCredentials(cluster.brokerUrl, 'guest', 'Wr0ngPassw0rd'), backendUrl: '' }).monitor;
    await wrong.start();
    assert.equal(wrong.status.kind, 'error', JSON.stringify(wrong.status));
    assert.match(reasonOf(wrong.status), /ACCESS.REFUSED/);
    assert.ok(!reasonOf(wrong.status).includes('Wr0ngPassw0rd'));
    const url = new URL(cluster.brokerUrl);
    url.pathname = '/lens-no-such-vhost';
    const novhost = monitorFor({ brokerUrl: url.toString(), backendUrl: '' }).monitor;
    await novhost.start();
    assert.equal(novhost.status.kind, 'error', JSON.stringify(novhost.status));
    assert.match(reasonOf(novhost.status), /virtual host "lens-no-such-vhost"/);
  });

  it('a refused port: reconnecting with growing attempts', async () => {
    const { monitor } = monitorFor({ brokerUrl: 'redis://127.0.0.1:1/0', backendUrl: '' });
    await monitor.start();
    assert.equal(monitor.status.kind, 'reconnecting');
    assert.match(reasonOf(monitor.status), /ECONNREFUSED/);
    await waitFor(() => monitor.status.kind === 'reconnecting' && monitor.status.attempt >= 3, 10_000, 'attempt 3');
  });

  it('an unreachable result backend does not fail the broker connection', async () => {
    const cluster = getCluster('redis');
    const { monitor, logs } = monitorFor({ brokerUrl: cluster.brokerUrl, backendUrl: 'redis://127.0.0.1:1/0' });
    await monitor.start();
    assert.equal(monitor.status.kind, 'connected');
    assert.match(monitor.health.backendProblem ?? '', /ECONNREFUSED/);
    assert.ok(logs.some((l) => /result backend/.test(l.message)), JSON.stringify(logs));
    assert.equal(monitor.backend, undefined);
    await waitFor(() => cluster.workers.every((w) => monitor.isWorkerOnline(w)), 15_000, 'workers still seen');
    const id = await sendTask(monitor, { name: 'lens_testapp.tasks.add', args: [4, 4], queue: 'celery' });
    await waitForTask(monitor, id, (t) => t.state === 'SUCCESS' && t.result === '8', 'SUCCESS from events alone');
  });

  it('stop() leaves no Redis connection behind', async () => {
    const cluster = getCluster('redis');
    const admin = redisFor(cluster.backendUrl);
    const before = await lensClientCount(admin);
    const { monitor } = monitorFor(cluster);
    await monitor.start();
    await monitor.refresh();
    const during = await lensClientCount(admin);
    assert.ok(during >= before + 3, `broker, event subscriber, backend and result subscriber open (before ${before}, during ${during})`);
    await monitor.stop();
    await waitFor(async () => (await lensClientCount(admin)) === before, 5000, `connections back to ${before}`);
  });

  it('stop() leaves no RabbitMQ (nor backend) connection behind', async function () {
    const cluster = getCluster('amqp');
    if (!cluster.managementUrl) this.skip();
    const api = managementApi(cluster);
    const admin = redisFor(cluster.backendUrl);
    const amqpBefore = (await api.lensConnections()).length;
    const redisBefore = await lensClientCount(admin);
    const { monitor } = monitorFor(cluster);
    await monitor.start();
    await waitFor(async () => (await api.lensConnections()).length > amqpBefore, 10_000, 'our AMQP connection listed');
    await monitor.stop();
    await waitFor(async () => (await api.lensConnections()).length === amqpBefore, 10_000, 'AMQP connections back to before');
    await waitFor(async () => (await lensClientCount(admin)) === redisBefore, 5000, 'Redis connections back to before');
  });

  it('RabbitMQ closing our connection: reconnecting, then connected again with events flowing', async function () {
    const cluster = getCluster('amqp');
    if (!cluster.managementUrl) this.skip();
    const api = managementApi(cluster);
    const before = new Set(await api.lensConnections());
    const { monitor } = monitorFor(cluster);
    const statuses: ConnectionStatus[] = [];
    monitor.onDidChangeStatus((s) => statuses.push(s));
    await monitor.start();
    const ours = await waitFor(async () => {
      const mine = (await api.lensConnections()).filter((n) => !before.has(n));
      return mine.length ? mine : undefined;
    }, 10_000, 'our connection');
    for (const name of ours) await api.close(name);
    await waitFor(() => statuses.some((s) => s.kind === 'reconnecting'), 10_000, 'reconnecting');
    const dropped = statuses.find((s) => s.kind === 'reconnecting');
    assert.match(reasonOf(dropped!), /connection lost|closed|CONNECTION_FORCED/i);
    await waitFor(() => monitor.status.kind === 'connected', 15_000, 'connected again');
    assert.equal(monitor.health.reconnects, 1);
    const id = await sendTask(monitor, { name: 'lens_testapp.tasks.add', args: [9, 9], queue: 'celery' });
    const task = await waitForTask(monitor, id, (t) => t.state === 'SUCCESS', 'a task after the reconnect');
    assert.ok(task.history.some((h) => h.type === 'task-started'), 'events resumed after the reconnect');
  });
});
