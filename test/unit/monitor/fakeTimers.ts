/** A hand-driven clock implementing the monitor's Timers, so scheduling is tested without waiting. */
import type { Timers } from '../../../src/core/monitor/timers';

interface Pending {
  id: number;
  at: number;
  callback: () => void;
}

export class FakeTimers implements Timers {
  private clock: number;
  private nextId = 1;
  private timeouts: Pending[] = [];
  private immediates: Pending[] = [];

  constructor(start = 1_700_000_000_000) {
    this.clock = start;
  }

  now(): number {
    return this.clock;
  }

  setTimeout(callback: () => void, ms: number): number {
    const id = this.nextId++;
    this.timeouts.push({ id, at: this.clock + Math.max(0, ms), callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timeouts = this.timeouts.filter((t) => t.id !== handle);
  }

  setImmediate(callback: () => void): number {
    const id = this.nextId++;
    this.immediates.push({ id, at: this.clock, callback });
    return id;
  }

  clearImmediate(handle: unknown): void {
    this.immediates = this.immediates.filter((t) => t.id !== handle);
  }

  /** Pending timeouts' due times, relative to now, in order. */
  pendingDelays(): number[] {
    return this.timeouts.map((t) => t.at - this.clock).sort((a, b) => a - b);
  }

  get pendingImmediates(): number {
    return this.immediates.length;
  }

  runImmediates(): void {
    const due = this.immediates;
    this.immediates = [];
    for (const t of due) t.callback();
  }

  /** Move the clock forward, running each timeout that falls due (in time order), with microtasks flushed between. */
  async advance(ms: number): Promise<void> {
    const end = this.clock + ms;
    while (true) {
      await flushMicrotasks();
      this.timeouts.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.timeouts[0];
      if (!next || next.at > end) break;
      this.timeouts.shift();
      this.clock = next.at;
      next.callback();
    }
    this.clock = end;
    await flushMicrotasks();
  }
}

/** Let every queued promise callback run (several rounds, for chains). */
export async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}
