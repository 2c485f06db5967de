/**
 * A cluster picture for the command line: the event stream folded into a ClusterState, plus the
 * workers' inspect replies, queue depths and the result backend. `snapshot` takes one picture,
 * `watch` keeps refreshing it.
 */
import type { Broker } from '../broker/broker';
import type { QueueInfo } from '../broker/broker';
import type { RedisResultBackend } from '../backend/redisResultBackend';
import type { RemoteControl, CallResult } from '../control/remoteControl';
import { decodeEventMessage } from '../celery/events';
import { isUndecodable, type RawMessage, type Undecodable } from '../celery/rawMessage';
import { discoverQueues } from '../queues/discoverQueues';
import { ClusterState, snapshotErrorOf, snapshotTasks, snapshotWorkers } from '../state/index';
import type { Snapshot, SnapshotError } from '../state/snapshotTypes';
import type { Subscription } from '../broker/broker';
import { redactSecretsInText } from '../url/connectionUrl';

/** Inspect methods a refresh asks, and how each reply is merged. */
const REFRESH_METHODS = ['stats', 'active', 'reserved', 'registered', 'active_queues'] as const;

export interface ObserverOptions {
  /** Most backend records read when backfilling (SCAN order, not time order). */
  maxBackfill?: number;
  now?: () => number;
}

export class ClusterObserver {
  readonly state: ClusterState;
  private readonly errors: SnapshotError[] = [];
  private queues: QueueInfo[] = [];
  /** Workers that answered the last refresh: alive whatever their heartbeat says. */
  private answered = new Set<string>();
  private subscription?: Subscription;

  constructor(
    private readonly broker: Broker,
    private readonly control: RemoteControl,
    private readonly backend: RedisResultBackend | undefined,
    private readonly options: ObserverOptions = {},
  ) {
    this.state = new ClusterState({ now: options.now });
  }

  /** Start listening to events. */
  async start(): Promise<void> {
    this.subscription = await this.broker.subscribeEvents((message) => this.onEventMessage(message));
  }

  get undecodableCount(): number {
    return this.errors.filter((e) => e.kind === 'undecodable').length;
  }

  private onEventMessage(message: RawMessage | Undecodable): void {
    if (isUndecodable(message)) {
      this.recordUndecodable(message);
      return;
    }
    const where = message.deliveryInfo.routingKey ?? 'celeryev';
    const { events, errors } = decodeEventMessage(message, where, this.state.now(), { clock: this.state.clock });
    errors.forEach((e) => this.recordUndecodable(e));
    for (const event of events) this.state.apply(event);
  }

  /** Keep every error for the snapshot, but report each to the listener once. */
  onError?: (error: SnapshotError) => void;

  private recordUndecodable(item: Undecodable): void {
    this.pushError(snapshotErrorOf(item));
  }

  private pushError(error: SnapshotError): void {
    this.errors.push(error);
    this.onError?.(error);
  }

  private async ask(method: string): Promise<CallResult | undefined> {
    try {
      const result = await this.control.inspect(method);
      result.errors.forEach((e) => this.recordUndecodable(e));
      return result;
    } catch (err) {
      this.pushError({ kind: 'error', source: `inspect ${method}`, message: redactSecretsInText((err as Error).message) });
      return undefined;
    }
  }

  /** Ask every worker what it is doing and read queue depths; merges it all into the state. */
  async refresh(): Promise<void> {
    const results = await Promise.all(REFRESH_METHODS.map((m) => this.ask(m)));
    const [stats, active, reserved, registered, activeQueues] = results;
    this.answered = new Set(results.flatMap((r) => (r ? Object.keys(r.byWorker) : [])));
    for (const [host, reply] of Object.entries(stats?.byWorker ?? {})) this.state.mergeWorkerStats(host, reply);
    for (const [host, reply] of Object.entries(active?.byWorker ?? {})) this.state.mergeActive(host, reply);
    for (const [host, reply] of Object.entries(reserved?.byWorker ?? {})) this.state.mergeReserved(host, reply);
    for (const [host, reply] of Object.entries(registered?.byWorker ?? {})) this.state.mergeRegistered(host, reply);
    for (const [host, reply] of Object.entries(activeQueues?.byWorker ?? {})) this.state.mergeActiveQueues(host, reply);
    try {
      this.queues = await discoverQueues(this.broker, activeQueues?.byWorker ?? {});
    } catch (err) {
      this.pushError({ kind: 'error', source: 'queues', message: redactSecretsInText((err as Error).message) });
    }
  }

  /**
   * Read the backend's record of every task we know, then add up to `maxBackfill` stored results
   * of tasks we have not seen (they finished before we started listening).
   */
  async readBackend(): Promise<void> {
    const backend = this.backend;
    if (!backend) return;
    try {
      const known = [...this.state.tasks.keys()];
      const metas = await Promise.all(known.map((id) => backend.getTaskMeta(id)));
      for (const meta of metas) this.mergeMeta(meta);
      let read = 0;
      const max = this.options.maxBackfill ?? 1000;
      for await (const meta of backend.scanTaskMetas()) {
        if (read++ >= max) break;
        if (!isUndecodable(meta) && this.state.tasks.has(meta.taskId)) continue;
        this.mergeMeta(meta);
      }
    } catch (err) {
      this.pushError({ kind: 'error', source: 'result backend', message: redactSecretsInText((err as Error).message) });
    }
  }

  private mergeMeta(meta: Awaited<ReturnType<RedisResultBackend['getTaskMeta']>>): void {
    if (!meta) return;
    if (isUndecodable(meta)) this.recordUndecodable(meta);
    else this.state.mergeTaskFromResult(meta);
  }

  /** The picture now. `taskLimit` caps tasks (most recent first). */
  snapshot(taskLimit?: number): Snapshot {
    const workers = snapshotWorkers(this.state).map((w) => (this.answered.has(w.hostname) ? { ...w, online: true } : w));
    const queues = this.queues.map((q) => ({ name: q.name, messages: q.messages, consumers: q.consumers ?? null, byPriority: q.byPriority }));
    return { workers, queues, tasks: snapshotTasks(this.state, taskLimit), errors: [...this.errors] };
  }

  async close(): Promise<void> {
    await this.subscription?.close();
    this.subscription = undefined;
  }
}
