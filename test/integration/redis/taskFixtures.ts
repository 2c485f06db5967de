/** Hand-built kombu messages for the Redis integration tests (a minimal protocol-2 task). */
import { randomUUID } from 'node:crypto';
import type { OutgoingMessage } from '../../../src/core/celery/rawMessage';

/** A protocol-2 task message as Celery 5 sends it, enough for a real worker to run it. */
export function taskMessage(
  name: string,
  args: unknown[],
  options: { id?: string; exchange?: string; routingKey?: string; priority?: number } = {},
): OutgoingMessage {
  const id = options.id ?? randomUUID();
  const body = [args, {}, { callbacks: null, errbacks: null, chain: null, chord: null }];
  return {
    body: Buffer.from(JSON.stringify(body), 'utf8'),
    contentType: 'application/json',
    contentEncoding: 'utf-8',
    headers: {
      lang: 'py', task: name, id, shadow: null, eta: null, expires: null, group: null, group_index: null, retries: 0,
      timelimit: [null, null], root_id: id, parent_id: null, argsrepr: JSON.stringify(args), kwargsrepr: '{}',
      origin: 'celery-lens-test', ignore_result: false,
    },
    properties: { correlation_id: id, delivery_mode: 2, priority: options.priority ?? 0 },
    exchange: options.exchange ?? '',
    routingKey: options.routingKey ?? 'celery',
  };
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
