/**
 * One Redis pub/sub `celeryev` payload (a kombu envelope) straight to events: the path every
 * event takes, so it must be cheap. It gives exactly what parseRedisEnvelope + decodeEventMessage
 * give, and goes through them whenever a message is not what Celery's own senders write: the
 * JSON serializer, utf-8, a base64 body, no compression. The common message skips their work:
 * - an envelope of a shape seen before is recognised without parsing it (envelopeTemplates.ts);
 * - the body is base64-decoded into one reused buffer instead of a new Buffer per message
 *   (allocating it cost more than decoding it);
 * - none of the general path's per-message objects (RawMessage, delivery info, closures) are made.
 */
import { collectEvents, type DecodedEvents, decodeEventMessage, type EventDecodeOptions } from './events';
import { EnvelopeTemplates } from './envelopeTemplates';
import { MAX_DECODE_BYTES } from './jsonBody';
import { base64DecodedLength, isUndecodable, parseRedisEnvelope } from './rawMessage';

/** Grows on demand up to MAX_DECODE_BYTES; one per thread (module state), used only synchronously. */
let scratch = Buffer.allocUnsafe(64 * 1024);

/** What an accepted envelope shape tells: the routing key errors are reported under. */
interface EventEnvelopeFacts {
  where: string;
}

/** Envelope shapes of this thread's event stream. */
const templates = new EnvelopeTemplates<EventEnvelopeFacts>();

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether a parsed envelope is a plain kombu JSON event message with a base64 body. */
function isCommonEnvelope(envelope: unknown): envelope is { body: string; properties: Record<string, unknown> } {
  if (!isRecord(envelope)) return false;
  const properties = envelope.properties;
  const headers = envelope.headers;
  if (!isRecord(properties) || properties.body_encoding !== 'base64' || typeof envelope.body !== 'string') return false;
  if (envelope['content-type'] !== 'application/json' || envelope['content-encoding'] !== 'utf-8') return false;
  return headers === undefined || (isRecord(headers) && headers.compression === undefined);
}

/**
 * The JSON text of a base64 body of a size we decode; undefined when it is not strictly base64
 * (the general path then reports it).
 */
function base64BodyText(body: string): string | undefined {
  const bytes = base64DecodedLength(body);
  if (bytes === undefined || bytes === 0 || bytes > MAX_DECODE_BYTES) return undefined;
  if (bytes > scratch.length) scratch = Buffer.allocUnsafe(Math.min(MAX_DECODE_BYTES, 2 ** Math.ceil(Math.log2(bytes))));
  if (scratch.write(body, 0, bytes, 'base64') !== bytes) return undefined;
  const text = scratch.toString('utf8', 0, bytes);
  return text.includes('\uFFFD') ? undefined : text;
}

function routingKeyOf(properties: Record<string, unknown>): string | undefined {
  const info = properties.delivery_info;
  return isRecord(info) && typeof info.routing_key === 'string' ? info.routing_key : undefined;
}

/** The body text and routing key of a common envelope, learning its shape; undefined otherwise. */
function commonBody(payload: Buffer): { text: string; where: string } | undefined {
  const known = templates.match(payload);
  if (known !== undefined) {
    const text = base64BodyText(known.body);
    return text === undefined ? undefined : { text, where: known.facts.where };
  }
  let envelope: unknown;
  try {
    envelope = JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isCommonEnvelope(envelope)) return undefined;
  const text = base64BodyText(envelope.body);
  if (text === undefined) return undefined;
  const facts = { where: routingKeyOf(envelope.properties) ?? 'celeryev' };
  templates.learn(payload, envelope.body, facts);
  return { text, where: facts.where };
}

/**
 * Decode one pub/sub payload of the `celeryev` stream received on `channel`. Never throws; errors
 * name the event's routing key (or `celeryev`), as decodeEventMessage's do. Events and errors are
 * appended to `out` when given (a batch's lists: no lists per message), else to new lists.
 */
export function decodeRedisEventPayload(
  payload: Buffer, channel: string, localReceived: number, options?: EventDecodeOptions, out: DecodedEvents = { events: [], errors: [] },
): DecodedEvents {
  const common = commonBody(payload);
  if (common !== undefined) {
    let body: unknown;
    let parsed = true;
    try {
      body = JSON.parse(common.text);
    } catch {
      parsed = false;
    }
    if (parsed) {
      const facts = { size: payload.length, contentType: 'application/json', contentEncoding: 'utf-8' };
      collectEvents(body, common.where, facts, localReceived, options, out);
      return out;
    }
  }
  const raw = parseRedisEnvelope(payload, 'event', channel);
  if (isUndecodable(raw)) {
    out.errors.push(raw);
    return out;
  }
  const decoded = decodeEventMessage(raw, raw.deliveryInfo.routingKey ?? 'celeryev', localReceived, options);
  for (const event of decoded.events) out.events.push(event);
  for (const error of decoded.errors) out.errors.push(error);
  return out;
}
