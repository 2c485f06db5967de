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
      const result = await celeryCli(['inspect', 'ping', '--json', '--timeout', '3'], cluster);
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
