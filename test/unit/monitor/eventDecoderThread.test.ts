import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { decodeEventMessage, EventClock } from '../../../src/core/celery/events';
import { isUndecodable, parseRedisEnvelope, type Undecodable } from '../../../src/core/celery/rawMessage';
import type { CeleryEvent } from '../../../src/core/celery/types';
import { MAX_IN_FLIGHT_BYTES } from '../../../src/core/monitor/decoderLimits';
import { APPLY_SLICE_MS, EventDecoderThread } from '../../../src/core/monitor/eventDecoderThread';
import { parseConnectionUrl, type RedisConnectionUrl } from '../../../src/core/url/connectionUrl';
import { definedFields } from './definedFields';

// Compiled beside this test's source tree: out/src/core/monitor/.
const MONITOR_DIR = resolve(__dirname, '../../../src/core/monitor');
const STREAM = resolve(__dirname, '../../../../test/fixtures/wire/redis/events-stream.jsonl');
const SOURCE = { url: parseConnectionUrl('redis://127.0.0.1:6379/0') as RedisConnectionUrl };

type Message = { channel: string; payload: Buffer };

function recorded(): Message[] {
  return readFileSync(STREAM, 'utf8').split('\n').filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { channel: string; raw: string })
    .map((row) => ({ channel: row.channel, payload: Buffer.from(row.raw) }));
}

const bad: Message[] = [
  { channel: '/0.celeryev/task.multi', payload: Buffer.from('{"body": "not base64!", "content-type": "application/json"') },
  { channel: '/0.celeryev/worker.heartbeat', payload: Buffer.from(JSON.stringify({ body: Buffer.from('[1, {"type": ""}]').toString('base64'), 'content-type': 'application/json', 'content-encoding': 'utf-8', properties: { body_encoding: 'base64', delivery_info: { exchange: 'celeryev', routing_key: 'worker.heartbeat' } }, headers: {} })) },
];

/** What the in-line path makes of the same messages (receive time and clock aside). */
function decodeInLine(messages: Message[]): { events: CeleryEvent[]; errors: Undecodable[] } {
  const clock = new EventClock();
  const events: CeleryEvent[] = [];
  const errors: Undecodable[] = [];
  for (const m of messages) {
    const raw = parseRedisEnvelope(m.payload, 'event', m.channel);
    if (isUndecodable(raw)) {
      errors.push(raw);
      continue;
    }
    const decoded = decodeEventMessage(raw, raw.deliveryInfo.routingKey ?? 'celeryev', 1, { clock });
    events.push(...decoded.events);
    errors.push(...decoded.errors);
  }
  return { events, errors };
}

/** Without receive time, which each side stamps itself. */
const comparable = (events: CeleryEvent[]): Array<Record<string, unknown>> => events.map(definedFields).map(({ local_received: _, ...rest }) => rest);

/**
 * A stand-in for the decoding thread, built from its real parts (the decoder and the columns):
 * on `subscribe` it posts `batches` batches of `messages` as the real thread would, a cut after
 * batch `cutAfter`, and exits with code 3 after batch `exitAfter`; it logs each `applied` it hears.
 */
function fakeThread(dir: string, messages: Message[], plan: { batches: number; cutAfter?: number; exitAfter?: number }): string {
  const script = join(dir, 'fake-decoding-thread.js');
  const file = join(dir, 'messages.json');
  writeFileSync(file, JSON.stringify(messages.map((m) => ({ channel: m.channel, payload: m.payload.toString('base64') }))));
  writeFileSync(script, `
const { parentPort } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const { EventClock } = require(${JSON.stringify(resolve(MONITOR_DIR, '../celery/events.js'))});
const { decodePayloads } = require(${JSON.stringify(join(MONITOR_DIR, 'eventDecodeBatch.js'))});
const { packEvents } = require(${JSON.stringify(join(MONITOR_DIR, 'eventColumns.js'))});
const plan = ${JSON.stringify(plan)};
const messages = JSON.parse(readFileSync(${JSON.stringify(file)}, 'utf8'));
const clock = new EventClock();
let applied = 0;
parentPort.on('message', (m) => {
  if (m.kind === 'applied') return parentPort.postMessage({ kind: 'log', level: 'debug', message: 'applied ' + ++applied });
  if (m.kind !== 'subscribe') return;
  parentPort.postMessage({ kind: 'subscribed', id: m.id });
  for (let b = 1; b <= plan.batches; b++) {
    const { events, errors } = decodePayloads(messages.map((x) => Buffer.from(x.payload, 'base64')), messages.map((x) => x.channel), 1, clock);
    const packed = packEvents(events);
    parentPort.postMessage({ kind: 'events', packed, errors, clock: clock.value, bytes: 0 }, [packed.types.buffer, packed.numbers.buffer, packed.refs.buffer]);
    if (b === plan.cutAfter) parentPort.postMessage({ kind: 'interrupted', id: m.id, lostAt: 1, resumedAt: 2, reason: 'cut' });
    if (b === plan.exitAfter) setTimeout(() => process.exit(3), 50);
  }
});
`);
  return script;
}

/** Other work on the thread (the tree, timers): counts the event-loop turns it gets. */
function otherWork(): { readonly turns: number; stop(): void } {
  let turns = 0;
  let ticking = true;
  const tick = (): void => {
    turns++;
    if (ticking) setImmediate(tick);
  };
  setImmediate(tick);
  return { get turns() { return turns; }, stop: () => { ticking = false; } };
}

describe('(unit) EventDecoderThread', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'lens-decoder-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("applies the thread's batches in order, as decoded in line, tells it each one applied, and hears a cut only after the batches before it", async () => {
    const messages = [...recorded(), ...bad];
    const inLine = decodeInLine(messages);
    assert.ok(inLine.events.length > 100 && inLine.errors.length >= 2, `${inLine.events.length} events, ${inLine.errors.length} errors`);
    const events: CeleryEvent[] = [];
    const errors: Undecodable[] = [];
    const logs: string[] = [];
    let appliedAtCut = -1;
    await new Promise<void>((done, fail) => {
      const thread = new EventDecoderThread(fakeThread(dir, messages, { batches: 3, cutAfter: 2 }), {
        onDecoded: (e, x) => {
          events.push(...e);
          errors.push(...x);
        },
        onFailure: (reason) => fail(new Error(reason)),
        onLog: (_level, message) => {
          logs.push(message);
          if (message === 'applied 3') {
            thread.close();
            done();
          }
        },
      }, () => 1);
      void thread.subscribe(SOURCE, { onInterruption: () => (appliedAtCut = events.length), onLost: (reason) => fail(new Error(reason)) });
    });
    // Three batches through one clock, as three rounds of the same messages in line.
    const thrice = decodeInLine([...messages, ...messages, ...messages]);
    assert.deepEqual(comparable(events), comparable(thrice.events));
    assert.deepEqual(errors, thrice.errors);
    assert.equal(appliedAtCut, 2 * inLine.events.length, 'the cut was heard after the two batches before it were applied');
    assert.deepEqual(logs, ['applied 1', 'applied 2', 'applied 3']);
  });

  it('applies a backlog in slices, one batch per turn when each outlasts a slice, letting other work run between them', async () => {
    const messages = recorded().slice(0, 20);
    const batches = 6;
    const expected = batches * decodeInLine(messages).events.length;
    const other = otherWork();
    const turnAtDelivery: number[] = [];
    await new Promise<void>((done, fail) => {
      let received = 0;
      const thread = new EventDecoderThread(fakeThread(dir, messages, { batches }), {
        onDecoded: (events) => {
          turnAtDelivery.push(other.turns);
          received += events.length;
          // Each delivery takes longer than a slice to apply, so a slice applies exactly one.
          const until = Date.now() + APPLY_SLICE_MS + 4;
          while (Date.now() < until) { /* a slow model */ }
          if (received === expected) {
            thread.close();
            done();
          }
        },
        onFailure: (reason) => fail(new Error(reason)),
      }, () => 1);
      void thread.subscribe(SOURCE, { onInterruption: () => undefined, onLost: (reason) => fail(new Error(reason)) });
    });
    other.stop();
    assert.equal(turnAtDelivery.length, batches);
    assert.equal(new Set(turnAtDelivery).size, turnAtDelivery.length, `deliveries shared a turn: ${turnAtDelivery.join(',')}`);
  });

  it('applies one big batch in chunks across turns, in order, errors with the first chunk', async () => {
    const messages = [...bad, ...recorded(), ...recorded(), ...recorded()];
    const inLine = decodeInLine(messages);
    assert.ok(inLine.events.length > 600, `${inLine.events.length} events`);
    const other = otherWork();
    const chunks: Array<{ turn: number; events: CeleryEvent[]; errors: Undecodable[] }> = [];
    await new Promise<void>((done, fail) => {
      let received = 0;
      const thread = new EventDecoderThread(fakeThread(dir, messages, { batches: 1 }), {
        onDecoded: (events, errors) => {
          chunks.push({ turn: other.turns, events, errors });
          received += events.length;
          // A slow model: every chunk outlasts a slice, so each gets its own turn.
          const until = Date.now() + APPLY_SLICE_MS + 1;
          while (Date.now() < until) { /* applying */ }
          if (received === inLine.events.length) {
            thread.close();
            done();
          }
        },
        onFailure: (reason) => fail(new Error(reason)),
      }, () => 1);
      void thread.subscribe(SOURCE, { onInterruption: () => undefined, onLost: (reason) => fail(new Error(reason)) });
    });
    other.stop();
    assert.ok(chunks.length >= 3, `${chunks.length} chunks`);
    assert.equal(new Set(chunks.map((c) => c.turn)).size, chunks.length, 'two chunks shared a turn');
    assert.deepEqual(chunks[0].errors, inLine.errors);
    assert.ok(chunks.slice(1).every((c) => c.errors.length === 0));
    assert.deepEqual(comparable(chunks.flatMap((c) => c.events)), comparable(inLine.events));
  });

  it('when the thread dies, what it posted is still applied and its live subscription hears onLost', async () => {
    const messages = recorded();
    const inLine = decodeInLine(messages);
    const events: CeleryEvent[] = [];
    const failures: string[] = [];
    const lost = await new Promise<string>((done) => {
      const thread = new EventDecoderThread(fakeThread(dir, messages, { batches: 1, exitAfter: 1 }), {
        onDecoded: (e) => events.push(...e),
        onFailure: (reason) => failures.push(reason),
      }, () => 1);
      void thread.subscribe(SOURCE, { onInterruption: () => undefined, onLost: done });
    });
    assert.match(lost, /the event decoding thread exited \(code 3\)/);
    assert.deepEqual(failures, [lost]);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(events.length, inLine.events.length);
  });

  it('without its script it says so, offers no thread subscription, and decodes pushed payloads here, losing nothing', async () => {
    const messages = [...recorded(), ...bad];
    const inLine = decodeInLine(messages);
    const failures: string[] = [];
    const events: CeleryEvent[] = [];
    const errors: Undecodable[] = [];
    const thread = new EventDecoderThread(resolve(__dirname, 'no-such-worker.js'), {
      onDecoded: (e, x) => {
        events.push(...e);
        errors.push(...x);
      },
      onFailure: (reason) => failures.push(reason),
    }, () => 1);
    assert.equal(thread.threaded, false);
    assert.equal(thread.subscribe(SOURCE, { onInterruption: () => undefined, onLost: () => undefined }), undefined);
    for (const m of messages) thread.push(m.channel, m.payload);
    while (events.length < inLine.events.length) await new Promise((r) => setImmediate(r));
    thread.close();
    assert.match(failures[0] ?? '', /event decoding stays on this thread: .*no-such-worker\.js is missing/);
    assert.deepEqual(events, inLine.events);
    assert.deepEqual(errors, inLine.errors);
  });

  it('on push, asks to pause reading past MAX_IN_FLIGHT_BYTES unapplied, and to go on once half is applied', async function () {
    this.timeout(30_000);
    const messages = recorded();
    let perRound = 0;
    for (const m of messages) perRound += m.payload.length;
    const rounds = Math.ceil(MAX_IN_FLIGHT_BYTES / perRound) + 1;
    const switches: Array<{ paused: boolean; applied: number }> = [];
    let applied = 0;
    let expected = 0;
    await new Promise<void>((done) => {
      const thread = new EventDecoderThread(resolve(__dirname, 'no-such-worker.js'), {
        onDecoded: (events) => {
          applied += events.length;
          if (applied === expected) {
            thread.close();
            done();
          }
        },
        onFailure: () => undefined,
        onBackPressure: (paused) => switches.push({ paused, applied }),
      }, () => 1);
      expected = rounds * decodeInLine(messages).events.length;
      for (let r = 0; r < rounds; r++) for (const m of messages) thread.push(m.channel, m.payload);
    });
    assert.deepEqual(switches.map((s) => s.paused), [true, false]);
    assert.equal(switches[0].applied, 0, 'paused as soon as the bytes were received');
    assert.ok(switches[1].applied > 0 && switches[1].applied < expected, `went on after ${switches[1].applied} of ${expected} events`);
  });
});
