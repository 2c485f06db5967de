/**
 * Publishes Celery events straight onto a broker the way a worker does (Redis pub/sub channel
 * `/<db>.celeryev/<routing key>`, or the `celeryev` topic exchange), independent of the code under
 * test, so a fault test can drive task states without a worker.
 */
import { randomUUID } from 'node:crypto';
import * as amqp from 'amqplib';
import Redis from 'ioredis';
import { buildRedisEnvelope } from '../../../src/core/celery/rawMessage';

export interface EventPublisher {
  heartbeat(hostname: string): Promise<void>;
  /** task-received, and task-started when `started`. */
  received(id: string, hostname: string, started: boolean): Promise<void>;
  succeeded(id: string, hostname: string): Promise<void>;
  close(): Promise<void>;
}

type Publish = (routingKey: string, event: Record<string, unknown>) => Promise<void>;

let clock = 1;

function events(publish: Publish, close: () => Promise<void>): EventPublisher {
  const send = (type: string, hostname: string, fields: Record<string, unknown> = {}): Promise<void> =>
    publish(type.replace('-', '.'), { type, hostname, timestamp: Date.now() / 1000, utcoffset: 0, pid: 4242, clock: clock++, ...fields });
  return {
    heartbeat: (hostname) => send('worker-heartbeat', hostname, { freq: 2, active: 0, processed: 0 }),
    async received(id, hostname, started) {
      await send('task-received', hostname, { uuid: id, name: 'lens_testapp.tasks.add', args: '(1, 2)', kwargs: '{}', retries: 0, eta: null, expires: null, root_id: id, parent_id: null });
      if (started) await send('task-started', hostname, { uuid: id });
    },
    succeeded: (id, hostname) => send('task-succeeded', hostname, { uuid: id, result: '3', runtime: 0.01 }),
    close,
  };
}

/** Publisher on a Redis broker (virtual host = db). */
export function redisEventPublisher(port: number, db: number): EventPublisher {
  const client = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1 });
  client.on('error', () => undefined);
  return events(async (routingKey, event) => {
    const envelope = buildRedisEnvelope({
      body: Buffer.from(JSON.stringify(event)), contentType: 'application/json', contentEncoding: 'utf-8',
      headers: { hostname: event.hostname }, properties: {}, exchange: 'celeryev', routingKey,
    }, randomUUID());
    await client.publish(`/${db}.celeryev/${routingKey}`, envelope);
  }, async () => client.disconnect());
}

/** Publisher on RabbitMQ; connects per publish so it survives a broker restart. */
export function amqpEventPublisher(url: string): EventPublisher {
  return events(async (routingKey, event) => {
    const conn = await amqp.connect(url);
    try {
      const channel = await conn.createConfirmChannel();
      await channel.assertExchange('celeryev', 'topic', { durable: true, autoDelete: false });
      channel.publish('celeryev', routingKey, Buffer.from(JSON.stringify(event)), {
        contentType: 'application/json', contentEncoding: 'utf-8', headers: { hostname: event.hostname },
      });
      await channel.waitForConfirms();
    } finally {
      await conn.close();
    }
  }, async () => undefined);
}
