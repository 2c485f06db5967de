/**
 * Read-only queue views over kombu's Redis layout (plus the one destructive purge): queue names
 * from the binding sets, depths over the four priority lists, peeking with LRANGE, and the
 * `unacked` hash. Nothing here pops, acks or reorders a message.
 */
import type { Redis } from 'ioredis';
import type { QueueInfo, UnackedEntry } from '../broker';
import { parseRedisEnvelope, previewOf, type RawMessage, type Undecodable, undecodable } from '../../celery/rawMessage';
import {
  BINDING_PREFIX, isInternalExchange, isInternalQueue, parseBindingMember, PRIORITY_STEPS, queueKeys,
  UNACKED_INDEX_KEY, UNACKED_KEY,
} from './kombuKeys';

const SCAN_COUNT = 500;

/** Every key matching a glob, by SCAN (never KEYS, which blocks the server). */
export async function scanKeys(client: Redis, match: string, count = SCAN_COUNT): Promise<string[]> {
  const found = new Set<string>();
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', match, 'COUNT', count);
    for (const key of keys) found.add(key);
    cursor = next;
  } while (cursor !== '0');
  return [...found];
}

/** Task queue names from `_kombu.binding.*`, Celery's plumbing (pidbox, events, replies) left out. */
export async function listBoundQueues(client: Redis): Promise<string[]> {
  const keys = (await scanKeys(client, `${BINDING_PREFIX}*`))
    .filter((key) => !isInternalExchange(key.slice(BINDING_PREFIX.length)));
  if (keys.length === 0) return [];
  const pipeline = client.pipeline();
  for (const key of keys) pipeline.smembers(key);
  const results = (await pipeline.exec()) ?? [];
  const queues = new Set<string>();
  for (const [err, members] of results) {
    if (err || !Array.isArray(members)) continue;
    for (const member of members as string[]) {
      const parsed = parseBindingMember(member);
      if (parsed && !isInternalQueue(parsed.queue)) queues.add(parsed.queue);
    }
  }
  return [...queues].sort();
}

/**
 * Depth of each queue over its 4 priority lists, in one pipelined round trip. `exists` is true when
 * a list holds messages, a binding set is named after the queue (Celery's default exchange), or
 * the queue is in `knownQueues` (e.g. from the last listQueues).
 */
export async function queueDepths(client: Redis, names: string[], knownQueues: ReadonlySet<string> = new Set()): Promise<QueueInfo[]> {
  if (names.length === 0) return [];
  const pipeline = client.pipeline();
  for (const name of names) {
    for (const key of queueKeys(name)) pipeline.llen(key);
    pipeline.exists(`${BINDING_PREFIX}${name}`);
  }
  const results = (await pipeline.exec()) ?? [];
  const per = PRIORITY_STEPS.length + 1;
  return names.map((name, i) => {
    const slice = results.slice(i * per, (i + 1) * per);
    const failed = slice.find(([err]) => err);
    if (failed) throw failed[0];
    const byPriority: Record<string, number> = {};
    let messages = 0;
    PRIORITY_STEPS.forEach((step, j) => {
      const n = Number(slice[j][1]);
      byPriority[String(step)] = n;
      messages += n;
    });
    const bound = Number(slice[PRIORITY_STEPS.length][1]) > 0;
    return { name, messages, byPriority, consumers: undefined, exists: messages > 0 || bound || knownQueues.has(name) };
  });
}

/**
 * The next `limit` messages in the order workers will take them: bucket 0 before 3, 6, 9, and in
 * each list the tail first (producers LPUSH, workers BRPOP). One MULTI, so the view is consistent.
 */
export async function peekQueue(client: Redis, queue: string, limit: number): Promise<Array<RawMessage | Undecodable>> {
  const n = Math.floor(limit);
  if (!(n > 0)) return [];
  const keys = queueKeys(queue);
  const transaction = client.multi();
  for (const key of keys) transaction.lrangeBuffer(key, -n, -1);
  const results = (await transaction.exec()) ?? [];
  const out: Array<RawMessage | Undecodable> = [];
  keys.forEach((key, i) => {
    const [err, items] = results[i] ?? [new Error('no reply')];
    if (err) throw err;
    for (const item of [...(items as Buffer[])].reverse()) {
      if (out.length < n) out.push(parseRedisEnvelope(item, 'task', key));
    }
  });
  return out;
}

/** DESTRUCTIVE: count and delete the queue's 4 lists in one MULTI; returns the exact count removed. */
export async function purgeQueue(client: Redis, queue: string): Promise<number> {
  const keys = queueKeys(queue);
  const transaction = client.multi();
  for (const key of keys) transaction.llen(key);
  transaction.del(...keys);
  const results = (await transaction.exec()) ?? [];
  let removed = 0;
  for (let i = 0; i < keys.length; i++) {
    const [err, n] = results[i] ?? [new Error('no reply')];
    if (err) throw err;
    removed += Number(n);
  }
  return removed;
}

/** One `unacked` hash value (`[envelope, exchange, routing_key]`) as an entry; never throws. */
export function parseUnackedValue(deliveryTag: string, value: Buffer, deliveredAt: number | undefined): UnackedEntry {
  const where = `${UNACKED_KEY}[${deliveryTag}]`;
  const bad = (reason: string): UnackedEntry => ({
    deliveryTag, deliveredAt, exchange: '', routingKey: '',
    message: undecodable('task', where, reason, { size: value.length, preview: previewOf(value) }),
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch (err) {
    return bad(`unacked entry is not JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(parsed) || parsed.length < 3) return bad('unacked entry is not [envelope, exchange, routing_key]');
  const [envelope, exchange, routingKey] = parsed as unknown[];
  const envelopeText = typeof envelope === 'string' ? envelope : JSON.stringify(envelope ?? null);
  return {
    deliveryTag,
    deliveredAt,
    exchange: typeof exchange === 'string' ? exchange : '',
    routingKey: typeof routingKey === 'string' ? routingKey : '',
    message: parseRedisEnvelope(envelopeText, 'task', where),
  };
}

/** Messages delivered to workers but not acked: HSCAN `unacked` plus each tag's ZSCORE. */
export async function listUnackedEntries(client: Redis, count = 200): Promise<UnackedEntry[]> {
  const entries: UnackedEntry[] = [];
  const seen = new Set<string>();
  let cursor = '0';
  do {
    const [next, flat] = await client.hscanBuffer(UNACKED_KEY, cursor, 'COUNT', count);
    cursor = next.toString();
    const batch: Array<[string, Buffer]> = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const tag = flat[i].toString('utf8');
      if (!seen.has(tag)) {
        seen.add(tag);
        batch.push([tag, flat[i + 1]]);
      }
    }
    if (batch.length === 0) continue;
    const pipeline = client.pipeline();
    for (const [tag] of batch) pipeline.zscore(UNACKED_INDEX_KEY, tag);
    const scores = (await pipeline.exec()) ?? [];
    batch.forEach(([tag, value], i) => {
      const [err, score] = scores[i] ?? [null, null];
      const at = !err && score !== null && score !== undefined ? Number(score) : undefined;
      entries.push(parseUnackedValue(tag, value, at !== undefined && Number.isFinite(at) ? at : undefined));
    });
  } while (cursor !== '0');
  return entries;
}
