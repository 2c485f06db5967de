import * as assert from 'node:assert/strict';
import {
  bindingMember, fanoutChannel, isInternalExchange, isInternalQueue, parseBindingMember, priorityBucket, priorityKey, queueKeys,
} from '../../../../src/core/broker/redis/kombuKeys';

describe('(unit) redis kombu keys', () => {
  it('maps priorities to kombu buckets (largest step ≤ p, clamped to 0..9)', () => {
    const cases: Array<[number | undefined, number]> = [
      [undefined, 0], [0, 0], [1, 0], [2, 0], [3, 3], [5, 3], [6, 6], [8, 6], [9, 9], [10, 9], [255, 9], [-4, 0], [4.7, 3], [NaN, 0],
    ];
    for (const [p, bucket] of cases) assert.equal(priorityBucket(p), bucket, `priority ${String(p)}`);
  });

  it('names priority lists like kombu (bucket 0 is the bare name)', () => {
    assert.equal(priorityKey('celery', 0), 'celery');
    assert.equal(priorityKey('celery', 4), 'celery\x06\x163');
    assert.equal(priorityKey('celery', 7), 'celery\x06\x166');
    assert.equal(priorityKey('celery', 12), 'celery\x06\x169');
    assert.deepEqual(queueKeys('q'), ['q', 'q\x06\x163', 'q\x06\x166', 'q\x06\x169']);
  });

  it('builds and splits binding members', () => {
    assert.equal(bindingMember('celery', '', 'celery'), 'celery\x06\x16\x06\x16celery');
    assert.deepEqual(parseBindingMember('worker.#\x06\x16\x06\x16celeryev.abc'), { routingKey: 'worker.#', pattern: '', queue: 'celeryev.abc' });
    assert.equal(parseBindingMember('no separators'), undefined);
    assert.equal(parseBindingMember('a\x06\x16b\x06\x16'), undefined);
  });

  it('names fanout channels with the db prefix and optional routing key', () => {
    assert.equal(fanoutChannel(0, 'celery.pidbox'), '/0.celery.pidbox');
    assert.equal(fanoutChannel(8, 'celeryev', 'worker.heartbeat'), '/8.celeryev/worker.heartbeat');
  });

  it('recognises Celery plumbing exchanges and queues', () => {
    assert.ok(isInternalExchange('celery.pidbox') && isInternalExchange('reply.celery.pidbox') && isInternalExchange('celeryev'));
    assert.ok(!isInternalExchange('celery'));
    assert.ok(isInternalQueue('w1@vm.celery.pidbox'));
    assert.ok(isInternalQueue('2006ce86.reply.celery.pidbox'));
    assert.ok(isInternalQueue('celeryev.b9b5ecd3'));
    assert.ok(!isInternalQueue('celery') && !isInternalQueue('priority'));
  });
});
