/** Messages for the Redis integration tests: real task messages and malformed envelopes. */
import { randomUUID } from 'node:crypto';
import type { OutgoingMessage } from '../../../src/core/celery/rawMessage';
import { encodeTaskMessage } from '../../../src/core/celery/taskEncoder';

/** A protocol-2 task message as Celery 5's send_task builds it (the project's own encoder). */
export function taskMessage(
  name: string,
  args: unknown[],
  options: { id?: string; exchange?: string; routingKey?: string; priority?: number } = {},
): OutgoingMessage {
  const routingKey = options.routingKey ?? 'celery';
  return encodeTaskMessage({ name, args, id: options.id, exchange: options.exchange ?? '', queue: routingKey, routingKey, priority: options.priority });
}

/** A queue name no worker consumes. */
export function idleQueue(): string {
  return `lens.idle.${randomUUID().slice(0, 8)}`;
}

/** A kombu envelope string around an arbitrary body, for malformed-message tests. */
export function envelopeAround(body: string, contentType: string, headers: Record<string, unknown> = {}): string {
  return JSON.stringify({
    body, 'content-encoding': 'utf-8', 'content-type': contentType, headers,
    properties: { delivery_mode: 2, delivery_info: { exchange: '', routing_key: 'x' }, priority: 0, body_encoding: 'base64', delivery_tag: randomUUID() },
  });
}
