/**
 * Whether a worker is online, and noticing when that flips without any event to say so (a worker
 * that dies sends nothing: it just stops sending heartbeats).
 *
 * The rule is Celery's State's: alive while a heartbeat came within twice the worker's heartbeat
 * interval. A worker we never heard an event from (started with `--without-heartbeat`, or its
 * events go elsewhere: Celery 5 sends heartbeats without `-E` too) has no heartbeats at
 * all; it counts as online while it keeps answering inspect calls (within `replyWindowS`).
 */
import type { ClusterState, WorkerRecord } from '../state/index';
import type { MonitoredWorkerInfo } from './monitorTypes';

/** Online by heartbeat, or, for a worker that sends no events, by its recent inspect replies. */
export function isWorkerOnline(worker: WorkerRecord, info: MonitoredWorkerInfo | undefined, now: number, replyWindowS: number): boolean {
  if (worker.isAlive(now)) return true;
  const sendsEvents = worker.lastHeartbeat !== undefined || worker.lastSeen !== undefined || worker.offline;
  if (sendsEvents) return false;
  const lastReply = info?.lastReplyAt;
  return lastReply !== undefined && now - lastReply <= replyWindowS;
}

/** Remembers who was online at the last check, to report flips. */
export class LivenessTracker {
  private online = new Map<string, boolean>();
  /** Workers that were online at the previous check and are not at the last one. */
  wentOffline: string[] = [];

  /** Recompute; true when any worker's online state changed (or a worker appeared or went away). */
  check(state: ClusterState, info: ReadonlyMap<string, MonitoredWorkerInfo>, now: number, replyWindowS: number): boolean {
    const next = new Map<string, boolean>();
    let changed = false;
    this.wentOffline = [];
    for (const [host, worker] of state.workers) {
      const online = isWorkerOnline(worker, info.get(host), now, replyWindowS);
      next.set(host, online);
      const before = this.online.get(host);
      if (before !== online) changed = true;
      if (before === true && !online) this.wentOffline.push(host);
    }
    if (next.size !== this.online.size) changed = true;
    this.online = next;
    return changed;
  }

  reset(): void {
    this.online.clear();
    this.wentOffline = [];
  }
}
