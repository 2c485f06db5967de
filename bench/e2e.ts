/**
 * `npm run bench:e2e`: the end-to-end mode of the bench. A private redis-server, a replay publisher
 * in its own process (replayPublisher.ts) and, in this process, a real ClusterMonitor (the model
 * the CLI's `watch` and the extension use) subscribed over Redis pub/sub. This thread plays the
 * extension host: besides ingesting, it rebuilds the Tasks root and first page at most 4 times a
 * second, as the tree does. Prints:
 * - events offered (published), delivered by Redis, received by the monitor and applied to its
 *   state, and any loss, counted;
 * - events/s while the model fills to `maxTasks`, and while it holds `maxTasks` (evicting);
 * - the longest stall of this thread (hostStalls.ts) and Redis's largest backlog for us;
 * - heap per retained task at `maxTasks` tasks.
 *
 * Environment: BENCH_TASKS (maxTasks; the stream has twice as many tasks, default 100000),
 * BENCH_BATCH (worker buffer limit, default 24; 1 = one event per message), BENCH_E2E_RATE
 * (offered events/s, default 0 = as fast as the monitor takes them), BENCH_E2E_WINDOW (most events
 * in flight, default 10000; 0 = none, so Redis may cut a slow subscriber), BENCH_E2E_THREAD (1, the
 * default: decode on a worker thread, as the extension and the CLI's `watch` do; 0: in line, the
 * path taken when the thread cannot start and by the one-shot CLI commands), BENCH_E2E_TIMELINE=1
 * (also print the rate in each half second), BENCH_E2E_BARE=1 (instead of the monitor, the bare
 * decode-only subscriber the issue's reference figure is for: bareSubscriber.ts).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ClusterMonitor, LIVENESS_CHECK_MS } from '../src/core/monitor/clusterMonitor';
import { SETTLE_MS } from '../src/core/monitor/eventGaps';
import { countByState, listTasks } from '../src/core/state/selectors';
import { parseConnectionUrl } from '../src/core/url/connectionUrl';
import { measureBare } from './bareSubscriber';
import { type BenchRedis, startBenchRedis, subscriberBacklog } from './benchRedis';
import { describeStalls, StallProbe } from './hostStalls';
import { startAcks, waitForCount } from './pacing';
import { formatCount as fmt, halfSecondRates, rateOver, type Sample } from './rates';
import { busiestOtherThreadSeconds, processCpuSeconds, threadCpuSeconds } from './threadCpu';
import type { FromPublisher, PublisherConfig, ToPublisher } from './replayPublisher';

const TASKS = Number(process.env.BENCH_TASKS ?? 100_000);
/** Decode on a worker thread, as the extension and `watch` do, or in line (BENCH_E2E_THREAD=0). */
const THREAD = process.env.BENCH_E2E_THREAD !== '0';
const BARE = process.env.BENCH_E2E_BARE === '1';
const gc = (globalThis as { gc?: () => void }).gc;
const load = (): string => loadavg().map((n) => n.toFixed(1)).join(' ');

function heapUsed(): number {
  for (let i = 0; i < 3; i++) gc?.();
  return process.memoryUsage().heapUsed;
}

/** Connect a monitor (kept only in `box`, so the caller can drop it), replay, print the figures. */
async function measure(box: { monitor?: ClusterMonitor }, redis: BenchRedis, publisher: ChildProcess): Promise<void> {
  const fromPublisher = (kind: FromPublisher['kind']): Promise<FromPublisher> =>
    new Promise((done) => publisher.on('message', (m: FromPublisher) => m.kind === kind && done(m)));
  box.monitor = new ClusterMonitor({ name: 'bench', brokerUrl: parseConnectionUrl(`redis://127.0.0.1:${redis.port}/0`), settings: { maxTasks: TASKS }, decodeInWorker: THREAD });
  // The thread's script is compiled beside the monitor (bench/tsconfig.json includes it); without
  // it the monitor decodes in line, which would measure the CLI's path under the extension's name.
  if (THREAD && !existsSync(resolve(__dirname, '../src/core/monitor/eventDecodeWorker.js'))) throw new Error('eventDecodeWorker.js was not compiled');
  const monitor = box.monitor as ClusterMonitor;
  let statusChanges = 0;
  monitor.onDidChangeStatus(() => statusChanges++);
  await monitor.start();
  if (monitor.status.kind !== 'connected') throw new Error(`monitor did not connect: ${JSON.stringify(monitor.status)}`);
  statusChanges = 0;
  const state = monitor.state;

  // What the Tasks tree does on a change: the root's counts and the first page, at most 4 a second.
  let viewTimer: NodeJS.Timeout | undefined;
  let viewBuilds = 0;
  monitor.onDidChange(() => {
    viewTimer ??= setTimeout(() => {
      viewTimer = undefined;
      countByState(state);
      listTasks(state, {}, 0, 200);
      viewBuilds++;
    }, 250);
  });

  const probe = new StallProbe();
  const samples: Sample[] = [];
  let backlogMax = 0;
  const sampler = setInterval(() => samples.push({ at: performance.now(), applied: state.eventCount, tasks: state.tasks.size }), 50);
  const stopAcks = startAcks(redis.probe, () => state.eventCount);
  const backlogs = setInterval(() => void subscriberBacklog(redis.probe).then((b) => (backlogMax = Math.max(backlogMax, b)), () => undefined), 250);
  const done = fromPublisher('done');
  probe.start();
  const cpuAtGo = process.cpuUsage();
  const threadsAtGo = threadCpuSeconds();
  const othersAtGo = { publisher: processCpuSeconds(publisher.pid), redis: processCpuSeconds(redis.pid) };
  const eluAtGo = performance.eventLoopUtilization();
  const goAt = performance.now();
  publisher.send({ kind: 'go' } satisfies ToPublisher);
  const finished = await done;
  if (finished.kind !== 'done') return;
  const delivered = finished.published - finished.undeliveredEvents;
  const endAt = await waitForCount(() => state.eventCount, delivered);
  const cpu = process.cpuUsage(cpuAtGo);
  const threadsAtEnd = threadCpuSeconds();
  const othersAtEnd = { publisher: processCpuSeconds(publisher.pid), redis: processCpuSeconds(redis.pid) };
  const elu = performance.eventLoopUtilization(eluAtGo);
  const stalls = probe.stop();
  clearInterval(sampler);
  stopAcks();
  clearInterval(backlogs);
  samples.push({ at: endAt, applied: state.eventCount, tasks: state.tasks.size });

  const health = monitor.health;
  const received = health.events + health.undecodableEvents;
  const applied = state.eventCount;
  const lost = finished.published - applied;
  console.log(`offered ${fmt(finished.published)} events in ${finished.seconds.toFixed(2)} s (${fmt(finished.published / finished.seconds)} events/s); ` +
    `delivered by Redis ${fmt(delivered)}; received ${fmt(received)}; applied ${fmt(applied)}; ` +
    `lost ${fmt(lost)}${lost ? ' (!)' : ''}; undecodable ${health.undecodableEvents}; reconnects ${health.reconnects}, status changes ${statusChanges}`);
  if (lost > 0) console.log(await reportedGaps(monitor, lost));
  const fill = rateOver(samples, (s) => s.tasks < TASKS);
  const full = rateOver(samples, (s) => s.tasks >= TASKS);
  const overall = applied / ((endAt - goAt) / 1000);
  console.log(`applied events/s: filling to ${fmt(TASKS)} tasks ${fmt(fill.rate)} (${fill.seconds.toFixed(1)} s), ` +
    `holding ${fmt(TASKS)} tasks ${fmt(full.rate)} (${full.seconds.toFixed(1)} s), whole run ${fmt(overall)}; ${fmt(state.evictedCount)} evicted`);
  // CPU time is what a busy machine cannot take away: events per CPU second is what one free core would keep up with.
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  console.log(`subscriber process CPU: ${cpuSeconds.toFixed(2)} s for ${fmt(applied)} events = ${((cpuSeconds * 1e6) / applied).toFixed(2)} µs/event ` +
    `(${fmt(applied / cpuSeconds)} events per CPU second, all threads; wall ${((endAt - goAt) / 1000).toFixed(2)} s); ` +
    `host thread busy ${(elu.utilization * 100).toFixed(0)} % of the wall time`);
  if (threadsAtGo && threadsAtEnd) {
    const host = threadsAtEnd.main - threadsAtGo.main;
    // Threads that ended during the run drop out of the sum, so "others" is a lower bound.
    const others = threadsAtEnd.others - threadsAtGo.others;
    const decoding = busiestOtherThreadSeconds(threadsAtGo.byThread, threadsAtEnd.byThread);
    console.log(`host thread CPU: ${host.toFixed(2)} s = ${((host * 1e6) / applied).toFixed(2)} µs/event ` +
      `(${fmt(applied / host)} events per host CPU second); other threads ${others.toFixed(2)} s, the busiest (the decoding thread) ${decoding.toFixed(2)} s = ${(1e6 * decoding / applied).toFixed(2)} µs/event`);
  }
  const spent = (at: number | undefined, end: number | undefined): number | undefined => (at !== undefined && end !== undefined ? end - at : undefined);
  const publisherCpu = spent(othersAtGo.publisher, othersAtEnd.publisher);
  const redisCpu = spent(othersAtGo.redis, othersAtEnd.redis);
  if (publisherCpu !== undefined && redisCpu !== undefined) {
    // The machine's budget: what the replay itself costs is CPU the subscriber cannot have.
    const cores = availableParallelism();
    const budget = cores * ((endAt - goAt) / 1000);
    console.log(`machine: ${cores} cores x ${((endAt - goAt) / 1000).toFixed(2)} s = ${budget.toFixed(2)} CPU s; subscriber ${cpuSeconds.toFixed(2)} s, ` +
      `redis-server ${redisCpu.toFixed(2)} s, replay publisher ${publisherCpu.toFixed(2)} s (${(((cpuSeconds + redisCpu + publisherCpu) / budget) * 100).toFixed(0)} % of it)`);
  }
  console.log(`host thread: ${describeStalls(stalls)}; ${viewBuilds} tree refreshes; Redis backlog for the subscriber at most ${(backlogMax / 2 ** 20).toFixed(1)} MiB`);

  if (process.env.BENCH_E2E_TIMELINE === '1') console.log(`applied events/s per half second: ${halfSecondRates(samples).map(fmt).join(' ')}`);
  clearTimeout(viewTimer);
}

/**
 * What the monitor itself said about a loss: the gaps it recorded and the events it estimated
 * lost, beside the count the bench knows. A gap is recorded once events flow again, or SETTLE_MS
 * after the subscription is back when none come (the stream has ended; the monitor's liveness
 * check looks every LIVENESS_CHECK_MS). The last cut is such a gap, and earlier ones may already be
 * recorded, so wait the whole time rather than for the first gap.
 */
async function reportedGaps(monitor: ClusterMonitor, lost: number): Promise<string> {
  await new Promise((r) => setTimeout(r, SETTLE_MS + 3 * LIVENESS_CHECK_MS));
  const { eventGaps = 0, eventsEstimatedLost = 0 } = monitor.health;
  if (!eventGaps) return `the monitor reported no gap for the ${fmt(lost)} events lost (a silent loss!)`;
  return `the monitor reported ${eventGaps} gap${eventGaps === 1 ? '' : 's'} in the event stream and estimated ${fmt(eventsEstimatedLost)} events lost ` +
    `(${fmt(lost)} were)`;
}

/** Stop the monitor and forget it (its state then becomes garbage). */
async function stopAndDrop(box: { monitor?: ClusterMonitor }): Promise<void> {
  const monitor = box.monitor;
  delete box.monitor;
  await monitor?.stop();
  monitor?.dispose();
}

async function main(): Promise<void> {
  const config: PublisherConfig = {
    port: 0,
    tasks: 2 * TASKS,
    batchLimit: Number(process.env.BENCH_BATCH ?? 24),
    rate: Number(process.env.BENCH_E2E_RATE ?? 0),
    window: Number(process.env.BENCH_E2E_WINDOW ?? 10_000),
  };
  console.log(`Celery Lens end-to-end benchmark over Redis: maxTasks ${fmt(TASKS)}, stream of ${fmt(config.tasks)} new tasks, ` +
    `${config.batchLimit === 1 ? 'one event per message' : `task.multi batches of up to ${config.batchLimit}`}, ` +
    `offered ${config.rate ? `${fmt(config.rate)} events/s` : 'as fast as taken'}, window ${config.window ? fmt(config.window) : 'none'}, ` +
    (BARE ? 'a bare decode-only subscriber, ' : `decoding ${THREAD ? 'on a worker thread (the extension, the CLI\'s watch)' : 'in line (the fallback)'}, `) +
    `node ${process.version}, load average ${load()}`);
  const redis = await startBenchRedis();
  config.port = redis.port;
  const publisher = fork(resolve(__dirname, 'replayPublisher.js'), [], { env: { ...process.env, BENCH_PUBLISHER: JSON.stringify(config) } });
  const fromPublisher = (kind: FromPublisher['kind']): Promise<FromPublisher> =>
    new Promise((done) => publisher.on('message', (m: FromPublisher) => m.kind === kind && done(m)));
  const ready = await fromPublisher('ready');
  if (ready.kind !== 'ready') return;
  console.log(`publisher built ${fmt(ready.messages)} messages, ${fmt(ready.events)} events (${(ready.events / ready.messages).toFixed(1)} events/message, ` +
    `${(ready.bytes / 2 ** 20).toFixed(0)} MiB) in ${ready.buildSeconds.toFixed(1)} s`);

  if (BARE) {
    await measureBare(redis, publisher, fromPublisher);
    publisher.kill();
    await redis.stop();
    console.log(`load average after: ${load()}`);
    return;
  }
  const baseline = heapUsed();
  const box: { monitor?: ClusterMonitor } = {};
  await measure(box, redis, publisher);
  // Its listeners' closures share measure()'s scope, which holds the monitor.
  publisher.removeAllListeners('message');
  const tasks = box.monitor?.state.tasks.size ?? 0;
  if (gc) {
    const withState = heapUsed();
    await stopAndDrop(box);
    // Let the last in-flight calls (an inspect waits up to its timeout) settle and release it.
    await new Promise((r) => setTimeout(r, 2500));
    const without = heapUsed();
    console.log(`heap per retained task at ${fmt(tasks)} tasks: ${fmt((withState - without) / tasks)} B ` +
      `(whole heap growth since before the monitor: ${fmt((withState - baseline) / tasks)} B per task)`);
  } else {
    await stopAndDrop(box);
  }
  publisher.kill();
  await redis.stop();
  console.log(`load average after: ${load()}`);
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
