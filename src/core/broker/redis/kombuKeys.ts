/**
 * How kombu's Redis transport names things (kombu 5 defaults): priority bucket keys, exchange
 * binding sets and fanout channels. Pure functions, shared by every part of the Redis broker so
 * the naming lives in one place (pidbox names are transport-neutral: control/pidboxProtocol.ts).
 */
import { PIDBOX_EXCHANGE, REPLY_EXCHANGE } from '../../control/pidboxProtocol';

/** kombu's separator inside binding members and priority keys (`sep`). */
export const KOMBU_SEP = '\x06\x16';

/** kombu's `priority_steps`: bucket 0 is the bare queue name and is served first. */
export const PRIORITY_STEPS = [0, 3, 6, 9] as const;

/** Prefix of the SETs that record exchange → queue bindings. */
export const BINDING_PREFIX = '_kombu.binding.';

/** HASH of messages delivered to a consumer but not acked, and its delivery-time index. */
export const UNACKED_KEY = 'unacked';
export const UNACKED_INDEX_KEY = 'unacked_index';

export const EVENT_EXCHANGE = 'celeryev';

/**
 * Exchanges Celery declares as fanout on Redis (events are a topic exchange that the dispatcher
 * turns into fanout). kombu keeps exchange types in process memory only, so this is the one place
 * we can learn them from.
 */
export const FANOUT_EXCHANGES: ReadonlySet<string> = new Set([PIDBOX_EXCHANGE, EVENT_EXCHANGE]);

/** The bucket a message priority lands in: the largest step ≤ priority, clamped to 0..9. */
export function priorityBucket(priority: number | undefined): number {
  const p = typeof priority === 'number' && Number.isFinite(priority) ? Math.floor(priority) : 0;
  let bucket = 0;
  for (const step of PRIORITY_STEPS) if (p >= step) bucket = step;
  return bucket;
}

/** The list key for a queue and priority (`q`, `q\x06\x163`, `q\x06\x166`, `q\x06\x169`). */
export function priorityKey(queue: string, priority: number | undefined): string {
  const bucket = priorityBucket(priority);
  return bucket === 0 ? queue : `${queue}${KOMBU_SEP}${bucket}`;
}

/** All four list keys of a queue in the order workers serve them (bucket 0 first). */
export function queueKeys(queue: string): string[] {
  return PRIORITY_STEPS.map((step) => priorityKey(queue, step));
}

export function bindingKey(exchange: string): string {
  return `${BINDING_PREFIX}${exchange}`;
}

export function bindingMember(routingKey: string, pattern: string, queue: string): string {
  return [routingKey, pattern, queue].join(KOMBU_SEP);
}

/** One row of a binding SET. */
export interface BindingMember {
  routingKey: string;
  pattern: string;
  queue: string;
}

/** Split a binding member; undefined when it does not have kombu's three parts. */
export function parseBindingMember(member: string): BindingMember | undefined {
  const parts = member.split(KOMBU_SEP);
  if (parts.length !== 3 || parts[2] === '') return undefined;
  return { routingKey: parts[0], pattern: parts[1], queue: parts[2] };
}

/** The pub/sub channel kombu uses for a fanout exchange (`fanout_prefix` + `fanout_patterns`). */
export function fanoutChannel(db: number, exchange: string, routingKey = ''): string {
  return routingKey ? `/${db}.${exchange}/${routingKey}` : `/${db}.${exchange}`;
}

/**
 * True for binding sets and queues that belong to Celery's plumbing (remote control, event
 * receivers, reply queues) rather than to task queues.
 */
export function isInternalExchange(exchange: string): boolean {
  return exchange === PIDBOX_EXCHANGE || exchange === REPLY_EXCHANGE || exchange === EVENT_EXCHANGE;
}

export function isInternalQueue(queue: string): boolean {
  return queue.endsWith(`.${PIDBOX_EXCHANGE}`) || queue.endsWith(`.${REPLY_EXCHANGE}`) || queue.startsWith(`${EVENT_EXCHANGE}.`);
}
