import assert from 'node:assert/strict';
import { ChangeCoalescer } from '../../../src/core/monitor/changeCoalescer';
import { FakeTimers } from './fakeTimers';

const nextMacrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('(unit) ChangeCoalescer', () => {
  it('fires once for a burst of 10 000 marks, after the burst, with real timers', async () => {
    let fired = 0;
    const c = new ChangeCoalescer(() => fired++);
    for (let i = 0; i < 10_000; i++) c.mark();
    assert.equal(fired, 0, 'not inside the burst');
    await nextMacrotask();
    assert.equal(fired, 1);
    await nextMacrotask();
    assert.equal(fired, 1, 'nothing more without a new mark');
    c.mark();
    c.mark();
    await nextMacrotask();
    assert.equal(fired, 2, 'a later burst fires again');
    c.dispose();
  });

  it('flush() fires a pending change at once; dispose() drops it', () => {
    const timers = new FakeTimers();
    let fired = 0;
    const c = new ChangeCoalescer(() => fired++, timers);
    c.flush();
    assert.equal(fired, 0, 'nothing pending');
    c.mark();
    c.flush();
    assert.equal(fired, 1);
    assert.equal(timers.pendingImmediates, 0, 'the scheduled callback was cancelled');
    c.mark();
    c.dispose();
    timers.runImmediates();
    assert.equal(fired, 1);
    c.mark();
    assert.equal(timers.pendingImmediates, 0, 'a disposed coalescer schedules nothing');
  });

  it('a throwing listener does not break later notifications', () => {
    const timers = new FakeTimers();
    let calls = 0;
    const c = new ChangeCoalescer(() => {
      calls++;
      throw new Error('listener bug');
    }, timers);
    c.mark();
    timers.runImmediates();
    c.mark();
    timers.runImmediates();
    assert.equal(calls, 2);
  });
});
