import assert from 'node:assert/strict';
import { type DecodedEvents, decodeEventMessage, EventClock } from '../../../src/core/celery/events';
import { MAX_DECODE_BYTES } from '../../../src/core/celery/jsonBody';
import { isUndecodable, parseRedisEnvelope } from '../../../src/core/celery/rawMessage';
import { decodeRedisEventPayload } from '../../../src/core/celery/redisEvents';
import { RedisEventsByType, wireJson, wireJsonLines } from './wireFixtures';

const redis = wireJson<RedisEventsByType>('redis/events-by-type.json');
const stream = wireJsonLines<{ channel: string; localReceived: number; raw: string }>('redis/events-stream.jsonl');
const heartbeat = redis.byType['worker-heartbeat'][0];

/** What parseRedisEnvelope + decodeEventMessage give: the general path the fast one must equal. */
function generalPath(payload: Buffer, channel: string, localReceived: number, clock?: EventClock): DecodedEvents {
  const raw = parseRedisEnvelope(payload, 'event', channel);
  if (isUndecodable(raw)) return { events: [], errors: [raw] };
  return decodeEventMessage(raw, raw.deliveryInfo.routingKey ?? 'celeryev', localReceived, { clock, localUtcOffset: 0 });
}

function assertSameAsGeneralPath(payload: Buffer, channel = heartbeat.channel): DecodedEvents {
  const fast = decodeRedisEventPayload(payload, channel, 5, { localUtcOffset: 0 });
  assert.deepEqual(fast, generalPath(payload, channel, 5));
  return fast;
}

/** The captured heartbeat's envelope with `change` applied (a function of the parsed envelope). */
function heartbeatWith(change: (envelope: Record<string, unknown>) => void): Buffer {
  const envelope = JSON.parse(heartbeat.raw) as Record<string, unknown>;
  change(envelope);
  return Buffer.from(JSON.stringify(envelope));
}

function withBody(body: string): Buffer {
  return heartbeatWith((envelope) => {
    envelope.body = Buffer.from(body).toString('base64');
  });
}

describe('(unit) decodeRedisEventPayload gives what the general decoding path gives', () => {
  it('on every message of the captured stream, with the Lamport clock kept the same way', () => {
    const fastClock = new EventClock();
    const generalClock = new EventClock();
    let events = 0;
    for (const item of stream) {
      const payload = Buffer.from(item.raw);
      const fast = decodeRedisEventPayload(payload, item.channel, item.localReceived, { clock: fastClock, localUtcOffset: 0 });
      assert.deepEqual(fast, generalPath(payload, item.channel, item.localReceived, generalClock));
      assert.deepEqual(fast.errors, []);
      events += fast.events.length;
    }
    assert.ok(events > 100, `only ${events} events in the capture`);
    assert.equal(fastClock.value, generalClock.value);
  });

  it('on every captured event type', () => {
    for (const items of Object.values(redis.byType)) for (const item of items) assertSameAsGeneralPath(Buffer.from(item.raw), item.channel);
  });

  const malformed: Array<[string, () => Buffer, RegExp]> = [
    ['an envelope that is not JSON', () => Buffer.from(heartbeat.raw.slice(0, 40)), /not a kombu envelope: invalid JSON/],
    ['an envelope without a body', () => heartbeatWith((e) => delete e.body), /no "body" field/],
    ['a body that is not base64', () => heartbeatWith((e) => { e.body = `${String(e.body).slice(0, 8)}*!${String(e.body).slice(10)}`; }), /bad base64/],
    ['a body cut short', () => heartbeatWith((e) => { e.body = String(e.body).slice(0, 20); }), /not valid JSON/],
    ['a pickled event', () => heartbeatWith((e) => { e['content-type'] = 'application/x-python-serialize'; }), /pickle/],
    ['a compressed body', () => heartbeatWith((e) => { e.headers = { compression: 'application/x-gzip' }; }), /compressed body/],
    ['a binary content encoding', () => heartbeatWith((e) => { e['content-encoding'] = 'binary'; }), /content encoding "binary"/],
    ['bad UTF-8 in the body', () => heartbeatWith((e) => { e.body = Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]).toString('base64'); }), /not valid UTF-8/],
    ['a body over the decode limit', () => withBody(`{"type": "worker-heartbeat", "pad": "${'x'.repeat(MAX_DECODE_BYTES)}"}`), /too large/],
    ['an event of the wrong shape', () => withBody('[{"type": "task-started"}, 7]'), /task-started event has no task uuid.*element 0 of a batch of 2/],
    ['an empty body', () => heartbeatWith((e) => { e.body = ''; }), /empty body/],
  ];
  for (const [label, payload, reason] of malformed) {
    it(`reports ${label} as the general path does`, () => {
      const { errors } = assertSameAsGeneralPath(payload());
      assert.ok(errors.length > 0, 'an error is reported');
      assert.match(errors[0].reason, reason);
    });
  }

  it('reads a body that is not base64-encoded (body_encoding absent) through the general path', () => {
    const payload = heartbeatWith((e) => {
      e.body = Buffer.from(String(e.body), 'base64').toString('utf8');
      delete (e.properties as Record<string, unknown>).body_encoding;
    });
    const { events, errors } = assertSameAsGeneralPath(payload);
    assert.deepEqual(errors, []);
    assert.equal(events[0].type, 'worker-heartbeat');
  });

  it('decodes a large body in full (the reused buffer grows), then a small one after it', () => {
    const big = `[${Array.from({ length: 3000 }, (_, i) => `{"type": "task-received", "uuid": "id-${i}", "hostname": "w@h", "args": "${'a'.repeat(100)}"}`).join(', ')}]`;
    assert.ok(big.length > 300_000);
    const { events } = assertSameAsGeneralPath(withBody(big));
    assert.equal(events.length, 3000);
    assert.equal(events[2999].uuid, 'id-2999');
    assert.deepEqual(assertSameAsGeneralPath(Buffer.from(heartbeat.raw)).events.length, 1);
  });

  it('keeps the body of one message from leaking into the next (a shorter body after a longer one)', () => {
    assertSameAsGeneralPath(withBody(`{"type": "worker-heartbeat", "hostname": "${'w'.repeat(500)}"}`));
    const { events } = assertSameAsGeneralPath(withBody('{"type": "worker-online", "hostname": "w"}'));
    assert.equal(events[0].hostname, 'w');
  });
});

describe('(unit) decodeRedisEventPayload on envelopes of a shape it has seen', () => {
  /** The captured heartbeat with its body and delivery tag replaced (its shape otherwise). */
  function sameShape(body: string, tag = 'a8b7c6d5-0000-4111-8222-933344445555'): Buffer {
    const original = JSON.parse(heartbeat.raw) as { body: string; properties: { delivery_tag: string } };
    assert.equal(tag.length, original.properties.delivery_tag.length);
    return Buffer.from(heartbeat.raw.replace(original.body, body).replace(original.properties.delivery_tag, tag));
  }

  beforeEach(() => {
    decodeRedisEventPayload(Buffer.from(heartbeat.raw), heartbeat.channel, 1); // its shape is known from here on
  });

  it('decodes a new body as the general path does', () => {
    const { events } = assertSameAsGeneralPath(sameShape(Buffer.from('{"type": "worker-heartbeat", "hostname": "w9@vm", "freq": 2.0}').toString('base64')));
    assert.equal(events[0].hostname, 'w9@vm');
  });

  it('reports a body that is not base64 as the general path does', () => {
    const { errors } = assertSameAsGeneralPath(sameShape('eyJh\\IjogMX0='));
    assert.match(errors[0].reason, /not a kombu envelope|bad base64/);
  });

  it('reports a tag that breaks the JSON as the general path does', () => {
    const { errors } = assertSameAsGeneralPath(sameShape(Buffer.from('{"type": "worker-online"}').toString('base64'), 'a8b7c6d5"0000-4111-8222-933344445555'));
    assert.match(errors[0].reason, /invalid JSON/);
  });
});
