/**
 * Malformed input pushed into a real queue and onto the real event channel: peek, events and
 * snapshot report every item as undecodable, keep working, exit 0, and remove nothing.
 */
import * as assert from 'node:assert/strict';
import { getCluster, runCli, startCli, type TestCluster, type RunResult } from '../support';
import { rawBrokerFor, type BadKind, type RawBroker } from './rawBroker';

const BAD: BadKind[] = ['bad-json', 'bad-base64', 'pickle', 'huge'];

for (const kind of ['redis', 'amqp'] as const) {
  describe(`(integration) celery-lens CLI on ${kind}: malformed input`, function () {
    this.timeout(60_000);
    let cluster: TestCluster;
    let raw: RawBroker;
    let env: NodeJS.ProcessEnv;
    const queue = `lens-cli-bad-${kind}-${Date.now()}`;

    before(async () => {
      cluster = getCluster(kind);
      raw = rawBrokerFor(cluster);
      env = { CELERY_BROKER_URL: cluster.brokerUrl, CELERY_RESULT_BACKEND: cluster.backendUrl, CELERY_LENS_MANAGEMENT_URL: cluster.managementUrl ?? '' };
      await raw.createQueue(queue);
      await raw.pushTask(queue, 1);
      for (const bad of BAD) await raw.pushBad(queue, bad);
      await raw.pushTask(queue, 2);
    });

    after(async () => {
      await raw?.deleteQueue(queue);
      await raw?.close();
    });

    function ok(result: RunResult): RunResult {
      assert.equal(result.code, 0, `exit ${result.code}\nstderr: ${result.stderr}`);
      return result;
    }

    it('peek reports each malformed message as undecodable, shows the good ones, removes nothing', async () => {
      const before = await raw.contents(queue);
      assert.equal(before.length, 6);
      const result = ok(await runCli(['--json', 'peek', queue, '--limit', '10'], env));
      const items = JSON.parse(result.stdout) as Array<{ kind: string; reason?: string; id?: string; args?: unknown[] }>;
      assert.equal(items.length, 6);
      assert.equal(items[0].kind, 'task');
      assert.deepEqual(items[0].args, [1, 1]);
      assert.equal(items[5].kind, 'task');
      const reasons = items.slice(1, 5).map((i) => {
        assert.equal(i.kind, 'undecodable');
        return i.reason ?? '';
      });
      assert.match(reasons[0], /JSON/i);
      assert.match(reasons[1], kind === 'redis' ? /base64/ : /UTF-8/i);
      assert.match(reasons[2], /pickle|x-python-serialize/);
      assert.match(reasons[3], /too large|larger than/);
      // Each one is reported on stderr too, so a human sees them.
      assert.equal(result.stderr.split('\n').filter((l) => l.startsWith('warning: undecodable')).length, 4, result.stderr);
      assert.deepEqual(await raw.contents(queue), before);
      const human = ok(await runCli(['peek', queue], env));
      assert.equal(human.stdout.split('\n').filter((l) => l.includes('UNDECODABLE')).length, 4);
    });

    it('events reports undecodable and unknown events, and keeps decoding the good ones', async () => {
      const session = startCli(['--json', 'events', '--duration', '12'], env);
      await session.waitForOutput(/worker-heartbeat/, 10_000);
      await raw.publishEvent('task.multi', '[{"type": "task-started", "uuid": "x", "hostname": "h", "timestamp": 1, "clock": 1, "pid": 1, "utcoffset": 0}, 42]');
      await raw.publishEvent('task.bogus', '{"type": "task-teleported", "uuid": "y", "hostname": "lens-test@bad", "timestamp": 1, "clock": 1, "pid": 1, "utcoffset": 0}');
      await raw.publishEvent('worker.heartbeat', '{"type": "worker-heartbeat", "hostname": ');
      await raw.publishEvent('task.sent', 'gAN9cQAu', 'application/x-python-serialize');
      await session.waitForOutput(/task-teleported/, 5000);
      await session.waitForOutput(/"uuid":"x"/, 5000);
      await new Promise((r) => setTimeout(r, 500));
      await session.stop();
      const events = session.stdout().trim().split('\n').map((l) => JSON.parse(l) as { type: string; known?: boolean });
      const teleported = events.find((e) => e.type === 'task-teleported');
      assert.equal(teleported?.known, false);
      assert.ok(events.some((e) => e.type === 'worker-heartbeat'), 'real events keep flowing');
      const warnings = session.stderr().split('\n').filter((l) => l.startsWith('warning: undecodable'));
      assert.equal(warnings.length, 3, session.stderr());
      assert.match(warnings.join('\n'), /pickle|x-python-serialize/);
    });

    it('snapshot lists undecodable events in "errors" and still describes the cluster', async () => {
      const session = runCli(['--json', 'snapshot', '--duration', '3'], env);
      await new Promise((r) => setTimeout(r, 1500));
      await raw.publishEvent('task.multi', 'not json at all');
      const result = ok(await session);
      const snapshot = JSON.parse(result.stdout) as { workers: Array<{ hostname: string }>; errors: Array<{ kind: string; source: string; message: string }> };
      assert.deepEqual(snapshot.workers.map((w) => w.hostname).filter((h) => cluster.workers.includes(h)).sort(), [...cluster.workers].sort());
      assert.ok(snapshot.errors.some((e) => e.kind === 'undecodable' && e.source === 'event' && /JSON/i.test(e.message)), JSON.stringify(snapshot.errors));
      assert.equal((await raw.contents(queue)).length, 6);
    });
  });
}
