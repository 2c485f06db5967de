import assert from 'node:assert/strict';
import { decodeEventMessage, EventClock, KNOWN_EVENT_TYPES, localUtcOffsetHours } from '../../../src/core/celery/events';
import { isUndecodable, parseRedisEnvelope, rawFromAmqp, RawMessage } from '../../../src/core/celery/rawMessage';
import type { CeleryEvent } from '../../../src/core/celery/types';
import { AmqpEventsByType, RedisEventsByType, wireJson } from './wireFixtures';

const redis = wireJson<RedisEventsByType>('redis/events-by-type.json');
const amqp = wireJson<AmqpEventsByType>('amqp/events-by-type.json');

function jsonRaw(body: unknown): RawMessage {
  const bytes = Buffer.from(JSON.stringify(body));
  return { body: bytes, contentType: 'application/json', contentEncoding: 'utf-8', headers: {}, properties: {}, deliveryInfo: {}, size: bytes.length };
}

/** The decoded event matching a captured one (same type and task uuid / hostname). */
function matching(events: CeleryEvent[], expected: Record<string, unknown>): CeleryEvent {
  const found = events.find((e) => e.type === expected.type && e.hostname === expected.hostname && e.uuid === expected.uuid && e.timestamp === expected.timestamp);
  assert.ok(found, `no decoded ${String(expected.type)} for ${String(expected.uuid ?? expected.hostname)}`);
  return found;
}

describe('(unit) decodeEventMessage on captured Redis events', () => {
  it('covers every event type Celery sent', () => {
    assert.deepEqual(Object.keys(redis.byType).sort(), [...KNOWN_EVENT_TYPES].sort());
  });

  for (const [type, items] of Object.entries(redis.byType)) {
    it(`decodes ${type} messages field by field, adding local_received`, () => {
      for (const item of items) {
        const raw = parseRedisEnvelope(item.raw, 'event', item.channel);
        assert.ok(!isUndecodable(raw));
        const { events, errors } = decodeEventMessage(raw, item.channel, item.localReceived, { localUtcOffset: 0 });
        assert.deepEqual(errors, []);
        const event = matching(events, item.event);
        assert.deepEqual(event, { ...item.event, local_received: item.localReceived });
        assert.equal(event.known, undefined);
        if (item.channel.endsWith('task.multi')) assert.ok(events.every((e) => e.type.startsWith('task-')));
        else assert.equal(events.length, 1);
      }
    });
  }

  it('reads every captured failure-like variant (failed, retried, revoked, rejected)', () => {
    for (const [type, variants] of Object.entries(redis.failureVariants)) {
      for (const v of variants) {
        const { events, errors } = decodeEventMessage(jsonRaw([v.event]), 'x', 1, { localUtcOffset: 0 });
        assert.deepEqual(errors, []);
        assert.equal(events[0].type, type);
      }
    }
  });
});

describe('(unit) decodeEventMessage on captured AMQP events', () => {
  for (const [type, items] of Object.entries(amqp.byType)) {
    it(`decodes ${type} (routing key ${items[0].fields.routingKey})`, () => {
      for (const item of items) {
        const raw = rawFromAmqp({ content: Buffer.from(item.content), fields: item.fields, properties: item.properties });
        const { events, errors } = decodeEventMessage(raw, item.fields.routingKey, item.localReceived, { localUtcOffset: 0 });
        assert.deepEqual(errors, []);
        const body = JSON.parse(item.content) as unknown;
        assert.equal(events.length, Array.isArray(body) ? body.length : 1);
        assert.deepEqual(matching(events, item.event), { ...item.event, local_received: item.localReceived });
      }
    });
  }
});

describe('(unit) decodeEventMessage rules', () => {
  const base = { hostname: 'w1@vm', utcoffset: 0, pid: 1, clock: 10, timestamp: 1000 };

  it('keeps the good events of a batch and reports each bad element', () => {
    const { events, errors } = decodeEventMessage(jsonRaw([
      { ...base, type: 'task-started', uuid: 'a' },
      42,
      { ...base, type: 'task-succeeded', uuid: 'a', result: '5' },
      { ...base, type: 'task-failed' },
      { ...base },
    ]), '/0.celeryev/task.multi', 5);
    assert.deepEqual(events.map((e) => e.type), ['task-started', 'task-succeeded']);
    assert.equal(errors.length, 3);
    assert.match(errors[0].reason, /event is a number, not an object \(element 1 of a batch of 5\)/);
    assert.match(errors[1].reason, /task-failed event has no task uuid/);
    assert.match(errors[2].reason, /no string "type"/);
    for (const e of errors) {
      assert.equal(e.source, 'event');
      assert.equal(e.where, '/0.celeryev/task.multi');
    }
  });

  it('keeps unknown event types, marked known: false', () => {
    const { events, errors } = decodeEventMessage(jsonRaw({ ...base, type: 'task-progress', uuid: 'a', pct: 50 }), 'x', 5);
    assert.deepEqual(errors, []);
    assert.equal(events[0].known, false);
    assert.equal(events[0].pct, 50);
  });

  it('reports a body that is neither an object nor a list', () => {
    const { events, errors } = decodeEventMessage(jsonRaw('hello'), 'x', 5);
    assert.deepEqual(events, []);
    assert.match(errors[0].reason, /event body is a string, not an object or a list/);
  });

  it('moves timestamps by the utcoffset difference, as Celery\'s receiver does', () => {
    const { events } = decodeEventMessage(jsonRaw({ ...base, type: 'worker-heartbeat', utcoffset: -2 }), 'x', 5, { localUtcOffset: 0 });
    assert.equal(events[0].timestamp, 1000 + 2 * 3600);
    const same = decodeEventMessage(jsonRaw({ ...base, type: 'worker-heartbeat', utcoffset: 3 }), 'x', 5, { localUtcOffset: 3 });
    assert.equal(same.events[0].timestamp, 1000);
    assert.equal(localUtcOffsetHours(new Date()), Math.floor(new Date().getTimezoneOffset() / 60));
  });

  it('fills missing common fields so the event type holds', () => {
    const { events } = decodeEventMessage(jsonRaw({ type: 'worker-heartbeat' }), 'x', 77);
    assert.deepEqual(events[0], { type: 'worker-heartbeat', hostname: '', pid: 0, utcoffset: 0, timestamp: 77, clock: 0, local_received: 77 });
  });

  it('keeps a Lamport clock: task-sent gets ours - 1, others advance ours', () => {
    const clock = new EventClock();
    const first = decodeEventMessage(jsonRaw({ ...base, type: 'task-sent', uuid: 'a', clock: 999 }), 'x', 5, { clock });
    assert.equal(first.events[0].clock, 0, 'receiver clock 0 -> (0 || 1) - 1');
    decodeEventMessage(jsonRaw({ ...base, type: 'task-received', uuid: 'a', clock: 40 }), 'x', 5, { clock });
    assert.equal(clock.value, 41);
    const sent = decodeEventMessage(jsonRaw({ ...base, type: 'task-sent', uuid: 'b', clock: 3 }), 'x', 5, { clock });
    assert.equal(sent.events[0].clock, 40);
    assert.equal(clock.value, 42);
    const noClock = decodeEventMessage(jsonRaw({ type: 'worker-heartbeat', hostname: 'w' }), 'x', 5, { clock });
    assert.equal(noClock.events[0].clock, 43);
  });

  it('without a clock, clocks are kept as sent', () => {
    const { events } = decodeEventMessage(jsonRaw({ ...base, type: 'task-sent', uuid: 'a', clock: 999 }), 'x', 5);
    assert.equal(events[0].clock, 999);
  });
});
