/**
 * Noticing a Redis pub/sub connection that stopped delivering while it looks healthy. A half-open
 * or wedged link (no RST, so the client never sees it close) leaves a subscriber waiting forever
 * while every other connection works. Redis answers PING on a subscribed connection, so after
 * `idleMs` without a byte read from the socket we ask; no answer within `timeoutMs` means the
 * subscription is dead, and the owner drops the connection and subscribes again.
 *
 * Bytes read are the proof of life: a stream that delivers is never pinged, and checking costs a
 * read of `socket.bytesRead` every `idleMs / 2`, nothing per message. While the owner does not read
 * (paused for back-pressure, or the client is reconnecting) nothing can arrive, a PONG included, so
 * nothing is asked and the silence clock starts again.
 */

/** What the probe watches: one subscribed connection. */
export interface ProbeTarget {
  /** Bytes read so far, never decreasing (summed over the connections a reconnect replaced). */
  bytesRead(): number;
  /** False while nothing can be read: paused for back-pressure, or not connected. */
  isReading(): boolean;
  ping(): Promise<unknown>;
  /**
   * The connection stopped answering: nothing read since `silentSince` (epoch ms) and no PONG.
   * `reason` is safe to show.
   */
  dead(silentSince: number, reason: string): void;
}

/** The timer functions the probe uses (structurally the monitor's Timers; tests drive a fake clock). */
export interface ProbeClock {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setImmediate(callback: () => void): unknown;
  /** Epoch ms. */
  now(): number;
}

/** Whether a subscription still delivers: answered, dead (being re-made), or cannot tell now. */
export type ProbeVerdict = 'alive' | 'dead' | 'unknown';

const nodeClock: ProbeClock = {
  setTimeout: (callback, ms) => {
    const timer = setTimeout(callback, ms);
    // A probe must never keep a process (the CLI) alive on its own.
    timer.unref();
    return timer;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  setImmediate: (callback) => setImmediate(callback),
  now: () => Date.now(),
};

export class SubscriberProbe {
  private lastBytes: number;
  private lastActivityAt: number;
  private timer: unknown;
  private inFlight: Promise<ProbeVerdict> | undefined;
  private stopped = false;

  constructor(
    private readonly target: ProbeTarget,
    private readonly idleMs: number,
    private readonly timeoutMs: number,
    private readonly clock: ProbeClock = nodeClock,
  ) {
    this.lastBytes = target.bytesRead();
    this.lastActivityAt = clock.now();
    this.schedule();
  }

  /** Epoch ms of the last sign of life (bytes read, a PONG, or the start of a paused stretch). */
  get lastAliveAt(): number {
    return this.lastActivityAt;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * Ask now, whatever the silence (a caller suspecting lost events). Bytes read since the last
   * look count as an answer; concurrent calls share one PING.
   */
  verify(): Promise<ProbeVerdict> {
    if (this.stopped || !this.target.isReading()) return Promise.resolve('unknown');
    if (this.sawActivity()) return Promise.resolve('alive');
    this.inFlight ??= this.ping().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.tick();
    }, Math.max(25, Math.floor(this.idleMs / 2)));
  }

  private tick(): void {
    if (this.sawActivity() || this.inFlight || this.clock.now() - this.lastActivityAt < this.idleMs) {
      this.schedule();
      return;
    }
    void this.verify().finally(() => this.schedule());
  }

  /** True (and the silence clock restarted) when bytes arrived since the last look or reading is off. */
  private sawActivity(): boolean {
    const bytes = this.target.bytesRead();
    if (bytes === this.lastBytes && this.target.isReading()) return false;
    this.lastBytes = bytes;
    this.lastActivityAt = this.clock.now();
    return true;
  }

  private async ping(): Promise<ProbeVerdict> {
    const silentSince = this.lastActivityAt;
    const sentBytes = this.target.bytesRead();
    const answered = await this.answersWithin(this.timeoutMs);
    if (answered) {
      this.lastBytes = this.target.bytesRead();
      this.lastActivityAt = this.clock.now();
      return 'alive';
    }
    // A stalled event loop runs the deadline before reading what waits in the socket: let one
    // I/O turn pass, then anything read (the PONG, a message) proves the connection alive.
    await new Promise<void>((resolve) => this.clock.setImmediate(resolve));
    if (this.stopped) return 'unknown';
    if (this.target.bytesRead() !== sentBytes) {
      this.sawActivity();
      return 'alive';
    }
    if (!this.target.isReading()) return 'unknown';
    this.target.dead(silentSince, `the event subscriber stopped answering: nothing arrived for ` +
      `${((this.clock.now() - silentSince) / 1000).toFixed(1)} s and no answer to PING within ${this.timeoutMs} ms ` +
      '(a half-open or wedged connection: it looked open while the other connections worked); ' +
      'dropped it and subscribed again on a fresh connection');
    this.lastActivityAt = this.clock.now();
    return 'dead';
  }

  private answersWithin(ms: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const timer = this.clock.setTimeout(() => resolve(false), ms);
      this.target.ping().then(
        () => {
          this.clock.clearTimeout(timer);
          resolve(true);
        },
        () => {
          this.clock.clearTimeout(timer);
          resolve(false);
        },
      );
    });
  }
}
