import * as assert from 'node:assert/strict';
import type { Worker } from 'node:worker_threads';
import type { ClusterMonitor } from '../../../src/core/monitor/clusterMonitor';
import { getCluster, waitFor } from '../support';
import { monitorFor, sendTask, stopAllMonitors, waitForTask } from '../monitor/monitorSupport';

/** The monitor's decoding thread, reached past `private` to kill it as a crash would. */
function decodingThread(monitor: ClusterMonitor): Worker {
  const worker = (monitor as unknown as { decoder?: { worker?: Worker } }).decoder?.worker;
  assert.ok(worker, 'the monitor has a decoding thread');
  return worker;
}

/**
 * The decoding thread holds the Redis event subscription. If it dies, the events it had not
 * posted and those sent until we subscribe again are gone: the monitor must say so (a gap with
 * its reason), subscribe again on its own thread, and go on.
 */
describe('(integration) the decoding thread dies under a connected monitor', function () {
  this.timeout(60_000);

  after(() => stopAllMonitors());

  it('reconnects, records the gap, and decodes on its own thread from then on', async () => {
    const cluster = getCluster('redis');
    const { monitor, logs } = monitorFor(cluster, {}, 'thread-lost', true);
    const statuses: string[] = [];
    monitor.onDidChangeStatus((status) => statuses.push(status.kind));
    await monitor.start();
    assert.equal(monitor.eventDecoding, 'worker thread');
    const before = monitor.health.events;
    await waitFor(() => monitor.health.events > before, 10_000, 'events through the thread (heartbeats)');

    await decodingThread(monitor).terminate();
    await waitFor(() => monitor.status.kind === 'connected' && statuses.includes('reconnecting'), 15_000, 'the reconnect');
    assert.equal(monitor.eventDecoding, 'this thread');
    assert.ok(logs.some((entry) => /the event decoding thread exited/.test(entry.message)), logs.map((e) => e.message).join('\n'));
    await waitFor(() => monitor.health.eventGaps !== undefined, 10_000, 'the gap to be recorded');
    assert.match(monitor.health.lastEventGap?.reason ?? '', /decoding thread exited.*subscribing to events again on this thread/);

    // Events flow again: a task sent now is followed to the end.
    const id = await sendTask(monitor, { name: 'lens_testapp.tasks.add', args: [2, 3] });
    await waitForTask(monitor, id, (task) => task.state === 'SUCCESS', 'the task after the thread died');
  });
});
