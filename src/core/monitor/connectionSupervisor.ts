/**
 * The connection lifecycle, independent of what a session holds: connect, report the status,
 * reconnect with backoff when the session fails, stop. ClusterMonitor plugs its broker session in
 * through {@link SupervisorHooks}; the unit tests plug in plain objects.
 *
 * Status rules:
 * - `start()`: `connecting`, then `connected` once `open` resolves.
 * - `open` rejects: `reconnecting` (attempt n, retry time, reason), or `error` with the same
 *   retry fields when the fault needs the user (wrong password, missing vhost, bad certificate).
 *   Retries go on with backoff in both cases, so a fixed server is picked up without a click.
 * - `fail(session)` while connected: the session is closed and `reconnecting` begins.
 * - `stop()`: `idle`; timers cleared, the session closed (also one still being opened).
 */
import { Backoff, type BackoffOptions } from '../util/backoff';
import { Emitter } from '../util/emitter';
import type { Disposable } from '../util/disposable';
import { classifyFault, safeReason } from './faults';
import type { ConnectionStatus } from './monitorTypes';
import { realTimers, type TimerHandle, type Timers } from './timers';

export interface SupervisorHooks<S> {
  /**
   * Open and prepare a session; reject to be retried. `isCurrent()` turns false once the attempt
   * is moot (stop() ran): the session it resolves with is then closed by the supervisor.
   */
  open(isCurrent: () => boolean): Promise<S>;
  /** The session is the live one now (start periodic work). Called after the status is `connected`. */
  activate(session: S): void;
  /** Close a session; must not reject. */
  close(session: S): Promise<void>;
  /** Make a status reason safe to show (redaction); defaults to {@link safeReason}. */
  describe?(err: unknown): string;
}

export interface SupervisorOptions {
  backoff?: BackoffOptions;
  random?: () => number;
  timers?: Timers;
}

export class ConnectionSupervisor<S> implements Disposable {
  private currentStatus: ConnectionStatus = { kind: 'idle' };
  private readonly statusEmitter = new Emitter<ConnectionStatus>();
  private readonly backoff: Backoff;
  private readonly timers: Timers;
  private running = false;
  private generation = 0;
  private live: S | undefined;
  private retryTimer: TimerHandle | undefined;
  private opening: Promise<void> | undefined;
  private readonly closing = new Set<Promise<void>>();

  readonly onDidChangeStatus = this.statusEmitter.event;

  constructor(
    private readonly hooks: SupervisorHooks<S>,
    options: SupervisorOptions = {},
  ) {
    this.backoff = new Backoff(options.backoff, options.random);
    this.timers = options.timers ?? realTimers;
  }

  get status(): ConnectionStatus {
    return this.currentStatus;
  }

  /** The connected session, if any. */
  get session(): S | undefined {
    return this.live;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Begin connecting; resolves once the first attempt settled (connected or waiting to retry). Never rejects. */
  start(): Promise<void> {
    if (this.running) return this.opening ?? Promise.resolve();
    this.running = true;
    this.backoff.reset();
    this.setStatus({ kind: 'connecting' });
    return this.attempt();
  }

  /** The live session broke (`err` says how): close it and reconnect with backoff. Ignored for a stale session. */
  fail(session: S, err: unknown): void {
    if (!this.running || session !== this.live) return;
    this.live = undefined;
    this.generation++;
    this.closeInBackground(session);
    this.scheduleRetry(err);
  }

  /** While waiting to retry, retry now (e.g. the user clicked refresh). */
  retryNow(): Promise<void> {
    if (!this.running || this.retryTimer === undefined) return this.opening ?? Promise.resolve();
    this.timers.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    return this.attempt();
  }

  /** Stop everything; idempotent. Resolves when every session (also one being opened) is closed. */
  async stop(): Promise<void> {
    const wasRunning = this.running;
    this.running = false;
    this.generation++;
    if (this.retryTimer !== undefined) this.timers.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const session = this.live;
    this.live = undefined;
    if (session !== undefined) this.closeInBackground(session);
    await this.opening?.catch(() => undefined);
    while (this.closing.size) await Promise.all([...this.closing]);
    // start() may have been called again while we waited: that run owns the status now.
    if (!this.running && (wasRunning || this.currentStatus.kind !== 'idle')) this.setStatus({ kind: 'idle' });
  }

  dispose(): void {
    void this.stop();
    this.statusEmitter.dispose();
  }

  private attempt(): Promise<void> {
    const generation = ++this.generation;
    const isCurrent = (): boolean => this.running && generation === this.generation;
    const run = (async () => {
      let session: S;
      try {
        session = await this.hooks.open(isCurrent);
      } catch (err) {
        if (isCurrent()) this.scheduleRetry(err);
        return;
      }
      if (!isCurrent()) {
        this.closeInBackground(session);
        return;
      }
      this.live = session;
      this.backoff.reset();
      this.setStatus({ kind: 'connected', since: this.timers.now() });
      try {
        this.hooks.activate(session);
      } catch (err) {
        this.fail(session, err);
      }
    })();
    const tracked = run.finally(() => {
      if (this.opening === tracked) this.opening = undefined;
    });
    this.opening = tracked;
    return tracked;
  }

  private scheduleRetry(err: unknown): void {
    const delay = this.backoff.next();
    const attempt = this.backoff.attempt;
    const retryAt = this.timers.now() + delay;
    const reason = this.describe(err);
    this.setStatus(classifyFault(err) === 'needs-user'
      ? { kind: 'error', reason, attempt, retryAt }
      : { kind: 'reconnecting', attempt, retryAt, reason });
    this.retryTimer = this.timers.setTimeout(() => {
      this.retryTimer = undefined;
      if (this.running) void this.attempt();
    }, delay);
  }

  private describe(err: unknown): string {
    try {
      return this.hooks.describe ? this.hooks.describe(err) : safeReason(err);
    } catch {
      return 'unknown error';
    }
  }

  private closeInBackground(session: S): void {
    const closing = this.hooks.close(session).catch(() => undefined).finally(() => this.closing.delete(closing));
    this.closing.add(closing);
  }

  private setStatus(status: ConnectionStatus): void {
    this.currentStatus = status;
    this.statusEmitter.fire(status);
  }
}
