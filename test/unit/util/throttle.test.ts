import assert from 'node:assert/strict';
import { createThrottle } from '../../../src/core/util/throttle';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('(unit) createThrottle', () => {
  it('runs at once when idle, then coalesces a burst into one trailing run per interval', async () => {
    let runs = 0;
    const throttle = createThrottle(() => runs++, 60);
    throttle.schedule();
    assert.equal(runs, 1);
    for (let i = 0; i < 50; i++) throttle.schedule();
    assert.equal(runs, 1);
    await sleep(90);
    assert.equal(runs, 2);
    await sleep(90);
    assert.equal(runs, 2, 'no run without a new request');
    throttle.dispose();
  });

  it('never runs more often than the interval under a steady stream', async () => {
    const times: number[] = [];
    const throttle = createThrottle(() => times.push(Date.now()), 40);
    const end = Date.now() + 300;
    while (Date.now() < end) {
      throttle.schedule();
      await sleep(3);
    }
    throttle.dispose();
    assert.ok(times.length >= 2 && times.length <= 9, `${times.length} runs in 300 ms`);
    for (let i = 1; i < times.length; i++) assert.ok(times[i] - times[i - 1] >= 38, `gap ${times[i] - times[i - 1]} ms`);
  });

  it('flush runs a pending request now; dispose drops it', async () => {
    let runs = 0;
    const throttle = createThrottle(() => runs++, 1000);
    throttle.schedule();
    throttle.schedule();
    throttle.flush();
    assert.equal(runs, 2);
    throttle.schedule();
    throttle.dispose();
    throttle.schedule();
    await sleep(20);
    assert.equal(runs, 2);
  });
});
