import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Redis from 'ioredis';
import { buildRedisEnvelope } from '../../../src/core/celery/rawMessage';
import { ClusterMonitor } from '../../../src/core/monitor/clusterMonitor';
import { parseConnectionUrl } from '../../../src/core/url/connectionUrl';
import { testRunDir, waitFor } from '../support';
import { privateRedis, type PrivateRedis } from './privateRedis';

const WORKER = 'celery@gap-worker';

/** A RESP `PUBLISH` of one Celery event in kombu's envelope, as a worker sends it. */
function publishCommand(event: Record<string, unknown>): string {
  const routingKey = String(event.type).replace('-', '.');
  const channel = `/0.celeryev/${routingKey}`;
  const payload = buildRedisEnvelope({
    body: Buffer.from(JSON.stringify(event)), contentType: 'application/json', contentEncoding: 'utf-8',
    headers: { hostname: WORKER }, properties: {}, exchange: 'celeryev', routingKey,
  }, randomUUID());
  return `*3\r\n$7\r\nPUBLISH\r\n$${Buffer.byteLength(channel)}\r\n${channel}\r\n$${Buffer.byteLength(payload)}\r\n${payload}\r\n`;
}

function taskEvent(type: string, clock: number, fields: Record<string, unknown>): Record<string, unknown> {
  return { type, hostname: WORKER, timestamp: Date.now() / 1000, utcoffset: 0, pid: 7, clock, ...fields };
}

/**
 * Redis cuts a subscriber that falls more than `client-output-buffer-limit pubsub` behind and drops
 * what it buffered for it; ioredis re-subscribes on its own. That used to be a silent loss: the
 * monitor must record the gap (its length, an estimate of the events lost), say why, and read back
 * from the result backend what finished meanwhile.
 */
describe('(integration) Redis cuts the event subscription (pub/sub output buffer limit)', function () {
  this.timeout(60_000);
  let redis: PrivateRedis;
  let dir: string;
  const clients: Redis[] = [];
  const monitors: ClusterMonitor[] = [];

  before(async () => {
    dir = path.join(testRunDir(), `redis-gap-${process.pid}`);
    redis = await privateRedis(dir);
    await redis.start();
  });

  after(async () => {
    await Promise.all(monitors.map((m) => m.stop()));
    clients.forEach((c) => c.disconnect());
    await redis.destroy();
  });

  function client(): Redis {
    const c = new Redis({ port: redis.port, host: '127.0.0.1', maxRetriesPerRequest: 1 });
    c.on('error', () => undefined);
    clients.push(c);
    return c;
  }

  for (const decodeInWorker of [false, true]) {
  it(`records the gap with its length and an estimate of the events lost, and backfills a result stored meanwhile (decoding ${decodeInWorker ? 'on a worker thread' : 'in line'})`, async () => {
    const admin = client();
    await admin.config('SET', 'client-output-buffer-limit', 'pubsub 256kb 128kb 1');
    const monitor = new ClusterMonitor({
      name: 'gap',
      brokerUrl: parseConnectionUrl(redis.url(0)),
      backendUrl: parseConnectionUrl(redis.url(1)),
      settings: { inspectIntervalMs: 60_000, queuePollIntervalMs: 60_000, controlTimeoutMs: 200 },
      decodeInWorker,
    });
    monitors.push(monitor);
    const logs: string[] = [];
    monitor.onDidLog((entry) => logs.push(entry.message));
    await monitor.start();
    assert.equal(monitor.status.kind, 'connected');

    // A task runs; its ending will be among the events lost.
    let clock = 100;
    const running = randomUUID();
    const setup = [
      taskEvent('task-received', clock++, { uuid: running, name: 'proj.tasks.long', args: '()', kwargs: '{}', retries: 0, root_id: running }),
      taskEvent('task-started', clock++, { uuid: running }),
    ];
    for (const event of setup) await admin.publish(`/0.celeryev/${String(event.type).replace('-', '.')}`, publishPayload(event));
    await waitFor(() => monitor.state.tasks.get(running)?.state === 'STARTED', 5000, 'the running task');
    const receivedBefore = monitor.health.events;

    // The flood: far more than the limit, while this thread (the monitor's) is not reading.
    const FLOOD = 40_000;
    const floodStart = clock;
    const lines: string[] = [];
    for (let i = 0; i < FLOOD; i++) {
      lines.push(publishCommand(taskEvent('task-received', clock++, { uuid: randomUUID(), name: 'proj.tasks.flood', args: '(1,)', kwargs: '{}', retries: 0 })));
    }
    const floodFile = path.join(dir, 'flood.resp');
    fs.writeFileSync(floodFile, lines.join(''));
    // Its result is stored while the events are lost (no live result message: it must come from the backfill).
    const backend = new Redis({ port: redis.port, host: '127.0.0.1', db: 1 });
    clients.push(backend);
    await backend.set(`celery-task-meta-${running}`, JSON.stringify({ status: 'SUCCESS', result: 42, traceback: null, children: [], task_id: running, date_done: new Date().toISOString() }));

    const flood = spawn('sh', ['-c', `redis-cli -p ${redis.port} --pipe < '${floodFile}'`], { stdio: 'ignore' });
    const floodDone = new Promise((resolve) => flood.once('exit', resolve));
    await new Promise((resolve) => flood.once('spawn', resolve));
    // Block this thread (no reads from the subscription socket) while the flood fills Redis's buffer for us.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2500);
    await floodDone;

    // Workers go on after the flood; the next event's clock tells how many were sent meanwhile.
    await waitFor(() => monitor.health.events > receivedBefore, 10_000, 'events after the flood');
    const afterFlood = taskEvent('worker-heartbeat', clock, { freq: 2, active: 0, processed: 0 });
    await waitFor(async () => {
      await admin.publish('/0.celeryev/worker.heartbeat', publishPayload(afterFlood));
      return monitor.health.eventGaps !== undefined;
    }, 15_000, 'the gap to be recorded');

    const gap = monitor.health.lastEventGap;
    assert.ok(gap, 'a gap is recorded');
    assert.match(gap.reason, /Redis closed the event subscription .*client-output-buffer-limit pubsub/);
    assert.ok(gap.to >= gap.from, JSON.stringify(gap));
    const floodReceived = monitor.state.index.byName.count('proj.tasks.flood');
    assert.ok(floodReceived < FLOOD, `Redis did not cut the subscription: all ${floodReceived} flood events arrived`);
    // The senders' clock went from the last flood event we got to the heartbeat: exactly what we missed.
    assert.equal(gap.clockJump !== undefined, true, JSON.stringify(gap));
    const missed = FLOOD - floodReceived;
    assert.ok(Math.abs(gap.estimatedLost - missed) <= 2, `estimated ${gap.estimatedLost} lost, missed ${missed} (clock from ${floodStart})`);
    assert.equal(monitor.health.eventsEstimatedLost, gap.estimatedLost);
    assert.ok(logs.some((l) => /no events for \d+\.\d s \(about [\d,]+ lost/.test(l)), logs.join('\n'));
    assert.ok(!logs.some((l) => /decoding stays on this thread|decoding thread (failed|exited)/.test(l)), logs.join('\n'));
    // Not a reconnect of the monitor: the client re-subscribed by itself.
    assert.equal(monitor.status.kind, 'connected');
    // The task's ending was among the lost events; the backend still knew it.
    await waitFor(() => monitor.state.tasks.get(running)?.state === 'SUCCESS', 10_000, 'the backfilled result');
  });
  }
});

function publishPayload(event: Record<string, unknown>): string {
  const routingKey = String(event.type).replace('-', '.');
  return buildRedisEnvelope({
    body: Buffer.from(JSON.stringify(event)), contentType: 'application/json', contentEncoding: 'utf-8',
    headers: { hostname: WORKER }, properties: {}, exchange: 'celeryev', routingKey,
  }, randomUUID());
}
