import assert from 'node:assert/strict';
import { RateLimitedLog, type LogEntry } from '../../../src/core/monitor/rateLimitedLog';
import { FakeTimers } from './fakeTimers';

describe('(unit) RateLimitedLog', () => {
  let timers: FakeTimers;
  let lines: LogEntry[];
  let log: RateLimitedLog;

  beforeEach(() => {
    timers = new FakeTimers();
    lines = [];
    log = new RateLimitedLog((e) => lines.push(e), { burst: 10, windowMs: 10_000, timers });
  });

  it('logs the first 10 of a flood of 1000, then one summary per 10 s', async () => {
    for (let i = 0; i < 1000; i++) log.report('undecodable events', 'warn', `bad event ${i}`);
    assert.equal(lines.length, 10);
    assert.deepEqual(lines[9], { level: 'warn', message: 'bad event 9' });
    await timers.advance(10_000);
    assert.equal(lines.length, 11);
    assert.equal(lines[10].message, '990 more undecodable events in the last 10 s; latest: bad event 999');
    for (let i = 0; i < 500; i++) log.report('undecodable events', 'warn', `again ${i}`);
    assert.equal(lines.length, 11, 'still summarising: no new individual lines');
    await timers.advance(10_000);
    assert.equal(lines[11].message, '500 more undecodable events in the last 10 s; latest: again 499');
  });

  it('a category quiet for a whole window starts over', async () => {
    for (let i = 0; i < 12; i++) log.report('x', 'warn', `m${i}`);
    await timers.advance(10_000);
    assert.equal(lines.length, 11);
    await timers.advance(10_000);
    assert.equal(lines.length, 11, 'a quiet window logs nothing');
    log.report('x', 'warn', 'fresh');
    assert.equal(lines[11].message, 'fresh');
    assert.deepEqual(timers.pendingDelays(), [10_000]);
  });

  it('categories are limited separately, and flush() emits pending summaries and clears timers', () => {
    for (let i = 0; i < 15; i++) log.report('a', 'warn', `a${i}`);
    for (let i = 0; i < 3; i++) log.report('b', 'error', `b${i}`);
    assert.equal(lines.filter((l) => l.message.startsWith('a')).length, 10);
    assert.equal(lines.filter((l) => l.level === 'error').length, 3);
    log.flush();
    assert.equal(lines[lines.length - 1].message, '5 more a in the last 10 s; latest: a14');
    assert.deepEqual(timers.pendingDelays(), []);
  });
});
