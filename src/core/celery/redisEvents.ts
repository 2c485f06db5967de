/**
 * One Redis pub/sub `celeryev` payload (a kombu envelope) straight to events: the path every
 * event takes, so it must be cheap. It gives exactly what parseRedisEnvelope + decodeEventMessage
 * give, and goes through them whenever a message is not what Celery's own senders write: the
 * JSON serializer, utf-8, a base64 body, no compression. Only the common message skips the
 * general path's work: its body is base64-decoded into one reused buffer instead of a new Buffer
 * per message (allocating it cost more than decoding it), and none of the general path's
 * per-message objects (RawMessage, delivery info, error closures) are made.
 */
import { collectEvents, type DecodedEvents, decodeEventMessage, type EventDecodeOptions } from './events';
import { MAX_DECODE_BYTES } from './jsonBody';
import { isUndecodable, parseRedisEnvelope } from './rawMessage';

/** Grows on demand up to MAX_DECODE_BYTES; one per thread (module state), used only synchronously. */
let scratch = Buffer.allocUnsafe(64 * 1024);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The body's JSON text when the envelope is a plain kombu JSON event message with a valid
 * base64 body of a size we decode; undefined sends the message down the general path, which
 * then reports whatever is wrong with it.
 */
function commonBodyText(envelope: unknown): string | undefined {
  if (!isRecord(envelope)) return undefined;
  const properties = envelope.properties;
  const headers = envelope.headers;
  const body = envelope.body;
  if (!isRecord(properties) || properties.body_encoding !== 'base64' || typeof body !== 'string') return undefined;
  if (envelope['content-type'] !== 'application/json' || envelope['content-encoding'] !== 'utf-8') return undefined;
  if (headers !== undefined && (!isRecord(headers) || headers.compression !== undefined)) return undefined;
  const length = body.length;
  if (length === 0 || length % 4 !== 0) return undefined;
  const padding = body.charCodeAt(length - 1) === 61 ? (body.charCodeAt(length - 2) === 61 ? 2 : 1) : 0;
  const bytes = (length / 4) * 3 - padding;
  if (bytes > MAX_DECODE_BYTES) return undefined;
  if (bytes > scratch.length) scratch = Buffer.allocUnsafe(Math.min(MAX_DECODE_BYTES, 2 ** Math.ceil(Math.log2(bytes))));
  // Node skips characters that are not base64: only a full-length result proves the body was valid.
  if (scratch.write(body, 0, bytes, 'base64') !== bytes) return undefined;
  const text = scratch.toString('utf8', 0, bytes);
  return text.includes('\uFFFD') ? undefined : text;
}

function routingKeyOf(envelope: Record<string, unknown>): string | undefined {
  const info = (envelope.properties as Record<string, unknown>).delivery_info;
  return isRecord(info) && typeof info.routing_key === 'string' ? info.routing_key : undefined;
}

/**
 * Decode one pub/sub payload of the `celeryev` stream received on `channel`. Never throws; errors
 * name the event's routing key (or `celeryev`), as decodeEventMessage's do.
 */
export function decodeRedisEventPayload(
  payload: Buffer, channel: string, localReceived: number, options?: EventDecodeOptions,
): DecodedEvents {
  let envelope: unknown;
  let text: string | undefined;
  try {
    envelope = JSON.parse(payload.toString('utf8'));
    text = commonBodyText(envelope);
  } catch {
    text = undefined;
  }
  if (text !== undefined) {
    let body: unknown;
    let parsed = true;
    try {
      body = JSON.parse(text);
    } catch {
      parsed = false;
    }
    if (parsed) {
      const where = routingKeyOf(envelope as Record<string, unknown>) ?? 'celeryev';
      const out: DecodedEvents = { events: [], errors: [] };
      const facts = { size: payload.length, contentType: 'application/json', contentEncoding: 'utf-8' };
      collectEvents(body, where, facts, localReceived, options, out);
      return out;
    }
  }
  const raw = parseRedisEnvelope(payload, 'event', channel);
  if (isUndecodable(raw)) return { events: [], errors: [raw] };
  return decodeEventMessage(raw, raw.deliveryInfo.routingKey ?? 'celeryev', localReceived, options);
}
