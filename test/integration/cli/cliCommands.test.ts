/**
 * Every celery-lens command, run as a user runs it (node dist/cli.js), against both real clusters.
 */
import * as assert from 'node:assert/strict';
import { celeryPythonJson, getCluster, runCli, startCli, waitFor, type TestCluster, type RunResult } from '../support';
import { rawBrokerFor, type RawBroker } from './rawBroker';

const ADD = 'lens_testapp.tasks.add';

for (const kind of ['redis', 'amqp'] as const) {
  describe(`(integration) celery-lens CLI on ${kind}`, function () {
    this.timeout(60_000);
    let cluster: TestCluster;
    let raw: RawBroker;
    let env: NodeJS.ProcessEnv;
    const idle = `lens-cli-idle-${kind}-${Date.now()}`;

    before(async () => {
      cluster = getCluster(kind);
      raw = rawBrokerFor(cluster);
      env = {
        CELERY_BROKER_URL: cluster.brokerUrl,
        CELERY_RESULT_BACKEND: cluster.backendUrl,
        CELERY_LENS_MANAGEMENT_URL: cluster.managementUrl ?? '',
      };
      await raw.createQueue(idle);
    });

    after(async () => {
      await raw?.deleteQueue(idle);
      await raw?.close();
    });

    const cli = (...args: string[]): Promise<RunResult> => runCli(args, env);
    function ok(result: RunResult): RunResult {
      assert.equal(result.code, 0, `exit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
      return result;
    }
    const json = async <T>(...args: string[]): Promise<T> => JSON.parse(ok(await cli('--json', ...args)).stdout) as T;

    async function resultOf(id: string, status = 'SUCCESS'): Promise<Record<string, unknown>> {
      return waitFor(async () => {
        const meta = await json<Record<string, unknown>>('result', id);
        return meta.status === status ? meta : undefined;
      }, 20_000, `task ${id} to reach ${status}`);
    }

    it('ping: both workers answer, with round-trip times', async () => {
      const replies = await json<Array<{ hostname: string; reply: unknown; rttMs: number }>>('ping');
      assert.deepEqual(replies.map((r) => r.hostname).sort(), [...cluster.workers].sort());
      for (const r of replies) {
        assert.deepEqual(r.reply, { ok: 'pong' });
        assert.ok(r.rttMs >= 0 && r.rttMs < 1000);
      }
      const human = ok(await cli('ping'));
      assert.match(human.stdout, /2 workers answered/);
    });

    it('inspect: every method is answered by both workers, --destination narrows it', async () => {
      const all = cluster.workers.join(',');
      for (const method of ['ping', 'stats', 'active', 'reserved', 'scheduled', 'registered', 'active_queues', 'conf', 'revoked', 'report', 'clock']) {
        // Naming both workers lets the CLI stop as soon as both answered instead of waiting out the timeout.
        const byWorker = await json<Record<string, unknown>>('inspect', method, '-d', all);
        assert.deepEqual(Object.keys(byWorker).sort(), [...cluster.workers].sort(), method);
      }
      const registered = await json<Record<string, string[]>>('inspect', 'registered');
      assert.deepEqual(Object.keys(registered).sort(), [...cluster.workers].sort());
      assert.ok(registered[cluster.workers[0]].includes(ADD));
      const stats = await json<Record<string, { pool: { 'max-concurrency': number } }>>('inspect', 'stats', '--destination', cluster.workers[0]);
      assert.deepEqual(Object.keys(stats), [cluster.workers[0]]);
      assert.equal(stats[cluster.workers[0]].pool['max-concurrency'], 2);
      const queues = await json<Record<string, Array<{ name: string }>>>('inspect', 'active_queues');
      assert.deepEqual(queues[cluster.workers[1]].map((q) => q.name).sort(), [...cluster.queues].sort());
    });

    it('inspect query_task finds a running task', async () => {
      const id = ok(await cli('send', 'lens_testapp.tasks.sleeper', '--args', '[3]')).stdout.trim();
      const found = await waitFor(async () => {
        const byWorker = await json<Record<string, Record<string, [string, { id: string }]>>>('inspect', 'query_task', id);
        return Object.values(byWorker).find((r) => r[id]?.[0] === 'active');
      }, 10_000, 'query_task to report the task active');
      assert.equal(found[id][1].id, id);
    });

    it('control: rate_limit, time_limit, add/cancel consumer, pool grow/shrink, events, heartbeat', async () => {
      // A task type no other test relies on: workers remember limits, and `registered` then shows them.
      const limited = 'lens_testapp.tasks.prioritized';
      const rate = await json<Record<string, { ok: string }>>('control', 'rate_limit', limited, '100/m');
      assert.deepEqual(Object.values(rate).map((r) => r.ok), ['new rate limit set successfully', 'new rate limit set successfully']);
      const shown = await json<Record<string, string[]>>('inspect', 'registered', 'rate_limit');
      assert.ok(shown[cluster.workers[0]].includes(`${limited} [rate_limit=100/m]`), JSON.stringify(shown));
      const limits = await json<Record<string, { ok: string }>>('control', 'time_limit', limited, '50', '60', '-d', cluster.workers[0]);
      assert.deepEqual(limits, { [cluster.workers[0]]: { ok: 'time limits set successfully' } });
      const extra = `lens-cli-extra-${kind}`;
      const added = await json<Record<string, { ok: string }>>('control', 'add_consumer', extra, '-d', cluster.workers[1]);
      assert.deepEqual(added, { [cluster.workers[1]]: { ok: `add consumer ${extra}` } });
      const consuming = await json<Record<string, Array<{ name: string }>>>('inspect', 'active_queues', '-d', cluster.workers[1]);
      assert.ok(consuming[cluster.workers[1]].some((q) => q.name === extra));
      const cancelled = await json<Record<string, { ok: string }>>('control', 'cancel_consumer', extra, '-d', cluster.workers[1]);
      assert.deepEqual(cancelled, { [cluster.workers[1]]: { ok: `no longer consuming from ${extra}` } });
      await raw.deleteQueue(extra);
      const grow = await json<Record<string, { ok: string }>>('control', 'pool_grow', '1', '-d', cluster.workers[0]);
      assert.equal(grow[cluster.workers[0]].ok, 'pool will grow');
      const shrink = await json<Record<string, { ok: string }>>('control', 'pool_shrink', '1', '-d', cluster.workers[0]);
      assert.equal(shrink[cluster.workers[0]].ok, 'pool will shrink');
      const events = await json<Record<string, { ok: string }>>('control', 'enable_events');
      assert.equal(Object.keys(events).length, 2);
      const beat = ok(await cli('control', 'heartbeat'));
      assert.match(beat.stdout, /sent heartbeat to all workers/);
      const unknown = await cli('control', 'no_such_method');
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /unknown control method "no_such_method"/);
    });

    it('send runs on a real worker and result reads its value back', async () => {
      const id = ok(await cli('send', ADD, '--args', '[2, 3]')).stdout.trim();
      assert.match(id, /^[0-9a-f-]{36}$/);
      const meta = await resultOf(id);
      assert.equal(meta.result, 5);
      assert.equal(meta.name, ADD);
      assert.deepEqual(meta.args, [2, 3]);
      const echo = ok(await cli('send', 'lens_testapp.tasks.echo', '--args', '["a", 1]', '--kwargs', '{"k": [1, {"n": null}]}')).stdout.trim();
      assert.deepEqual((await resultOf(echo)).result, { args: ['a', 1], kwargs: { k: [1, { n: null }] } });
    });

    it('send honours countdown, expires, queue and priority like app.send_task', async () => {
      const sentAt = Date.now() / 1000;
      const later = ok(await cli('send', ADD, '--args', '[1, 1]', '--countdown', '2')).stdout.trim();
      const meta = await resultOf(later);
      assert.ok((meta.dateDone as number) - sentAt >= 1.9, `ran ${(meta.dateDone as number) - sentAt}s after sending`);
      const expired = ok(await cli('send', ADD, '--args', '[1, 1]', '--countdown', '3', '--expires', '1')).stdout.trim();
      const revoked = await resultOf(expired, 'REVOKED');
      assert.match(JSON.stringify(revoked.result), /expired/);
      const prioritized = ok(await cli('send', 'lens_testapp.tasks.prioritized', '--args', '[7]', '--queue', 'priority', '--priority', '9')).stdout.trim();
      const pmeta = await resultOf(prioritized);
      assert.equal(pmeta.queue, 'priority');
      assert.equal(pmeta.result, 7);
    });

    it('revoke --terminate stops a running task and the workers list it as revoked', async () => {
      const id = ok(await cli('send', 'lens_testapp.tasks.sleeper', '--args', '[30]')).stdout.trim();
      await waitFor(async () => {
        const active = await json<Record<string, Array<{ id: string }>>>('inspect', 'active');
        return Object.values(active).some((list) => list.some((t) => t.id === id));
      }, 10_000, 'the sleeper to start');
      const revoke = await json<{ replies: Record<string, { ok: string }> }>('revoke', id, '--terminate', '--signal', 'SIGKILL');
      assert.ok(Object.values(revoke.replies).some((r) => r.ok === `terminate: ${id}`), JSON.stringify(revoke));
      const meta = await resultOf(id, 'REVOKED');
      assert.match(JSON.stringify(meta.result), /TaskRevokedError/);
      const revoked = await json<Record<string, string[]>>('inspect', 'revoked');
      for (const worker of cluster.workers) assert.ok(revoked[worker].includes(id), `${worker} lists ${id} as revoked`);
    });

    it('queues lists the workers\' queues with depth and consumers', async () => {
      const ids = [await raw.pushTask(idle, 1), await raw.pushTask(idle, 2)];
      const queues = await json<Array<{ name: string; messages: number; consumers: number; byPriority: Record<string, number> }>>('queues');
      const celery = queues.find((q) => q.name === 'celery');
      assert.ok(celery, JSON.stringify(queues));
      assert.equal(celery.consumers, 2);
      // The idle queue is found through the broker itself (Redis bindings; RabbitMQ's management API).
      const idleQueue = queues.find((q) => q.name === idle);
      assert.ok(idleQueue, JSON.stringify(queues));
      assert.equal(idleQueue.messages, 2);
      assert.equal(idleQueue.consumers, 0);
      if (kind === 'redis') assert.deepEqual(idleQueue.byPriority, { '0': 2, '3': 0, '6': 0, '9': 0 });
      assert.equal(ids.length, 2);
      ok(await cli('purge', idle, '--yes'));
    });

    it('peek shows decoded messages in delivery order and leaves length and order unchanged', async () => {
      const ids = [await raw.pushTask(idle, 1), await raw.pushTask(idle, 2), await raw.pushTask(idle, 3)];
      const before = await raw.contents(idle);
      const peeked = await json<Array<{ id: string; name: string; args: unknown[] }>>('peek', idle, '--limit', '2');
      assert.deepEqual(peeked.map((m) => m.id), ids.slice(0, 2));
      assert.equal(peeked[0].name, ADD);
      assert.deepEqual(peeked[1].args, [2, 2]);
      assert.deepEqual(await raw.contents(idle), before);
      assert.equal(await raw.depth(idle), 3);
      const human = ok(await cli('peek', idle));
      assert.match(human.stdout, new RegExp(`1\\.\\s+${ids[0]}\\s+${ADD}`));
    });

    it('purge removes exactly what was there and says how many', async () => {
      const depth = await raw.depth(idle);
      assert.ok(depth > 0);
      const refused = await cli('purge', idle);
      assert.equal(refused.code, 2);
      assert.equal(await raw.depth(idle), depth);
      assert.deepEqual(await json('purge', idle, '--yes'), { queue: idle, removed: depth });
      assert.equal(await raw.depth(idle), 0);
      assert.deepEqual(await json('purge', idle, '--yes'), { queue: idle, removed: 0 });
    });

    it('events shows a task\'s whole lifecycle', async () => {
      const session = startCli(['--json', 'events', '--duration', '20'], env);
      await session.waitForOutput(/worker-heartbeat/, 10_000);
      const id = ok(await cli('send', ADD, '--args', '[20, 22]')).stdout.trim();
      await session.waitForOutput(new RegExp(`"task-succeeded".*${id}|${id}.*"task-succeeded"`), 15_000);
      await session.stop();
      const events = session.stdout().trim().split('\n').map((l) => JSON.parse(l) as { type: string; uuid?: string; result?: string; hostname: string });
      const mine = events.filter((e) => e.uuid === id);
      assert.deepEqual(mine.map((e) => e.type), ['task-received', 'task-started', 'task-succeeded']);
      assert.equal(mine[2].result, '42');
      assert.ok(cluster.workers.includes(mine[0].hostname));
    });

    it('snapshot agrees with what the workers and the result backend say', async () => {
      const ok1 = ok(await cli('send', ADD, '--args', '[5, 6]')).stdout.trim();
      const bad = ok(await cli('send', 'lens_testapp.tasks.fail_nested', '--args', '[9]')).stdout.trim();
      await resultOf(ok1);
      await resultOf(bad, 'FAILURE');
      const snapshot = await json<{
        workers: Array<{ hostname: string; online: boolean; concurrency?: number; queues: string[]; registered: string[] }>;
        queues: Array<{ name: string; messages: number }>;
        tasks: Array<{ id: string; name: string; state: string; result: unknown; exception: string | null; traceback: string | null; worker: string | null }>;
        errors: unknown[];
      }>('snapshot', '--duration', '1');
      assert.deepEqual(snapshot.workers.map((w) => w.hostname).sort(), [...cluster.workers].sort());
      for (const w of snapshot.workers) {
        assert.equal(w.online, true);
        assert.equal(w.concurrency, 2);
        assert.deepEqual([...w.queues].sort(), [...cluster.queues].sort());
        assert.ok(w.registered.includes(ADD));
      }
      assert.ok(snapshot.queues.some((q) => q.name === 'celery'));
      const backend = await celeryPythonJson<Record<string, { status: string; result: unknown }>>(
        `r = {i: {"status": AsyncResult(i).status, "result": AsyncResult(i).result if AsyncResult(i).successful() else None} for i in ${JSON.stringify([ok1, bad])}}\nprint(json.dumps(r))`,
        cluster,
      );
      const t1 = snapshot.tasks.find((t) => t.id === ok1);
      const t2 = snapshot.tasks.find((t) => t.id === bad);
      assert.ok(t1 && t2, 'both tasks are in the snapshot');
      assert.equal(t1.state, backend[ok1].status);
      assert.equal(t1.result, 11);
      assert.equal(t1.name, ADD);
      assert.ok(cluster.workers.includes(t1.worker ?? ''));
      assert.equal(t2.state, backend[bad].status);
      assert.match(t2.exception ?? '', /LensTestError/);
      assert.match(t2.traceback ?? '', /lens_testapp\/helpers\.py/);
    });

    it('watch prints a refreshing summary with the workers and queues', async () => {
      const result = ok(await cli('watch', '--duration', '5', '--interval', '0.5'));
      const frames = result.stdout.split(/\n\n(?=Celery Lens)/);
      assert.ok(frames.length >= 2, `expected several frames, got ${frames.length}`);
      for (const worker of cluster.workers) assert.match(result.stdout, new RegExp(`${worker.replace('.', '\\.')}\\s+online`));
      assert.match(result.stdout, /QUEUE\s+MESSAGES/);
    });

    it('watch decodes Redis events on a worker thread (AMQP: on its own)', async () => {
      const result = ok(await cli('--json', 'watch', '--duration', '3', '--interval', '0.5'));
      const frames = result.stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { health: { events: number; eventDecoding: string } });
      assert.ok(frames.length >= 2, result.stdout);
      const last = frames[frames.length - 1].health;
      assert.equal(last.eventDecoding, kind === 'redis' ? 'worker thread' : 'this thread', result.stderr);
      assert.ok(last.events > 0, 'the workers\' heartbeats reached the model');
    });

    it('usage errors exit 2 and an unreachable broker exits 1 with one clear line', async () => {
      assert.equal((await cli('send')).code, 2);
      assert.equal((await cli('send', ADD, '--args', '{"not": "a list"}')).code, 2);
      assert.equal((await cli('frobnicate')).code, 2);
      const unreachable = await runCli(['--broker', kind === 'redis' ? 'redis://:s3cret@127.0.0.1:1/0' : 'amqp://guest:s3cret@127.0.0.1:1//', '--timeout', '500', 'ping'], {});
      assert.equal(unreachable.code, 1);
      assert.equal(unreachable.stderr.trim().split('\n').length, 1, unreachable.stderr);
      assert.doesNotMatch(unreachable.stderr + unreachable.stdout, /s3cret/);
    });
  });
}
