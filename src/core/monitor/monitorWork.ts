/**
 * What a monitor does with a connected session: the inspect round, the queue poll, the health
 * probe and the backfill on connect. Connection faults propagate (the caller reconnects);
 * anything else is recorded in the health and the log.
 */
import type { DashboardMetrics } from '../dashboard/dashboardMetrics';
import type { ClusterState } from '../state/index';
import { Backoff } from '../util/backoff';
import { backfillQueued, backfillResults, backfillUnacked } from './backfill';
import { isConnectionFault } from './faults';
import type { HealthRecorder } from './healthRecorder';
import { runInspectRound } from './inspectRound';
import type { MonitorSession } from './monitorSession';
import type { ResolvedSettings } from './monitorSettings';
import type { MonitoredQueue, MonitoredWorkerInfo } from './monitorTypes';
import { pollQueues } from './queuePoll';

export interface MonitorWorkContext {
  state: ClusterState;
  settings: ResolvedSettings;
  recorder: HealthRecorder;
  /** Per-worker extras, filled by the inspect round. */
  info: Map<string, MonitoredWorkerInfo>;
  /** Whether a management URL was given (AMQP queues can only be peeked through it). */
  hasManagement: boolean;
  /** Keeps the queue depth history (dashboard). */
  metrics?: DashboardMetrics;
  changed(): void;
  describe(err: unknown): string;
  /** After each inspect round: the workers that answered (the monitor checks their events arrive). */
  inspected?(session: MonitorSession, answered: ReadonlySet<string>): Promise<void>;
}

export class MonitorWork {
  /** Queues as last polled. */
  queues: MonitoredQueue[] = [];
  /** The last `active_queues` replies, for queue discovery. */
  private activeQueues: Record<string, unknown> = {};
  private readonly backendBackoff = new Backoff();
  private backendRetry: Promise<void> | undefined;
  private nextBackendRetryAt = 0;

  constructor(private readonly ctx: MonitorWorkContext) {}

  private get state(): ClusterState {
    return this.ctx.state;
  }

  private get settings(): ResolvedSettings {
    return this.ctx.settings;
  }

  private get recorder(): HealthRecorder {
    return this.ctx.recorder;
  }

  private changed(): void {
    this.ctx.changed();
  }

  private describe(err: unknown): string {
    return this.ctx.describe(err);
  }

  /**
   * On (re)connect, before the status says connected: inspect, read queues, backfill. Rejects
   * only on a connection fault (the attempt then fails and is retried); `isCurrent()` false stops early.
   */
  async initialSync(session: MonitorSession, isCurrent: () => boolean): Promise<void> {
    if (isCurrent()) await this.runStep('inspect', () => this.inspect(session));
    if (isCurrent()) await this.runStep('queues', () => this.pollQueues(session));
    if (isCurrent()) await this.backfill(session);
  }

  async inspect(session: MonitorSession): Promise<void> {
    this.retryBackend(session);
    const round = await runInspectRound(session.control, this.state, this.ctx.info, this.recorder, {
      timeoutMs: this.settings.controlTimeoutMs,
      describe: (err) => this.describe(err),
    });
    this.activeQueues = round.activeQueues;
    this.recorder.health.lastInspectAt = this.state.now();
    this.changed();
    await this.ctx.inspected?.(session, round.answered);
  }

  async pollQueues(session: MonitorSession): Promise<void> {
    this.queues = await pollQueues(session.broker, this.activeQueues, this.queues, this.state.now());
    this.ctx.metrics?.recordQueues(this.queues, this.state.now());
    this.recorder.health.lastQueuePollAt = this.state.now();
    this.changed();
  }

  /** While polling is paused: one cheap call, so a dead link is still noticed. */
  async probe(session: MonitorSession): Promise<void> {
    const name = this.queues[0]?.name ?? 'celery';
    await session.broker.queueInfo([name]);
  }

  async backfill(session: MonitorSession): Promise<void> {
    const backend = session.backend;
    if (backend) await this.runBackendStep(() => backfillResults(backend, this.state, this.settings.backfillLimit, this.recorder));
    const peekable = session.broker.kind === 'redis' || (this.settings.peekAmqpOnBackfill && this.ctx.hasManagement);
    if (peekable) await this.runStep('queued messages', () => backfillQueued(session.broker, this.queues, this.settings.queuedBackfillPerQueue, this.state, this.recorder));
    await this.runStep('unacked messages', () => backfillUnacked(session.broker, this.state, this.recorder));
    this.changed();
  }

  /**
   * A configured backend that failed is retried in the background (with its own backoff, so a
   * backend host that does not answer never delays the inspect round); once it connects, the
   * stored results are backfilled.
   */
  private retryBackend(session: MonitorSession): void {
    if (!session.backendMissing || this.backendRetry || Date.now() < this.nextBackendRetryAt) return;
    this.backendRetry = (async () => {
      if (await session.connectBackend()) {
        this.backendBackoff.reset();
        const backend = session.backend;
        if (backend) await this.runBackendStep(() => backfillResults(backend, this.state, this.settings.backfillLimit, this.recorder));
        this.changed();
      } else {
        this.nextBackendRetryAt = Date.now() + this.backendBackoff.next();
      }
    })().catch(() => undefined).finally(() => {
      this.backendRetry = undefined;
    });
  }

  /** A broker step of the backfill: a connection fault fails the attempt, anything else is recorded. */
  private async runStep(what: string, step: () => Promise<unknown>): Promise<void> {
    try {
      await step();
    } catch (err) {
      if (isConnectionFault(err)) throw err;
      this.recorder.problem(what, this.describe(err));
    }
  }

  /** A backend step never fails the broker connection. */
  private async runBackendStep(step: () => Promise<unknown>): Promise<void> {
    try {
      await step();
    } catch (err) {
      this.recorder.problem('result backend', this.describe(err));
    }
  }
}
