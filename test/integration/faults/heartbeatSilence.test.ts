import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ClusterMonitor } from '../../../src/core/monitor/clusterMonitor';
import type { HeartbeatSilence } from '../../../src/core/monitor/heartbeatSilence';
import { parseConnectionUrl } from '../../../src/core/url/connectionUrl';
import { celeryEnv, sleep, startCli, testRunDir, waitFor } from '../support';
import { celeryAppDir, python } from '../support/paths';
import { startLogged, stopProcess, type ManagedProcess } from '../support/processes';
import { privateRedis, type PrivateRedis } from './privateRedis';

/** One `watch --json` frame's health. */
interface FrameHealth {
  heartbeatSilence?: HeartbeatSilence;
  heartbeatSilences: number;
  eventGaps: number;
}

/**
 * Two real Celery 5 workers, neither with -E: one sends its heartbeats (Celery 5 does so without
 * -E), the other runs with --without-heartbeat. Both answer inspect; only the second one's events
 * never reach us. The monitor (and `watch --json`) must say so on the connection — once, not every
 * round, with the likely causes — after checking that its own subscription answers; and clear it
 * when the worker stops answering.
 */
describe('(integration) a worker that answers remote control but whose heartbeats never arrive (--without-heartbeat)', function () {
  this.timeout(90_000);
  let redis: PrivateRedis;
  let dir: string;
  const workers: ManagedProcess[] = [];
  let monitor: ClusterMonitor | undefined;
  const host = os.hostname();
  const beating = `lens-beat-${process.pid}@${host}`;
  const silent = `lens-nobeat-${process.pid}@${host}`;

  before(async () => {
    dir = path.join(testRunDir(), `heartbeat-silence-${process.pid}`);
    redis = await privateRedis(dir);
    await redis.start();
  });

  after(async () => {
    await monitor?.stop();
    await Promise.all(workers.map((w) => stopProcess(w, 5000)));
    await redis?.destroy();
  });

  function startWorker(nodeName: string, extra: string[]): ManagedProcess {
    const logFile = path.join(dir, `${nodeName}.log`);
    const worker = startLogged(`redis worker ${nodeName}`, python, ['-m', 'celery', '-A', 'lens_testapp.celery_app:app', 'worker', '-n', nodeName,
      '-Q', `silence-${process.pid}`, '-c', '1', '-P', 'prefork', '--without-mingle', '--without-gossip', ...extra, '-l', 'INFO'], {
      cwd: celeryAppDir, env: { ...celeryEnv({ brokerUrl: redis.url(0), backendUrl: redis.url(1) }), PYTHONUNBUFFERED: '1' }, logFile,
    });
    workers.push(worker);
    return worker;
  }

  async function ready(nodeName: string): Promise<void> {
    const logFile = path.join(dir, `${nodeName}.log`);
    await waitFor(() => fs.existsSync(logFile) && fs.readFileSync(logFile, 'utf8').includes(`${nodeName} ready.`), 60_000, `${nodeName} to be ready`);
  }

  it('is reported on the connection once, with the likely causes, while the worker that sends heartbeats is not; cleared when it stops answering', async () => {
    startWorker(beating, []);
    const quiet = startWorker(silent, ['--without-heartbeat']);
    await Promise.all([ready(beating), ready(silent)]);

    monitor = new ClusterMonitor({
      name: 'silence',
      brokerUrl: parseConnectionUrl(redis.url(0)),
      backendUrl: parseConnectionUrl(redis.url(1)),
      settings: { inspectIntervalMs: 1500, controlTimeoutMs: 500, commandTimeoutMs: 1000, queuePollIntervalMs: 1000 },
    });
    const m = monitor;
    const logs: string[] = [];
    m.onDidLog((entry) => logs.push(`${entry.level}: ${entry.message}`));
    await m.start();
    assert.equal(m.status.kind, 'connected');
    const watch = startCli(['--broker', redis.url(0), '--timeout', '500', '--json', 'watch', '--interval', '0.5']);
    const watchHealth = (): FrameHealth | undefined => {
      const frames = watch.stdout().split('\n').filter((l) => l.startsWith('{'));
      return frames.length ? (JSON.parse(frames[frames.length - 1]) as { health: FrameHealth }).health : undefined;
    };
    try {
      const notice = await waitFor(() => m.health.heartbeatSilence, 20_000, 'the silence to be reported');
      assert.deepEqual(notice.workers, [silent], 'the worker that sends heartbeats (without -E) is not reported');
      assert.match(notice.message, new RegExp(`^worker ${silent} answers remote control, but none of its events reached us for \\d+ s`));
      assert.match(notice.message, /while our event subscription answers PING/);
      assert.match(notice.message, /--without-heartbeat/);
      assert.ok(m.isWorkerOnline(beating));

      // Several more rounds: the notice stays, counted and logged once.
      await sleep(5000);
      assert.deepEqual(m.health.heartbeatSilence?.workers, [silent]);
      assert.equal(m.health.heartbeatSilences, 1);
      assert.equal(logs.filter((l) => l.includes(`${silent} answers remote control`)).length, 1, logs.join('\n'));
      assert.equal(m.health.eventGaps, undefined, 'our subscription answered: not a gap');

      const frame = await waitFor(() => watchHealth()?.heartbeatSilence ? watchHealth() : undefined, 20_000, 'watch --json to show it');
      assert.deepEqual(frame.heartbeatSilence?.workers, [silent]);
      assert.equal(frame.heartbeatSilences, 1);

      // It stops answering: the notice clears, said once.
      await stopProcess(quiet, 10_000);
      await waitFor(() => m.health.heartbeatSilence === undefined, 10_000, 'the notice to clear');
      assert.ok(logs.some((l) => l === `info: events from ${silent} reach us again (or they stopped answering remote control)`), logs.join('\n'));
    } finally {
      assert.equal(await watch.stop('SIGINT'), 0, watch.stderr());
    }
  });
});
