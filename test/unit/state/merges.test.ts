import assert from 'node:assert/strict';
import { ClusterState } from '../../../src/core/state/clusterState';
import { exceptionRepr } from '../../../src/core/state/merges';
import { parseIsoSeconds } from '../../../src/core/state/isoTime';
import { snapshotErrorOf, snapshotTasks, snapshotWorkers, toSnapshotTask } from '../../../src/core/state/snapshot';
import { decodeTaskMessage } from '../../../src/core/celery/taskMessage';
import { isUndecodable, parseRedisEnvelope, undecodable } from '../../../src/core/celery/rawMessage';
import { RedisTaskFixture, wireJson } from '../celery/wireFixtures';
import { ev, id, replayedState } from './stateFixtures';

interface ResultFixture {
  byStatus: Record<string, { scenario: string; meta: Record<string, unknown> }>;
  resultExtended: Array<Record<string, unknown>>;
}
type Replies = Record<'stats' | 'active' | 'registered' | 'active_queues', Record<string, unknown>>;

const results = wireJson<ResultFixture>('redis/result-backend-meta.json');
const replies = wireJson<Replies>('redis/inspect-replies.json');

function meta(key: string): Record<string, unknown> {
  return results.byStatus[key].meta;
}

describe('(unit) merging result-backend records', () => {
  it('reads every captured status into a task', () => {
    const expected: Record<string, string> = {
      'SUCCESS': 'SUCCESS', 'FAILURE:ProbeError': 'FAILURE', 'RETRY': 'RETRY', 'FAILURE:NotRegistered': 'FAILURE',
      'REVOKED:expired': 'REVOKED', 'REVOKED:terminated': 'REVOKED', 'STARTED': 'STARTED',
    };
    for (const [key, state] of Object.entries(expected)) {
      const s = new ClusterState();
      const t = s.mergeTaskFromResult(meta(key));
      assert.ok(t, key);
      assert.equal(t.state, state, key);
      assert.equal(t.id, meta(key).task_id);
    }
  });

  it('rebuilds exception reprs and keeps tracebacks', () => {
    const s = new ClusterState();
    const failed = s.mergeTaskFromResult(meta('FAILURE:ProbeError'));
    assert.equal(failed?.exception, "ProbeError('probe failure for value=10', 7)");
    assert.match(failed?.traceback ?? '', /proj\.errors\.ProbeError: \('probe failure for value=10', 7\)/);
    assert.equal(failed?.failed, parseIsoSeconds(meta('FAILURE:ProbeError').date_done));
    const unknown = s.mergeTaskFromResult(meta('FAILURE:NotRegistered'));
    assert.equal(unknown?.exception, "NotRegistered('proj.tasks.does_not_exist')");
    assert.equal(unknown?.traceback, undefined);
    assert.equal(exceptionRepr({ exc_type: 'E', exc_message: [] }), 'E()');
    assert.equal(exceptionRepr('nope'), undefined);
  });

  it('reads date_done as UTC, results as JSON values, children and parents', () => {
    const s = new ClusterState();
    const done = s.mergeTaskFromResult(meta('SUCCESS (has parent_id)'));
    assert.ok(done);
    assert.equal(done.succeeded, Date.UTC(2026, 10, 23, 11, 26, 43) / 1000 + 0.431542);
    assert.equal(done.result, 6);
    assert.deepEqual(done.children, [id('chain_last')]);
    assert.equal(done.parentId, id('chain_first'));
    assert.deepEqual(s.tasks.get(id('chain_first'))?.children, undefined, 'the parent is not invented');
    const member = s.mergeTaskFromResult(meta('STARTED (group member)'));
    assert.equal(member?.groupId, 'db35463e-bb94-4a48-9313-e9b88929c571');
    assert.equal(member?.worker, 'w1@vm');
  });

  it('takes result_extended fields, rendering args as repr', () => {
    const s = new ClusterState();
    const extended = results.resultExtended.find((m) => m.status === 'SUCCESS');
    const t = s.mergeTaskFromResult(extended);
    assert.equal(t?.name, 'proj.tasks.add');
    assert.equal(t?.args, '(4, 5)');
    assert.equal(t?.kwargs, '{}');
    assert.equal(t?.worker, 'w3@vm');
    assert.equal(t?.result, 9);
  });

  it('never moves a task backwards, and backend STARTED does not hide REJECTED', () => {
    const s = new ClusterState();
    const taskId = String(meta('STARTED').task_id);
    s.apply(ev('task-succeeded', { uuid: taskId, result: '0' }));
    s.mergeTaskFromResult(meta('STARTED'));
    assert.equal(s.tasks.get(taskId)?.state, 'SUCCESS');
    s.mergeTaskFromResult(meta('SUCCESS'));
    assert.equal(s.tasks.get(taskId)?.result, 0, 'the real value replaces the repr');

    s.apply(ev('task-sent', { uuid: 'r' }));
    s.apply(ev('task-rejected', { uuid: 'r' }));
    s.mergeTaskFromResult({ status: 'STARTED', task_id: 'r', result: { pid: 1, hostname: 'w1@vm' } });
    assert.equal(s.tasks.get('r')?.state, 'REJECTED');

    s.apply(ev('task-started', { uuid: 'x' }));
    s.mergeTaskFromResult({ status: 'SUCCESS', task_id: 'x', result: [1, 2], date_done: '2026-11-23T11:26:43' });
    assert.equal(s.tasks.get('x')?.state, 'SUCCESS');
    assert.deepEqual(s.tasks.get('x')?.result, [1, 2]);
  });

  it('accepts the result backend\'s parsed TaskMeta as well as the raw JSON', () => {
    const raw = meta('SUCCESS (has parent_id)');
    const s = new ClusterState();
    const t = s.mergeTaskFromResult({
      kind: 'task-meta', taskId: raw.task_id, status: 'SUCCESS', result: 6, traceback: null,
      children: [id('chain_last')], dateDone: 1795433203.431542, parentId: id('chain_first'), groupId: 'g', size: 10,
    });
    assert.ok(t);
    assert.deepEqual([t.id, t.state, t.result, t.succeeded, t.parentId, t.groupId, t.children],
      [raw.task_id, 'SUCCESS', 6, 1795433203.431542, id('chain_first'), 'g', [id('chain_last')]]);
  });

  it('ignores what is not a result record', () => {
    const s = new ClusterState();
    for (const bad of [null, 5, 'x', [], {}, { status: 'SUCCESS' }, { task_id: 'a' }]) assert.equal(s.mergeTaskFromResult(bad), undefined);
    assert.equal(s.tasks.size, 0);
  });
});

describe('(unit) merging inspect replies', () => {
  it('stats: pid and concurrency', () => {
    const s = new ClusterState();
    const w = s.mergeWorkerStats('w1@vm', replies.stats['w1@vm']);
    assert.equal(w.pid, 20886);
    assert.equal(w.concurrency, 2);
    assert.equal(w.pool, 'prefork', 'Celery 5.2 does not name the pool; its process list says prefork');
    assert.equal(s.mergeWorkerStats('w2@vm', { pool: { implementation: 'celery.concurrency.threads:TaskPool' } }).pool, 'threads');
    assert.equal(s.mergeWorkerStats('w3@vm', { pool: { 'max-concurrency': 1 } }).pool, undefined);
  });

  it('active: running tasks with real args rendered as repr', () => {
    const s = new ClusterState();
    const w = s.mergeActive('w1@vm', replies.active['w1@vm']);
    const running = '4679348f-647c-4f69-a8b6-397237cec96d';
    assert.deepEqual(w.activeTasks, [running]);
    const t = s.tasks.get(running);
    assert.equal(t?.state, 'STARTED');
    assert.equal(t?.name, 'proj.tasks.sleeper_late');
    assert.equal(t?.args, '(40,)');
    assert.equal(t?.worker, 'w1@vm');
    assert.equal(t?.started, 1795433275.7174735);
    assert.deepEqual(s.mergeActive('w2@vm', replies.active['w2@vm']).activeTasks, []);
  });

  it('reserved: RECEIVED, unless events know better', () => {
    const s = new ClusterState();
    s.apply(ev('task-succeeded', { uuid: 'done' }));
    const w = s.mergeReserved('w1@vm', [{ id: 'waiting', name: 'a', args: [], kwargs: {} }, { id: 'done' }, 'junk']);
    assert.deepEqual(w.reservedTasks, ['waiting', 'done']);
    assert.equal(s.tasks.get('waiting')?.state, 'RECEIVED');
    assert.equal(s.tasks.get('done')?.state, 'SUCCESS');
  });

  it('registered (attribute suffixes removed) and active_queues', () => {
    const s = new ClusterState();
    const w = s.mergeRegistered('w1@vm', replies.registered['w1@vm']);
    assert.ok(w.registered?.includes('proj.tasks.limited'));
    assert.ok(w.registered?.every((n) => !n.includes('[')));
    assert.deepEqual(s.mergeActiveQueues('w1@vm', replies.active_queues['w1@vm']).queues, ['celery', 'priority']);
  });

  it('ignores malformed replies without throwing', () => {
    const s = new ClusterState();
    for (const bad of [null, 'x', 5, {}]) {
      s.mergeWorkerStats('w', bad);
      s.mergeActive('w', bad);
      s.mergeRegistered('w', bad);
      s.mergeActiveQueues('w', bad);
    }
    assert.equal(s.tasks.size, 0);
    assert.equal(s.workers.get('w')?.activeTasks, undefined);
  });

  it('task messages fill a task without changing its state', () => {
    const fixture = wireJson<RedisTaskFixture>('redis/task-messages.json').messages.add_eta_30_expires_600;
    const raw = parseRedisEnvelope(fixture.raw, 'task', 'celery');
    assert.ok(!isUndecodable(raw));
    const message = decodeTaskMessage(raw, 'celery');
    assert.ok(!isUndecodable(message));
    const s = new ClusterState();
    const t = s.mergeTaskFromMessage(message);
    assert.equal(t.state, 'PENDING');
    assert.equal(t.args, '(30, 40)');
    assert.equal(t.eta, '2026-11-23T11:26:54.976528+00:00');
    assert.equal(t.routingKey, 'celery');
  });
});

describe('(unit) snapshot shapes', () => {
  it('tasks: every field, epoch seconds, nulls for unknowns', () => {
    const s = replayedState();
    const t = toSnapshotTask(s.tasks.get(id('add_plain'))!);
    assert.deepEqual(Object.keys(t), ['id', 'name', 'state', 'worker', 'args', 'kwargs', 'result', 'exception', 'traceback', 'parentId', 'rootId',
      'groupId', 'children', 'retries', 'sent', 'received', 'started', 'finished', 'runtime', 'eta', 'expires', 'queue']);
    assert.equal(t.state, 'SUCCESS');
    assert.equal(t.finished, s.tasks.get(id('add_plain'))?.succeeded);
    assert.equal(t.queue, 'celery');
    assert.equal(t.exception, null);
    assert.equal(toSnapshotTask(s.tasks.get(id('fail_nested'))!).finished, s.tasks.get(id('fail_nested'))?.failed);
    const all = snapshotTasks(s);
    assert.equal(all.length, s.tasks.size);
    assert.equal(snapshotTasks(s, 5).length, 5);
    assert.ok((all[0].sent ?? 0) >= 0);
  });

  it('workers: online by heartbeat, active from events unless inspect said', () => {
    let now = 1000;
    const s = new ClusterState({ now: () => now });
    s.apply(ev('worker-online', { hostname: 'b@h', freq: 2, processed: 3, sw_ver: '5.2.6', local_received: 999, timestamp: 999 }));
    s.apply(ev('worker-online', { hostname: 'a@h', freq: 2, local_received: 990, timestamp: 990 }));
    s.apply(ev('task-started', { hostname: 'b@h', uuid: 't1', local_received: 999.5, timestamp: 999.5 }));
    let workers = snapshotWorkers(s);
    assert.deepEqual(workers.map((w) => [w.hostname, w.online, w.active]), [['a@h', false, []], ['b@h', true, ['t1']]]);
    assert.equal(workers[1].processed, 3);
    assert.equal(workers[1].heartbeat, 999.5);
    assert.equal(workers[1].version, '5.2.6');
    assert.equal(workers[0].processed, null);
    s.mergeActive('b@h', []);
    s.mergeWorkerStats('b@h', replies.stats['w1@vm']);
    now = 1010;
    workers = snapshotWorkers(s);
    assert.deepEqual(workers[1].active, []);
    assert.equal(workers[1].online, false);
    assert.equal(workers[1].concurrency, 2);
  });

  it('errors from Undecodables', () => {
    const u = undecodable('task', 'celery', 'pickle content type', { size: 3, taskId: 'i', taskName: 'n' });
    assert.deepEqual(snapshotErrorOf(u), { kind: 'undecodable', source: 'task', where: 'celery', message: 'pickle content type', taskId: 'i', taskName: 'n' });
  });
});

describe('(unit) parseIsoSeconds', () => {
  it('reads Celery\'s forms', () => {
    assert.equal(parseIsoSeconds('2026-11-23T11:26:54.976528+00:00'), Date.UTC(2026, 10, 23, 11, 26, 54) / 1000 + 0.976528);
    assert.equal(parseIsoSeconds('2026-11-23T11:26:54+02:00'), Date.UTC(2026, 10, 23, 9, 26, 54) / 1000);
    assert.equal(parseIsoSeconds('2026-11-23T11:26:54Z'), Date.UTC(2026, 10, 23, 11, 26, 54) / 1000);
    assert.equal(parseIsoSeconds('2026-11-23T11:26:54'), Date.UTC(2026, 10, 23, 11, 26, 54) / 1000);
    assert.equal(parseIsoSeconds('soon'), undefined);
    assert.equal(parseIsoSeconds(5), undefined);
  });
});
