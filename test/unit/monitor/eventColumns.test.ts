import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { decodeEventMessage, EventClock } from '../../../src/core/celery/events';
import { isUndecodable, parseRedisEnvelope } from '../../../src/core/celery/rawMessage';
import type { CeleryEvent } from '../../../src/core/celery/types';
import { packEvents, unpackEvents } from '../../../src/core/monitor/eventColumns';
import { definedFields } from './definedFields';

const STREAM = resolve(__dirname, '../../../../test/fixtures/wire/redis/events-stream.jsonl');

function recordedEvents(): CeleryEvent[] {
  const clock = new EventClock();
  const events: CeleryEvent[] = [];
  for (const line of readFileSync(STREAM, 'utf8').split('\n').filter((l) => l.trim())) {
    const row = JSON.parse(line) as { channel: string; raw: string };
    const raw = parseRedisEnvelope(row.raw, 'event', row.channel);
    if (!isUndecodable(raw)) events.push(...decodeEventMessage(raw, row.channel, 1700000000.5, { clock }).events);
  }
  return events;
}

/** Pack, post (a structured clone, as between threads) and unpack in chunks of `chunk`. */
function roundTrip(events: CeleryEvent[], chunk: number): CeleryEvent[] {
  const packed = structuredClone(packEvents(events));
  const cursor = { asIs: 0 };
  const out: CeleryEvent[] = [];
  for (let from = 0; from < packed.count; from += chunk) out.push(...unpackEvents(packed, from, Math.min(packed.count, from + chunk), cursor));
  return out;
}

const base = { hostname: 'w1@h', timestamp: 1.5, clock: 7, utcoffset: 0, pid: 11, local_received: 2.5 };

describe('(unit) event columns', () => {
  it('gives back the recorded events of a real cluster field for field, in order, whatever the chunking', () => {
    const events = recordedEvents();
    const types = new Set(events.map((e) => e.type));
    assert.ok(types.has('task-succeeded') && types.has('task-failed') && types.has('worker-heartbeat'), [...types].join());
    const expected = events.map(definedFields);
    for (const chunk of [1, 7, 256, events.length]) assert.deepEqual(roundTrip(events, chunk).map(definedFields), expected, `chunk ${chunk}`);
  });

  it('lays task events out in columns and shares repeated strings; worker events travel as they are', () => {
    const events = recordedEvents();
    const packed = packEvents(events);
    // Revocations and rejections carry fields of their own (terminated, signum, requeue): rare, so as they are.
    const rare = (e: CeleryEvent): boolean => e.type.startsWith('worker-') || e.type === 'task-revoked' || e.type === 'task-rejected';
    assert.equal(packed.asIs.length, events.filter(rare).length);
    assert.ok(packed.asIs.every(rare));
    assert.ok(packed.count - packed.asIs.length > 150, `${packed.count - packed.asIs.length} events in columns`);
    const taskStrings = new Set<string>();
    for (const e of events) if (e.type.startsWith('task-')) for (const v of Object.values(e)) if (typeof v === 'string') taskStrings.add(v);
    assert.ok(packed.strings.length <= taskStrings.size, `${packed.strings.length} strings for ${taskStrings.size} distinct`);
  });

  it('keeps null apart from absent, and rebuilt task events share one shape', () => {
    const events: CeleryEvent[] = [
      { ...base, type: 'task-received', uuid: 'a', name: 't', args: '()', kwargs: '{}', root_id: null, parent_id: null, eta: null, expires: null, retries: 0 },
      { ...base, type: 'task-succeeded', uuid: 'a', result: "'ok'", runtime: 0.25 },
    ];
    const [received, succeeded] = roundTrip(events, 2);
    assert.equal(received.root_id, null);
    assert.equal(received.retries, 0);
    assert.equal(received.result, undefined);
    assert.equal(succeeded.root_id, undefined);
    assert.equal(succeeded.runtime, 0.25);
    assert.deepEqual(Object.keys(received), Object.keys(succeeded));
  });

  it('sends an event that does not fit the columns as it is: unknown type or field, odd value types', () => {
    const odd: CeleryEvent[] = [
      { ...base, type: 'task-custom', uuid: 'a', known: false },
      { ...base, type: 'task-succeeded', uuid: 'b', result: 42 },
      { ...base, type: 'task-failed', uuid: 'c', exception: 'E()', extra: { nested: [1] } },
      { ...base, type: 'task-succeeded', uuid: 'd', runtime: Number.NaN },
      { ...base, type: 'task-revoked', uuid: 'e', terminated: true, signum: 15 },
      { ...base, type: 'task-started', uuid: 'f' },
    ];
    const packed = packEvents(odd);
    assert.equal(packed.asIs.length, 5);
    assert.deepEqual(roundTrip(odd, 2).map(definedFields), odd.map(definedFields));
  });
});
