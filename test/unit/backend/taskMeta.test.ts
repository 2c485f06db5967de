import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDateDone, parseGroupMeta, parseTaskMeta, taskIdsFromTuples, type TaskMeta } from '../../../src/core/backend/taskMeta';
import { isUndecodable } from '../../../src/core/celery/rawMessage';

const fixture = JSON.parse(readFileSync(resolve(__dirname, '../../../../test/fixtures/redis-wire/result-backend-meta.json'), 'utf8')) as {
  by_status: Record<string, string>;
  taskset: string;
  extended: Record<string, string>;
};

function meta(label: string): TaskMeta {
  const parsed = parseTaskMeta(fixture.by_status[label], 'celery-task-meta-x');
  assert.ok(!isUndecodable(parsed), label);
  return parsed;
}

describe('(unit) result backend records', () => {
  it('reads a SUCCESS record', () => {
    const m = meta('SUCCESS');
    assert.equal(m.taskId, 'd763f8e1-c352-480b-9469-bfee5734ef8f');
    assert.equal(m.status, 'SUCCESS');
    assert.equal(m.result, 0);
    assert.equal(m.traceback, null);
    assert.deepEqual(m.children, []);
    assert.equal(m.dateDone, Date.UTC(2026, 10, 23, 11, 26, 43) / 1000 + 0.294642);
    assert.equal(m.parentId, undefined);
  });

  it('reads a FAILURE record with its traceback and exception', () => {
    const m = meta('FAILURE:ProbeError');
    assert.deepEqual(m.result, { exc_type: 'ProbeError', exc_message: ['probe failure for value=10', 7], exc_module: 'proj.errors' });
    assert.match(m.traceback ?? '', /proj\.errors\.ProbeError: \('probe failure for value=10', 7\)\n$/);
  });

  it('reads STARTED (no date_done), parents, groups and children', () => {
    const started = meta('STARTED');
    assert.equal(started.dateDone, undefined);
    assert.deepEqual(started.result, { pid: 20896, hostname: 'w1@vm' });
    assert.equal(meta('SUCCESS (group member)').groupId, 'db35463e-bb94-4a48-9313-e9b88929c571');
    const chained = meta('SUCCESS (has parent_id)');
    assert.equal(chained.parentId, 'af2af0fc-d0f0-4f57-bfb9-ea8b5dbf1228');
    assert.deepEqual(chained.children, ['9213e86e-3169-4aba-8f53-18c79ada5f93']);
  });

  it('reads result_extended fields', () => {
    const parsed = parseTaskMeta(fixture.extended['celery-task-meta-b885fd51-0cdd-4d19-a963-ccfa0556b3e8'], 'celery-task-meta-b885fd51-0cdd-4d19-a963-ccfa0556b3e8');
    assert.ok(!isUndecodable(parsed));
    assert.equal(parsed.name, 'proj.tasks.add');
    assert.deepEqual(parsed.args, [4, 5]);
    assert.deepEqual(parsed.kwargs, {});
    assert.equal(parsed.worker, 'w3@vm');
    assert.equal(parsed.retries, 0);
    assert.equal(parsed.queue, 'celery');
    assert.equal(parsed.result, 9);
  });

  it('takes the id from the key when the record lacks task_id', () => {
    const parsed = parseTaskMeta('{"status": "SUCCESS", "result": 1}', 'celery-task-meta-abc');
    assert.ok(!isUndecodable(parsed));
    assert.equal(parsed.taskId, 'abc');
  });

  it('returns Undecodable for malformed records, never throws', () => {
    for (const bad of ['{oops', '[]', '{"result": 1}', '"SUCCESS"', '']) {
      const parsed = parseTaskMeta(bad, 'celery-task-meta-k');
      assert.ok(isUndecodable(parsed), bad);
      assert.equal(parsed.source, 'result');
      assert.equal(parsed.where, 'celery-task-meta-k');
    }
  });

  it('parses date_done with or without an offset', () => {
    assert.equal(parseDateDone('1970-01-01T00:00:01.5'), 1.5);
    assert.equal(parseDateDone('1970-01-01T01:00:00+01:00'), 0);
    assert.equal(parseDateDone('1970-01-01T00:00:00Z'), 0);
    assert.equal(parseDateDone(null), undefined);
    assert.equal(parseDateDone('yesterday'), undefined);
  });

  it('flattens as_tuple children, groups included', () => {
    assert.deepEqual(taskIdsFromTuples([[['a', null], null], [['g', null], [[['b', null], null], [['c', null], null]]], 'd', 42]), ['a', 'b', 'c', 'd']);
    assert.deepEqual(taskIdsFromTuples(null), []);
  });

  it('reads a saved group', () => {
    const group = parseGroupMeta(fixture.taskset, 'celery-taskset-meta-db35463e-bb94-4a48-9313-e9b88929c571');
    assert.ok(!isUndecodable(group));
    assert.equal(group.groupId, 'db35463e-bb94-4a48-9313-e9b88929c571');
    assert.deepEqual(group.taskIds, [
      'b30c4a3a-08c1-4fc4-b882-ee100a4d162d', '3809cd49-55df-48dc-a1e8-0562ffe3f311', 'bbfc7e51-344a-4125-980f-b70f9a69e011',
    ]);
    assert.ok(isUndecodable(parseGroupMeta('{"result": 5}', 'k')));
    assert.ok(isUndecodable(parseGroupMeta('nope', 'k')));
  });
});
