import * as assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import type { Redis } from 'ioredis';
import { RedisBroker } from '../../../src/core/broker/redis/redisBroker';
import { RedisResultBackend } from '../../../src/core/backend/redisResultBackend';
import { decodeTaskMessage } from '../../../src/core/celery/taskMessage';
import { isUndecodable, type RawMessage, type Undecodable } from '../../../src/core/celery/rawMessage';
import { parseConnectionUrl, type RedisConnectionUrl } from '../../../src/core/url/connectionUrl';
import { TimeoutError } from '../../../src/core/util/errors';
import { getCluster, redisFor, waitFor, type TestCluster } from '../support';
import { envelopeAround, idleQueue, taskMessage } from './taskFixtures';

const SEP = '\x06\x16';
const REPLY_BINDING = '_kombu.binding.reply.celery.pidbox';

async function replyKeys(raw: Redis): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await raw.scan(cursor, 'MATCH', '*.reply.celery.pidbox*', 'COUNT', 1000);
    found.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return found;
}

/** Reply bindings and reply lists present now: other clients (a `celery inspect` run by an earlier
 * test, a late worker reply to one) may leave theirs, so each test only answers for what it adds. */
async function replyLeftovers(raw: Redis): Promise<string[]> {
  return [...await raw.smembers(REPLY_BINDING), ...await replyKeys(raw)];
}

function addedSince(before: string[], after: string[]): string[] {
  const known = new Set(before);
  return after.filter((entry) => !known.has(entry));
}

/** Every list key of a queue with its full contents, for byte-for-byte comparisons. */
async function snapshot(raw: Redis, queue: string): Promise<Array<[string, number, Buffer[]]>> {
  const out: Array<[string, number, Buffer[]]> = [];
  for (const key of [queue, `${queue}${SEP}3`, `${queue}${SEP}6`, `${queue}${SEP}9`]) {
    out.push([key, await raw.llen(key), await raw.lrangeBuffer(key, 0, -1)]);
  }
  return out;
}

async function lensClients(raw: Redis): Promise<number> {
  const list = await raw.client('LIST') as string;
  return list.split('\n').filter((line) => / name=celery-lens /.test(line)).length;
}

describe('(integration) Redis broker', function () {
  this.timeout(60_000);
  let cluster: TestCluster;
  let url: RedisConnectionUrl;
  let broker: RedisBroker;
  let raw: Redis;
  const cleanup: string[] = [];

  before(async () => {
    cluster = getCluster('redis');
    url = parseConnectionUrl(cluster.brokerUrl) as RedisConnectionUrl;
    raw = redisFor(cluster.brokerUrl);
    broker = new RedisBroker(url, { connectTimeoutMs: 3000, commandTimeoutMs: 5000 });
    await broker.connect();
  });

  after(async () => {
    await broker?.close();
    if (cleanup.length) await raw.del(...cleanup.flatMap((q) => [q, `${q}${SEP}3`, `${q}${SEP}6`, `${q}${SEP}9`]));
  });

  describe('remote control', () => {
    let leftoversBefore: string[] = [];
    beforeEach(async () => { leftoversBefore = await replyLeftovers(raw); });
    const assertNoReplyLeftovers = async (): Promise<void> =>
      assert.deepEqual(addedSince(leftoversBefore, await replyLeftovers(raw)), [], 'reply bindings or lists left behind');

    for (const method of ['ping', 'stats', 'active_queues']) {
      it(`broadcast ${method} is answered by both workers and leaves no reply queue or binding`, async () => {
        const { replies, errors } = await broker.broadcast(method, {}, { timeoutMs: 5000, limit: cluster.workers.length, reply: true });
        assert.deepEqual(errors, []);
        assert.deepEqual(replies.map((r) => r.hostname).sort(), [...cluster.workers].sort());
        for (const reply of replies) {
          assert.ok(reply.elapsedMs >= 0 && reply.elapsedMs < 5000);
          if (method === 'ping') assert.deepEqual(reply.reply, { ok: 'pong' });
          if (method === 'stats') {
            const stats = reply.reply as { pid: number; pool: { 'max-concurrency': number }; broker: { transport: string } };
            assert.equal(typeof stats.pid, 'number');
            assert.equal(stats.pool['max-concurrency'], 2);
            assert.equal(stats.broker.transport, 'redis');
          }
          if (method === 'active_queues') {
            const names = (reply.reply as Array<{ name: string }>).map((q) => q.name).sort();
            assert.deepEqual(names, [...cluster.queues].sort());
          }
        }
        await assertNoReplyLeftovers();
      });
    }

    it('only the destination answers, and without a limit collection lasts the timeout', async () => {
      const target = cluster.workers[0];
      const started = Date.now();
      const { replies } = await broker.broadcast('ping', {}, { destination: [target], timeoutMs: 1200, limit: 5, reply: true });
      const elapsed = Date.now() - started;
      assert.deepEqual(replies.map((r) => r.hostname), [target]);
      assert.ok(elapsed >= 1150 && elapsed < 3000, `took ${elapsed} ms`);
      await assertNoReplyLeftovers();
    });

    it('close() in the middle of a broadcast still removes its reply binding and lists', async () => {
      const before = new Set(await raw.smembers(REPLY_BINDING));
      const closing = new RedisBroker(url, { connectTimeoutMs: 3000 });
      const call = closing.broadcast('ping', {}, { timeoutMs: 5000, reply: true });
      await waitFor(async () => (await raw.scard(REPLY_BINDING)) > before.size, 3000, 'the broadcast to register its reply binding');
      const started = Date.now();
      await closing.close();
      assert.ok(Date.now() - started < 2000, 'close() does not wait out the broadcast timeout');
      await call.catch(() => undefined);
      await assertNoReplyLeftovers();
    });

    it('runs parallel broadcasts side by side on separate blocking connections', async () => {
      const started = Date.now();
      const results = await Promise.all(['ping', 'clock', 'registered'].map((m) => broker.broadcast(m, {}, { timeoutMs: 1500, reply: true })));
      const elapsed = Date.now() - started;
      assert.ok(elapsed < 3500, `3 × 1.5 s broadcasts took ${elapsed} ms: they ran one after another`);
      for (const { replies } of results) assert.equal(replies.length, cluster.workers.length);
      const registered = results[2].replies[0].reply as string[];
      // Names carry ` [rate_limit=…]` once a test has set one, so compare the name part.
      assert.ok(registered.some((entry) => entry.split(' ')[0] === 'lens_testapp.tasks.add'), JSON.stringify(registered));
      await assertNoReplyLeftovers();
    });

    it('reports an unknown method as the workers do ({error}) and a cast resolves at once', async () => {
      const { replies } = await broker.broadcast('no_such_command', {}, { timeoutMs: 3000, limit: cluster.workers.length, reply: true });
      assert.equal(replies.length, cluster.workers.length);
      for (const r of replies) assert.match(String((r.reply as { error: string }).error), /no_such_command/);
      const started = Date.now();
      assert.deepEqual(await broker.broadcast('heartbeat', {}, { timeoutMs: 5000, reply: false }), { replies: [], errors: [] });
      assert.ok(Date.now() - started < 1000);
    });
  });

  describe('events', () => {
    it('delivers worker heartbeats within ~3 s, and a heartbeat cast makes the worker send one with freq 5', async () => {
      const seen: Array<RawMessage | Undecodable> = [];
      const before = await lensClients(raw);
      const sub = await broker.subscribeEvents((m) => seen.push(m));
      assert.equal(await lensClients(raw), before + 1);
      try {
        const heartbeats = (): Array<{ hostname: string; freq: number; type: string }> => seen
          .filter((m): m is RawMessage => !isUndecodable(m))
          .map((m) => JSON.parse(m.body.toString('utf8')) as { hostname: string; freq: number; type: string })
          .filter((e) => !Array.isArray(e) && e.type === 'worker-heartbeat');
        await waitFor(() => new Set(heartbeats().map((e) => e.hostname)).size === cluster.workers.length, 3500, 'heartbeats from both workers');
        const first = seen.find((m): m is RawMessage => !isUndecodable(m));
        assert.equal(first?.deliveryInfo.exchange, 'celeryev');
        assert.equal(first?.deliveryInfo.routingKey, 'worker.heartbeat');
        await broker.broadcast('heartbeat', {}, { destination: [cluster.workers[1]], timeoutMs: 1000, reply: false });
        await waitFor(() => heartbeats().some((e) => e.hostname === cluster.workers[1] && e.freq === 5), 3000, 'a requested heartbeat');
      } finally {
        await sub.close();
      }
      assert.equal(await lensClients(raw), before);
      const count = seen.length;
      await new Promise((r) => setTimeout(r, 2500));
      assert.equal(seen.length, count, 'events arrived after the subscription was closed');
    });
  });

  describe('publish', () => {
    it('a published task runs on a real worker, through the default exchange and through a bound one', async () => {
      const backend = new RedisResultBackend(parseConnectionUrl(cluster.backendUrl) as RedisConnectionUrl);
      try {
        const direct = taskMessage('lens_testapp.tasks.add', [20, 22]);
        const bound = taskMessage('lens_testapp.tasks.add', [1, 2], { exchange: 'celery', routingKey: 'celery' });
        await broker.publish(direct);
        await broker.publish(bound);
        for (const [message, expected] of [[direct, 42], [bound, 3]] as const) {
          const meta = await waitFor(async () => {
            const m = await backend.getTaskMeta(String(message.headers.id));
            return m && !isUndecodable(m) && m.status === 'SUCCESS' ? m : undefined;
          }, 20_000, `task ${String(message.headers.id)} to succeed`);
          assert.equal(meta.result, expected);
          assert.equal(meta.name, 'lens_testapp.tasks.add');
          assert.ok(cluster.workers.includes(meta.worker ?? ''));
        }
      } finally {
        await backend.close();
      }
    });

    it('puts each priority in kombu bucket key', async () => {
      const queue = idleQueue();
      cleanup.push(queue);
      for (const priority of [0, 2, 3, 5, 6, 8, 9, 12]) await broker.publish(taskMessage('x', [priority], { routingKey: queue, priority }));
      assert.equal(await raw.llen(queue), 2);
      assert.equal(await raw.llen(`${queue}${SEP}3`), 2);
      assert.equal(await raw.llen(`${queue}${SEP}6`), 2);
      assert.equal(await raw.llen(`${queue}${SEP}9`), 2);
      const stored = JSON.parse((await raw.lindex(`${queue}${SEP}9`, 0)) ?? '{}') as { properties: Record<string, unknown> };
      assert.equal(stored.properties.priority, 12);
      assert.equal(stored.properties.body_encoding, 'base64');
      assert.deepEqual(stored.properties.delivery_info, { exchange: '', routing_key: queue });
      assert.match(String(stored.properties.delivery_tag), /^[0-9a-f-]{36}$/);
      const [info] = await broker.queueInfo([queue]);
      assert.deepEqual(info, { name: queue, messages: 8, byPriority: { 0: 2, 3: 2, 6: 2, 9: 2 }, consumers: undefined, exists: true });
    });

    it('refuses to publish to a named exchange with no matching binding', async () => {
      await assert.rejects(broker.publish(taskMessage('x', [], { exchange: 'lens-no-such-exchange', routingKey: 'k' })), /No queue is bound/);
    });
  });

  describe('queues', () => {
    it('lists the workers\' queues from the bindings, without pidbox/event plumbing', async () => {
      const queues = await broker.listQueues();
      for (const q of cluster.queues) assert.ok(queues.includes(q), `${q} missing from ${queues.join(', ')}`);
      assert.ok(!queues.some((q) => q.includes('pidbox') || q.startsWith('celeryev')));
      const infos = await broker.queueInfo([...cluster.queues, 'lens.never.existed']);
      assert.equal(infos.length, cluster.queues.length + 1);
      assert.ok(infos.slice(0, -1).every((i) => i.exists));
      assert.deepEqual(infos[infos.length - 1], { name: 'lens.never.existed', messages: 0, byPriority: { 0: 0, 3: 0, 6: 0, 9: 0 }, consumers: undefined, exists: false });
    });

    it('peeks in the order workers will take messages and leaves the lists byte-identical', async () => {
      const queue = idleQueue();
      cleanup.push(queue);
      const sent: Array<[string, number]> = [['a1', 0], ['a2', 0], ['b1', 6], ['c1', 3], ['d1', 9], ['a3', 1], ['c2', 4]];
      for (const [id, priority] of sent) await broker.publish(taskMessage('lens_testapp.tasks.echo', [id], { id, routingKey: queue, priority }));
      const before = await snapshot(raw, queue);
      const all = await broker.peek(queue, 100);
      const ids = all.map((m) => (isUndecodable(m) ? 'undecodable' : String(m.headers.id)));
      assert.deepEqual(ids, ['a1', 'a2', 'a3', 'c1', 'c2', 'b1', 'd1']);
      assert.deepEqual((await broker.peek(queue, 4)).map((m) => (isUndecodable(m) ? '?' : m.headers.id)), ['a1', 'a2', 'a3', 'c1']);
      assert.deepEqual(await broker.peek(queue, 0), []);
      const task = decodeTaskMessage(all[0] as RawMessage, queue);
      assert.ok(!isUndecodable(task));
      assert.deepEqual(task.args, ['a1']);
      assert.deepEqual(await snapshot(raw, queue), before);
    });

    it('peeks malformed items as Undecodable and leaves them in the list', async () => {
      const queue = idleQueue();
      cleanup.push(queue);
      const big = Buffer.alloc(5 * 1024 * 1024, 0xff).toString('base64');
      const items = [
        '{this is not json',
        envelopeAround('!!!not base64!!!', 'application/json', { id: 'bad-b64', task: 'lens_testapp.tasks.add' }),
        envelopeAround(Buffer.from('\x80\x04\x95pickled').toString('base64'), 'application/x-python-serialize', { id: 'pickled', task: 'lens_testapp.tasks.add' }),
        envelopeAround(big, 'application/json', { id: 'five-mb', task: 'lens_testapp.tasks.add' }),
      ];
      // LPUSH one by one: the first pushed is the first a worker would take.
      for (const item of items) await raw.lpush(queue, item);
      const before = await snapshot(raw, queue);
      const peeked = await broker.peek(queue, 10);
      assert.equal(peeked.length, 4);
      const decoded = peeked.map((m) => (isUndecodable(m) ? m : decodeTaskMessage(m, queue)));
      decoded.forEach((d, i) => assert.ok(isUndecodable(d), `item ${i} decoded`));
      const [notJson, badBase64, pickle, huge] = decoded as Undecodable[];
      assert.match(notJson.reason, /invalid JSON/);
      assert.match(badBase64.reason, /base64/);
      assert.equal(badBase64.taskId, 'bad-b64');
      assert.match(pickle.reason, /pickle/);
      assert.equal(pickle.taskId, 'pickled');
      assert.ok(huge.size > 5 * 1024 * 1024, `size ${huge.size}`);
      assert.equal(huge.taskId, 'five-mb');
      for (const d of decoded as Undecodable[]) assert.equal(d.where, queue);
      assert.deepEqual(await snapshot(raw, queue), before);
      assert.equal(await raw.llen(queue), 4);
    });

    it('purges exactly what was there, priority lists included', async () => {
      const queue = idleQueue();
      cleanup.push(queue);
      for (const priority of [0, 0, 0, 4, 7, 7, 9]) await broker.publish(taskMessage('x', [], { routingKey: queue, priority }));
      await raw.lpush(queue, 'garbage that is still a message');
      assert.equal(await broker.purge(queue), 8);
      assert.deepEqual((await snapshot(raw, queue)).map(([, n]) => n), [0, 0, 0, 0]);
      assert.equal(await broker.purge(queue), 0);
    });

    it('lists unacked messages with their delivery time, and malformed entries as Undecodable', async () => {
      const envelope = JSON.parse(envelopeAround(Buffer.from('[[1], {}, {}]').toString('base64'), 'application/json', { id: 'unacked-1', task: 't' })) as unknown;
      const tag = `lens-test-${Date.now()}`;
      await raw.hset('unacked', tag, JSON.stringify([envelope, '', 'celery']), `${tag}-bad`, '{broken');
      await raw.zadd('unacked_index', 1700000000.25, tag);
      try {
        const entries = await broker.listUnacked();
        const good = entries.find((e) => e.deliveryTag === tag);
        const bad = entries.find((e) => e.deliveryTag === `${tag}-bad`);
        assert.ok(good && bad);
        assert.equal(good.deliveredAt, 1700000000.25);
        assert.equal(good.routingKey, 'celery');
        assert.ok(!isUndecodable(good.message));
        assert.equal(good.message.headers.id, 'unacked-1');
        assert.ok(isUndecodable(bad.message));
        assert.equal(bad.deliveredAt, undefined);
      } finally {
        await raw.hdel('unacked', tag, `${tag}-bad`);
        await raw.zrem('unacked_index', tag);
      }
    });
  });

  describe('connections', () => {
    it('fails fast with a clear error that never shows the password', async () => {
      const down = new RedisBroker(parseConnectionUrl('redis://lens:s3cr3t-pw@127.0.0.1:1/0') as RedisConnectionUrl, { connectTimeoutMs: 2000 });
      const started = Date.now();
      await assert.rejects(down.connect(), (err: Error) => {
        assert.match(err.message, /Cannot connect to Redis redis:\/\/127\.0\.0\.1:1\/0/);
        assert.match(err.message, /ECONNREFUSED/);
        assert.doesNotMatch(err.message, /s3cr3t/);
        return true;
      });
      assert.ok(Date.now() - started < 1500);
      await down.close();
      await down.close();
    });

    it('times out against a server that never answers', async () => {
      const silent: Server = createServer(() => undefined);
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const port = (silent.address() as { port: number }).port;
      const hung = new RedisBroker(parseConnectionUrl(`redis://:pw@127.0.0.1:${port}/0`) as RedisConnectionUrl, { connectTimeoutMs: 800 });
      const started = Date.now();
      try {
        await assert.rejects(hung.connect(), (err: Error) => err instanceof TimeoutError && !/pw@/.test(err.message));
        assert.ok(Date.now() - started < 2500, `took ${Date.now() - started} ms`);
      } finally {
        await hung.close();
        silent.close();
      }
    });

    it('close() quits every connection it opened (command, blocking, subscriber) and is idempotent', async () => {
      const before = await lensClients(raw);
      const b = new RedisBroker(url);
      await b.connect();
      await b.subscribeEvents(() => undefined);
      await Promise.all([b.broadcast('ping', {}, { timeoutMs: 300, reply: true }), b.broadcast('ping', {}, { timeoutMs: 300, reply: true })]);
      assert.ok(await lensClients(raw) >= before + 4);
      await b.close();
      await b.close();
      await waitFor(async () => (await lensClients(raw)) === before, 2000, 'connections to close');
      await assert.rejects(b.peek('celery', 1), /closed/);
    });
  });
});
