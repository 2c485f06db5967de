/**
 * `npm run bench:vscode`: bench:e2e's replay into the extension itself, inside a real VS Code (this
 * tier's code-server rig), for what the issue asks of the extension host while the stream runs at
 * full speed: how long its thread goes without serving its event loop. bench:e2e measures a Node
 * thread that plays the host (the monitor and a stand-in for the Tasks tree); here it is VS Code's
 * own extension host, with the extension's real views open and refreshing, its status bar, its other
 * listeners, and the other extensions VS Code runs there.
 *
 * A private redis-server and the replay publisher (bench/replayPublisher.ts, same captured samples,
 * new ids) as in bench:e2e; a read-only connection added as a user would; the publisher paced by
 * what the connection's model applied (bench/pacing.ts). Prints events/s (filling, holding, whole
 * run) and the host thread's stalls (bench/hostStalls.ts). A measurement, not a test: it fails only
 * when the replay cannot run or loses events.
 *
 * Environment: BENCH_TASKS (the stream has twice as many tasks; default 100,000, the extension's
 * default maxTasks, which the bench leaves as it is: a smaller stream never fills the model), BENCH_BATCH (worker buffer limit, default 24; 1 = one event per message),
 * BENCH_VSCODE_PROFILE=FILE (also write a CPU profile of the extension host's thread during the
 * replay, for Chrome DevTools or a script: where its long tasks go).
 */
import * as assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import { Session } from 'node:inspector';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vscode from 'vscode';
import { startBenchRedis } from '../../bench/benchRedis';
import { describeStalls, StallProbe } from '../../bench/hostStalls';
import { startAcks, waitForCount } from '../../bench/pacing';
import { formatCount as fmt, halfSecondRates, rateOver, type Sample } from '../../bench/rates';
import type { FromPublisher, PublisherConfig } from '../../bench/replayPublisher';
import { activateCeleryLens } from './support/extension';
import { waitFor } from './support/waitFor';

const MAX_TASKS = 100_000;

/** A CPU profile of this thread, from start() to stop(FILE) (node:inspector, in process). */
class HostProfiler {
  private readonly session = new Session();

  private post(method: string): Promise<unknown> {
    return new Promise((resolve, reject) => this.session.post(method, (err, result) => (err ? reject(err) : resolve(result))));
  }

  async start(): Promise<void> {
    this.session.connect();
    await this.post('Profiler.enable');
    await this.post('Profiler.start');
  }

  async stop(file: string): Promise<void> {
    const { profile } = (await this.post('Profiler.stop')) as { profile: unknown };
    fs.writeFileSync(file, JSON.stringify(profile));
    this.session.disconnect();
  }
}

/** The host's heap as V8 set it up (its flags are VS Code's, not ours): the young generation's size decides how long a scavenge takes here. */
function heapLayout(): string {
  const spaces = v8.getHeapSpaceStatistics();
  const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  const newSpace = spaces.find((s) => s.space_name === 'new_space');
  return `heap limit ${mib(v8.getHeapStatistics().heap_size_limit)}, new space now ${newSpace ? mib(newSpace.space_size) : '?'}, ` +
    `heap used ${mib(process.memoryUsage().heapUsed)}, flags ${process.execArgv.join(' ') || 'none'}`;
}

describe('(bench) the extension host under a full-speed event stream', function () {
  this.timeout(600_000);

  it('replays the captured stream into a connection with its views open, and prints the rate and the host thread\'s stalls', async () => {
    const api = await activateCeleryLens();
    const redis = await startBenchRedis();
    const config: PublisherConfig = {
      port: redis.port, tasks: 2 * Number(process.env.BENCH_TASKS ?? MAX_TASKS), batchLimit: Number(process.env.BENCH_BATCH ?? 24), rate: 0, window: 10_000,
    };
    // The extension host's own flags (inspector, VS Code's) are not the publisher's.
    const publisher = fork(path.resolve(__dirname, '../../bench/replayPublisher.js'), [], { env: { ...process.env, BENCH_PUBLISHER: JSON.stringify(config) }, execArgv: [] });
    const fromPublisher = (kind: FromPublisher['kind']): Promise<FromPublisher> =>
      new Promise((done) => publisher.on('message', (m: FromPublisher) => m.kind === kind && done(m)));
    let id: string | undefined;
    try {
      const ready = await fromPublisher('ready');
      assert.equal(ready.kind, 'ready');
      console.log(`bench:vscode: ${fmt(ready.messages)} messages, ${fmt(ready.events)} events (${config.batchLimit === 1 ? 'one event per message' : `task.multi batches of up to ${config.batchLimit}`}), built in ${ready.buildSeconds.toFixed(1)} s; VS Code ${vscode.version}, extension host node ${process.version} (${heapLayout()})`);

      id = await vscode.commands.executeCommand<string>('celeryLens.addConnection', { name: 'bench', brokerUrl: `redis://127.0.0.1:${redis.port}/0`, readOnly: true });
      assert.ok(id, 'Add Connection returned no id');
      const connection = id;
      await vscode.commands.executeCommand('workbench.view.extension.celeryLens');
      await waitFor(() => api.manager.status(connection).kind === 'connected', 30_000, 'the bench connection to connect');
      const monitor = api.manager.monitor(connection);
      assert.ok(monitor, 'the connection has no monitor');
      const state = monitor.state;

      const samples: Sample[] = [];
      const sampler = setInterval(() => samples.push({ at: performance.now(), applied: state.eventCount, tasks: state.tasks.size }), 50);
      const stopAcks = startAcks(redis.probe, () => state.eventCount);
      const probe = new StallProbe();
      const profileFile = process.env.BENCH_VSCODE_PROFILE;
      const profiler = profileFile ? new HostProfiler() : undefined;
      await profiler?.start();
      const done = fromPublisher('done');
      probe.start();
      const goAt = performance.now();
      publisher.send({ kind: 'go' });
      const finished = await done;
      assert.equal(finished.kind, 'done');
      const delivered = finished.published - finished.undeliveredEvents;
      const endAt = await waitForCount(() => state.eventCount, delivered);
      const stalls = probe.stop();
      if (profiler && profileFile) await profiler.stop(profileFile);
      clearInterval(sampler);
      stopAcks();
      samples.push({ at: endAt, applied: state.eventCount, tasks: state.tasks.size });

      const applied = state.eventCount;
      const fill = rateOver(samples, (s) => s.tasks < MAX_TASKS);
      const full = rateOver(samples, (s) => s.tasks >= MAX_TASKS);
      console.log(`bench:vscode: offered ${fmt(finished.published)} events, applied ${fmt(applied)}, lost ${fmt(finished.published - applied)}; ` +
        `events/s filling to ${fmt(MAX_TASKS)} tasks ${fmt(fill.rate)} (${fill.seconds.toFixed(1)} s), holding ${fmt(full.rate)} (${full.seconds.toFixed(1)} s), ` +
        `whole run ${fmt(applied / ((endAt - goAt) / 1000))}`);
      console.log(`bench:vscode: extension host thread: ${describeStalls(stalls)}`);
      console.log(`bench:vscode: applied events/s per half second: ${halfSecondRates(samples).map(fmt).join(' ')}`);
      assert.equal(applied, finished.published, 'events were lost in a paced replay');
    } finally {
      if (id) await api.store.remove(id);
      publisher.kill();
      await redis.stop();
    }
  });
});
