import * as assert from 'node:assert/strict';
import { type RespReply, RespErrorReply, SubscriberFrameReader } from '../../../../src/core/broker/redis/subscriberFrames';
import { CeleryLensError } from '../../../../src/core/util/errors';
import { pmessageFrame } from './scriptedRedis';

type Heard = Array<[string, string] | ['reply', RespReply]>;

function reader(): { reader: SubscriberFrameReader; heard: Heard } {
  const heard: Heard = [];
  return {
    heard,
    reader: new SubscriberFrameReader({
      onMessage: (channel, payload) => heard.push([channel, payload.toString('utf8')]),
      onReply: (reply) => heard.push(['reply', reply]),
    }),
  };
}

const CONFIRM = Buffer.from('*3\r\n$10\r\npsubscribe\r\n$13\r\n/0.celeryev/*\r\n:1\r\n');
const STREAM = Buffer.concat([
  CONFIRM,
  pmessageFrame('/0.celeryev/*', '/0.celeryev/task.started', '{"body": "eyJ9"}'),
  Buffer.from('*3\r\n$7\r\nmessage\r\n$5\r\nplain\r\n$4\r\nab\r\n\r\n'),
  pmessageFrame('/0.celeryev/*', '/0.celeryev/task.succeeded', 'ünïcode ✓'),
  Buffer.from('*2\r\n$4\r\npong\r\n$0\r\n\r\n'),
  Buffer.from('+OK\r\n-WRONGPASS invalid username-password pair\r\n:42\r\n$-1\r\n*-1\r\n'),
  pmessageFrame('/0.celeryev/*', '/0.celeryev/task.started', ''),
]);
const EXPECTED: Heard = [
  ['reply', ['psubscribe', '/0.celeryev/*', 1]],
  ['/0.celeryev/task.started', '{"body": "eyJ9"}'],
  ['plain', 'ab\r\n'],
  ['/0.celeryev/task.succeeded', 'ünïcode ✓'],
  ['reply', ['pong', '']],
  ['reply', 'OK'],
  ['reply', new RespErrorReply('WRONGPASS invalid username-password pair')],
  ['reply', 42],
  ['reply', null],
  ['reply', null],
  ['/0.celeryev/task.started', ''],
];

describe('(unit) redis subscriber frames', () => {
  it('reads pushes and replies in order from one chunk', () => {
    const { reader: r, heard } = reader();
    r.write(STREAM);
    assert.deepEqual(heard, EXPECTED);
  });

  it('gives the same whatever the chunks are cut at: every split point, and byte by byte', () => {
    for (let cut = 1; cut < STREAM.length; cut++) {
      const { reader: r, heard } = reader();
      r.write(STREAM.subarray(0, cut));
      r.write(STREAM.subarray(cut));
      assert.deepEqual(heard, EXPECTED, `cut at ${cut}`);
    }
    const { reader: r, heard } = reader();
    for (let i = 0; i < STREAM.length; i++) r.write(STREAM.subarray(i, i + 1));
    assert.deepEqual(heard, EXPECTED);
  });

  it('hands a payload as a view of the chunk, and joins a large one split over many chunks once', () => {
    const big = Buffer.alloc(3 * 1024 * 1024, 0x61);
    const frame = pmessageFrame('p*', 'p1', big);
    const payloads: Buffer[] = [];
    const r = new SubscriberFrameReader({ onMessage: (_c, payload) => payloads.push(payload), onReply: () => undefined });
    const concat = Buffer.concat;
    let joins = 0;
    Buffer.concat = ((list: readonly Uint8Array[], length?: number) => {
      joins++;
      return concat(list, length);
    }) as typeof Buffer.concat;
    try {
      for (let at = 0; at < frame.length; at += 64 * 1024) r.write(frame.subarray(at, at + 64 * 1024));
    } finally {
      Buffer.concat = concat;
    }
    assert.equal(payloads.length, 1);
    assert.ok(payloads[0].equals(big));
    // The head arrives whole in the first chunk, so the lengths are known and one join suffices.
    assert.equal(joins, 1);

    const small = pmessageFrame('p*', 'p1', 'x');
    const chunk = Buffer.concat([small, small]);
    const views: Buffer[] = [];
    new SubscriberFrameReader({ onMessage: (_c, payload) => views.push(payload), onReply: () => undefined }).write(chunk);
    assert.equal(views[1].buffer, chunk.buffer);
  });

  it('reads any chunking of a long stream alike, joining only what each cut frame needs', () => {
    const frames = Array.from({ length: 300 }, (_, i) => pmessageFrame('/0.celeryev/*', `/0.celeryev/task.${i % 7}`, 'x'.repeat(200 + ((i * 37) % 900))));
    const stream = Buffer.concat(frames);
    const expected = frames.map((_, i) => `/0.celeryev/task.${i % 7} ${200 + ((i * 37) % 900)}`);
    let seed = 7;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const concat = Buffer.concat;
    for (let round = 0; round < 20; round++) {
      const heard: string[] = [];
      const r = new SubscriberFrameReader({ onMessage: (channel, payload) => heard.push(`${channel} ${payload.length}`), onReply: () => undefined });
      let joinedMost = 0;
      Buffer.concat = ((list: readonly Uint8Array[], length?: number) => {
        const joined = concat(list, length);
        joinedMost = Math.max(joinedMost, joined.length);
        return joined;
      }) as typeof Buffer.concat;
      try {
        for (let at = 0; at < stream.length;) {
          const size = 1 + Math.floor(random() * (round % 2 ? 64 : 8192));
          r.write(stream.subarray(at, at + size));
          at += size;
        }
      } finally {
        Buffer.concat = concat;
      }
      assert.deepEqual(heard, expected, `round ${round}`);
      // A frame here is at most ~1.2 KB; a join of the whole next read would be up to 8 KB.
      assert.ok(joinedMost <= 1200 + 1024, `joined ${joinedMost} bytes at once`);
    }
  });

  it('tells apart channels of the same length and reuses the text of one seen before', () => {
    const { reader: r, heard } = reader();
    const channels = ['/0.celeryev/task.aaaaaaa', '/0.celeryev/task.aaaaaab', 'x', ...Array.from({ length: 12 }, (_, i) => `/0.celeryev/task.c${String(i).padStart(6, '0')}`)];
    for (let round = 0; round < 3; round++) for (const channel of channels) r.write(pmessageFrame('*', channel, channel));
    assert.equal(heard.length, channels.length * 3);
    for (const [channel, payload] of heard) assert.equal(channel, payload);
  });

  it('refuses what is not RESP2 with a protocol error', () => {
    const cases = ['?what\r\n', '*4\r\n$8\r\npmessage\r\n$x\r\n', '*4\r\n$8\r\npmessage\r\n$1\r\nab\r\n', '+OK\rX', '*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n', '*99999\r\n', ':\r\n'];
    for (const text of cases) {
      const { reader: r } = reader();
      assert.throws(() => r.write(Buffer.from(text)), (err: Error) => err instanceof CeleryLensError && err.code === 'PROTOCOL', JSON.stringify(text));
    }
    const { reader: r } = reader();
    assert.throws(() => r.write(Buffer.alloc(70 * 1024, 0x2b)), /longer than 64 KiB/);
  });
});
