import * as assert from 'node:assert/strict';
import { SubscriberProbe, type ProbeTarget } from '../../../../src/core/broker/redis/subscriberProbe';
import { FakeTimers } from '../../monitor/fakeTimers';

/** A subscribed connection under test: bytes arrive when told, PING answers when told. */
class FakeConnection implements ProbeTarget {
  bytes = 0;
  reading = true;
  pings = 0;
  /** How a PING is answered: at once, never, or after the timeout with the reply already read. */
  answer: 'pong' | 'never' | 'error' = 'pong';
  deaths: Array<{ silentSince: number; reason: string }> = [];

  bytesRead(): number {
    return this.bytes;
  }

  isReading(): boolean {
    return this.reading;
  }

  ping(): Promise<unknown> {
    this.pings++;
    if (this.answer === 'pong') {
      this.bytes += 7;
      return Promise.resolve('PONG');
    }
    if (this.answer === 'error') return Promise.reject(new Error('Connection is closed.'));
    return new Promise(() => undefined);
  }

  dead(silentSince: number, reason: string): void {
    this.deaths.push({ silentSince, reason });
  }
}

describe('(unit) SubscriberProbe: PING a silent Redis subscriber, never a busy one', () => {
  const IDLE = 1000;
  const TIMEOUT = 1000;

  function setup(): { timers: FakeTimers; conn: FakeConnection; probe: SubscriberProbe } {
    const timers = new FakeTimers();
    const conn = new FakeConnection();
    const probe = new SubscriberProbe(conn, IDLE, TIMEOUT, timers);
    return { timers, conn, probe };
  }

  it('a stream that keeps delivering is never pinged', async () => {
    const { timers, conn, probe } = setup();
    for (let i = 0; i < 100; i++) {
      conn.bytes += 300;
      await timers.advance(200);
    }
    assert.equal(conn.pings, 0);
    probe.stop();
  });

  it('a quiet stream that answers is pinged about once per idle period, and nothing is reported', async () => {
    const { timers, conn, probe } = setup();
    await timers.advance(10_000);
    assert.ok(conn.pings >= 5 && conn.pings <= 10, `${conn.pings} pings in 10 s`);
    assert.deepEqual(conn.deaths, []);
    probe.stop();
  });

  it('no answer within the timeout: dead, with the silence start and a reason that says so', async () => {
    const { timers, conn, probe } = setup();
    const start = timers.now();
    conn.bytes += 100;
    await timers.advance(500);
    const lastSeen = timers.now();
    conn.answer = 'never';
    await timers.advance(IDLE + 500);
    assert.equal(conn.pings, 1);
    assert.equal(conn.deaths.length, 0);
    await timers.advance(TIMEOUT);
    timers.runImmediates();
    await timers.advance(0);
    assert.equal(conn.deaths.length, 1);
    assert.equal(conn.deaths[0].silentSince, lastSeen);
    assert.ok(conn.deaths[0].silentSince > start);
    assert.match(conn.deaths[0].reason, /event subscriber stopped answering: nothing arrived for [\d.]+ s and no answer to PING within 1000 ms/);
    // Noticed within the idle time, half a tick and the timeout.
    assert.ok(timers.now() - lastSeen <= IDLE * 1.5 + TIMEOUT, `${timers.now() - lastSeen} ms`);
    probe.stop();
  });

  it('a PONG read late (the event loop stalled past the deadline) still counts as an answer', async () => {
    const { timers, conn, probe } = setup();
    conn.answer = 'never';
    await timers.advance(IDLE + 500);
    assert.equal(conn.pings, 1);
    await timers.advance(TIMEOUT);
    // The reply was waiting in the socket: it is read in the I/O turn before the verdict.
    conn.bytes += 7;
    timers.runImmediates();
    await timers.advance(0);
    assert.deepEqual(conn.deaths, []);
    probe.stop();
  });

  it('nothing is asked while reading is paused (back-pressure) or the client is reconnecting', async () => {
    const { timers, conn, probe } = setup();
    conn.answer = 'never';
    conn.reading = false;
    await timers.advance(20_000);
    assert.equal(conn.pings, 0);
    assert.equal(await probe.verify(), 'unknown');
    conn.reading = true;
    // The silence clock starts again when reading resumes.
    await timers.advance(IDLE - 100);
    assert.equal(conn.pings, 0);
    probe.stop();
  });

  it('a PING refused because the client is reconnecting is not a verdict', async () => {
    const { timers, conn, probe } = setup();
    conn.answer = 'error';
    const verdict = probe.verify();
    conn.reading = false;
    await timers.advance(0);
    timers.runImmediates();
    await timers.advance(0);
    assert.equal(await verdict, 'unknown');
    assert.deepEqual(conn.deaths, []);
    probe.stop();
  });

  it('verify() asks now, shares one PING between callers, and counts bytes read as an answer', async () => {
    const { timers, conn, probe } = setup();
    conn.bytes += 10;
    assert.equal(await probe.verify(), 'alive');
    assert.equal(conn.pings, 0, 'bytes read since the last look are an answer');
    conn.answer = 'never';
    const a = probe.verify();
    const b = probe.verify();
    assert.equal(conn.pings, 1);
    await timers.advance(TIMEOUT);
    timers.runImmediates();
    await timers.advance(0);
    assert.deepEqual([await a, await b], ['dead', 'dead']);
    assert.equal(conn.deaths.length, 1);
    probe.stop();
  });

  it('stop() ends the timer chain', async () => {
    const { timers, conn, probe } = setup();
    probe.stop();
    await timers.advance(10_000);
    assert.equal(conn.pings, 0);
    assert.deepEqual(timers.pendingDelays(), []);
  });
});
