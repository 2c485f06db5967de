import * as assert from 'node:assert/strict';
import { RequestBufferPool } from '../../../src/core/monitor/requestBufferPool';

describe('(unit) RequestBufferPool', () => {
  it('makes buffers of at least the size asked, in powers of two from 256 KiB', () => {
    const pool = new RequestBufferPool(2);
    assert.equal(pool.take(10).byteLength, 256 * 1024);
    assert.equal(pool.take(300_000).byteLength, 512 * 1024);
    assert.equal(pool.take(2 ** 20).byteLength, 2 ** 20);
  });

  it('hands back a returned buffer instead of making one, the smallest that fits', () => {
    const pool = new RequestBufferPool(3);
    const small = pool.take(1);
    const large = pool.take(2 ** 20);
    pool.give(large);
    pool.give(small);
    assert.equal(pool.take(100), small);
    assert.equal(pool.size, 1);
    assert.equal(pool.take(600_000), large);
    assert.equal(pool.size, 0);
  });

  it('makes a new buffer when no returned one is large enough', () => {
    const pool = new RequestBufferPool(2);
    const small = pool.take(1);
    pool.give(small);
    const big = pool.take(400_000);
    assert.notEqual(big, small);
    assert.equal(pool.size, 1);
  });

  it('keeps at most maxKept buffers, dropping the smallest, and never keeps detached or huge ones', () => {
    const pool = new RequestBufferPool(2);
    const a = pool.take(1);
    const b = pool.take(300_000);
    const c = pool.take(600_000);
    pool.give(a);
    pool.give(b);
    pool.give(c);
    assert.equal(pool.size, 2);
    assert.equal(pool.take(1), b, 'the smallest (a) was dropped');
    pool.give(new ArrayBuffer(0));
    pool.give(new ArrayBuffer(16 * 2 ** 20));
    assert.equal(pool.size, 1);
    pool.clear();
    assert.equal(pool.size, 0);
  });
});
