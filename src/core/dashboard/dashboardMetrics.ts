/**
 * What the dashboard needs beyond the task statistics (taskStats.ts): queue depth history, from
 * the monitor's queue polls, and worker utilisation (busy pool slots over concurrency), sampled
 * from what heartbeats (`active`) and inspect replies (`stats` concurrency, `active`) last said.
 * The monitor calls {@link DashboardMetrics.recordQueues} after each poll and
 * {@link DashboardMetrics.sampleWorkers} once a second; neither runs on the event path.
 */
import type { WorkerRecord } from '../state/workerRecord';
import { SampledSeries } from './sampledSeries';

export class DashboardMetrics {
  /** Messages waiting, per queue. */
  readonly queueDepths = new SampledSeries();
  /** Busy slots per worker, with its concurrency as the second value (0 when unknown). */
  readonly busySlots = new SampledSeries(true);

  /** After a queue poll: each queue's depth at `at` (epoch seconds). */
  recordQueues(queues: ReadonlyArray<{ name: string; messages?: number | null }>, at: number): void {
    for (const queue of queues) {
      if (typeof queue.messages === 'number' && queue.messages >= 0) this.queueDepths.sample(queue.name, at, queue.messages);
    }
  }

  /** Busy slots of every worker alive at `at`: the last heartbeat's count, else inspect's list. */
  sampleWorkers(workers: Iterable<WorkerRecord>, at: number): void {
    for (const worker of workers) {
      if (!worker.isAlive(at)) continue;
      const busy = worker.active ?? worker.activeTasks?.length;
      if (busy === undefined) continue;
      this.busySlots.sample(worker.hostname, at, busy, worker.concurrency ?? 0);
    }
  }

  clear(): void {
    this.queueDepths.clear();
    this.busySlots.clear();
  }
}
