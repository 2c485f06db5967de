import * as assert from 'node:assert/strict';
import * as amqp from 'amqplib';
import { AmqpBroker } from '../../src/core/broker/amqp/amqpBroker';
import { ManagementApiError, ManagementClient } from '../../src/core/broker/amqp/managementClient';
import { isUndecodable, type RawMessage, type Undecodable } from '../../src/core/celery/rawMessage';
import { decodeTaskMessage } from '../../src/core/celery/taskMessage';
import { encodeTaskMessage } from '../../src/core/celery/taskEncoder';
import { parseConnectionUrl, type AmqpConnectionUrl } from '../../src/core/url/connectionUrl';
import { UnsupportedError } from '../../src/core/util/errors';
import { getCluster, waitFor, type TestCluster } from './support';

describe('(integration) AMQP broker: queues, peek, purge', function () {
  this.timeout(60_000);
  let cluster: TestCluster;
  let broker: AmqpBroker;
  let management: ManagementClient;
  let vhost: string;
  // The test's own raw connection, for setting queues up and checking them independently.
  let raw: amqp.ChannelModel;
  let channel: amqp.Channel;
  const stamp = Date.now();
  const peekQueue = `lens-amqp-peek-${stamp}`;
  const badQueue = `lens-amqp-bad-${stamp}`;
  const prioQueue = `lens-amqp-prio-${stamp}`;
  const purgeQueue = `lens-amqp-purge-${stamp}`;
  const missing = `lens-amqp-missing-${stamp}`;

  before(async () => {
    cluster = getCluster('amqp');
    assert.ok(cluster.managementUrl, 'the amqp test cluster has a management URL');
    const url = parseConnectionUrl(cluster.brokerUrl) as AmqpConnectionUrl;
    vhost = url.vhost;
    broker = new AmqpBroker(url, { managementUrl: cluster.managementUrl, connectTimeoutMs: 5000 });
    management = new ManagementClient(cluster.managementUrl, 5000);
    raw = await amqp.connect(cluster.brokerUrl);
    raw.on('error', () => undefined);
    channel = await raw.createChannel();
    channel.on('error', () => undefined);
    for (const q of [peekQueue, badQueue, purgeQueue]) await channel.assertQueue(q, { durable: true });
    await channel.assertQueue(prioQueue, { durable: true, arguments: { 'x-max-priority': 10 } });
  });

  after(async () => {
    await broker?.close();
    if (channel) for (const q of [peekQueue, badQueue, prioQueue, purgeQueue]) await channel.deleteQueue(q).catch(() => undefined);
    await raw?.close().catch(() => undefined);
  });

  async function depth(queue: string): Promise<number> {
    return (await channel.checkQueue(queue)).messageCount;
  }

  function taskIds(messages: Array<RawMessage | Undecodable>, where: string): string[] {
    return messages.map((m) => {
      assert.ok(!isUndecodable(m), `undecodable: ${isUndecodable(m) ? m.reason : ''}`);
      const task = decodeTaskMessage(m, where);
      assert.ok(!isUndecodable(task), `undecodable task: ${isUndecodable(task) ? task.reason : ''}`);
      return task.id;
    });
  }

  it('reports depth and consumers of the workers\' queues', async () => {
    const infos = await broker.queueInfo(['celery', 'priority']);
    for (const info of infos) {
      assert.equal(info.exists, true);
      assert.equal(info.consumers, cluster.workers.length, `${info.name} consumers`);
      assert.equal(typeof info.messages, 'number');
    }
  });

  it('says exists=false for a missing queue and does not create it', async () => {
    const [info] = await broker.queueInfo([missing]);
    assert.deepEqual(info, { name: missing, messages: 0, consumers: 0, byPriority: {}, exists: false });
    await assert.rejects(management.getQueue(vhost, missing), (err: unknown) => err instanceof ManagementApiError && err.status === 404);
    await assert.rejects(channel.checkQueue(missing), /NOT_FOUND|404/);
    channel = await raw.createChannel(); // the failed check closed the test's channel
    channel.on('error', () => undefined);
  });

  it('lists the vhost\'s queues without Celery plumbing', async () => {
    const names = await broker.listQueues();
    for (const q of ['celery', 'priority', peekQueue, prioQueue]) assert.ok(names.includes(q), `${q} listed`);
    assert.ok(!names.some((n) => n.endsWith('.celery.pidbox') || n.startsWith('celeryev.')), names.join(', '));
    const bare = new AmqpBroker(parseConnectionUrl(cluster.brokerUrl) as AmqpConnectionUrl);
    assert.deepEqual(await bare.listQueues(), []);
    await bare.close();
  });

  it('peeks without consuming: count and order unchanged, messages only flagged redelivered', async () => {
    const sent = [1, 2, 3, 4, 5].map((n) => encodeTaskMessage({ name: 'lens_testapp.tasks.add', args: [n, n], queue: peekQueue }));
    for (const m of sent) await broker.publish(m);
    const ids = sent.map((m) => m.headers.id as string);
    assert.equal(await depth(peekQueue), 5);

    const first = await broker.peek(peekQueue, 3);
    assert.deepEqual(taskIds(first, peekQueue), ids.slice(0, 3));
    assert.equal(await depth(peekQueue), 5);
    const again = await broker.peek(peekQueue, 10);
    assert.deepEqual(taskIds(again, peekQueue), ids);
    assert.equal(await depth(peekQueue), 5);
    // Further windows ("peek more"): read from the head, the messages before the window dropped.
    assert.deepEqual(taskIds(await broker.peek(peekQueue, 2, 2), peekQueue), ids.slice(2, 4));
    assert.deepEqual(taskIds(await broker.peek(peekQueue, 10, 3), peekQueue), ids.slice(3));
    assert.deepEqual(await broker.peek(peekQueue, 10, 5), []);
    await assert.rejects(broker.peek(peekQueue, 10, 5000), /Peeking past the first 1000 messages of a RabbitMQ queue is not possible/);
    await assert.rejects(broker.moveMessage(peekQueue, ids[0], 'celery', 10), /not possible on RabbitMQ/);
    assert.equal(await depth(peekQueue), 5);
    const m0 = again[0] as RawMessage;
    assert.equal(m0.deliveryInfo.redelivered, true, 'RabbitMQ flags peeked messages redelivered');
    assert.equal(m0.deliveryInfo.routingKey, peekQueue);
    assert.equal(m0.properties.correlation_id, ids[0]);
    assert.equal(m0.headers.task, 'lens_testapp.tasks.add');

    // What a consumer gets next is still the original order.
    const order: string[] = [];
    for (let i = 0; i < 5; i++) {
      const got = await channel.get(peekQueue, { noAck: false });
      assert.ok(got);
      order.push(got.properties.headers?.id as string);
    }
    channel.nackAll(true);
    assert.deepEqual(order, ids);
  });

  it('serves priorities highest first on an x-max-priority queue, with a per-priority breakdown', async () => {
    const sent = [1, 9, 5].map((p) => encodeTaskMessage({ name: 'lens_testapp.tasks.add', args: [p, 0], queue: prioQueue, priority: p }));
    for (const m of sent) await broker.publish(m);
    const peeked = await broker.peek(prioQueue, 10);
    assert.deepEqual(peeked.map((m) => (m as RawMessage).properties.priority), [9, 5, 1]);
    assert.deepEqual(taskIds(peeked, prioQueue), [sent[1], sent[2], sent[0]].map((m) => m.headers.id));
    // The breakdown comes from the management API's statistics, which RabbitMQ refreshes every few seconds.
    const info = await waitFor(async () => {
      const [i] = await broker.queueInfo([prioQueue]);
      return Object.keys(i.byPriority).length === 3 ? i : undefined;
    }, 15_000, 'the management API priority breakdown');
    assert.equal(info.messages, 3);
    assert.deepEqual(info.byPriority, { '1': 1, '5': 1, '9': 1 });
  });

  it('peeks malformed messages as undecodable and leaves them in place', async () => {
    channel.sendToQueue(badQueue, Buffer.from('{"not": json'), { contentType: 'application/json', contentEncoding: 'utf-8', headers: { id: 'bad-json', task: 'x.y' } });
    channel.sendToQueue(badQueue, Buffer.from([0x80, 0x04, 0x95, 0x00, 0x2e]), { contentType: 'application/x-python-serialize', contentEncoding: 'binary', headers: { id: 'pickled', task: 'x.y' } });
    channel.sendToQueue(badQueue, Buffer.alloc(5 * 1024 * 1024, 0x61), { contentType: 'application/json', contentEncoding: 'utf-8', headers: { id: 'huge', task: 'x.y' } });
    await waitFor(async () => (await depth(badQueue)) === 3, 5000, 'three bad messages queued');

    const peeked = await broker.peek(badQueue, 10);
    assert.equal(peeked.length, 3);
    const [badJson, pickled, huge] = peeked;
    assert.ok(!isUndecodable(badJson) && !isUndecodable(pickled), 'the transport layer still delivers these bodies');
    assert.deepEqual(pickled.body, Buffer.from([0x80, 0x04, 0x95, 0x00, 0x2e]));
    const t1 = decodeTaskMessage(badJson, badQueue);
    const t2 = decodeTaskMessage(pickled, badQueue);
    assert.ok(isUndecodable(t1) && /JSON/.test(t1.reason), 'bad JSON is undecodable');
    assert.ok(isUndecodable(t2) && /pickle/.test(t2.reason), 'pickle is undecodable');
    assert.ok(isUndecodable(huge), 'a 5 MiB body is not fetched whole');
    assert.equal(huge.size, 5 * 1024 * 1024);
    assert.equal(huge.taskId, 'huge');
    assert.match(huge.reason, /peek limit/);
    assert.equal(await depth(badQueue), 3);
  });

  it('purges exactly what was there, and refuses a missing queue without creating it', async () => {
    for (let i = 0; i < 4; i++) await broker.publish(encodeTaskMessage({ name: 'lens_testapp.tasks.add', args: [i, i], queue: purgeQueue }));
    assert.equal(await depth(purgeQueue), 4);
    assert.equal(await broker.purge(purgeQueue), 4);
    assert.equal(await depth(purgeQueue), 0);
    assert.equal(await broker.purge(purgeQueue), 0);
    await assert.rejects(broker.purge(missing), (err: unknown) => (err as { code?: string }).code === 'NOT_FOUND' && /does not exist/.test((err as Error).message));
    const [info] = await broker.queueInfo([missing]);
    assert.equal(info.exists, false);
  });

  it('peeking a missing queue is an error, not a creation', async () => {
    await assert.rejects(broker.peek(missing, 5), /does not exist/);
    const [info] = await broker.queueInfo([missing]);
    assert.equal(info.exists, false);
  });

  it('needs the management API to peek, and never lists unacked messages', async () => {
    const bare = new AmqpBroker(parseConnectionUrl(cluster.brokerUrl) as AmqpConnectionUrl);
    await assert.rejects(bare.peek(peekQueue, 1), (err: unknown) => err instanceof UnsupportedError && /--management-url/.test(err.message));
    await assert.rejects(bare.listUnacked(), UnsupportedError);
    await bare.close();
    assert.equal(await depth(peekQueue), 5);
  });
});
