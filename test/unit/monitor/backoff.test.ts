import assert from 'node:assert/strict';
import { Backoff, backoffDelay, DEFAULT_BACKOFF } from '../../../src/core/util/backoff';

describe('(unit) backoff', () => {
  it('doubles from 1 s up to 30 s without jitter', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8, 50, 10_000].map((n) => backoffDelay(n, {}, () => 0));
    assert.deepEqual(delays, [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000, 30000]);
    assert.deepEqual(DEFAULT_BACKOFF, { initialMs: 1000, factor: 2, maxMs: 30_000, jitter: 0.2 });
  });

  it('jitter only shortens, by at most the jitter fraction, and never exceeds the cap', () => {
    assert.equal(backoffDelay(1, {}, () => 0.999999), 800);
    assert.equal(backoffDelay(3, {}, () => 0.5), 3600);
    assert.equal(backoffDelay(20, {}, () => 0.5), 27000);
    for (let i = 0; i < 1000; i++) {
      const d = backoffDelay(1 + (i % 12), {});
      const base = Math.min(30000, 1000 * 2 ** (i % 12));
      assert.ok(d >= base * 0.8 - 1 && d <= base, `${d} outside [${base * 0.8}, ${base}]`);
    }
  });

  it('takes custom options and clamps nonsense', () => {
    assert.equal(backoffDelay(3, { initialMs: 100, factor: 3, maxMs: 10_000, jitter: 0 }), 900);
    assert.equal(backoffDelay(0, { jitter: 0 }), 1000, 'attempt 0 is treated as the first');
    assert.equal(backoffDelay(2, { jitter: 5 }, () => 0.5), 1000, 'jitter above 1 is clamped to 1');
    assert.equal(backoffDelay(2, { factor: 0.5, jitter: 0 }), 1000, 'a factor below 1 does not shrink delays');
  });

  it('Backoff counts attempts and starts over after reset()', () => {
    const b = new Backoff({}, () => 0);
    assert.equal(b.attempt, 0);
    assert.deepEqual([b.next(), b.next(), b.next()], [1000, 2000, 4000]);
    assert.equal(b.attempt, 3);
    b.reset();
    assert.equal(b.attempt, 0);
    assert.equal(b.next(), 1000);
  });
});
