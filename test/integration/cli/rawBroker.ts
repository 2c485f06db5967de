/**
 * Direct broker access for the CLI tests, independent of the code under test: create idle queues,
 * push well-formed and malformed messages, read a queue's exact contents, publish raw events.
 */
import * as amqp from 'amqplib';
import { randomUUID } from 'node:crypto';
import { buildRedisEnvelope } from '../../../src/core/celery/rawMessage';
import { encodeTaskMessage } from '../../../src/core/celery/taskEncoder';
import { parseConnectionUrl, type RedisConnectionUrl } from '../../../src/core/url/connectionUrl';
import { redisFor, type TestCluster } from '../support';

export type BadKind = 'bad-json' | 'bad-base64' | 'pickle' | 'huge';

export interface RawBroker {
  createQueue(queue: string): Promise<void>;
  deleteQueue(queue: string): Promise<void>;
  /** Push a valid `add(i, i)` task message; returns its id. */
  pushTask(queue: string, i: number): Promise<string>;
  pushBad(queue: string, kind: BadKind): Promise<void>;
  /** Every message in the queue as raw bytes, in delivery order (RabbitMQ: via the management API; Redis: LRANGE). */
  contents(queue: string): Promise<string[]>;
  depth(queue: string): Promise<number>;
  /** Publish a raw event body (JSON text or garbage) on the event exchange with a routing key. */
  publishEvent(routingKey: string, body: string, contentType?: string): Promise<void>;
  close(): Promise<void>;
}

const HUGE = 5 * 1024 * 1024;

function hugeBody(): Buffer {
  return Buffer.from(JSON.stringify([['x'.repeat(HUGE)], {}, { callbacks: null, errbacks: null, chain: null, chord: null }]));
}

export function rawBrokerFor(cluster: TestCluster): RawBroker {
  return cluster.kind === 'redis' ? redisRaw(cluster) : amqpRaw(cluster);
}

function redisRaw(cluster: TestCluster): RawBroker {
  const client = redisFor(cluster.brokerUrl);
  const db = (parseConnectionUrl(cluster.brokerUrl) as RedisConnectionUrl).db;
  const envelope = (body: Buffer, contentType: string, headers: Record<string, unknown> = {}) => JSON.stringify({
    body: body.toString('base64'), 'content-encoding': 'utf-8', 'content-type': contentType, headers,
    properties: { delivery_mode: 2, delivery_info: { exchange: '', routing_key: 'x' }, priority: 0, body_encoding: 'base64', delivery_tag: randomUUID() },
  });
  return {
    async createQueue(queue) {
      // What kombu does when it declares a queue bound to the same-named direct exchange.
      await client.sadd(`_kombu.binding.${queue}`, `${queue}\x06\x16\x06\x16${queue}`);
    },
    async deleteQueue(queue) {
      await client.del(queue, `${queue}\x06\x163`, `${queue}\x06\x166`, `${queue}\x06\x169`, `_kombu.binding.${queue}`);
    },
    async pushTask(queue, i) {
      const message = encodeTaskMessage({ name: 'lens_testapp.tasks.add', args: [i, i], kwargs: {}, queue });
      await client.lpush(queue, buildRedisEnvelope(message, randomUUID()));
      return message.headers.id as string;
    },
    async pushBad(queue, kind) {
      const id = randomUUID();
      const headers = { id, task: 'lens_testapp.tasks.add', lang: 'py' };
      const item = {
        'bad-json': () => '{"body": "W1tdLCB7fSwge31d", "content-type": "application/json", oops',
        'bad-base64': () => JSON.stringify({ body: '%%%not base64%%%', 'content-type': 'application/json', 'content-encoding': 'utf-8', headers, properties: { body_encoding: 'base64' } }),
        pickle: () => envelope(Buffer.from([0x80, 0x04, 0x95, 0x10, 0x00]), 'application/x-python-serialize', headers),
        huge: () => envelope(hugeBody(), 'application/json', headers),
      }[kind]();
      await client.lpush(queue, item);
    },
    async contents(queue) {
      return (await client.lrange(queue, 0, -1)).reverse();
    },
    async depth(queue) {
      return client.llen(queue);
    },
    async publishEvent(routingKey, body, contentType = 'application/json') {
      await client.publish(`/${db}.celeryev/${routingKey}`, envelope(Buffer.from(body), contentType, { hostname: 'lens-test@bad' }));
    },
    async close() {},
  };
}

function amqpRaw(cluster: TestCluster): RawBroker {
  let connection: amqp.ChannelModel | undefined;
  let channel: amqp.ConfirmChannel | undefined;
  const management = new URL(cluster.managementUrl ?? 'http://guest:guest@127.0.0.1:15672');
  const vhost = encodeURIComponent((parseConnectionUrl(cluster.brokerUrl) as { vhost: string }).vhost);
  const auth = `Basic ${Buffer.from(`${decodeURIComponent(management.username)}:${decodeURIComponent(management.password)}`).toString('base64')}`;
  const api = (path: string, init: RequestInit = {}) =>
    fetch(new URL(path, `${management.protocol}//${management.host}`), { ...init, headers: { authorization: auth, 'content-type': 'application/json' } });
  async function ch(): Promise<amqp.ConfirmChannel> {
    if (!channel) {
      connection = await amqp.connect(cluster.brokerUrl);
      connection.on('error', () => undefined);
      channel = await connection.createConfirmChannel();
      channel.on('error', () => undefined);
    }
    return channel;
  }
  async function send(queue: string, body: Buffer, options: amqp.Options.Publish): Promise<void> {
    const c = await ch();
    c.sendToQueue(queue, body, { deliveryMode: 2, ...options });
    await c.waitForConfirms();
  }
  return {
    async createQueue(queue) {
      await (await ch()).assertQueue(queue, { durable: true });
    },
    async deleteQueue(queue) {
      await (await ch()).deleteQueue(queue).catch(() => undefined);
    },
    async pushTask(queue, i) {
      const m = encodeTaskMessage({ name: 'lens_testapp.tasks.add', args: [i, i], kwargs: {}, queue });
      await send(queue, m.body, { contentType: m.contentType, contentEncoding: m.contentEncoding, headers: m.headers, correlationId: m.properties.correlation_id });
      return m.headers.id as string;
    },
    async pushBad(queue, kind) {
      const headers = { id: randomUUID(), task: 'lens_testapp.tasks.add', lang: 'py' };
      const [body, contentType] = {
        'bad-json': () => [Buffer.from('[[1, 2], {}, {"callbacks": nul'), 'application/json'] as const,
        // AMQP bodies are raw bytes: there is no base64 layer to break, so send undecodable bytes instead.
        'bad-base64': () => [Buffer.from([0xff, 0xfe, 0x00, 0x81]), 'application/json'] as const,
        pickle: () => [Buffer.from([0x80, 0x04, 0x95, 0x10, 0x00]), 'application/x-python-serialize'] as const,
        huge: () => [hugeBody(), 'application/json'] as const,
      }[kind]();
      await send(queue, body, { contentType, contentEncoding: 'utf-8', headers });
    },
    async contents(queue) {
      // ack_requeue_true puts each message back where it was; this is the only non-consuming read.
      const res = await api(`/api/queues/${vhost}/${encodeURIComponent(queue)}/get`, {
        method: 'POST', body: JSON.stringify({ count: 1000, ackmode: 'ack_requeue_true', encoding: 'base64', truncate: 64 }),
      });
      const items = (await res.json()) as Array<{ payload: string; properties: { headers?: { id?: string } } }>;
      return items.map((m) => `${m.properties.headers?.id ?? ''}:${m.payload}`);
    },
    async depth(queue) {
      return (await (await ch()).checkQueue(queue)).messageCount;
    },
    async publishEvent(routingKey, body, contentType = 'application/json') {
      const c = await ch();
      c.publish('celeryev', routingKey, Buffer.from(body), { contentType, contentEncoding: 'utf-8', headers: { hostname: 'lens-test@bad' }, deliveryMode: 1 });
      await c.waitForConfirms();
    },
    async close() {
      await connection?.close().catch(() => undefined);
    },
  };
}
