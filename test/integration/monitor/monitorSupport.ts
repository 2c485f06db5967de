/** Helpers for the monitor's integration tests: building monitors for the test clusters, reading task states. */
import * as assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { encodeTaskMessage, type SendTaskOptions } from '../../../src/core/celery/taskEncoder';
import { ClusterMonitor } from '../../../src/core/monitor/clusterMonitor';
import type { LogEntry } from '../../../src/core/monitor/rateLimitedLog';
import type { MonitorSettings } from '../../../src/core/monitor/monitorTypes';
import type { TaskRecord } from '../../../src/core/state/index';
import { parseConnectionUrl } from '../../../src/core/url/connectionUrl';
import { waitFor, type TestCluster } from '../support';

/** Fast polling so tests do not wait 10 s for an inspect round. */
export const FAST: MonitorSettings = {
  inspectIntervalMs: 1000,
  queuePollIntervalMs: 500,
  controlTimeoutMs: 1000,
  connectTimeoutMs: 3000,
  // Every result this run stored, whatever the SCAN order (the test DBs hold a few hundred).
  backfillLimit: 50_000,
};

export interface MonitorUnderTest {
  monitor: ClusterMonitor;
  logs: LogEntry[];
}

const started = new Set<ClusterMonitor>();

/** A monitor for a cluster (not started); stopped by {@link stopAllMonitors}. */
export function monitorFor(
  cluster: Pick<TestCluster, 'brokerUrl' | 'backendUrl' | 'managementUrl'>, settings: MonitorSettings = {}, name = 'test', decodeInWorker = false,
): MonitorUnderTest {
  const monitor = new ClusterMonitor({
    name,
    decodeInWorker,
    brokerUrl: parseConnectionUrl(cluster.brokerUrl),
    backendUrl: cluster.backendUrl ? parseConnectionUrl(cluster.backendUrl) : undefined,
    managementUrl: cluster.managementUrl,
    settings: { ...FAST, ...settings },
    backoff: { initialMs: 200, maxMs: 1000 },
  });
  const logs: LogEntry[] = [];
  monitor.onDidLog((e) => logs.push(e));
  started.add(monitor);
  return { monitor, logs };
}

export async function stopAllMonitors(): Promise<void> {
  await Promise.all([...started].map((m) => m.stop()));
  started.clear();
}

/** Publish a task through the connected monitor's own broker, as celery-lens `send` does. */
export async function sendTask(monitor: ClusterMonitor, options: SendTaskOptions): Promise<string> {
  const broker = monitor.broker;
  assert.ok(broker, 'the monitor is not connected');
  const message = encodeTaskMessage(options);
  await broker.publish(message);
  return message.headers.id as string;
}

/** Wait until the task is known and `ok(task)` holds. */
export function waitForTask(monitor: ClusterMonitor, id: string, ok: (t: TaskRecord) => boolean, what: string, timeoutMs = 30_000): Promise<TaskRecord> {
  return waitFor(() => {
    const task = monitor.state.tasks.get(id);
    return task && ok(task) ? task : undefined;
  }, timeoutMs, `${what} (task ${id}: ${monitor.state.tasks.get(id)?.state ?? 'unknown'})`);
}

/** Connections named `celery-lens` on a Redis server (ours set that name; test helpers do not). */
export async function lensClientCount(redis: Redis): Promise<number> {
  const list = (await redis.call('CLIENT', 'LIST')) as string;
  return list.split('\n').filter((line) => /\bname=celery-lens\b/.test(line)).length;
}
