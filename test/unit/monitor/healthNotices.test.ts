import assert from 'node:assert/strict';
import { HealthRecorder } from '../../../src/core/monitor/healthRecorder';
import { RateLimitedLog, type LogEntry } from '../../../src/core/monitor/rateLimitedLog';
import { FakeTimers } from './fakeTimers';

describe('(unit) broker notices in the monitor health', () => {
  function recorder(): { recorder: HealthRecorder; lines: LogEntry[] } {
    const lines: LogEntry[] = [];
    const log = new RateLimitedLog((e) => lines.push(e), { timers: new FakeTimers() });
    return { recorder: new HealthRecorder(log), lines };
  }

  it('blocked sets the reason and logs a warning; unblocked clears it once', () => {
    const { recorder: r, lines } = recorder();
    assert.equal(r.notice({ kind: 'blocked', reason: 'low on memory' }), true);
    assert.equal(r.health.blocked, 'low on memory');
    assert.match(lines.at(-1)?.message ?? '', /RabbitMQ blocked the connection \(low on memory\)/);
    assert.equal(lines.at(-1)?.level, 'warn');
    assert.equal(r.notice({ kind: 'unblocked' }), true);
    assert.equal(r.health.blocked, undefined);
    assert.equal(r.notice({ kind: 'unblocked' }), false, 'nothing to clear');
  });

  it('dropped events add up and are recorded as a problem', () => {
    const { recorder: r } = recorder();
    r.notice({ kind: 'events-lost', count: 10, reason: 'RabbitMQ dropped 10 event(s)' });
    r.notice({ kind: 'events-lost', count: 5, reason: 'RabbitMQ dropped 5 event(s)' });
    assert.equal(r.health.eventsLost, 15);
    assert.deepEqual(r.health.recentErrors.map((e) => e.message), ['RabbitMQ dropped 10 event(s)', 'RabbitMQ dropped 5 event(s)']);
  });
});
