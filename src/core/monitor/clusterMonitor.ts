/**
 * The live model of one cluster: a ClusterState fed by the event stream, periodic inspect calls,
 * queue polling, live results and a backfill on every (re)connect; the connection lifecycle with
 * reconnects; and change notifications coalesced per macrotask. The VS Code adapter renders it.
 *
 * Logging: every info/warn/error line goes to `onDidLog` (redacted, rate-limited per kind of
 * problem); `options.logger` only receives the brokers' debug/trace detail, so an adapter that
 * writes onDidLog into the same logger gets each line once.
 */
import type { RedisResultBackend } from '../backend/redisResultBackend';
import { join } from 'node:path';
import type { Broker, Subscription } from '../broker/broker';
import type { RemoteControl } from '../control/remoteControl';
import { DashboardMetrics } from '../dashboard/dashboardMetrics';
import { ClusterState } from '../state/index';
import type { ConnectionUrl } from '../url/connectionUrl';
import type { BackoffOptions } from '../util/backoff';
import type { Disposable } from '../util/disposable';
import { Emitter } from '../util/emitter';
import { CeleryLensError } from '../util/errors';
import { type Logger, silentLogger } from '../util/logger';
import { ChangeCoalescer } from './changeCoalescer';
import { ConnectionSupervisor } from './connectionSupervisor';
import { applyDecoded, eventFeed, type EventSink, rawEventFeed } from './eventFeed';
import { EventDecoderThread } from './eventDecoderThread';
import { EventGapTracker } from './eventGaps';
import { findSilentWorkers, HeartbeatSilenceWatch } from './heartbeatSilence';
import { isConnectionFault, safeReason } from './faults';
import { HealthRecorder } from './healthRecorder';
import { MonitorWork } from './monitorWork';
import { MonitorSession } from './monitorSession';
import type { ConnectionStatus, MonitoredQueue, MonitoredWorkerInfo, MonitorEvents, MonitorHealth, MonitorSettings } from './monitorTypes';
import { PeriodicTask } from './periodicTask';
import { PollingJobs } from './pollingJobs';
import { type LogEntry, RateLimitedLog } from './rateLimitedLog';
import { ResultFeed } from './resultFeed';
import { realTimers, type TimerHandle, type Timers } from './timers';
import { inferLostTasks } from './lostTasks';
import { isWorkerOnline, LivenessTracker } from './workerLiveness';
import { resolveSettings, type ResolvedSettings } from './monitorSettings';

export interface ClusterMonitorOptions {
  /** The connection's display name. */
  name: string;
  brokerUrl: ConnectionUrl;
  /** Redis result backend; optional (without it: no results, no backfill of finished tasks). */
  backendUrl?: ConnectionUrl;
  /** RabbitMQ management API base URL with credentials (queue listing and peeking). */
  managementUrl?: string;
  settings?: MonitorSettings;
  logger?: Logger;
  /** Current time, epoch seconds (the state's clock). */
  now?: () => number;
  /** Reconnect backoff (default 1 s, ×2, max 30 s, 20 % jitter). */
  backoff?: BackoffOptions;
  /** Timer functions (tests). */
  timers?: Timers;
  /**
   * Decode Redis events on a worker thread (the extension and the CLI's `watch`: their main thread
   * then only applies them). Off by default (one-shot commands and tests decode in line). See
   * eventDecoderThread.ts.
   */
  decodeInWorker?: boolean;
  /** The worker script (default: eventDecodeWorker.js beside this module or bundle). */
  decoderScript?: string;
}

/** How often worker liveness is re-checked, ms. */
export const LIVENESS_CHECK_MS = 1000;

export class ClusterMonitor implements MonitorEvents, Disposable {
  readonly name: string;
  readonly state: ClusterState;
  /** Queue depth and worker utilisation history, for the dashboard. */
  readonly metrics = new DashboardMetrics();
  private readonly settings: ResolvedSettings;
  private readonly timers: Timers;
  private readonly statusEmitter = new Emitter<ConnectionStatus>();
  private readonly changeEmitter = new Emitter<void>();
  private readonly logEmitter = new Emitter<LogEntry>();
  private readonly coalescer: ChangeCoalescer;
  private readonly log: RateLimitedLog;
  private readonly recorder: HealthRecorder;
  private readonly supervisor: ConnectionSupervisor<MonitorSession>;
  private readonly liveness = new LivenessTracker();
  private readonly gaps = new EventGapTracker((gap) => {
    this.recorder.gap(gap);
    this.changed();
  });
  private readonly info = new Map<string, MonitoredWorkerInfo>();
  private readonly jobs = new WeakMap<MonitorSession, PollingJobs>();
  private readonly brokerLogger: Logger;
  private readonly work: MonitorWork;
  private livenessTimer: TimerHandle | undefined;
  private readonly eventSink: EventSink;
  private decoder: EventDecoderThread | undefined;
  private eventSubscription: Subscription | undefined;
  private active = true;
  private everConnected = false;
  /** Epoch ms since when the current event subscription listens (events sent before never reach us). */
  private listeningSince = 0;
  private readonly silence: HeartbeatSilenceWatch;

  readonly onDidChangeStatus = this.statusEmitter.event;
  readonly onDidChange = (listener: () => void): Disposable => this.changeEmitter.event(listener);
  readonly onDidLog = this.logEmitter.event;

  constructor(private readonly options: ClusterMonitorOptions) {
    this.name = options.name;
    this.settings = resolveSettings(options.settings);
    this.timers = options.timers ?? realTimers;
    this.state = new ClusterState({ now: options.now, maxTasks: this.settings.maxTasks });
    this.coalescer = new ChangeCoalescer(() => this.changeEmitter.fire(), this.timers);
    this.log = new RateLimitedLog((entry) => this.logEmitter.fire(entry), { timers: this.timers });
    this.recorder = new HealthRecorder(this.log);
    this.eventSink = { state: this.state, health: this.recorder, changed: () => this.changed(), gaps: this.gaps };
    this.silence = new HeartbeatSilenceWatch(this.recorder, (message) => this.log.report('events', 'info', message));
    this.work = new MonitorWork({
      state: this.state,
      settings: this.settings,
      recorder: this.recorder,
      info: this.info,
      hasManagement: options.managementUrl !== undefined,
      metrics: this.metrics,
      changed: () => this.changed(),
      describe: (err) => this.describe(err),
      inspected: (session, answered) => this.checkHeartbeatSilence(session, answered),
    });
    const detail = options.logger ?? silentLogger;
    this.brokerLogger = {
      trace: (m) => detail.trace(m),
      debug: (m) => detail.debug(m),
      info: (m) => this.log.report('broker messages', 'info', this.describe(m)),
      warn: (m) => this.log.report('broker warnings', 'warn', this.describe(m)),
      error: (m) => this.log.report('broker errors', 'error', this.describe(m)),
    };
    this.supervisor = new ConnectionSupervisor<MonitorSession>({
      open: (isCurrent) => this.openSession(isCurrent),
      activate: (session) => this.activate(session),
      close: (session) => session.close(),
      describe: (err) => this.describe(err),
    }, { backoff: options.backoff, timers: this.timers });
    let previous = this.supervisor.status;
    this.supervisor.onDidChangeStatus((status) => {
      this.trackLinkGap(previous, status);
      previous = status;
      this.statusEmitter.fire(status);
    });
  }

  get status(): ConnectionStatus {
    return this.supervisor.status;
  }

  /** Queues as last polled, with the depth before that for a trend. */
  get queues(): MonitoredQueue[] {
    return this.work.queues;
  }

  get health(): MonitorHealth {
    return this.recorder.health;
  }

  /** Per-worker extras (conf, scheduled, last reply), for tooltips. */
  get workerInfo(): ReadonlyMap<string, MonitoredWorkerInfo> {
    return this.info;
  }

  /** The connected session's broker (undefined unless connected); it changes after a reconnect. */
  get broker(): Broker | undefined {
    return this.supervisor.session?.broker;
  }

  get control(): RemoteControl | undefined {
    return this.supervisor.session?.control;
  }

  /** The connected result backend, if one is configured and reachable. */
  get backend(): RedisResultBackend | undefined {
    return this.supervisor.session?.backend;
  }

  /**
   * Where the event stream is decoded: on the worker thread (a Redis broker with decodeInWorker,
   * while the thread works), or on this thread (AMQP events arrive decoded by the client).
   */
  get eventDecoding(): 'worker thread' | 'this thread' {
    return this.decoder?.threaded && this.options.brokerUrl.kind === 'redis' ? 'worker thread' : 'this thread';
  }

  get isActive(): boolean {
    return this.active;
  }

  /** Online by Celery's heartbeat rule (or, for a worker without events, by answering inspect). */
  isWorkerOnline(hostname: string): boolean {
    const worker = this.state.workers.get(hostname);
    return worker !== undefined && isWorkerOnline(worker, this.info.get(hostname), this.state.now(), this.replyWindowS());
  }

  /** Connect and keep connected until stop(). Resolves after the first attempt settled; never rejects. */
  start(): Promise<void> {
    if (this.supervisor.isRunning) return this.supervisor.start();
    this.recorder.reset();
    this.liveness.reset();
    this.gaps.reset();
    this.silence.reset();
    if (this.options.decodeInWorker) this.decoder ??= this.startDecoder();
    this.scheduleLiveness();
    return this.supervisor.start();
  }

  /** Stop: timers cleared, subscriptions and connections closed, status idle. Idempotent. */
  async stop(): Promise<void> {
    if (this.livenessTimer !== undefined) this.timers.clearTimeout(this.livenessTimer);
    this.livenessTimer = undefined;
    await this.supervisor.stop();
    this.decoder?.close();
    this.decoder = undefined;
    this.coalescer.flush();
    this.log.flush();
  }

  /** Pause (false) or resume (true) inspect and queue polling; events and results keep flowing. */
  setActive(active: boolean): void {
    if (active === this.active) return;
    this.active = active;
    const session = this.supervisor.session;
    if (session) this.jobs.get(session)?.setActive(active);
    if (active && session) void this.refresh();
  }

  /** Inspect and poll queues now (or, while waiting to reconnect, retry now). Never rejects. */
  async refresh(): Promise<void> {
    const session = this.supervisor.session;
    if (!session) {
      await this.supervisor.retryNow();
      return;
    }
    await this.jobs.get(session)?.runNow();
  }

  dispose(): void {
    void this.stop().finally(() => {
      this.coalescer.dispose();
      this.statusEmitter.dispose();
      this.changeEmitter.dispose();
      this.logEmitter.dispose();
    });
  }

  private changed = (): void => this.coalescer.mark();

  private describe(err: unknown): string {
    return safeReason(err, [this.options.brokerUrl, this.options.backendUrl]);
  }

  private replyWindowS(): number {
    return (2 * this.settings.inspectIntervalMs + this.settings.controlTimeoutMs) / 1000;
  }

  private scheduleLiveness(): void {
    this.livenessTimer = this.timers.setTimeout(() => {
      this.livenessTimer = undefined;
      try {
        if (this.liveness.check(this.state, this.info, this.state.now(), this.replyWindowS())) this.changed();
        if (this.liveness.wentOffline.length) this.reportLostTasks();
        this.metrics.sampleWorkers(this.state.workers.values(), this.state.now());
        this.gaps.settle(Date.now());
        if (this.silence.refresh(this.state)) this.changed();
      } catch {
        // A liveness check reads plain records; never let it kill the timer chain.
      }
      if (this.supervisor.isRunning) this.scheduleLiveness();
    }, LIVENESS_CHECK_MS);
  }

  /** Workers that expired under us (killed, not stopped) leave their running tasks lost: see lostTasks.ts. */
  private reportLostTasks(): void {
    const status = this.supervisor.status;
    const since = status.kind === 'connected' ? status.since / 1000 : undefined;
    for (const { hostname, taskIds } of inferLostTasks(this.state, this.liveness.wentOffline, since, this.state.now())) {
      this.log.report('lost tasks', 'warn', `${hostname} stopped sending heartbeats while running ${taskIds.length} task(s): ` +
        `marked FAILURE (WorkerLostError, inferred): ${taskIds.join(', ')}`);
    }
  }

  private async openSession(isCurrent: () => boolean): Promise<MonitorSession> {
    const session = await MonitorSession.open({
      brokerUrl: this.options.brokerUrl,
      backendUrl: this.options.backendUrl,
      managementUrl: this.options.managementUrl,
      connectTimeoutMs: this.settings.connectTimeoutMs,
      commandTimeoutMs: this.settings.commandTimeoutMs,
      controlTimeoutMs: this.settings.controlTimeoutMs,
      logger: this.brokerLogger,
    }, {
      onEventMessage: eventFeed(this.eventSink),
      // Raw payloads where the broker has them (Redis): to the decoding thread, or decoded here.
      rawEvents: {
        subscribeElsewhere: (source) => this.decoder?.subscribe(source, {
          onInterruption: (lostAt, resumedAt, reason) => this.subscriptionCut(lostAt, resumedAt, reason),
          onLost: (reason) => {
            const live = this.supervisor.session;
            if (live) this.supervisor.fail(live, new CeleryLensError(`${reason}: subscribing to events again on this thread`, 'CLOSED'));
          },
        }),
        push: this.decoder ? (channel, payload) => this.decoder?.push(channel, payload) : rawEventFeed(this.eventSink),
        attach: (subscription) => (this.eventSubscription = subscription),
      },
      resultFeed: (backend) => new ResultFeed(backend, this.state, this.recorder, this.changed),
      onLost: (s, reason) => this.supervisor.fail(s, new Error(`connection lost: ${reason}`)),
      onBackendProblem: (problem) => this.setBackendProblem(problem),
      describe: (err) => this.describe(err),
      onNotice: (notice) => {
        if (notice.kind === 'events-interrupted') this.subscriptionCut(notice.lostAt, notice.resumedAt, notice.reason);
        else if (this.recorder.notice(notice)) this.changed();
      },
    });
    this.listeningSince = Date.now();
    try {
      await this.work.initialSync(session, isCurrent);
      if (session.lostReason !== undefined) throw new Error(`connection lost: ${session.lostReason}`);
    } catch (err) {
      await session.close();
      throw err;
    }
    this.changed();
    return session;
  }

  private activate(session: MonitorSession): void {
    if (this.everConnected) this.recorder.health.reconnects++;
    this.everConnected = true;
    const jobs = new PollingJobs(
      new PeriodicTask(() => this.guard(session, 'inspect', () => this.work.inspect(session)), this.settings.inspectIntervalMs, this.timers),
      new PeriodicTask(() => this.guard(session, 'queues', () => this.work.pollQueues(session)), this.settings.queuePollIntervalMs, this.timers),
      new PeriodicTask(() => this.guard(session, 'health check', () => this.work.probe(session)), this.settings.healthCheckIntervalMs, this.timers),
    );
    session.disposables.push(jobs);
    this.jobs.set(session, jobs);
    jobs.start(this.active);
    // The link may have dropped between the backfill and now; the session would not hear of it again.
    if (session.lostReason !== undefined) this.supervisor.fail(session, new Error(`connection lost: ${session.lostReason}`));
  }

  /** Run a periodic job: a connection fault reconnects, anything else is recorded. */
  private async guard(session: MonitorSession, what: string, job: () => Promise<void>): Promise<void> {
    try {
      await job();
    } catch (err) {
      if (isConnectionFault(err)) this.supervisor.fail(session, err);
      else this.recorder.problem(what, this.describe(err));
    }
  }

  private startDecoder(): EventDecoderThread {
    return new EventDecoderThread(this.options.decoderScript ?? join(__dirname, 'eventDecodeWorker.js'), {
      onDecoded: (events, errors, clock) => {
        if (clock > this.state.clock.value) this.state.clock.value = clock;
        applyDecoded(this.eventSink, events, errors);
      },
      onFailure: (reason) => this.recorder.problem('events', reason),
      onBackPressure: (paused) => this.eventSubscription?.setPaused?.(paused),
      onLog: (level, message) => (level === 'warn' ? this.brokerLogger.warn(message) : this.brokerLogger.debug(message)),
    }, () => this.state.now());
  }

  /**
   * The link failed while connected: events stop reaching us from the last one received (when a
   * hang was only noticed by a command timeout) or from now; they flow again once reconnected.
   */
  private trackLinkGap(before: ConnectionStatus, after: ConnectionStatus): void {
    const now = Date.now();
    if (before.kind === 'connected' && (after.kind === 'reconnecting' || after.kind === 'error')) {
      const last = this.gaps.lastEventAt;
      const noticeWindow = this.settings.commandTimeoutMs + this.settings.queuePollIntervalMs;
      const from = last !== undefined && last >= before.since && now - last <= noticeWindow ? last : now;
      this.gaps.lost(from, after.reason, this.state.clock.value);
    } else if (after.kind === 'connected') {
      this.gaps.resumed(now);
    }
  }

  /** The broker's client re-subscribed on its own: record the gap and read back what the backend stored meanwhile. */
  private subscriptionCut(lostAt: number, resumedAt: number, reason: string): void {
    this.listeningSince = resumedAt;
    this.gaps.lost(lostAt, reason, this.state.clock.value);
    this.gaps.resumed(resumedAt);
    const session = this.supervisor.session;
    if (session) void this.guard(session, 'backfill after an event gap', () => this.work.backfill(session));
  }

  /**
   * Workers answered inspect: any whose events stopped reaching us? Only once our own subscription
   * proved alive is that reported as theirs (a dead one is re-made by its probe, which records the
   * gap; one that cannot tell now, paused or reconnecting, is asked again next round).
   */
  private async checkHeartbeatSilence(session: MonitorSession, answered: ReadonlySet<string>): Promise<void> {
    const silentNow = (): ReturnType<typeof findSilentWorkers> =>
      findSilentWorkers(this.state, answered, this.state.now(), this.listeningSince / 1000);
    const silent = silentNow();
    if (silent.length) {
      // Anything received after the latest of their silences began proves the subscription works.
      const since = (this.state.now() - Math.min(...silent.map((w) => w.silentS))) * 1000;
      const verdict = (await session.eventSubscription?.probe?.(since)) ?? 'alive';
      // 'unknown' (AMQP: binding re-asserted; Redis: paused or reconnecting): events sent before now
      // may never have had a way to us, so measure from now.
      if (verdict === 'unknown') this.listeningSince = Date.now();
      if (verdict !== 'alive') return;
    }
    // Measured again: events may have arrived while the PING was out.
    if (this.silence.update(silentNow(), session.broker.kind, this.state.now() * 1000)) this.changed();
  }

  private setBackendProblem(problem: string | undefined): void {
    const before = this.recorder.health.backendProblem;
    if (problem === undefined) delete this.recorder.health.backendProblem;
    else this.recorder.health.backendProblem = problem;
    if (problem !== undefined && problem !== before) this.recorder.problem('result backend', problem);
    if (problem === undefined && before !== undefined) this.log.report('result backend', 'info', 'result backend connected');
    if (problem !== before) this.changed();
  }
}
