/**
 * A queued message as a JSON document to read: where it waits, content type and encoding, properties,
 * headers and the decoded body. The message is untrusted: the body is only ever parsed as JSON (never
 * unpickled or evaluated), text is kept as text, anything else is shown as base64, and big bodies are
 * cut at {@link MAX_BODY_CHARS} with a note.
 */
import type { RawMessage, Undecodable } from '../celery/rawMessage';
import type { TaskMessage } from '../celery/types';

export const MAX_BODY_CHARS = 256 * 1024;

function isJsonType(contentType: string | undefined): boolean {
  return /^application\/(.+\+)?json\b/i.test(contentType ?? '');
}

function cut(text: string): { text: string; truncated?: string } {
  return text.length > MAX_BODY_CHARS ? { text: text.slice(0, MAX_BODY_CHARS), truncated: `body cut at ${MAX_BODY_CHARS} of ${text.length} characters` } : { text };
}

/** The body as the most readable safe form: parsed JSON, text, or base64. */
export function bodyView(raw: RawMessage): Record<string, unknown> {
  const bytes = raw.body;
  if (isJsonType(raw.contentType) && bytes.length <= MAX_BODY_CHARS) {
    try {
      return { format: 'json', value: JSON.parse(bytes.toString('utf8')) as unknown };
    } catch (err) {
      // Shown as text below, with the reason.
      const text = cut(bytes.toString('utf8'));
      return { format: 'text', note: `declared JSON but does not parse: ${(err as Error).message}`, value: text.text, ...(text.truncated ? { truncated: text.truncated } : {}) };
    }
  }
  const utf8 = bytes.toString('utf8');
  // eslint-disable-next-line no-control-regex
  const textual = !utf8.includes('\uFFFD') && !/[\x00-\x08\x0e-\x1f]/.test(utf8);
  if (textual) {
    const text = cut(utf8);
    return { format: 'text', value: text.text, ...(text.truncated ? { truncated: text.truncated } : {}) };
  }
  const b64 = cut(bytes.toString('base64'));
  return { format: 'base64', note: `${raw.contentType ?? 'unknown content type'}: not decoded (binary)`, value: b64.text, ...(b64.truncated ? { truncated: b64.truncated } : {}) };
}

export interface MessageDocumentInput {
  queue: string;
  /** 0-based position in the order workers take messages. */
  position: number;
  message: TaskMessage | Undecodable;
  raw?: RawMessage;
}

export function messageDocument(input: MessageDocumentInput): Record<string, unknown> {
  const { message, raw } = input;
  const doc: Record<string, unknown> = { queue: input.queue, position: input.position + 1 };
  if (message.kind === 'undecodable') {
    Object.assign(doc, {
      undecodable: message.reason, taskId: message.taskId, task: message.taskName,
      contentType: message.contentType, contentEncoding: message.contentEncoding, size: message.size, preview: message.preview,
    });
  } else {
    Object.assign(doc, {
      taskId: message.id, task: message.name, protocol: message.protocol,
      contentType: message.contentType, contentEncoding: message.contentEncoding, size: message.size,
      args: message.args, kwargs: message.kwargs, embed: message.embed,
    });
  }
  if (raw) {
    doc.deliveryInfo = raw.deliveryInfo;
    doc.properties = raw.properties;
    doc.headers = raw.headers;
    doc.body = bodyView(raw);
  } else if (message.kind !== 'undecodable') {
    doc.headers = message.headers;
  }
  return doc;
}

/** The document's text (2-space JSON; values JSON cannot hold, like BigInt, become strings). */
export function messageDocumentText(input: MessageDocumentInput): string {
  return `${JSON.stringify(messageDocument(input), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`;
}
