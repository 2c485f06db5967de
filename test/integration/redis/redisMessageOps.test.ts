import * as assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { RedisBroker } from '../../../src/core/broker/redis/redisBroker';
import { isUndecodable } from '../../../src/core/celery/rawMessage';
import { parseConnectionUrl, type RedisConnectionUrl } from '../../../src/core/url/connectionUrl';
import { getCluster, redisFor, type TestCluster } from '../support';
import { envelopeAround, idleQueue, taskMessage } from './taskFixtures';

const SEP = '\x06\x16';
const keysOf = (q: string) => [q, `${q}${SEP}3`, `${q}${SEP}6`, `${q}${SEP}9`];

describe('(integration) Redis: peek windows, atomic move and restore of single messages', function () {
  this.timeout(60_000);
  let cluster: TestCluster;
  let broker: RedisBroker;
  let raw: Redis;
  const cleanup: string[] = [];

  before(async () => {
    cluster = getCluster('redis');
    raw = redisFor(cluster.brokerUrl);
    broker = new RedisBroker(parseConnectionUrl(cluster.brokerUrl) as RedisConnectionUrl, { connectTimeoutMs: 3000, commandTimeoutMs: 5000 });
    await broker.connect();
  });

  after(async () => {
    await broker?.close();
    if (cleanup.length) await raw.del(...cleanup.flatMap(keysOf));
  });

  const ids = (messages: Awaited<ReturnType<RedisBroker['peek']>>) => messages.map((m) => (isUndecodable(m) ? '?' : String(m.headers.id)));

  it('peeks any window in the order workers take messages, across priority lists, and changes nothing', async () => {
    const queue = idleQueue();
    cleanup.push(queue);
    const sent: Array<[string, number]> = [['a1', 0], ['a2', 0], ['b1', 6], ['c1', 3], ['d1', 9], ['a3', 1], ['c2', 4]];
    for (const [id, priority] of sent) await broker.publish(taskMessage('lens_testapp.tasks.echo', [id], { id, routingKey: queue, priority }));
    const before = await Promise.all(keysOf(queue).map((k) => raw.lrangeBuffer(k, 0, -1)));
    const order = ['a1', 'a2', 'a3', 'c1', 'c2', 'b1', 'd1'];
    assert.deepEqual(ids(await broker.peek(queue, 100)), order);
    for (let offset = 0; offset <= order.length; offset++) {
      for (const limit of [1, 2, 3, 10]) {
        assert.deepEqual(ids(await broker.peek(queue, limit, offset)), order.slice(offset, offset + limit), `offset ${offset} limit ${limit}`);
      }
    }
    assert.deepEqual(await broker.peek(queue, 5, 50), []);
    assert.deepEqual(await Promise.all(keysOf(queue).map((k) => raw.lrangeBuffer(k, 0, -1))), before);
  });

  it('moves one message, by its exact bytes, to the same priority list of another queue, in one step', async () => {
    const from = idleQueue();
    const to = idleQueue();
    cleanup.push(from, to);
    for (const [id, priority] of [['m1', 0], ['m2', 0], ['m3', 6]] as Array<[string, number]>) {
      await broker.publish(taskMessage('lens_testapp.tasks.echo', [id], { id, routingKey: from, priority }));
    }
    await broker.publish(taskMessage('lens_testapp.tasks.echo', ['t1'], { id: 't1', routingKey: to }));
    const m2Bytes = (await raw.lrangeBuffer(from, 0, -1)).find((b) => b.toString().includes('"m2"'));
    assert.deepEqual(await broker.moveMessage(from, 'm2', to, 100), { from, to });
    assert.deepEqual(ids(await broker.peek(from, 10)), ['m1', 'm3']);
    // Behind what already waits there, as a producer would put it; the bytes are unchanged.
    assert.deepEqual(ids(await broker.peek(to, 10)), ['t1', 'm2']);
    assert.deepEqual(await raw.lindex(to, 0).then((s) => Buffer.from(s ?? '')), m2Bytes);
    assert.deepEqual(await broker.moveMessage(from, 'm3', to, 100), { from: `${from}${SEP}6`, to: `${to}${SEP}6` });
    assert.equal(await raw.llen(`${to}${SEP}6`), 1);
    await assert.rejects(broker.moveMessage(from, 'm2', to, 100), /not waiting in the first 100 messages/);
    await assert.rejects(broker.moveMessage(from, 'm1', from, 100), /already in/);
    assert.deepEqual(ids(await broker.peek(from, 10)), ['m1']);
  });

  it('restores an unacked message to its queue like kombu (redelivered, taken next), only while its entry is unchanged', async () => {
    const queue = idleQueue();
    cleanup.push(queue);
    await broker.publish(taskMessage('lens_testapp.tasks.echo', ['w1'], { id: 'w1', routingKey: queue }));
    const envelope = JSON.parse(envelopeAround(Buffer.from('[["u1"], {}, {}]').toString('base64'), 'application/json', { id: 'u1', task: 'lens_testapp.tasks.echo' })) as Record<string, unknown>;
    const tag = `lens-test-${Date.now()}`;
    await raw.hset('unacked', tag, JSON.stringify([envelope, '', queue]));
    await raw.zadd('unacked_index', 1700000000, tag);
    try {
      assert.deepEqual(await broker.restoreUnacked(tag), [queue]);
      assert.equal(await raw.hexists('unacked', tag), 0);
      assert.equal(await raw.zscore('unacked_index', tag), null);
      const peeked = await broker.peek(queue, 10);
      assert.deepEqual(ids(peeked), ['u1', 'w1'], 'the restored message is taken next');
      const restored = JSON.parse((await raw.lindex(queue, -1)) ?? '{}') as { headers: { redelivered?: boolean } };
      assert.equal(restored.headers.redelivered, true);
      await assert.rejects(broker.restoreUnacked(tag), /is gone/);
      await raw.hset('unacked', `${tag}-bad`, '{broken');
      await assert.rejects(broker.restoreUnacked(`${tag}-bad`), /not JSON; it is left where it is/);
      assert.equal(await raw.hexists('unacked', `${tag}-bad`), 1);
    } finally {
      await raw.hdel('unacked', tag, `${tag}-bad`);
      await raw.zrem('unacked_index', tag);
    }
  });
});
