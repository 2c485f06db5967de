/** A session's periodic jobs: inspect and queue polling while active, a cheap health probe while paused. */
import type { Disposable } from '../util/disposable';
import type { PeriodicTask } from './periodicTask';

export class PollingJobs implements Disposable {
  constructor(
    private readonly inspect: PeriodicTask,
    private readonly queues: PeriodicTask,
    private readonly probe: PeriodicTask,
  ) {}

  start(active: boolean): void {
    this.setActive(active);
    this.inspect.start();
    this.queues.start();
    this.probe.start();
  }

  setActive(active: boolean): void {
    this.inspect.setPaused(!active);
    this.queues.setPaused(!active);
    this.probe.setPaused(active);
  }

  /** Inspect, then read queues (queue discovery uses the fresh `active_queues`). */
  async runNow(): Promise<void> {
    await this.inspect.runNow();
    await this.queues.runNow();
  }

  dispose(): void {
    this.inspect.dispose();
    this.queues.dispose();
    this.probe.dispose();
  }
}
