import * as assert from 'node:assert/strict';
import { AmqpBroker, type AmqpEventSubscription } from '../../src/core/broker/amqp/amqpBroker';
import type { BrokerNotice } from '../../src/core/broker/brokerNotices';
import { ManagementClient } from '../../src/core/broker/amqp/managementClient';
import { decodeEventMessage } from '../../src/core/celery/events';
import { isUndecodable, type RawMessage, type Undecodable } from '../../src/core/celery/rawMessage';
import { encodeTaskMessage } from '../../src/core/celery/taskEncoder';
import type { CeleryEvent } from '../../src/core/celery/types';
import { parseConnectionUrl, type AmqpConnectionUrl } from '../../src/core/url/connectionUrl';
import { celeryPythonJson, getCluster, run, waitFor, type TestCluster } from './support';

function amqpUrl(text: string): AmqpConnectionUrl {
  return parseConnectionUrl(text) as AmqpConnectionUrl;
}

describe('(integration) AMQP broker: connection, remote control, events, publish', function () {
  this.timeout(60_000);
  let cluster: TestCluster;
  let broker: AmqpBroker;
  let management: ManagementClient;
  let vhost: string;

  before(async () => {
    cluster = getCluster('amqp');
    assert.ok(cluster.managementUrl, 'the amqp test cluster has a management URL');
    const url = amqpUrl(cluster.brokerUrl);
    vhost = url.vhost;
    broker = new AmqpBroker(url, { managementUrl: cluster.managementUrl, connectTimeoutMs: 5000 });
    await broker.connect();
    management = new ManagementClient(cluster.managementUrl, 5000);
  });

  after(async () => {
    await broker?.close();
  });

  async function replyQueuesLeft(): Promise<string[]> {
    return (await management.listQueues(vhost)).map((q) => q.name).filter((n) => n.endsWith('.reply.celery.pidbox'));
  }

  it('refuses a wrong password with an error that does not contain it', async () => {
    const bad = new AmqpBroker(amqpUrl(cluster.brokerUrl.replace('guest:guest@', 'guest:Wr0ngPassw0rd@')), { connectTimeoutMs: 5000 });
    await assert.rejects(bad.connect(), (err: unknown) => {
      assert.match((err as Error).message, /ACCESS.REFUSED/);
      assert.match((err as Error).message, /guest:\*\*\*@/);
      assert.doesNotMatch((err as Error).message, /Wr0ngPassw0rd/);
      return true;
    });
    await bad.close();
    await bad.close();
  });

  it('names a missing vhost', async () => {
    const bad = new AmqpBroker(amqpUrl(cluster.brokerUrl.replace(/\/[^/]*$/, '/lens-no-such-vhost')), { connectTimeoutMs: 5000 });
    await assert.rejects(bad.connect(), /virtual host "lens-no-such-vhost"/);
    await bad.close();
  });

  it('pings every worker, returns as soon as all answered, and removes its reply queue', async () => {
    const began = Date.now();
    const { replies, errors } = await broker.broadcast('ping', {}, { timeoutMs: 10_000, limit: cluster.workers.length, reply: true });
    assert.ok(Date.now() - began < 5000, 'did not wait for the full timeout');
    assert.deepEqual(errors, []);
    assert.deepEqual(replies.map((r) => r.hostname).sort(), [...cluster.workers].sort());
    for (const r of replies) {
      assert.deepEqual(r.reply, { ok: 'pong' });
      assert.ok(r.elapsedMs >= 0 && r.elapsedMs < 5000, `elapsedMs ${r.elapsedMs}`);
    }
    assert.deepEqual(await replyQueuesLeft(), []);
  });

  it('collects stats and active_queues from both workers', async () => {
    const stats = await broker.broadcast('stats', {}, { timeoutMs: 5000, limit: cluster.workers.length, reply: true });
    assert.deepEqual(stats.replies.map((r) => r.hostname).sort(), [...cluster.workers].sort());
    for (const r of stats.replies) {
      const s = r.reply as { pid: number; broker: { transport: string; virtual_host: string } };
      assert.equal(typeof s.pid, 'number');
      assert.equal(s.broker.transport, 'amqp');
      assert.equal(s.broker.virtual_host, vhost);
    }
    const aq = await broker.broadcast('active_queues', {}, { timeoutMs: 5000, limit: cluster.workers.length, reply: true });
    assert.deepEqual(aq.replies.map((r) => r.hostname).sort(), [...cluster.workers].sort());
    for (const r of aq.replies) {
      const queues = r.reply as Array<{ name: string; queue_arguments: Record<string, unknown> | null }>;
      assert.deepEqual(queues.map((q) => q.name).sort(), [...cluster.queues].sort());
      assert.deepEqual(queues.find((q) => q.name === 'priority')?.queue_arguments, { 'x-max-priority': 10 });
    }
    assert.deepEqual(await replyQueuesLeft(), []);
  });

  it('asks only the destination, and keeps concurrent calls apart', async () => {
    const one = await broker.broadcast('ping', {}, { destination: [cluster.workers[0]], timeoutMs: 1500, reply: true });
    assert.deepEqual(one.replies.map((r) => r.hostname), [cluster.workers[0]]);
    // Each call has its own reply queue and ticket: three at once must each get both workers.
    const all = await Promise.all([1, 2, 3].map(() => broker.broadcast('ping', {}, { timeoutMs: 5000, limit: cluster.workers.length, reply: true })));
    for (const r of all) assert.deepEqual(r.replies.map((x) => x.hostname).sort(), [...cluster.workers].sort());
    assert.deepEqual(await replyQueuesLeft(), []);
  });

  it('waits the whole timeout when fewer workers answer than asked for', async () => {
    const began = Date.now();
    const r = await broker.broadcast('ping', {}, { destination: ['nobody@nowhere'], timeoutMs: 800, reply: true });
    assert.deepEqual(r.replies, []);
    assert.ok(Date.now() - began >= 750);
  });

  describe('events', () => {
    let subscription: AmqpEventSubscription;
    const events: CeleryEvent[] = [];
    const undecodable: Undecodable[] = [];

    before(async () => {
      subscription = await broker.subscribeEvents((message: RawMessage | Undecodable) => {
        if (isUndecodable(message)) {
          undecodable.push(message);
          return;
        }
        const decoded = decodeEventMessage(message, message.deliveryInfo.routingKey ?? '?');
        events.push(...decoded.events);
        undecodable.push(...decoded.errors);
      });
    });

    after(async () => {
      await subscription?.close();
    });

    it('declares a celeryev.<uuid> queue shaped like Celery\'s receiver', async () => {
      const name = subscription.queueName ?? '';
      assert.match(name, /^celeryev\.[0-9a-f-]{36}$/);
      const q = (await management.getQueue(vhost, name)) as unknown as {
        exclusive: boolean; auto_delete: boolean; durable: boolean; arguments: Record<string, unknown>;
      };
      assert.equal(q.exclusive, true);
      assert.equal(q.auto_delete, true);
      assert.equal(q.durable, false);
      // Celery's TTL and expiry, plus dead-lettering into our side queue that counts dropped events.
      const { 'x-dead-letter-exchange': dlx, 'x-dead-letter-routing-key': dlq, ...celerys } = q.arguments as Record<string, unknown>;
      assert.deepEqual(celerys, { 'x-message-ttl': 5000, 'x-expires': 60000 });
      assert.equal(dlx, '');
      assert.match(String(dlq), /^celery-lens\.lost-events\./);
    });

    it('receives worker heartbeats from both workers within a few seconds', async () => {
      const began = Date.now();
      await waitFor(() => cluster.workers.every((w) => events.some((e) => e.type === 'worker-heartbeat' && e.hostname === w)), 5000, 'a heartbeat from each worker');
      assert.ok(Date.now() - began < 4500);
      assert.deepEqual(undecodable, []);
    });

    it('a heartbeat cast (no reply) makes the workers send a freq 5 heartbeat', async () => {
      const r = await broker.broadcast('heartbeat', {}, { timeoutMs: 0, reply: false });
      assert.deepEqual(r, { replies: [], errors: [] });
      await waitFor(() => cluster.workers.every((w) => events.some((e) => e.type === 'worker-heartbeat' && e.hostname === w && e.freq === 5)), 5000, 'requested heartbeats');
    });

    it('publishes a task that a real worker runs, and sees its events', async () => {
      const message = encodeTaskMessage({ name: 'lens_testapp.tasks.add', args: [20, 22] });
      const id = message.headers.id as string;
      await broker.publish(message);
      const result = await celeryPythonJson<number>(`print(json.dumps(result_of(${JSON.stringify(id)}, 20)))`, cluster);
      assert.equal(result, 42);
      await waitFor(() => events.some((e) => e.type === 'task-succeeded' && e.uuid === id), 5000, 'task-succeeded event');
      const received = events.find((e) => e.type === 'task-received' && e.uuid === id);
      assert.equal(received?.name, 'lens_testapp.tasks.add');
      assert.equal(received?.args, '(20, 22)');
      assert.ok(cluster.workers.includes(received?.hostname ?? ''));
    });

    it('resubscribes with a fresh queue when the server cancels the consumer', async function () {
      // Only the owner connection or rabbitmqctl may delete an exclusive queue (the HTTP API refuses).
      if (amqpUrl(cluster.brokerUrl).port !== 5672) this.skip();
      const before = subscription.queueName ?? '';
      const notices: BrokerNotice[] = [];
      const listening = broker.onNotice((notice) => notices.push(notice));
      try {
        const deletedAt = Date.now();
        const res = await run('rabbitmqctl', ['-q', '-p', vhost, 'delete_queue', before]);
        assert.equal(res.code, 0, res.stderr);
        await waitFor(() => subscription.queueName !== before, 5000, 'a new event queue');
        const since = events.length;
        await waitFor(() => events.slice(since).some((e) => e.type === 'worker-heartbeat'), 5000, 'heartbeats on the new queue');
        // The stretch without a queue is reported, so the monitor records it as an event gap.
        const cut = notices.find((n) => n.kind === 'events-interrupted');
        assert.ok(cut && cut.kind === 'events-interrupted', JSON.stringify(notices));
        assert.ok(cut.lostAt >= deletedAt - 1000 && cut.lostAt <= cut.resumedAt && cut.resumedAt <= Date.now(), JSON.stringify(cut));
        assert.match(cut.reason, /cancelled the event consumer/);
      } finally {
        listening.dispose();
      }
    });

    it('removes its event queue on close', async () => {
      const name = subscription.queueName ?? '';
      await subscription.close();
      const [info] = await broker.queueInfo([name]);
      assert.equal(info.exists, false);
    });
  });

  it('reports an unroutable message instead of dropping it silently', async () => {
    const message = encodeTaskMessage({ name: 'lens_testapp.tasks.add', args: [1, 1], queue: `lens-no-such-queue-${Date.now()}` });
    await assert.rejects(broker.publish(message), /could not route the message/);
  });

  it('reports oversized headers clearly and keeps publishing afterwards', async () => {
    const huge = encodeTaskMessage({ name: 'lens_testapp.tasks.add', args: [1, 2], headers: { blob: 'x'.repeat(70_000) } });
    await assert.rejects(broker.publish(huge), (err: unknown) => {
      assert.equal((err as { code?: string }).code, 'HEADERS_TOO_LARGE');
      assert.match((err as Error).message, /64 KiB/);
      return true;
    });
    const ok = encodeTaskMessage({ name: 'lens_testapp.tasks.add', args: [2, 2] });
    await broker.publish(ok);
    const result = await celeryPythonJson<number>(`print(json.dumps(result_of(${JSON.stringify(ok.headers.id)}, 20)))`, cluster);
    assert.equal(result, 4);
  });

  it('survives a failed passive declare running alongside other work', async () => {
    const [infos, ping] = await Promise.all([
      broker.queueInfo(['lens-missing-a', 'celery', 'lens-missing-b', 'priority']),
      broker.broadcast('ping', {}, { timeoutMs: 5000, limit: cluster.workers.length, reply: true }),
    ]);
    assert.deepEqual(infos.map((i) => [i.name, i.exists]), [['lens-missing-a', false], ['celery', true], ['lens-missing-b', false], ['priority', true]]);
    assert.equal(ping.replies.length, cluster.workers.length);
  });

  it('reconnects on the next call after the server closed the connection', async () => {
    // Find our own connection by the name we announce, and have the server close it.
    const api = `${cluster.managementUrl!.replace(/\/\/[^@]*@/, '//').replace(/\/+$/, '')}/api`;
    const headers = { authorization: 'Basic ' + Buffer.from('guest:guest').toString('base64') };
    // The management API lists a connection once its first statistics arrive (well under a second).
    const ours = await waitFor(async () => {
      const connections = await (await fetch(`${api}/vhosts/${encodeURIComponent(vhost)}/connections?columns=name,client_properties`, { headers }))
        .json() as Array<{ name: string; client_properties: { connection_name?: string } }>;
      const found = connections.filter((c) => c.client_properties.connection_name === 'celery-lens');
      return found.length ? found : undefined;
    }, 12_000, 'our connection in the management API');
    for (const c of ours) await fetch(`${api}/connections/${encodeURIComponent(c.name)}`, { method: 'DELETE', headers });
    await waitFor(async () => {
      const left = await (await fetch(`${api}/vhosts/${encodeURIComponent(vhost)}/connections?columns=name`, { headers })).json() as Array<{ name: string }>;
      return !left.some((c) => ours.some((o) => o.name === c.name));
    }, 5000, 'the server to close our connection');
    const r = await broker.broadcast('ping', {}, { timeoutMs: 5000, limit: cluster.workers.length, reply: true });
    assert.equal(r.replies.length, cluster.workers.length);
  });
});
