import * as assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { RedisResultBackend } from '../../../src/core/backend/redisResultBackend';
import type { TaskMeta } from '../../../src/core/backend/taskMeta';
import { isUndecodable, type Undecodable } from '../../../src/core/celery/rawMessage';
import { parseConnectionUrl, type RedisConnectionUrl } from '../../../src/core/url/connectionUrl';
import { celeryPythonJson, getCluster, redisFor, waitFor, type TestCluster } from '../support';

describe('(integration) Redis result backend', function () {
  this.timeout(60_000);
  let cluster: TestCluster;
  let backend: RedisResultBackend;
  let raw: Redis;
  let ids: { ok: string; failed: string; spawner: string; spawned: string[] };
  const badKey = `celery-task-meta-lens-bad-${Date.now()}`;

  before(async () => {
    cluster = getCluster('redis');
    raw = redisFor(cluster.backendUrl);
    backend = new RedisResultBackend(parseConnectionUrl(cluster.backendUrl) as RedisConnectionUrl, { connectTimeoutMs: 3000 });
    await backend.connect();
    ids = await celeryPythonJson([
      'ok = tasks.add.delay(2, 3); assert ok.get(timeout=20) == 5',
      'failed = tasks.fail_nested.delay(21); failed.get(timeout=20, propagate=False)',
      'sp = tasks.spawner.delay(2); spawned = sp.get(timeout=20)',
      'print(json.dumps({"ok": ok.id, "failed": failed.id, "spawner": sp.id, "spawned": spawned}))',
    ].join('\n'), cluster);
  });

  after(async () => {
    await raw?.del(badKey);
    await backend?.close();
  });

  async function meta(id: string): Promise<TaskMeta> {
    const m = await backend.getTaskMeta(id);
    assert.ok(m && !isUndecodable(m), `no readable record for ${id}`);
    return m;
  }

  it('reads a real SUCCESS record with the result_extended fields', async () => {
    const m = await meta(ids.ok);
    assert.equal(m.taskId, ids.ok);
    assert.equal(m.status, 'SUCCESS');
    assert.equal(m.result, 5);
    assert.equal(m.traceback, null);
    assert.equal(m.name, 'lens_testapp.tasks.add');
    assert.deepEqual(m.args, [2, 3]);
    assert.deepEqual(m.kwargs, {});
    assert.ok(cluster.workers.includes(m.worker ?? ''), String(m.worker));
    assert.equal(m.queue, 'celery');
    assert.equal(m.retries, 0);
    assert.ok(m.dateDone !== undefined && Math.abs(Date.now() / 1000 - m.dateDone) < 120, `dateDone ${m.dateDone}`);
  });

  it('reads a real FAILURE record with its exception and traceback', async () => {
    const m = await meta(ids.failed);
    assert.equal(m.status, 'FAILURE');
    const exc = m.result as { exc_type: string; exc_module: string; exc_message: unknown[] };
    assert.equal(exc.exc_type, 'LensTestError');
    assert.equal(exc.exc_module, 'lens_testapp.errors');
    assert.deepEqual(exc.exc_message, ['value out of range: 42', 7]);
    assert.match(m.traceback ?? '', /^Traceback \(most recent call last\):/);
    assert.match(m.traceback ?? '', /in check_range/);
    assert.match(m.traceback ?? '', /lens_testapp\.errors\.LensTestError: \('value out of range: 42', 7\)/);
  });

  it('lists the tasks a task spawned as its children', async () => {
    const m = await meta(ids.spawner);
    assert.deepEqual([...m.children].sort(), [...ids.spawned].sort());
    const child = await meta(ids.spawned[0]);
    assert.equal(child.parentId, ids.spawner);
  });

  it('returns undefined for a task with no record (PENDING)', async () => {
    assert.equal(await backend.getTaskMeta('00000000-0000-0000-0000-000000000000'), undefined);
    assert.equal(await backend.getGroupMeta('00000000-0000-0000-0000-000000000000'), undefined);
  });

  it('reads a saved group with its member ids', async () => {
    const saved = await celeryPythonJson<{ gid: string; members: string[] }>([
      'from celery import group',
      'g = group(tasks.add.s(1, 1), tasks.add.s(2, 2)).apply_async(); g.save(); g.get(timeout=20)',
      'print(json.dumps({"gid": g.id, "members": [r.id for r in g.results]}))',
    ].join('\n'), cluster);
    const group = await backend.getGroupMeta(saved.gid);
    assert.ok(group && !isUndecodable(group));
    assert.equal(group.groupId, saved.gid);
    assert.deepEqual(group.taskIds, saved.members);
    const member = await meta(saved.members[0]);
    assert.equal(member.groupId, saved.gid);
  });

  it('turns a malformed record into an Undecodable, and the scan finds every record once', async () => {
    await raw.set(badKey, '{"status": "SUCCESS", oops');
    const bad = await backend.getTaskMeta(badKey.slice('celery-task-meta-'.length));
    assert.ok(bad && isUndecodable(bad));
    assert.equal(bad.source, 'result');
    assert.equal(bad.where, badKey);

    const seen = new Map<string, number>();
    let undecodable: Undecodable | undefined;
    for await (const record of backend.scanTaskMetas({ batch: 3 })) {
      if (isUndecodable(record)) {
        if (record.where === badKey) undecodable = record;
        continue;
      }
      seen.set(record.taskId, (seen.get(record.taskId) ?? 0) + 1);
    }
    for (const id of [ids.ok, ids.failed, ids.spawner, ...ids.spawned]) assert.equal(seen.get(id), 1, `scan saw ${id} ${seen.get(id) ?? 0} times`);
    assert.ok(undecodable, 'the malformed record was not reported');
    assert.ok([...seen.values()].every((n) => n === 1));

    const only: string[] = [];
    for await (const record of backend.scanTaskMetas({ match: `${ids.ok.slice(0, 8)}*` })) {
      if (!isUndecodable(record)) only.push(record.taskId);
    }
    assert.deepEqual(only, [ids.ok]);
  });

  it('streams records as the backend writes them (STARTED, then SUCCESS)', async () => {
    const received: TaskMeta[] = [];
    const sub = await backend.subscribeResults((m) => {
      if (!isUndecodable(m)) received.push(m);
    });
    try {
      const { id } = await celeryPythonJson<{ id: string }>('r = tasks.add.delay(7, 8); r.get(timeout=20); print(json.dumps({"id": r.id}))', cluster);
      await waitFor(() => received.some((m) => m.taskId === id && m.status === 'SUCCESS'), 5000, 'the SUCCESS record on pub/sub');
      const statuses = received.filter((m) => m.taskId === id).map((m) => m.status);
      assert.deepEqual(statuses, ['STARTED', 'SUCCESS']);
      assert.equal(received.find((m) => m.taskId === id && m.status === 'SUCCESS')?.result, 15);
    } finally {
      await sub.close();
    }
  });

  it('fails fast with a clear error when the backend is down', async () => {
    const down = new RedisResultBackend(parseConnectionUrl('redis://:hidden-pw@127.0.0.1:1/0') as RedisConnectionUrl, { connectTimeoutMs: 2000 });
    await assert.rejects(down.getTaskMeta('x'), (err: Error) => /Cannot connect to Redis redis:\/\/127\.0\.0\.1:1\/0/.test(err.message) && !/hidden-pw/.test(err.message));
    await down.close();
    await down.close();
  });
});
