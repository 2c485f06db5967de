import * as assert from 'node:assert/strict';
import { CONTROL_METHODS, INSPECT_METHODS, lookupMethod, normaliseSignal } from '../../../src/core/control/methods';

describe('(unit) remote-control methods', () => {
  it('covers every inspect method Celery 5 answers', () => {
    for (const m of ['ping', 'stats', 'active', 'reserved', 'scheduled', 'registered', 'active_queues', 'conf', 'revoked', 'report', 'query_task']) {
      assert.ok(INSPECT_METHODS[m], m);
      assert.equal(INSPECT_METHODS[m].writes, false);
    }
  });

  it('builds arguments exactly as Celery 5.2 sends them', () => {
    assert.deepEqual(INSPECT_METHODS.active.build([]), { safe: null });
    assert.deepEqual(INSPECT_METHODS.registered.build([]), { taskinfoitems: null });
    assert.deepEqual(INSPECT_METHODS.conf.build([]), { with_defaults: false });
    assert.deepEqual(INSPECT_METHODS.query_task.build(['a', 'b']), { ids: ['a', 'b'] });
    assert.deepEqual(CONTROL_METHODS.rate_limit.build(['proj.tasks.add', '100/m']), { task_name: 'proj.tasks.add', rate_limit: '100/m' });
    assert.deepEqual(CONTROL_METHODS.time_limit.build(['t', '50', '60']), { task_name: 't', soft: 50, hard: 60 });
    assert.deepEqual(CONTROL_METHODS.pool_grow.build([]), { n: 1 });
    assert.deepEqual(CONTROL_METHODS.autoscale.build(['4', '2']), { max: 4, min: 2 });
    assert.deepEqual(CONTROL_METHODS.add_consumer.build(['extra']), { queue: 'extra', exchange: null, exchange_type: 'direct', routing_key: null });
    assert.deepEqual(CONTROL_METHODS.cancel_consumer.build(['extra']), { queue: 'extra' });
    assert.deepEqual(CONTROL_METHODS.revoke.build(['id1']), { task_id: 'id1', terminate: false, signal: 'SIGTERM' });
  });

  it('knows which methods are never answered', () => {
    assert.equal(CONTROL_METHODS.shutdown.replies, false);
    assert.equal(CONTROL_METHODS.heartbeat.replies, false);
    assert.equal(CONTROL_METHODS.shutdown.writes, true);
  });

  it('rejects bad arguments with a message naming the problem', () => {
    assert.throws(() => CONTROL_METHODS.rate_limit.build(['t']), /rate_limit needs <task_name> <rate_limit>/);
    assert.throws(() => CONTROL_METHODS.rate_limit.build(['t', 'fast']), /bad rate limit "fast"/);
    assert.throws(() => CONTROL_METHODS.pool_grow.build(['many']), /n must be a whole number/);
    assert.throws(() => INSPECT_METHODS.stats.build(['x']), /stats takes no arguments/);
    assert.throws(() => lookupMethod(INSPECT_METHODS, 'nope', 'inspect'), /unknown inspect method "nope"/);
    assert.throws(() => lookupMethod(INSPECT_METHODS, 'constructor', 'inspect'), /unknown inspect method/);
  });

  it('normalises signal names and refuses unknown ones', () => {
    assert.equal(normaliseSignal('kill'), 'SIGKILL');
    assert.equal(normaliseSignal('SIGTERM'), 'SIGTERM');
    assert.throws(() => normaliseSignal('SIGFOO'), /unknown signal "SIGFOO"/);
  });
});
