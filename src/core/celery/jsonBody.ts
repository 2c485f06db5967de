/**
 * The content rules every decoder shares: which kombu messages we read, and turning their bytes
 * into a JSON value without ever throwing.
 *
 * Decisions (documented for users in the Undecodable reasons):
 * - Only the JSON serializer is decoded: content type `application/json` (parameters such as
 *   `; charset=utf-8` are ignored). Pickle, msgpack, YAML, raw `application/data` and anything
 *   else become an {@link Undecodable} naming the serializer.
 * - A message with NO content type is accepted when its body parses as JSON. kombu would hand
 *   such a body to Celery as a raw string, but in practice it is a hand-written JSON message, and
 *   showing it is more useful than refusing it.
 * - Content encoding must be absent, `utf-8`/`utf8` or `ascii`; `binary` (and any other codec)
 *   is refused, and so is any `compression` header (we never inflate untrusted input).
 * - Bodies over {@link MAX_DECODE_BYTES} are refused as "too large" before any parsing, so one
 *   huge message cannot stall the extension host. Everything below the cap is parsed in full.
 */
import { isUtf8 } from 'node:buffer';
import { MessageSource, previewOf, RawMessage, Undecodable, undecodable } from './rawMessage';

/**
 * Largest body we parse (1 MiB). Celery messages are normally a few KiB; parsing a multi-megabyte
 * body would stall the extension host for tens of milliseconds, and the headers still identify
 * the task (id, name, argsrepr) when the body is refused.
 */
export const MAX_DECODE_BYTES = 1024 * 1024;

const SERIALIZER_NAMES: Record<string, string> = {
  'application/x-python-serialize': 'pickle',
  'application/x-msgpack': 'msgpack',
  'application/x-yaml': 'YAML',
  'application/data': 'raw binary',
  'application/x-protobuf': 'protobuf',
};

const TEXT_ENCODINGS = new Set(['utf-8', 'utf8', 'ascii', 'us-ascii']);

/** Header values copied into an Undecodable so a user can still tell which task it was. */
export interface UndecodableContext {
  taskId?: string;
  taskName?: string;
}

/** The content type without parameters, lower-cased; undefined when absent or blank. */
export function baseContentType(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  const semi = contentType.indexOf(';');
  const base = (semi >= 0 ? contentType.slice(0, semi) : contentType).trim().toLowerCase();
  return base === '' ? undefined : base;
}

/** Why a message's serialization is not one we decode, or undefined when it is JSON we can read. */
export function unsupportedContentReason(raw: RawMessage): string | undefined {
  const type = baseContentType(raw.contentType);
  if (type !== undefined && type !== 'application/json') {
    const name = SERIALIZER_NAMES[type];
    return name
      ? `${name} content type (${type}) is not decoded: only the JSON serializer is supported`
      : `unsupported content type "${oneLine(raw.contentType ?? '', 80)}": only application/json is decoded`;
  }
  const compression = raw.headers.compression;
  if (compression !== undefined && compression !== null && compression !== '') {
    return `compressed body (${oneLine(String(compression), 60)}) is not decoded`;
  }
  const encoding = raw.contentEncoding?.trim().toLowerCase();
  if (encoding !== undefined && encoding !== '' && !TEXT_ENCODINGS.has(encoding)) {
    return `content encoding "${oneLine(raw.contentEncoding ?? '', 40)}" is not decoded: only utf-8 JSON is supported`;
  }
  return undefined;
}

/** Collapse whitespace and cap the length, so a reason always stays one short line. */
export function oneLine(text: string, max = 160): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\s\x00-\x1f\x7f]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * Decode a message body as JSON under the rules above. Never throws. `context` adds the task id
 * and name to a failure report when the caller read them from the headers.
 */
export function parseJsonBody(
  raw: RawMessage,
  source: MessageSource,
  where: string,
  context?: UndecodableContext,
): { value: unknown } | Undecodable {
  const fail = (reason: string, withPreview = true): Undecodable =>
    undecodable(source, where, reason, {
      size: raw.size,
      contentType: raw.contentType,
      contentEncoding: raw.contentEncoding,
      taskId: context?.taskId,
      taskName: context?.taskName,
      preview: withPreview && raw.body.length > 0 ? previewOf(raw.body) : undefined,
    });
  try {
    const unsupported = unsupportedContentReason(raw);
    if (unsupported !== undefined) return fail(unsupported);
    const body = raw.body;
    if (body.length > MAX_DECODE_BYTES) {
      return fail(`body too large to decode (${body.length} bytes, limit ${MAX_DECODE_BYTES})`);
    }
    if (body.length === 0) return fail('empty body', false);
    const text = body.toString('utf8');
    // toString replaces bad sequences with U+FFFD; only then pay for a strict check.
    if (text.includes('\uFFFD') && !isUtf8(body)) return fail('body is not valid UTF-8');
    try {
      return { value: JSON.parse(text) as unknown };
    } catch (err) {
      return fail(`body is not valid JSON (${oneLine((err as Error).message, 100)})`);
    }
  } catch (err) {
    return fail(`could not decode body (${oneLine(String((err as Error)?.message ?? err), 100)})`);
  }
}

/**
 * Decode any kombu JSON message body (control replies, results) under the same rules as task and
 * event bodies. Never throws.
 */
export function decodeJsonBody(raw: RawMessage, source: MessageSource, where: string): { value: unknown } | Undecodable {
  return parseJsonBody(raw, source, where);
}
