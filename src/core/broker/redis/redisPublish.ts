/**
 * Publishing a message the way kombu's Redis transport routes it: the default exchange ('') LPUSHes
 * onto the queue named by the routing key; a fanout exchange PUBLISHes on its channel; any other
 * exchange is looked up in its binding set (direct match) and the message LPUSHed onto every
 * bound queue. The priority picks the bucket list.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { buildRedisEnvelope, type OutgoingMessage } from '../../celery/rawMessage';
import { CeleryLensError } from '../../util/errors';
import { bindingKey, fanoutChannel, FANOUT_EXCHANGES, parseBindingMember, priorityKey } from './kombuKeys';

/** Where a message went: the list keys it was pushed to, or the channel it was published on. */
export interface RedisDelivery {
  lists: string[];
  channel?: string;
}

/** Queues bound to `exchange` whose binding routing key equals `routingKey`, de-duplicated. */
export async function resolveDirectQueues(client: Redis, exchange: string, routingKey: string): Promise<string[]> {
  const members = await client.smembers(bindingKey(exchange));
  const queues = new Set<string>();
  for (const member of members) {
    const binding = parseBindingMember(member);
    if (binding && binding.routingKey === routingKey) queues.add(binding.queue);
  }
  return [...queues];
}

export async function publishToRedis(client: Redis, db: number, message: OutgoingMessage): Promise<RedisDelivery> {
  // kombu makes a fresh uuid4 delivery tag for every message it puts on Redis.
  const envelope = buildRedisEnvelope(message, randomUUID());
  if (FANOUT_EXCHANGES.has(message.exchange)) {
    const channel = fanoutChannel(db, message.exchange, message.routingKey);
    await client.publish(channel, envelope);
    return { lists: [], channel };
  }
  const queues = message.exchange === '' ? [message.routingKey] : await resolveDirectQueues(client, message.exchange, message.routingKey);
  if (queues.length === 0 || queues.some((q) => q === '')) {
    throw new CeleryLensError(
      `No queue is bound to exchange "${message.exchange}" with routing key "${message.routingKey}": the message was not sent`,
      'UNROUTABLE',
    );
  }
  const lists = queues.map((queue) => priorityKey(queue, message.properties.priority));
  if (lists.length === 1) {
    await client.lpush(lists[0], envelope);
  } else {
    const transaction = client.multi();
    for (const list of lists) transaction.lpush(list, envelope);
    const results = (await transaction.exec()) ?? [];
    const failed = results.find(([err]) => err);
    if (failed) throw failed[0];
  }
  return { lists };
}
