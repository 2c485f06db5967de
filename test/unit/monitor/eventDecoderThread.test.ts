import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { decodeEventMessage, EventClock } from '../../../src/core/celery/events';
import { isUndecodable, parseRedisEnvelope, type Undecodable } from '../../../src/core/celery/rawMessage';
import type { CeleryEvent } from '../../../src/core/celery/types';
import { APPLY_SLICE_MS, EventDecoderThread, MAX_BATCHES_AHEAD, MAX_IN_FLIGHT_BYTES } from '../../../src/core/monitor/eventDecoderThread';
import { definedFields } from './definedFields';

// Compiled beside this test's source tree: out/src/core/monitor/eventDecodeWorker.js.
const SCRIPT = resolve(__dirname, '../../../src/core/monitor/eventDecodeWorker.js');
const STREAM = resolve(__dirname, '../../../../test/fixtures/wire/redis/events-stream.jsonl');

function recorded(): Array<{ channel: string; payload: Buffer }> {
  return readFileSync(STREAM, 'utf8').split('\n').filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { channel: string; raw: string })
    .map((row) => ({ channel: row.channel, payload: Buffer.from(row.raw) }));
}

/** What the in-line path makes of the same messages (receive time and clock aside). */
function decodeInLine(messages: Array<{ channel: string; payload: Buffer }>): { events: CeleryEvent[]; errors: Undecodable[] } {
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

function collect(script: string, messages: Array<{ channel: string; payload: Buffer }>): Promise<{ events: CeleryEvent[]; errors: Undecodable[]; failures: string[]; threaded: boolean }> {
  const events: CeleryEvent[] = [];
  const errors: Undecodable[] = [];
  const failures: string[] = [];
  return new Promise((done) => {
    const thread = new EventDecoderThread(script, {
      onDecoded: (e, x) => {
        events.push(...e);
        errors.push(...x);
        if (events.length + errors.length >= expected) {
          const threaded = thread.threaded;
          thread.close();
          done({ events, errors, failures, threaded });
        }
      },
      onFailure: (reason) => failures.push(reason),
    }, () => 1);
    const expected = decodeInLine(messages).events.length + decodeInLine(messages).errors.length;
    // Several macrotasks' worth, so more than one batch is posted.
    const pushFrom = (from: number): void => {
      for (let i = from; i < Math.min(from + 50, messages.length); i++) thread.push(messages[i].channel, messages[i].payload);
      if (from + 50 < messages.length) setImmediate(() => pushFrom(from + 50));
    };
    pushFrom(0);
  });
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
  const bad = [
    { channel: '/0.celeryev/task.multi', payload: Buffer.from('{"body": "not base64!", "content-type": "application/json"') },
    { channel: '/0.celeryev/worker.heartbeat', payload: Buffer.from(JSON.stringify({ body: Buffer.from('[1, {"type": ""}]').toString('base64'), 'content-type': 'application/json', 'content-encoding': 'utf-8', properties: { body_encoding: 'base64', delivery_info: { exchange: 'celeryev', routing_key: 'worker.heartbeat' } }, headers: {} })) },
  ];

  it('decodes recorded Redis events on a worker thread exactly as in line, bad messages included, in order', async () => {
    const messages = [...recorded(), ...bad];
    const inLine = decodeInLine(messages);
    assert.ok(inLine.events.length > 100 && inLine.errors.length >= 2, `${inLine.events.length} events, ${inLine.errors.length} errors`);
    const threaded = await collect(SCRIPT, messages);
    assert.equal(threaded.threaded, true, threaded.failures.join('; '));
    assert.deepEqual(threaded.failures, []);
    assert.deepEqual(threaded.events.map(definedFields), inLine.events.map(definedFields));
    assert.deepEqual(threaded.errors, inLine.errors);
  });

  it('without its script it says so and decodes in line, losing nothing', async () => {
    const messages = [...recorded(), ...bad];
    const inLine = decodeInLine(messages);
    const fallback = await collect(resolve(__dirname, 'no-such-worker.js'), messages);
    assert.equal(fallback.threaded, false);
    assert.match(fallback.failures[0] ?? '', /event decoding stays on this thread: .*no-such-worker\.js is missing/);
    assert.deepEqual(fallback.events, inLine.events);
    assert.deepEqual(fallback.errors, inLine.errors);
  });

  it('when the thread dies with batches still posted, decodes those here, in order, losing nothing', async () => {
    // The real worker, except that the thread exits on receiving its second batch.
    const dir = mkdtempSync(join(tmpdir(), 'lens-decoder-'));
    const script = join(dir, 'dies-on-second-batch.js');
    writeFileSync(script, `const { parentPort } = require('node:worker_threads');\nlet batches = 0;\n` +
      `parentPort.on('message', () => { if (++batches === 2) process.exit(3); });\nrequire(${JSON.stringify(SCRIPT)});\n`);
    try {
      const messages = [...recorded(), ...recorded(), ...bad];
      const inLine = decodeInLine(messages);
      const result = await collect(script, messages);
      assert.equal(result.threaded, false);
      assert.match(result.failures.join('; '), /the event decoding thread exited \(code 3\)/);
      assert.deepEqual(result.events.map(definedFields), inLine.events.map(definedFields));
      assert.deepEqual(result.errors, inLine.errors);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('applies a backlog in slices, letting other work run between them, and runs at most a few batches ahead', async () => {
    const messages = recorded().slice(0, 20);
    const batches = 8;
    const expected = batches * decodeInLine(messages).events.length;
    const other = otherWork();
    const turnAtDelivery: number[] = [];
    let mostAhead = 0;
    await new Promise<void>((done) => {
      let received = 0;
      const thread = new EventDecoderThread(SCRIPT, {
        onDecoded: (events) => {
          turnAtDelivery.push(other.turns);
          mostAhead = Math.max(mostAhead, thread.batchesAhead);
          received += events.length;
          // Each delivery takes longer than a slice to apply, so a slice applies exactly one.
          const until = Date.now() + APPLY_SLICE_MS + 4;
          while (Date.now() < until) { /* a slow model */ }
          if (received === expected) {
            thread.close();
            done();
          }
        },
        onFailure: (reason) => assert.fail(reason),
      }, () => 1);
      const post = (n: number): void => {
        for (const m of messages) thread.push(m.channel, m.payload);
        mostAhead = Math.max(mostAhead, thread.batchesAhead);
        if (n + 1 < batches) setImmediate(() => post(n + 1));
        // All pushed: hold the thread so every reply is waiting at once, as when the host falls behind.
        else setImmediate(() => { const until = Date.now() + 300; while (Date.now() < until) { /* busy host */ } });
      };
      post(0);
    });
    other.stop();
    assert.ok(turnAtDelivery.length >= 2, `${turnAtDelivery.length} deliveries`);
    assert.equal(new Set(turnAtDelivery).size, turnAtDelivery.length, `deliveries shared a turn: ${turnAtDelivery.join(',')}`);
    assert.ok(mostAhead >= 2 && mostAhead <= MAX_BATCHES_AHEAD, `${mostAhead} batches ahead of the model`);
  });

  it('asks to pause reading past MAX_IN_FLIGHT_BYTES unapplied, and to go on once half is applied', async function () {
    this.timeout(30_000);
    const messages = recorded();
    let perRound = 0;
    for (const m of messages) perRound += m.payload.length;
    const rounds = Math.ceil(MAX_IN_FLIGHT_BYTES / perRound) + 1;
    const switches: Array<{ paused: boolean; applied: number }> = [];
    let applied = 0;
    let expected = 0;
    await new Promise<void>((done) => {
      const thread = new EventDecoderThread(SCRIPT, {
        onDecoded: (events) => {
          applied += events.length;
          if (applied === expected) {
            thread.close();
            done();
          }
        },
        onFailure: (reason) => assert.fail(reason),
        onBackPressure: (paused) => switches.push({ paused, applied }),
      }, () => 1);
      expected = rounds * decodeInLine(messages).events.length;
      for (let r = 0; r < rounds; r++) for (const m of messages) thread.push(m.channel, m.payload);
    });
    assert.deepEqual(switches.map((s) => s.paused), [true, false]);
    assert.equal(switches[0].applied, 0, 'paused as soon as the bytes were received');
    assert.ok(switches[1].applied > 0 && switches[1].applied < expected, `went on after ${switches[1].applied} of ${expected} events`);
  });

  it('applies one big batch in chunks across turns, in order, errors with the first chunk', async () => {
    const messages = [...bad, ...recorded(), ...recorded(), ...recorded()];
    const inLine = decodeInLine(messages);
    assert.ok(inLine.events.length > 600, `${inLine.events.length} events`);
    const other = otherWork();
    const chunks: Array<{ turn: number; events: CeleryEvent[]; errors: Undecodable[] }> = [];
    await new Promise<void>((done) => {
      let received = 0;
      const thread = new EventDecoderThread(SCRIPT, {
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
        onFailure: (reason) => assert.fail(reason),
      }, () => 1);
      // One macrotask: one batch.
      for (const m of messages) thread.push(m.channel, m.payload);
    });
    other.stop();
    assert.ok(chunks.length >= 3, `${chunks.length} chunks`);
    assert.equal(new Set(chunks.map((c) => c.turn)).size, chunks.length, 'two chunks shared a turn');
    assert.deepEqual(chunks[0].errors, inLine.errors);
    assert.ok(chunks.slice(1).every((c) => c.errors.length === 0));
    assert.deepEqual(chunks.flatMap((c) => c.events).map(definedFields), inLine.events.map(definedFields));
  });
});
