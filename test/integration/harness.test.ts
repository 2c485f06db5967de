import * as assert from 'node:assert/strict';
import { celeryCli, celeryPythonJson, getCluster, redisFor, type TestCluster } from './support';

for (const kind of ['redis', 'amqp'] as const) {
  describe(`(integration) harness: ${kind} cluster`, () => {
    let cluster: TestCluster;
    before(() => {
      cluster = getCluster(kind);
    });

    it('has two workers that answer celery inspect ping', async () => {
      assert.equal(cluster.workers.length, 2);
      const result = await celeryCli(['inspect', 'ping', '--json', '--timeout', '2'], cluster);
      assert.equal(result.code, 0, result.stderr);
      const replies = JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}') as Record<string, { ok: string }>;
      assert.deepEqual(Object.keys(replies).sort(), [...cluster.workers].sort());
      for (const reply of Object.values(replies)) assert.equal(reply.ok, 'pong');
    });

    it('runs a task sent from Python and stores its extended result in the backend', async () => {
      const sent = await celeryPythonJson<{ id: string; value: number }>(
        'r = tasks.add.delay(20, 22)\nprint(json.dumps({"id": r.id, "value": r.get(timeout=20)}))',
        cluster,
      );
      assert.equal(sent.value, 42);
      const stored = await redisFor(cluster.backendUrl).get(`celery-task-meta-${sent.id}`);
      assert.ok(stored, 'result missing from the backend');
      const meta = JSON.parse(stored) as Record<string, unknown>;
      assert.equal(meta.status, 'SUCCESS');
      assert.equal(meta.result, 42);
      assert.equal(meta.name, 'lens_testapp.tasks.add');
      assert.deepEqual(meta.args, [20, 22]);
      assert.ok(cluster.workers.includes(String(meta.worker)), `unexpected worker ${String(meta.worker)}`);
    });
  });
}

describe('(integration) harness: amqp cluster management', () => {
  it('exposes a working management API when RabbitMQ has one', async function () {
    const { managementUrl } = getCluster('amqp');
    if (!managementUrl) this.skip();
    const url = new URL('/api/vhosts/celery-lens-test', managementUrl);
    const auth = Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64');
    url.username = '';
    url.password = '';
    const res = await fetch(url, { headers: { authorization: `Basic ${auth}` } });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { name: string }).name, 'celery-lens-test');
  });
});

describe('(integration) harness: lens_testapp tasks behave as documented', () => {
  type Meta = Record<string, unknown> & { status: string; result: unknown; traceback: string | null };
  const meta = async (id: string): Promise<Meta> => {
    const stored = await redisFor(getCluster('redis').backendUrl).get(`celery-task-meta-${id}`);
    assert.ok(stored, `no result stored for ${id}`);
    return JSON.parse(stored) as Meta;
  };

  it('echo returns its args and kwargs; prioritized runs from the priority queue; spawner sends add subtasks', async function () {
    // Four round trips through busy workers: generous on a loaded machine, still bounded.
    this.timeout(180_000);
    const out = await celeryPythonJson<{ echo: unknown; prio: string; spawned: string[]; sums: number[] }>(
      [
        'e = tasks.echo.delay(1, "two", flag=True).get(timeout=40)',
        'p = tasks.prioritized.apply_async((7,), priority=5)',
        'p.get(timeout=40)',
        's = tasks.spawner.delay(3).get(timeout=40)',
        'sums = [result_of(i) for i in s]',
        'print(json.dumps({"echo": e, "prio": p.id, "spawned": s, "sums": sums}))',
      ].join('\n'),
      getCluster('redis'),
      170_000,
    );
    assert.deepEqual(out.echo, { args: [1, 'two'], kwargs: { flag: true } });
    assert.equal((await meta(out.prio)).queue, 'priority');
    assert.deepEqual(out.sums, [0, 2, 4]);
    assert.equal((await meta(out.spawned[0])).name, 'lens_testapp.tasks.add');
  });

  it('fail_nested stores LensTestError with a traceback through lens_testapp/helpers.py; flaky fails after 2 retries', async () => {
    const ids = await celeryPythonJson<{ nested: string; flaky: string }>(
      [
        'n = tasks.fail_nested.delay(5)',
        'f = tasks.flaky.delay()',
        'n.get(propagate=False, timeout=20)',
        'f.get(propagate=False, timeout=30)',
        'print(json.dumps({"nested": n.id, "flaky": f.id}))',
      ].join('\n'),
      getCluster('redis'),
    );
    const nested = await meta(ids.nested);
    assert.equal(nested.status, 'FAILURE');
    assert.deepEqual(nested.result, { exc_type: 'LensTestError', exc_message: ['value out of range: 10', 7], exc_module: 'lens_testapp.errors' });
    assert.equal(nested.traceback?.match(/lens_testapp\/helpers\.py/g)?.length, 2);
    assert.match(nested.traceback ?? '', /lens_testapp\.errors\.LensTestError/);
    const flaky = await meta(ids.flaky);
    assert.equal(flaky.status, 'FAILURE');
    assert.equal(flaky.retries, 2);
    assert.deepEqual(flaky.result, { exc_type: 'OSError', exc_message: ['flaky attempt 2'], exc_module: 'builtins' });
  });
});
