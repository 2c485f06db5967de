/**
 * Queue inspection on RabbitMQ. Depths and consumer counts come from a passive `queue.declare`
 * (exact and immediate, and it never creates a queue); the management API, when configured, adds
 * what AMQP cannot tell: the queue list, per-priority depths and a non-consuming peek.
 */
import type { Channel } from 'amqplib';
import { AMQP_PEEK_MAX_DEPTH, type QueueInfo } from '../broker';
import type { RawMessage, Undecodable } from '../../celery/rawMessage';
import { CeleryLensError, UnsupportedError, withTimeout } from '../../util/errors';
import { closeQuietly, withChannel, type AmqpSession } from './amqpSession';
import { describeAmqpError, isNotFound } from './amqpConnect';
import { ManagementApiError, type ManagementClient } from './managementClient';
import { rawFromManagement } from './managementMessage';

/** Bodies longer than this are not fetched in full by a peek (the API truncates them). */
export const PEEK_MAX_BODY_BYTES = 1024 * 1024;

/** Celery's, kombu's and our own plumbing queues (`celery-lens.lost-events.*`): not task queues, so not listed. */
export function isInternalQueue(name: string): boolean {
  return name.endsWith('.celery.pidbox') || name.startsWith('celeryev.') || name.startsWith('amq.') || name.startsWith('celery-lens.');
}

/**
 * Passive-declare each queue. A 404 closes the channel, so a fresh one is opened after each
 * missing queue; the other checks never notice.
 */
async function passiveCheck(session: AmqpSession, names: string[]): Promise<Map<string, { messages: number; consumers: number } | null>> {
  const result = new Map<string, { messages: number; consumers: number } | null>();
  let channel: Channel | undefined;
  try {
    for (const name of names) {
      if (result.has(name)) continue;
      channel ??= await withTimeout(session.openChannel(), session.commandTimeoutMs, 'Opening a channel');
      try {
        const ok = await withTimeout(channel.checkQueue(name), session.commandTimeoutMs, `Checking queue "${name}"`);
        result.set(name, { messages: ok.messageCount, consumers: ok.consumerCount });
      } catch (err) {
        if (!isNotFound(err)) throw err;
        result.set(name, null);
        await closeQuietly(channel);
        channel = undefined;
      }
    }
  } finally {
    await closeQuietly(channel);
  }
  return result;
}

/** Non-zero per-priority depths from the management API's backing queue status. */
async function priorityBreakdown(session: AmqpSession, management: ManagementClient, name: string): Promise<Record<string, number>> {
  try {
    const q = await management.getQueue(session.url.vhost, name);
    const lengths = q.backing_queue_status?.priority_lengths ?? {};
    const out: Record<string, number> = {};
    for (const [level, count] of Object.entries(lengths)) {
      if (typeof count === 'number' && count > 0) out[level] = count;
    }
    return out;
  } catch (err) {
    // The breakdown is extra detail: the counts from AMQP stand without it.
    session.logger.debug(`management API: no priority breakdown for "${name}": ${(err as Error).message}`);
    return {};
  }
}

export async function amqpQueueInfo(session: AmqpSession, management: ManagementClient | undefined, names: string[]): Promise<QueueInfo[]> {
  let checked: Awaited<ReturnType<typeof passiveCheck>>;
  try {
    checked = await passiveCheck(session, names);
  } catch (err) {
    throw describeAmqpError(err, 'Reading queue depths', session.url);
  }
  return Promise.all(names.map(async (name): Promise<QueueInfo> => {
    const found = checked.get(name);
    if (!found) return { name, messages: 0, consumers: 0, byPriority: {}, exists: false };
    const byPriority = management ? await priorityBreakdown(session, management, name) : {};
    return { name, messages: found.messages, consumers: found.consumers, byPriority, exists: true };
  }));
}

/** Queue names in the vhost, from the management API; [] without one (AMQP cannot list queues). */
export async function amqpListQueues(session: AmqpSession, management: ManagementClient | undefined): Promise<string[]> {
  if (!management) return [];
  const queues = await management.listQueues(session.url.vhost);
  return queues.map((q) => q.name).filter((name) => typeof name === 'string' && !isInternalQueue(name)).sort();
}

/**
 * The first `limit` ready messages, through the management API's `/get` with `ack_requeue_true`:
 * RabbitMQ hands them over and requeues them in place at once, so count and order are unchanged,
 * but it sets their `redelivered` flag (AMQP offers no way to look at a message without a
 * delivery). Messages already delivered to workers (prefetched, running) are not visible here.
 */
export async function amqpPeek(
  session: AmqpSession,
  management: ManagementClient | undefined,
  queue: string,
  limit: number,
  offset = 0,
): Promise<Array<RawMessage | Undecodable>> {
  if (!management) {
    throw new UnsupportedError(
      'Peeking a RabbitMQ queue needs the management API: pass --management-url http://user:password@host:15672 ' +
      '(plugin rabbitmq_management). Plain AMQP can only read a message by taking it off the queue.',
    );
  }
  if (limit <= 0) return [];
  const skip = Math.max(0, Math.floor(offset));
  if (skip >= AMQP_PEEK_MAX_DEPTH) {
    throw new UnsupportedError(
      `Peeking past the first ${AMQP_PEEK_MAX_DEPTH} messages of a RabbitMQ queue is not possible: the management API ` +
      'reads from the head of the queue, taking and requeueing every message up to the window.',
    );
  }
  try {
    // The API has no offset: read up to the window's end and drop what comes before it.
    const count = Math.min(skip + limit, AMQP_PEEK_MAX_DEPTH);
    const messages = await management.getMessages(session.url.vhost, queue, count, PEEK_MAX_BODY_BYTES);
    return messages.slice(skip).map((m) => rawFromManagement(m, queue, PEEK_MAX_BODY_BYTES));
  } catch (err) {
    if (err instanceof ManagementApiError && err.status === 404) {
      throw new CeleryLensError(`Queue "${queue}" does not exist in vhost "${session.url.vhost}" on ${session.url.redacted}`, 'NOT_FOUND');
    }
    throw err;
  }
}

/** DESTRUCTIVE: purge a queue that must already exist; returns how many messages were removed. */
export async function amqpPurge(session: AmqpSession, queue: string): Promise<number> {
  try {
    return await withChannel(session, async (channel) => {
      await withTimeout(channel.checkQueue(queue), session.commandTimeoutMs, `Checking queue "${queue}"`);
      const ok = await withTimeout(channel.purgeQueue(queue), session.commandTimeoutMs, `Purging queue "${queue}"`);
      return ok.messageCount;
    });
  } catch (err) {
    if (isNotFound(err)) {
      throw new CeleryLensError(`Queue "${queue}" does not exist in vhost "${session.url.vhost}" on ${session.url.redacted}; nothing was purged`, 'NOT_FOUND');
    }
    throw describeAmqpError(err, `Purging queue "${queue}"`, session.url);
  }
}
