import * as assert from 'node:assert/strict';
import type { CeleryEvent } from '../../../src/core/celery/types';
import { type EventGap, EventGapTracker, SETTLE_MS } from '../../../src/core/monitor/eventGaps';

function events(count: number, firstClock: number, type = 'task-received', hostname = 'w'): CeleryEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    type, uuid: `t${firstClock + i}`, hostname, timestamp: 0, local_received: 0, clock: firstClock + i, utcoffset: 0, pid: 1,
  }));
}

describe('(unit) EventGapTracker', () => {
  it('estimates the loss from the rate before the gap when no clock tells more', () => {
    const gaps: EventGap[] = [];
    const tracker = new EventGapTracker((g) => gaps.push(g));
    // 1 000 events/s for 6 s.
    for (let t = 0; t < 6000; t += 10) tracker.received(events(10, 1), 1_000_000 + t);
    tracker.lost(1_006_000, 'cut', 0);
    tracker.resumed(1_008_000);
    tracker.settle(1_008_000 + SETTLE_MS - 1);
    assert.equal(gaps.length, 0, 'waits for an event (or SETTLE_MS)');
    tracker.settle(1_008_000 + SETTLE_MS);
    assert.equal(gaps.length, 1);
    assert.equal(gaps[0].from, 1_006_000);
    assert.equal(gaps[0].to, 1_008_000);
    assert.ok(Math.abs(gaps[0].estimatedLost - 2000) <= 50, String(gaps[0].estimatedLost));
    assert.equal(gaps[0].clockJump, undefined);
  });

  it('uses the senders\' clock jump when it says more, ignoring task-sent clocks (they are ours)', () => {
    const gaps: EventGap[] = [];
    const tracker = new EventGapTracker((g) => gaps.push(g));
    tracker.received(events(5, 1), 1000);
    tracker.lost(1010, 'cut', 6);
    tracker.resumed(1020);
    tracker.received([...events(1, 3, 'task-sent'), ...events(1, 5006)], 1030);
    assert.equal(gaps.length, 1);
    assert.equal(gaps[0].clockJump, 5000);
    assert.equal(gaps[0].estimatedLost, 5000);
    assert.equal(gaps[0].to, 1030);
  });

  it('counts by the clock alone when one sender was cut off, however fast the burst before the cut', () => {
    const gaps: EventGap[] = [];
    const tracker = new EventGapTracker((g) => gaps.push(g));
    // 15 000 events in 300 ms, then a 2.5 s gap in which 25 000 were sent: the rate would say 37 500.
    for (let i = 0; i < 150; i++) tracker.received(events(100, 1 + i * 100), 10_000 + i * 2);
    tracker.lost(10_300, 'cut', 15_001);
    tracker.resumed(12_700);
    tracker.received(events(1, 40_001, 'worker-heartbeat'), 12_800);
    assert.equal(gaps[0].clockJump, 25_000);
    assert.equal(gaps[0].estimatedLost, 25_000);
  });

  it('keeps the larger estimate when several senders share the clock (their clocks are only loosely in step)', () => {
    const gaps: EventGap[] = [];
    const tracker = new EventGapTracker((g) => gaps.push(g));
    for (let i = 0; i < 150; i++) tracker.received(events(100, 1 + i * 100, 'task-received', i % 2 ? 'a' : 'b'), 10_000 + i * 2);
    tracker.lost(10_300, 'cut', 15_001);
    tracker.resumed(12_700);
    tracker.received(events(1, 40_001, 'worker-heartbeat', 'a'), 12_800);
    assert.equal(gaps[0].clockJump, 25_000);
    assert.ok(gaps[0].estimatedLost > 30_000, String(gaps[0].estimatedLost));
  });

  it('sees a second sender anywhere in a decoded batch, not only first', () => {
    const gaps: EventGap[] = [];
    const tracker = new EventGapTracker((g) => gaps.push(g));
    for (let i = 0; i < 150; i++) tracker.received([...events(99, 1 + i * 100), ...events(1, 100 + i * 100, 'worker-heartbeat', 'quiet')], 10_000 + i * 2);
    tracker.lost(10_300, 'cut', 15_001);
    tracker.resumed(12_700);
    tracker.received(events(1, 40_001), 12_800);
    assert.equal(gaps[0].clockJump, 25_000);
    assert.ok(gaps[0].estimatedLost > 30_000, String(gaps[0].estimatedLost));
  });

  it('does not count by the clock alone when the event after the gap is from another sender', () => {
    const gaps: EventGap[] = [];
    const tracker = new EventGapTracker((g) => gaps.push(g));
    for (let i = 0; i < 150; i++) tracker.received(events(100, 1 + i * 100), 10_000 + i * 2);
    tracker.lost(10_300, 'cut', 15_001);
    tracker.resumed(12_700);
    tracker.received(events(1, 40_001, 'worker-heartbeat', 'newcomer'), 12_800);
    assert.ok(gaps[0].estimatedLost > 30_000, String(gaps[0].estimatedLost));
  });

  it('records one gap while the link stays down, and nothing after reset()', () => {
    const gaps: EventGap[] = [];
    const tracker = new EventGapTracker((g) => gaps.push(g));
    tracker.lost(100, 'first', 1);
    tracker.lost(200, 'second', 1);
    tracker.resumed(300);
    tracker.received(events(1, 2), 400);
    assert.deepEqual(gaps.map((g) => [g.reason, g.from]), [['first', 100]]);
    tracker.lost(500, 'third', 1);
    tracker.reset();
    tracker.received(events(1, 9), 600);
    assert.equal(gaps.length, 1);
  });
});
