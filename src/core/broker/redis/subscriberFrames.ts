/**
 * Reading what Redis sends on a subscribed connection (RESP2): the `message`/`pmessage` pushes,
 * and the few replies around them (AUTH's +OK, the PSUBSCRIBE confirmation, PING's answer, errors).
 *
 * The pushes are the event stream, up to hundreds of thousands a second, so they take a path of
 * their own: each is recognised by its fixed head and read straight off the socket's chunk, the
 * payload handed on as a view of it (no copy) and the channel's text reused while it repeats.
 * ioredis's general reader cost the decoding thread about a quarter of its time per message.
 *
 * A frame split across chunks waits until the bytes it needs (known once its lengths are read)
 * have all come, and is joined once, so a large payload over many chunks is copied once, not once
 * per chunk. Anything that is not RESP2 is a protocol error: the owner drops the connection.
 */
import { CeleryLensError } from '../../util/errors';

/** A reply other than a message push. Bulk strings come as text, `-ERR ...` as a RespErrorReply. */
export type RespReply = string | number | null | RespErrorReply | RespReply[];

/** An error reply from Redis (`-WRONGPASS ...`); its message is the server's text. */
export class RespErrorReply extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RespErrorReply';
  }
}

export interface SubscriberFrameHandlers {
  /** A `message` or `pmessage` push; `payload` is a view of the received bytes. */
  onMessage(channel: string, payload: Buffer): void;
  /** Any other frame. */
  onReply(reply: RespReply): void;
}

/** Redis's own ceiling on a bulk string (proto-max-bulk-len may only lower it). */
const MAX_BULK_BYTES = 512 * 1024 * 1024;
/** Replies on a subscribed connection are flat or one level deep; deeper is not Redis talking. */
const MAX_DEPTH = 4;
/** Nor do they hold more than a few items (the pushes, which do not come this way, hold 3 or 4). */
const MAX_REPLY_ITEMS = 1024;
/** Channel texts kept for reuse: the event stream uses a handful, results one per task. */
const CHANNEL_CACHE_SIZE = 8;
const INCOMPLETE = -1;
/** Bytes joined to a waiting frame whose lengths are not read yet: more than any frame head. */
const HEAD_JOIN = 1024;
const CR = 13;

const PMESSAGE_HEAD = Buffer.from('*4\r\n$8\r\npmessage\r\n');
const MESSAGE_HEAD = Buffer.from('*3\r\n$7\r\nmessage\r\n');

function startsWith(buf: Buffer, at: number, head: Buffer): boolean {
  if (buf.length - at < head.length) return false;
  for (let i = 0; i < head.length; i++) if (buf[at + i] !== head[i]) return false;
  return true;
}

function protocolError(what: string): CeleryLensError {
  return new CeleryLensError(`Redis sent something that is not RESP2 on the subscriber connection (${what})`, 'PROTOCOL');
}

export class SubscriberFrameReader {
  /** The start of a frame not yet complete, and what came after it. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes the waiting frame needs in all; 0 while its lengths are not read yet. */
  private needed = 0;
  /** Set by bulk(): where the last bulk string's data starts and ends. */
  private dataStart = 0;
  private dataEnd = 0;
  /** Set by reply(): the last value read. */
  private value: RespReply = null;
  private readonly channels: Array<{ bytes: Buffer; text: string }> = [];
  private nextChannelSlot = 0;

  constructor(private readonly handlers: SubscriberFrameHandlers) {}

  /** Feed what the socket read. Throws a CeleryLensError (code PROTOCOL) on bytes that are not RESP2. */
  write(chunk: Buffer): void {
    let buf = chunk;
    while (this.pendingBytes > 0) {
      const rest = this.finishPending(buf);
      if (rest === undefined) return;
      buf = rest;
    }
    let at = 0;
    while (at < buf.length) {
      const end = this.frame(buf, at);
      if (end === INCOMPLETE) break;
      at = end;
    }
    if (at < buf.length) {
      this.pending = [buf.subarray(at)];
      this.pendingBytes = buf.length - at;
    }
  }

  /**
   * Go on with the waiting frame using the start of `chunk`: join what it needs (known, or while
   * its lengths are not read, the next HEAD_JOIN bytes) and read it. Joining only that, not the
   * whole chunk, spares a copy of every socket read that ends inside a frame, which nearly all do.
   * Returns the rest of the chunk, or undefined when all of it went to a frame still waiting.
   */
  private finishPending(chunk: Buffer): Buffer | undefined {
    const before = this.pendingBytes;
    const joinLength = this.needed > 0 ? this.needed : before + Math.min(chunk.length, HEAD_JOIN);
    if (before + chunk.length < joinLength) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      return undefined;
    }
    const taken = joinLength - before;
    this.pending.push(chunk.subarray(0, taken));
    const joined = Buffer.concat(this.pending, joinLength);
    this.pending = [];
    this.pendingBytes = 0;
    this.needed = 0;
    const end = this.frame(joined, 0);
    if (end === INCOMPLETE) {
      this.pending = [joined];
      this.pendingBytes = joinLength;
      return taken < chunk.length ? chunk.subarray(taken) : undefined;
    }
    // The frame began in what waited, so it took `end - before` bytes of the chunk.
    return chunk.subarray(end - before);
  }

  /** Read the frame at `at`: the offset after it, or INCOMPLETE (with `needed` set when known). */
  private frame(buf: Buffer, at: number): number {
    const pattern = startsWith(buf, at, PMESSAGE_HEAD);
    if (pattern || startsWith(buf, at, MESSAGE_HEAD)) {
      let p = pattern ? this.bulk(buf, at + PMESSAGE_HEAD.length, at) : at + MESSAGE_HEAD.length;
      if (p === INCOMPLETE) return INCOMPLETE;
      p = this.bulk(buf, p, at);
      if (p === INCOMPLETE) return INCOMPLETE;
      const channelStart = this.dataStart;
      const channelEnd = this.dataEnd;
      p = this.bulk(buf, p, at);
      if (p === INCOMPLETE) return INCOMPLETE;
      this.handlers.onMessage(this.channelText(buf, channelStart, channelEnd), buf.subarray(this.dataStart, this.dataEnd));
      return p;
    }
    const end = this.reply(buf, at, at, 0);
    if (end !== INCOMPLETE) this.handlers.onReply(this.value);
    return end;
  }

  /** `$<len>\r\n<data>\r\n` at p. */
  private bulk(buf: Buffer, p: number, frameStart: number): number {
    if (p >= buf.length) return INCOMPLETE;
    if (buf[p] !== 0x24) throw protocolError(`expected a bulk string, got byte ${buf[p]}`);
    const lineEnd = this.lineEnd(buf, p + 1);
    if (lineEnd === INCOMPLETE) return INCOMPLETE;
    const length = this.integer(buf, p + 1, lineEnd);
    if (length < 0 || length > MAX_BULK_BYTES) throw protocolError(`bulk string of length ${length}`);
    const start = lineEnd + 2;
    const after = start + length + 2;
    if (after > buf.length) {
      this.needed = after - frameStart;
      return INCOMPLETE;
    }
    if (buf[after - 2] !== CR || buf[after - 1] !== 10) throw protocolError('a bulk string without its CRLF');
    this.dataStart = start;
    this.dataEnd = start + length;
    return after;
  }

  /** Any RESP2 value at p, left in `value`; the offset after it. */
  private reply(buf: Buffer, p: number, frameStart: number, depth: number): number {
    if (p >= buf.length) return INCOMPLETE;
    const type = buf[p];
    if (type === 0x24) {
      // `$-1` is the null bulk string.
      if (buf[p + 1] === 0x2d) return this.line(buf, p, () => null);
      const after = this.bulk(buf, p, frameStart);
      if (after !== INCOMPLETE) this.value = buf.toString('utf8', this.dataStart, this.dataEnd);
      return after;
    }
    if (type === 0x2b) return this.line(buf, p, (text) => text);
    if (type === 0x2d) return this.line(buf, p, (text) => new RespErrorReply(text));
    if (type !== 0x3a && type !== 0x2a) throw protocolError(`unknown type byte ${type}`);
    const lineEnd = this.lineEnd(buf, p + 1);
    if (lineEnd === INCOMPLETE) return INCOMPLETE;
    const n = this.integer(buf, p + 1, lineEnd);
    let at = lineEnd + 2;
    if (type === 0x3a) {
      this.value = n;
      return at;
    }
    if (depth >= MAX_DEPTH) throw protocolError('arrays nested too deep');
    const count = n;
    if (count > MAX_REPLY_ITEMS) throw protocolError(`an array of ${count} items`);
    if (count < 0) {
      this.value = null;
      return at;
    }
    const items: RespReply[] = [];
    for (let i = 0; i < count; i++) {
      at = this.reply(buf, at, frameStart, depth + 1);
      if (at === INCOMPLETE) return INCOMPLETE;
      items.push(this.value);
    }
    this.value = items;
    return at;
  }

  /** A one-line value (`+OK`, `-ERR ...`, `$-1`) at p, made by `make` from its text. */
  private line(buf: Buffer, p: number, make: (text: string) => RespReply): number {
    const lineEnd = this.lineEnd(buf, p + 1);
    if (lineEnd === INCOMPLETE) return INCOMPLETE;
    this.value = make(buf.toString('utf8', p + 1, lineEnd));
    return lineEnd + 2;
  }

  /** Where the CRLF ending the line from p is (INCOMPLETE if it has not come yet). */
  private lineEnd(buf: Buffer, p: number): number {
    const cr = buf.indexOf(CR, p);
    if (cr < 0 || cr + 1 >= buf.length) {
      if (buf.length - p > 64 * 1024) throw protocolError('a line longer than 64 KiB');
      return INCOMPLETE;
    }
    if (buf[cr + 1] !== 10) throw protocolError('a CR without LF');
    return cr;
  }

  /** The decimal integer in buf[from, to). */
  private integer(buf: Buffer, from: number, to: number): number {
    const negative = buf[from] === 0x2d;
    let n = 0;
    for (let i = negative ? from + 1 : from; i < to; i++) {
      const digit = buf[i] - 48;
      if (digit < 0 || digit > 9 || n > Number.MAX_SAFE_INTEGER / 10) throw protocolError('a malformed integer');
      n = n * 10 + digit;
    }
    if (to === from || (negative && to === from + 1)) throw protocolError('an empty integer');
    return negative ? -n : n;
  }

  /** The channel's text, reused from the last few channels seen when the bytes are the same. */
  private channelText(buf: Buffer, start: number, end: number): string {
    const length = end - start;
    for (let c = 0; c < this.channels.length; c++) {
      const known = this.channels[c].bytes;
      if (known.length !== length) continue;
      let same = true;
      for (let i = length - 1; i >= 0; i--) {
        if (known[i] !== buf[start + i]) {
          same = false;
          break;
        }
      }
      if (same) return this.channels[c].text;
    }
    const text = buf.toString('utf8', start, end);
    const entry = { bytes: Buffer.from(buf.subarray(start, end)), text };
    if (this.channels.length < CHANNEL_CACHE_SIZE) this.channels.push(entry);
    else {
      this.channels[this.nextChannelSlot] = entry;
      this.nextChannelSlot = (this.nextChannelSlot + 1) % CHANNEL_CACHE_SIZE;
    }
    return text;
  }
}
