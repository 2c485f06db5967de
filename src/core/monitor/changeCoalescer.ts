/**
 * Turns many "something changed" marks into one notification per macrotask: a burst of thousands
 * of events read from one socket chunk fires listeners once, after the burst.
 */
import type { Disposable } from '../util/disposable';
import { realTimers, type TimerHandle, type Timers } from './timers';

export class ChangeCoalescer implements Disposable {
  private pending: TimerHandle | undefined;
  private scheduled = false;
  private disposed = false;

  constructor(
    private readonly fire: () => void,
    private readonly timers: Pick<Timers, 'setImmediate' | 'clearImmediate'> = realTimers,
  ) {}

  /** Note a change; listeners hear of it once the current macrotask is over. */
  mark(): void {
    if (this.scheduled || this.disposed) return;
    this.scheduled = true;
    this.pending = this.timers.setImmediate(() => this.flush());
  }

  /** Fire now if a change is pending (e.g. before stopping). */
  flush(): void {
    if (!this.scheduled) return;
    this.scheduled = false;
    if (this.pending !== undefined) this.timers.clearImmediate(this.pending);
    this.pending = undefined;
    if (this.disposed) return;
    try {
      this.fire();
    } catch {
      // The emitter already isolates listeners; nothing thrown here may escape a timer.
    }
  }

  dispose(): void {
    this.disposed = true;
    if (this.pending !== undefined) this.timers.clearImmediate(this.pending);
    this.pending = undefined;
    this.scheduled = false;
  }
}
