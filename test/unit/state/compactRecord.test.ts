import assert from 'node:assert/strict';
import { ClusterState } from '../../../src/core/state/clusterState';
import { StringPool } from '../../../src/core/state/stringPool';
import { MAX_TASK_HISTORY, TaskRecord } from '../../../src/core/state/taskRecord';
import { ev } from './stateFixtures';

describe('(unit) compact task records', () => {
  it('times read back as numbers or undefined, and accept undefined', () => {
    const t = new TaskRecord('x');
    assert.equal(t.sent, undefined);
    t.sent = 12.5;
    t.runtime = 0;
    assert.deepEqual([t.sent, t.runtime, t.received], [12.5, 0, undefined]);
    t.sent = undefined;
    assert.equal(t.sent, undefined);
    t.succeeded ??= 99;
    t.succeeded ??= 100;
    assert.equal(t.succeeded, 99);
  });

  it('rare fields live aside until set', () => {
    const t = new TaskRecord('x');
    t.groupId = undefined;
    assert.equal(t.extras, undefined, 'setting undefined allocates nothing');
    t.terminated = true;
    t.signum = 15;
    t.groupId = null;
    assert.deepEqual([t.terminated, t.signum, t.groupId, t.expired, t.requeue], [true, 15, null, undefined, undefined]);
  });

  it('history is packed but reads as entries, oldest first, bounded', () => {
    const state = new ClusterState();
    state.apply(ev('task-sent', { uuid: 't', hostname: 'gen1@client', timestamp: 1.25 }));
    state.apply(ev('task-received', { uuid: 't', hostname: 'celery@worker-with-a-long-name.example.com', timestamp: 2.5 }));
    state.apply(ev('task-custom', { uuid: 't', hostname: 'celery@worker-with-a-long-name.example.com', timestamp: 3 }));
    const t = state.tasks.get('t');
    assert.deepEqual(t?.history, [
      { type: 'task-sent', timestamp: 1.25, hostname: 'gen1@client' },
      { type: 'task-received', timestamp: 2.5, hostname: 'celery@worker-with-a-long-name.example.com' },
      { type: 'task-custom', timestamp: 3, hostname: 'celery@worker-with-a-long-name.example.com' },
    ]);
    for (let i = 0; i < 100; i++) state.apply(ev('task-retried', { uuid: 't', timestamp: 10 + i }));
    assert.equal(t?.historyLength, MAX_TASK_HISTORY);
    assert.deepEqual(t?.history.map((h) => h.timestamp).slice(0, 2), [78, 79]);
    assert.equal(t?.history.at(-1)?.timestamp, 109);
  });

  it('tasks share one copy of repeated strings', () => {
    const state = new ClusterState();
    const traceback = 'Traceback (most recent call last):\n  File "x.py", line 1\nValueError: boom';
    for (const uuid of ['a', 'b']) {
      // Fresh string objects per event, as JSON.parse makes them.
      state.apply(ev('task-failed', { uuid, exception: "ValueError('boom')".split('').join(''), traceback: traceback.split('').join('') }));
    }
    assert.equal(state.strings.size, 1, 'the traceback was pooled once and found the second time');
    assert.equal(state.tasks.get('b')?.traceback, traceback);
    state.apply(ev('task-failed', { uuid: 'c', traceback: `${traceback}!` }));
    assert.equal(state.strings.size, 2);
  });
});

describe('(unit) StringPool', () => {
  it('returns one equal copy, leaves short strings alone, pools values only when long enough', () => {
    const pool = new StringPool();
    const first = pool.intern('celery@worker-1.example.com');
    assert.equal(pool.intern('celery@worker-1.example.com'), first);
    assert.equal(pool.size, 1);
    assert.equal(pool.intern('short'), 'short');
    assert.equal(pool.size, 1, 'V8 already shares strings of 10 characters or fewer');
    assert.equal(pool.internValue('(1, 2, 3)x'.repeat(2)), '(1, 2, 3)x(1, 2, 3)x');
    assert.equal(pool.size, 1, 'a 20-character value is not worth a pool entry');
    assert.deepEqual(pool.internValue([1]), [1]);
  });

  it('stays bounded: a full generation rotates, strings in use survive', () => {
    const pool = new StringPool({ maxEntries: 4 });
    const hot = pool.intern('a-name-used-all-the-time');
    for (let i = 0; i < 100; i++) {
      pool.intern(`one-off-string-number-${i}`);
      assert.equal(pool.intern('a-name-used-all-the-time'), hot);
    }
    assert.ok(pool.size <= 8);
    const chars = new StringPool({ maxChars: 100 });
    for (let i = 0; i < 20; i++) chars.intern(`${'x'.repeat(40)}${i}`);
    assert.ok(chars.size <= 6);
    assert.equal(new StringPool({ maxLength: 12 }).intern('x'.repeat(13)), 'x'.repeat(13));
  });
});
