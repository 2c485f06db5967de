/**
 * The contract of a live cluster model: one ClusterMonitor per connection, fed by events, periodic
 * inspect, queue polling, live results and a backfill from the result backend. The VS Code adapter
 * renders it; it never talks to a broker itself.
 */
import type { QueueInfo } from '../broker/broker';
import type { SnapshotError } from '../state/snapshotTypes';
import type { Disposable } from '../util/disposable';

/** Where the connection is. `reason` strings are safe to show (no secrets). */
export type ConnectionStatus =
  | { kind: 'idle' }
  | { kind: 'connecting' }
  | { kind: 'connected'; since: number }
  | { kind: 'reconnecting'; attempt: number; retryAt: number; reason: string }
  | { kind: 'error'; reason: string };

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
}

/** Events the monitor fires. `onDidChange` fires at most once per tick of work (not per event). */
export interface MonitorEvents {
  onDidChangeStatus(listener: (status: ConnectionStatus) => void): Disposable;
  /** Something in the model changed (tasks, workers, queues); listeners should coalesce. */
  onDidChange(listener: () => void): Disposable;
  /** A problem worth a log line (already redacted). */
  onDidLog(listener: (entry: { level: 'info' | 'warn' | 'error'; message: string }) => void): Disposable;
}
