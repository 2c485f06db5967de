/**
 * Reading further into a Redis queue, and the two Redis-only writes on single messages, each one
 * atomic (a Lua script run by EVAL, so no client — worker or producer — sees a half-done move):
 * - peek a window beyond the first messages (LRANGE windows across the priority lists, in the order
 *   workers take them), nothing popped;
 * - move one waiting message to another queue, found by its exact bytes (LREM) and pushed where a
 *   producer would put it (LPUSH: behind the messages already waiting there);
 * - restore an unacked message of a gone worker to its queue(s) as kombu's `restore_by_tag` does
 *   (redelivered flags set, RPUSH so it is taken next), only if the `unacked` entry is still the
 *   one read (a worker that acked meanwhile wins).
 */
import type { Redis } from 'ioredis';
import { parseRedisEnvelope, type RawMessage, type Undecodable } from '../../celery/rawMessage';
import { CeleryLensError } from '../../util/errors';
import { bindingKey, parseBindingMember, priorityKey, queueKeys, UNACKED_INDEX_KEY, UNACKED_KEY } from './kombuKeys';

/** KEYS: the priority lists in serving order; ARGV: offset, limit. Returns the window, next-served first. */
const PEEK_WINDOW_SCRIPT = `
local skip = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local out = {}
for _, key in ipairs(KEYS) do
  if #out >= limit then break end
  local len = redis.call('LLEN', key)
  if skip >= len then
    skip = skip - len
  else
    local take = math.min(limit - #out, len - skip)
    local items = redis.call('LRANGE', key, -(skip + take), -(skip + 1))
    for i = #items, 1, -1 do out[#out + 1] = items[i] end
    skip = 0
  end
end
return out`;

/** KEYS: source list, target list; ARGV: the message's exact bytes. 1 when moved, 0 when it is gone. */
const MOVE_SCRIPT = `
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 0 then return 0 end
redis.call('LPUSH', KEYS[2], ARGV[1])
return 1`;

/**
 * KEYS: unacked hash, unacked index, then the target lists; ARGV: delivery tag, the entry as read,
 * the payload to push. 1 when restored, 0 when the entry changed or went (acked meanwhile).
 */
const RESTORE_SCRIPT = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current or current ~= ARGV[2] then return 0 end
for i = 3, #KEYS do redis.call('RPUSH', KEYS[i], ARGV[3]) end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1`;

/** Messages `offset`..`offset + limit` in the order workers will take them; nothing is consumed. */
export async function peekQueueWindow(client: Redis, queue: string, offset: number, limit: number): Promise<Array<RawMessage | Undecodable>> {
  const skip = Math.max(0, Math.floor(offset));
  const n = Math.floor(limit);
  if (!(n > 0)) return [];
  const keys = queueKeys(queue);
  const items = (await client.callBuffer('EVAL', PEEK_WINDOW_SCRIPT, keys.length, ...keys, skip, n)) as Buffer[];
  return items.map((item, i) => parseRedisEnvelope(item, 'task', `${queue}[${skip + i}]`));
}

/** The exact bytes and list of the waiting message with this task id (searching the first `searchLimit`). */
export async function findQueuedMessage(client: Redis, queue: string, taskId: string, searchLimit: number): Promise<{ key: string; raw: Buffer } | undefined> {
  const keys = queueKeys(queue);
  const transaction = client.multi();
  for (const key of keys) transaction.lrangeBuffer(key, -searchLimit, -1);
  const results = (await transaction.exec()) ?? [];
  for (let i = 0; i < keys.length; i++) {
    const [err, items] = results[i] ?? [new Error('no reply')];
    if (err) throw err;
    for (const raw of items as Buffer[]) {
      const parsed = parseRedisEnvelope(raw, 'task', keys[i]);
      if ('headers' in parsed && parsed.headers.id === taskId) return { key: keys[i], raw };
    }
  }
  return undefined;
}

/** Priority bucket of a message from its raw envelope (kombu reads `properties.priority`). */
function envelopePriority(raw: Buffer): number | undefined {
  try {
    const envelope = JSON.parse(raw.toString('utf8')) as { properties?: { priority?: unknown } };
    const p = envelope.properties?.priority;
    return typeof p === 'number' ? p : undefined;
  } catch {
    return undefined;
  }
}

export interface MoveResult {
  from: string;
  to: string;
}

/** DESTRUCTIVE: move the waiting message `taskId` from `queue` to `target` (same priority bucket), atomically. */
export async function moveQueuedMessage(client: Redis, queue: string, taskId: string, target: string, searchLimit: number): Promise<MoveResult> {
  if (target === queue) throw new CeleryLensError(`the message is already in "${queue}"`, 'BAD_ARGUMENT');
  const found = await findQueuedMessage(client, queue, taskId, searchLimit);
  if (!found) throw new CeleryLensError(`task ${taskId} is not waiting in the first ${searchLimit} messages of "${queue}" (a worker may have taken it)`, 'NOT_FOUND');
  const to = priorityKey(target, envelopePriority(found.raw));
  const moved = await client.eval(MOVE_SCRIPT, 2, found.key, to, found.raw);
  if (Number(moved) !== 1) throw new CeleryLensError(`task ${taskId} left "${queue}" before it could be moved (a worker took it); nothing was changed`, 'NOT_FOUND');
  return { from: found.key, to };
}

/** The queues kombu would restore to: the routing key on the default exchange, else the exchange's bindings. */
export async function restoreTargets(client: Redis, exchange: string, routingKey: string): Promise<string[]> {
  if (!exchange) return routingKey ? [routingKey] : [];
  const members = await client.smembers(bindingKey(exchange));
  const queues = members.map(parseBindingMember).filter((b) => b !== undefined && b.routingKey === routingKey).map((b) => b!.queue);
  return [...new Set(queues)];
}

/** The payload kombu pushes back: the envelope with its redelivered flags set. */
export function redeliveredPayload(envelope: unknown): string {
  const copy = JSON.parse(JSON.stringify(envelope)) as { headers?: Record<string, unknown>; properties?: { delivery_info?: Record<string, unknown> } };
  if (copy.headers && typeof copy.headers === 'object') copy.headers.redelivered = true;
  if (copy.properties?.delivery_info && typeof copy.properties.delivery_info === 'object') copy.properties.delivery_info.redelivered = true;
  return JSON.stringify(copy);
}

/** DESTRUCTIVE: put the unacked message `deliveryTag` back in its queue(s), atomically; returns the queues. */
export async function restoreUnackedMessage(client: Redis, deliveryTag: string): Promise<string[]> {
  const entry = await client.hgetBuffer(UNACKED_KEY, deliveryTag);
  if (!entry) throw new CeleryLensError(`unacked message ${deliveryTag} is gone (acked or restored meanwhile)`, 'NOT_FOUND');
  let parsed: unknown;
  try {
    parsed = JSON.parse(entry.toString('utf8'));
  } catch {
    throw new CeleryLensError(`unacked message ${deliveryTag} is not JSON; it is left where it is`, 'UNDECODABLE');
  }
  if (!Array.isArray(parsed) || parsed.length < 3 || typeof parsed[0] !== 'object' || parsed[0] === null) {
    throw new CeleryLensError(`unacked message ${deliveryTag} is not [message, exchange, routing_key]; it is left where it is`, 'UNDECODABLE');
  }
  const [envelope, exchange, routingKey] = parsed as [unknown, unknown, unknown];
  const queues = await restoreTargets(client, typeof exchange === 'string' ? exchange : '', typeof routingKey === 'string' ? routingKey : '');
  if (!queues.length) throw new CeleryLensError(`no queue is bound to exchange "${String(exchange)}" with routing key "${String(routingKey)}"; the message is left where it is`, 'NOT_FOUND');
  const restored = await client.eval(RESTORE_SCRIPT, 2 + queues.length, UNACKED_KEY, UNACKED_INDEX_KEY, ...queues, deliveryTag, entry, redeliveredPayload(envelope));
  if (Number(restored) !== 1) throw new CeleryLensError(`unacked message ${deliveryTag} changed before it could be restored (acked meanwhile?); nothing was changed`, 'NOT_FOUND');
  return queues;
}
