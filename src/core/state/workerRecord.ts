/**
 * One worker as events describe it (plus what inspect replies add). Liveness follows Celery's
 * State: a worker is alive while `now < last heartbeat + freq * 2` (a 200% expiry window), where
 * heartbeats are OUR receive times (`local_received`), so sender clock skew does not matter.
 */
import type { CeleryEvent } from '../celery/types';

/** Heartbeat receive times kept per worker (Celery keeps 4). */
export const HEARTBEATS_KEPT = 4;
/** Expiry window in percent of `freq`, as Celery's HEARTBEAT_EXPIRE_WINDOW. */
export const HEARTBEAT_EXPIRE_WINDOW = 200;
/** Drift (seconds) between a worker's clock and ours above which clocks are likely out of sync. */
export const HEARTBEAT_DRIFT_MAX = 16;

export class WorkerRecord {
  pid: number | undefined = undefined;
  /** Heartbeat interval in seconds; Celery assumes 60 until a worker event says otherwise. */
  freq = 60;
  /** Our receive times of the last {@link HEARTBEATS_KEPT} heartbeats, oldest first. */
  heartbeats: number[] = [];
  clock = 0;
  /** Tasks running now / processed so far, from the last heartbeat that carried them. */
  active: number | undefined = undefined;
  processed: number | undefined = undefined;
  loadavg: number[] | undefined = undefined;
  swIdent: string | undefined = undefined;
  swVer: string | undefined = undefined;
  swSys: string | undefined = undefined;
  /** True after `worker-offline` (until the worker is heard from again). */
  offline = false;
  /** Last `local_received - timestamp` seen (seconds); large values mean clocks are out of sync. */
  drift: number | undefined = undefined;
  /** Our receive time of the last event from this worker. */
  lastSeen: number | undefined = undefined;

  // Filled by inspect replies (see merges.ts).
  /** The raw `inspect stats` reply. */
  stats: Record<string, unknown> | undefined = undefined;
  pool: string | undefined = undefined;
  concurrency: number | undefined = undefined;
  /** Task ids running now, from `inspect active` (authoritative over event-derived state). */
  activeTasks: string[] | undefined = undefined;
  /** Task ids reserved (prefetched or waiting), from `inspect reserved`. */
  reservedTasks: string[] | undefined = undefined;
  queues: string[] | undefined = undefined;
  registered: string[] | undefined = undefined;

  constructor(readonly hostname: string) {}

  /** Last heartbeat receive time, or undefined when none (never heard, or went offline). */
  get lastHeartbeat(): number | undefined {
    const hb = this.heartbeats;
    return hb.length ? hb[hb.length - 1] : undefined;
  }

  /** Celery's `heartbeat_expires`: when the worker counts as gone without another heartbeat. */
  get heartbeatExpires(): number | undefined {
    const last = this.lastHeartbeat;
    return last === undefined ? undefined : last + this.freq * (HEARTBEAT_EXPIRE_WINDOW / 100);
  }

  /** Celery's `alive`: heard from within the expiry window. `now` is epoch seconds. */
  isAlive(now: number): boolean {
    const expires = this.heartbeatExpires;
    return expires !== undefined && now < expires;
  }

  /** Record a heartbeat received at `localReceived` (ours) for an event stamped `timestamp` (theirs). */
  heartbeat(localReceived: number, timestamp: number): void {
    if (!localReceived || !timestamp) return;
    this.drift = localReceived - timestamp;
    this.offline = false;
    const hb = this.heartbeats;
    if (hb.length >= HEARTBEATS_KEPT) hb.shift();
    // Equal to the last one is the common case (every event of a task.multi batch shares its
    // receive time): appending gives what Celery's insort gives, without the splice.
    if (!hb.length || localReceived >= hb[hb.length - 1]) {
      hb.push(localReceived);
      return;
    }
    // Out of order: keep the list sorted, as Celery's insort does.
    let i = hb.length;
    while (i > 0 && hb[i - 1] > localReceived) i--;
    hb.splice(i, 0, localReceived);
  }
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * Apply a `worker-<subject>` event. Fields the event carries overwrite (a heartbeat requested by
 * the `heartbeat` control command has `freq: 5` and no counters, so counters are kept);
 * `offline` clears the heartbeats and marks the worker offline; anything else is a heartbeat.
 */
export function applyWorkerEvent(worker: WorkerRecord, subject: string, e: CeleryEvent): void {
  const pid = num(e.pid);
  if (pid) worker.pid = pid;
  const freq = num(e.freq);
  if (freq !== undefined && freq > 0) worker.freq = freq;
  const active = num(e.active);
  if (active !== undefined) worker.active = active;
  const processed = num(e.processed);
  if (processed !== undefined) worker.processed = processed;
  if (Array.isArray(e.loadavg)) worker.loadavg = e.loadavg.filter((v): v is number => typeof v === 'number');
  if (typeof e.sw_ident === 'string') worker.swIdent = e.sw_ident;
  if (typeof e.sw_ver === 'string') worker.swVer = e.sw_ver;
  if (typeof e.sw_sys === 'string') worker.swSys = e.sw_sys;
  worker.clock = e.clock;
  worker.lastSeen = e.local_received;
  if (subject === 'offline') {
    worker.heartbeats.length = 0;
    worker.offline = true;
  } else {
    worker.heartbeat(e.local_received, e.timestamp);
  }
}
