import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import Redis from 'ioredis';
import { ClusterMonitor } from '../../../src/core/monitor/clusterMonitor';
import type { ConnectionStatus } from '../../../src/core/monitor/monitorTypes';
import { parseConnectionUrl } from '../../../src/core/url/connectionUrl';
import { sleep, testRunDir, waitFor } from '../support';
import { redisEventPublisher, type EventPublisher } from './eventPublisher';
import { freezingProxy, type FreezingProxy } from './freezingProxy';
import { privateRedis, type PrivateRedis } from './privateRedis';

const WORKER = 'celery@wedged-worker';
const COMMAND_TIMEOUT_MS = 1000;

/**
 * Only the pub/sub connection is wedged (a proxy stops forwarding on it and keeps its sockets
 * open: no FIN, no RST, so the client never sees it close) while the command connections work.
 * Nothing failed, so nothing reconnected: events just stopped. The monitor must notice by
 * itself — a PING on the silent subscription goes unanswered — subscribe again on a fresh
 * connection, record the gap, read back what the result backend stored meanwhile, and receive
 * events again; and it must not PING a subscription that delivers.
 */
describe('(integration) a wedged Redis event subscriber (half-open pub/sub connection)', function () {
  this.timeout(60_000);
  let redis: PrivateRedis;
  let proxy: FreezingProxy;
  let publisher: EventPublisher | undefined;
  let monitor: ClusterMonitor | undefined;
  let backend: Redis | undefined;

  before(async () => {
    redis = await privateRedis(path.join(testRunDir(), `redis-wedged-${process.pid}`));
    await redis.start();
    proxy = await freezingProxy(redis.port);
  });

  after(async () => {
    await monitor?.stop();
    await publisher?.close();
    backend?.disconnect();
    await proxy?.close();
    await redis?.destroy();
  });

  /** Heartbeats every 200 ms until the returned function is called. */
  function beat(events: EventPublisher): () => Promise<void> {
    let running = true;
    const loop = (async () => {
      while (running) {
        await events.heartbeat(WORKER).catch(() => undefined);
        await sleep(200);
      }
    })();
    return async () => {
      running = false;
      await loop;
    };
  }

  // In line, and with the decoding thread holding the subscription (its probe runs on that thread).
  for (const decodeInWorker of [false, true]) {
  it(`never pings a busy stream; a wedged one is noticed within the command timeout, resubscribed, the gap recorded and backfilled, and events flow again (${decodeInWorker ? 'decoding thread' : 'in line'})`, async () => {
    await monitor?.stop();
    await publisher?.close();
    publisher = undefined;
    backend?.disconnect();
    // A fresh proxy: its counts are this run's.
    await proxy.close();
    proxy = await freezingProxy(redis.port);
    monitor = new ClusterMonitor({
      name: 'wedged',
      decodeInWorker,
      // Events and commands through the proxy; the result backend straight to Redis.
      brokerUrl: parseConnectionUrl(proxy.url(0)),
      backendUrl: parseConnectionUrl(redis.url(1)),
      settings: { commandTimeoutMs: COMMAND_TIMEOUT_MS, connectTimeoutMs: 1000, queuePollIntervalMs: 300, inspectIntervalMs: 60_000, controlTimeoutMs: 200 },
      backoff: { initialMs: 300, maxMs: 1000 },
    });
    const m = monitor;
    const logs: string[] = [];
    m.onDidLog((entry) => logs.push(entry.message));
    await m.start();
    assert.equal(m.status.kind, 'connected');
    const statuses: ConnectionStatus[] = [];
    m.onDidChangeStatus((s) => statuses.push(s));
    assert.equal(proxy.subscribers, 1);
    const events = (publisher = redisEventPublisher(redis.port, 0));

    // Busy: a heartbeat every 200 ms for four times the idle time. Not one PING.
    let stop = beat(events);
    await sleep(4 * COMMAND_TIMEOUT_MS);
    await stop();
    assert.ok(m.health.events >= 10, `${m.health.events} events`);
    assert.equal(proxy.subscriberPings, 0, 'a subscription that delivers is never pinged');

    // Quiet: pinged about once per idle time, answered, nothing reported.
    await sleep(3 * COMMAND_TIMEOUT_MS);
    const quietPings = proxy.subscriberPings;
    assert.ok(quietPings >= 1 && quietPings <= 3, `${quietPings} PINGs in 3 s of silence`);
    assert.equal(m.health.eventGaps, undefined);

    // A task runs; its ending will be lost in the wedge, while the backend stores its result.
    const id = randomUUID();
    await events.received(id, WORKER, true);
    await waitFor(() => m.state.tasks.get(id)?.state === 'STARTED', 5000, 'the task to start');

    assert.equal(proxy.freeze(), 1, 'only the event subscriber is wedged');
    const frozenAt = Date.now();
    const pollsBefore = m.health.lastQueuePollAt ?? 0;
    await events.succeeded(id, WORKER);
    backend = new Redis({ port: redis.port, host: '127.0.0.1', db: 1 });
    await backend.set(`celery-task-meta-${id}`, JSON.stringify({ status: 'SUCCESS', result: 3, traceback: null, children: [], task_id: id, date_done: new Date().toISOString() }));
    stop = beat(events);
    try {
      const gap = await waitFor(() => m.health.lastEventGap, 10_000, 'the gap to be recorded');
      const noticedMs = Date.now() - frozenAt;
      // Silence for the idle time (checked every half of it), the PING timeout, a reconnect and the next heartbeat.
      assert.ok(noticedMs < 1.5 * COMMAND_TIMEOUT_MS + COMMAND_TIMEOUT_MS + 2500, `recorded ${noticedMs} ms after the wedge`);
      assert.match(gap.reason, /event subscriber stopped answering: .*no answer to PING within 1000 ms/);
      assert.ok(gap.from <= frozenAt + 300 && gap.to > frozenAt, JSON.stringify(gap));
      assert.ok(gap.estimatedLost >= 1, JSON.stringify(gap));
      assert.equal(m.health.eventGaps, 1);
      assert.equal(proxy.subscribers, 2, 'subscribed again on a fresh connection');
      // The command connection kept working: no reconnect of the monitor, queue polls went on.
      assert.deepEqual(statuses.map((s) => s.kind), []);
      assert.equal(m.health.reconnects, 0);
      assert.ok((m.health.lastQueuePollAt ?? 0) > pollsBefore);
      assert.ok(logs.some((l) => /no events for \d+\.\d s .*event subscriber stopped answering/.test(l)), logs.join('\n'));

      // Events flow again, and the ending lost in the wedge is read back from the result backend.
      const after = m.health.events;
      await waitFor(() => m.health.events > after + 2, 5000, 'events after the resubscribe');
      await waitFor(() => m.state.tasks.get(id)?.state === 'SUCCESS', 10_000, 'the backfilled result');
    } finally {
      await stop();
    }
  });
  }
});
