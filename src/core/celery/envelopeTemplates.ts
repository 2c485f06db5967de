/**
 * Recognising a kombu Redis envelope without parsing it. Every event a sender publishes on one
 * routing key comes in the same envelope, byte for byte, but for its body and its delivery tag:
 *
 *   {"body": "<base64>", "content-encoding": "utf-8", ..., "headers": {"hostname": "w1@vm"},
 *    "properties": {..., "delivery_info": {..., "routing_key": "task.multi"}, ..., "delivery_tag": "<uuid>"}}
 *
 * So the first envelope of each shape is parsed in full and, when its facts are ones the caller
 * accepts, kept as a template: the bytes after the body with the tag's place marked. A later
 * envelope whose bytes equal a template's outside the body and the tag (checked byte for byte, the
 * tag as plain uuid characters and the body as base64, which holds no quote) is the same JSON with
 * the same facts, and only its body needs reading. Parsing the envelope was about a third of the
 * cost of decoding an event.
 */

/** What every kombu envelope begins with (json.dumps with its default separators, body first). */
const PREFIX = Buffer.from('{"body": "', 'latin1');
const TAG_KEY = '"delivery_tag": "';
/** What follows the tag: the end of its string, of `properties` and of the envelope. */
const TAG_END = '"}}';
const TAG_END_BYTES = Buffer.from(TAG_END, 'latin1');
/** Distinct shapes kept (senders times routing keys); past it the table starts again. */
const MAX_TEMPLATES = 256;

/** One envelope shape, and what the caller learned from the envelope it was made from. */
interface Template<Facts> {
  /** The envelope's bytes from the quote that closes the body to the end. */
  tail: Buffer;
  /** Offsets of the tag's characters in `tail`. */
  tagStart: number;
  tagEnd: number;
  facts: Facts;
}

/** A recognised envelope: the body as sent (base64 text, unchecked) and the template's facts. */
export interface KnownEnvelope<Facts> {
  body: string;
  facts: Facts;
}

/** Where the body's string ends (the index of its closing quote), or -1 when `payload` does not begin like kombu's envelopes. */
function bodyEnd(payload: Buffer): number {
  if (payload.length < PREFIX.length + 2) return -1;
  for (let i = 0; i < PREFIX.length; i++) if (payload[i] !== PREFIX[i]) return -1;
  return payload.indexOf(0x22, PREFIX.length);
}

/** Whether every byte in [from, to) may be in a kombu delivery tag (a uuid: hex digits and dashes). */
function isTagText(bytes: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = bytes[i];
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46) || c === 0x2d)) return false;
  }
  return true;
}

export class EnvelopeTemplates<Facts> {
  /** Templates by tail length: the length alone tells most shapes apart. */
  private readonly byTailLength = new Map<number, Array<Template<Facts>>>();
  private count = 0;

  /** Shapes known now. */
  get size(): number {
    return this.count;
  }

  /** The body and facts of `payload` when it has a known shape; undefined means: parse it. */
  match(payload: Buffer): KnownEnvelope<Facts> | undefined {
    const close = bodyEnd(payload);
    if (close < 0) return undefined;
    const candidates = this.byTailLength.get(payload.length - close);
    if (candidates === undefined) return undefined;
    for (let i = 0; i < candidates.length; i++) {
      const template = candidates[i];
      const tail = template.tail;
      // After the tag comes TAG_END alone (learn() makes sure): three bytes, not worth a native call.
      const end = payload.length - TAG_END_BYTES.length;
      if (payload[end] !== TAG_END_BYTES[0] || payload[end + 1] !== TAG_END_BYTES[1] || payload[end + 2] !== TAG_END_BYTES[2]) continue;
      if (payload.compare(tail, 0, template.tagStart, close, close + template.tagStart) !== 0) continue;
      if (!isTagText(payload, close + template.tagStart, close + template.tagEnd)) continue;
      return { body: payload.toString('latin1', PREFIX.length, close), facts: template.facts };
    }
    return undefined;
  }

  /**
   * Keep the shape of `payload`, whose full parse gave `body` and `facts`. Only an envelope that
   * begins like kombu's, whose delivery tag is its last field, and whose parsed body is the text
   * between the prefix and the first quote (no later "body" key overrides it) becomes a template.
   */
  learn(payload: Buffer, body: string, facts: Facts): void {
    const close = bodyEnd(payload);
    if (close < 0 || close - PREFIX.length !== body.length || payload.toString('latin1', PREFIX.length, close) !== body) return;
    const tailText = payload.toString('latin1', close);
    const key = tailText.lastIndexOf(TAG_KEY);
    if (key < 0 || !tailText.endsWith(TAG_END)) return;
    const tagStart = key + TAG_KEY.length;
    const tagEnd = tailText.length - TAG_END.length;
    if (tagEnd <= tagStart || !isTagText(payload, close + tagStart, close + tagEnd)) return;
    if (this.count >= MAX_TEMPLATES) this.clear();
    const tail = Buffer.from(payload.subarray(close)); // a copy: the payload's memory is not ours to keep
    let list = this.byTailLength.get(tail.length);
    if (list === undefined) this.byTailLength.set(tail.length, (list = []));
    list.push({ tail, tagStart, tagEnd, facts });
    this.count++;
  }

  clear(): void {
    this.byTailLength.clear();
    this.count = 0;
  }
}
