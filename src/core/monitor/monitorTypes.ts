/**
 * The contract of a live cluster model: one ClusterMonitor per connection, fed by events, periodic
 * inspect, queue polling, live results and a backfill from the result backend. The VS Code adapter
 * renders it; it never talks to a broker itself.
 */
import type { QueueInfo } from '../broker/broker';
import type { SnapshotError } from '../state/snapshotTypes';
import type { Disposable } from '../util/disposable';
import type { EventGap } from './eventGaps';
import type { HeartbeatSilence } from './heartbeatSilence';

/**
 * Where the connection is. `reason` strings are safe to show (no secrets). Times (`since`,
 * `retryAt`) are epoch milliseconds.
 *
 * `reconnecting`: the link failed or dropped; retrying with backoff (1 s, 2 s, ... 30 s).
 * `error`: the server refuses us (wrong password, missing vhost, untrusted certificate, unreadable
 * TLS file). The monitor keeps retrying with the same backoff (`attempt`/`retryAt` are then set),
 * because an operator may fix the server side. An error without retry fields is final (the adapter
 * uses it for a URL it cannot parse, which never reaches a monitor).
 */
export type ConnectionStatus =
  | { kind: 'idle' }
  | { kind: 'connecting' }
  | { kind: 'connected'; since: number }
  | { kind: 'reconnecting'; attempt: number; retryAt: number; reason: string }
  | { kind: 'error'; reason: string; attempt?: number; retryAt?: number };

export interface MonitorSettings {
  /** How often to run inspect (stats, active, reserved, scheduled, active_queues, registered, conf), ms. Default 10 000. */
  inspectIntervalMs?: number;
  /** How often to read queue depths, ms. Default 5 000. */
  queuePollIntervalMs?: number;
  /** Most tasks kept in memory (oldest finished ones evicted first). Default 100 000. */
  maxTasks?: number;
  /** Most stored results read by the backfill on connect. Default 2 000. */
  backfillLimit?: number;
  /** Worker reply timeout for inspect, ms. Default 1 000. */
  controlTimeoutMs?: number;
  /** Broker connect timeout, ms. Default 5 000. */
  connectTimeoutMs?: number;
  /**
   * How long a broker or backend command may go unanswered before the link counts as hung (a
   * SIGSTOPped or wedged server accepts TCP but never answers), ms. Default 5 000.
   */
  commandTimeoutMs?: number;
  /** Messages peeked per queue on connect, so tasks waiting in queues show up (PENDING). 0 disables. Default 100. */
  queuedBackfillPerQueue?: number;
  /**
   * Also peek RabbitMQ queues on connect (needs the management URL). Off by default: RabbitMQ can
   * only show a message by handing it out and requeueing it, which marks it `redelivered` and
   * counts towards a quorum queue's delivery limit. Redis queues are always peeked (LRANGE).
   */
  peekAmqpOnBackfill?: boolean;
  /** While polling is paused (setActive(false)), a cheap broker call this often notices a dead link, ms. Default 30 000. */
  healthCheckIntervalMs?: number;
}

/** A queue as the monitor last read it, with the depth before that for a trend arrow. */
export interface MonitoredQueue extends QueueInfo {
  /** Depth at the previous poll; undefined on the first. */
  previousMessages?: number;
  /** Epoch seconds of the read. */
  readAt: number;
}

/** Counts of what went wrong, for the connection's tooltip and the log. */
export interface MonitorHealth {
  undecodableEvents: number;
  undecodableOther: number;
  /** The most recent problems, newest last (bounded). */
  recentErrors: SnapshotError[];
  /** Events received since start. */
  events: number;
  /** Result updates received from the backend's pub/sub channels (ours only). */
  resultsReceived: number;
  /**
   * Result updates ignored because their key is not in our backend DB (Redis pub/sub channels
   * are shared by every DB of a server, so another app's results are heard too).
   */
  foreignResultsIgnored: number;
  /** Set while the configured result backend cannot be used (safe to show); the broker side keeps working. */
  backendProblem?: string;
  /** Times the connection was re-established after a failure. */
  reconnects: number;
  /** Set while RabbitMQ blocks the connection (a memory or disk alarm): the server's reason. */
  blocked?: string;
  /** Events the broker dropped before we could read them (AMQP: expired in our event queue), counted exactly. */
  eventsLost?: number;
  /** Gaps in the event stream (subscription cut by Redis, link lost or hung), see eventGaps.ts. */
  eventGaps?: number;
  /** Events estimated lost in those gaps (an estimate: Redis keeps nothing for an absent subscriber). */
  eventsEstimatedLost?: number;
  /** The most recent gap. */
  lastEventGap?: EventGap;
  /**
   * Set while workers answer remote control but none of their events reach us (heartbeats missing
   * for over twice their interval while our subscription answers), see heartbeatSilence.ts.
   */
  heartbeatSilence?: HeartbeatSilence;
  /** Workers noticed so, counted once per stretch of silence. */
  heartbeatSilences?: number;
  /** Epoch seconds of the last completed inspect round and queue poll. */
  lastInspectAt?: number;
  lastQueuePollAt?: number;
}

/** What the monitor keeps per worker beyond the ClusterState's WorkerRecord (for tooltips). */
export interface MonitoredWorkerInfo {
  /** The worker's `inspect conf` reply (its effective configuration). */
  conf?: Record<string, unknown>;
  /** The worker's `inspect scheduled` reply: `{eta, priority, request}` entries of ETA/countdown tasks. */
  scheduled?: unknown[];
  /** Epoch seconds of its last answer to an inspect call. */
  lastReplyAt?: number;
}

/** Events the monitor fires. `onDidChange` fires at most once per tick of work (not per event). */
export interface MonitorEvents {
  onDidChangeStatus(listener: (status: ConnectionStatus) => void): Disposable;
  /** Something in the model changed (tasks, workers, queues); listeners should coalesce. */
  onDidChange(listener: () => void): Disposable;
  /** A problem worth a log line (already redacted). */
  onDidLog(listener: (entry: { level: 'info' | 'warn' | 'error'; message: string }) => void): Disposable;
}
