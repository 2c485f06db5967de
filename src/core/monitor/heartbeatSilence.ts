/**
 * Workers that answer remote control while none of their events reach us.
 *
 * What Celery 5 really sends (celery/worker/heartbeat.py, worker/consumer/events.py and heart.py,
 * events/dispatcher.py): every worker sends `worker-heartbeat` every 2 s (`interval or 2.0`) unless
 * started with `--without-heartbeat`, with or without `-E`: task events (`-E`,
 * `worker_send_task_events`, the `enable_events`/`disable_events` controls) only add or remove the
 * `task` group, never the `worker` one, and `task_send_sent_event` only concerns clients. Events go
 * out on the worker's write connection (`broker_write_url`, else `broker_url`) to the
 * `event_exchange` (default `celeryev`); remote control goes over its read connection. So a worker
 * that answers inspect while nothing from it arrived for twice its heartbeat interval runs without
 * heartbeats, or publishes its events somewhere we do not listen — or our own subscription is dead,
 * which the monitor rules out first (see ClusterMonitor: PING on the subscribed connection).
 */
import type { ClusterState } from '../state/index';
import type { HealthRecorder } from './healthRecorder';

/** Celery 5's heartbeat interval, s (for a worker we never heard from, whose own we cannot know). */
export const CELERY_HEARTBEAT_S = 2;
/** Hostnames named in a message before "and N more". */
const NAMED = 5;

/** A worker that answered the last inspect round but sent no event for longer than `limitS`. */
export interface SilentWorker {
  hostname: string;
  /** Seconds since its last event, or since we listen when that is later. */
  silentS: number;
  /** Twice its heartbeat interval (Celery's default when we never heard from it), s. */
  limitS: number;
  /** Whether any event from it ever reached us. */
  heard: boolean;
}

/** The notice shown on the connection while some workers' events do not reach us. */
export interface HeartbeatSilence {
  workers: string[];
  /** Epoch ms when the first of them was noticed. */
  since: number;
  /** Safe to show: who, how long, the likely causes. */
  message: string;
}

/**
 * Of the workers that answered (`answered`), those with no event for more than twice their
 * heartbeat interval, counting from `listeningSince` at the earliest (epoch seconds, like `now`):
 * nothing sent before we listened could have reached us.
 */
export function findSilentWorkers(state: ClusterState, answered: Iterable<string>, now: number, listeningSince: number): SilentWorker[] {
  const silent: SilentWorker[] = [];
  for (const hostname of answered) {
    const worker = state.workers.get(hostname);
    // lastSeen covers worker-offline (which clears the heartbeats), heartbeats cover task events.
    const last = Math.max(worker?.lastHeartbeat ?? -Infinity, worker?.lastSeen ?? -Infinity);
    const heard = last > -Infinity;
    const freq = heard && worker && worker.freq > 0 ? worker.freq : CELERY_HEARTBEAT_S;
    const limitS = 2 * freq;
    const silentS = now - Math.max(last, listeningSince);
    if (silentS > limitS) silent.push({ hostname, silentS, limitS, heard });
  }
  return silent.sort((a, b) => a.hostname.localeCompare(b.hostname));
}

/** The notice text for `silent` (non-empty). */
export function describeSilence(silent: readonly SilentWorker[], broker: 'redis' | 'amqp'): string {
  const names = silent.slice(0, NAMED).map((w) => w.hostname).join(', ') + (silent.length > NAMED ? ` and ${silent.length - NAMED} more` : '');
  const longest = Math.max(...silent.map((w) => w.silentS));
  const limit = Math.min(...silent.map((w) => w.limitS));
  const subscription = broker === 'redis'
    ? 'our event subscription answers PING'
    : 'our event queue is in place (it shares the connection that carries their replies)';
  const elsewhere = broker === 'redis' ? 'another Redis database or server' : 'another RabbitMQ virtual host or server';
  const one = silent.length === 1;
  return `${one ? 'worker' : 'workers'} ${names} ${one ? 'answers' : 'answer'} remote control, but none of ${one ? 'its' : 'their'} ` +
    `events reached us for ${longest.toFixed(0)} s (more than ${limit.toFixed(0)} s, twice the heartbeat interval) while ${subscription}. ` +
    'Likely causes: started with --without-heartbeat (Celery 5 sends a heartbeat every 2 s with or without -E: ' +
    '-E and task_send_sent_event only add task events, they are not the cause); events published where we do not listen ' +
    `(workers send events over broker_write_url when set, remote control over broker_url: ${elsewhere}, or another event_exchange than celeryev); ` +
    'or something between the workers and the broker dropping them. Meanwhile they may show as offline (Celery\'s heartbeat rule) ' +
    'and their tasks are known from inspect only.';
}

/**
 * The notice's lifecycle: set and logged when workers become silent (each one logged once per
 * stretch of silence, however many rounds it lasts), cleared and logged once when every one of
 * them was heard from again or stopped answering.
 */
export class HeartbeatSilenceWatch {
  private silent = new Set<string>();

  constructor(private readonly recorder: HealthRecorder, private readonly report: (message: string) => void) {}

  /** The last round's silent workers (the subscription was checked); `now` epoch ms. True when the health changed. */
  update(silent: readonly SilentWorker[], broker: 'redis' | 'amqp', now: number): boolean {
    const health = this.recorder.health;
    if (!silent.length) return this.clear();
    const fresh = silent.filter((w) => !this.silent.has(w.hostname));
    const before = health.heartbeatSilence;
    this.silent = new Set(silent.map((w) => w.hostname));
    const message = describeSilence(silent, broker);
    health.heartbeatSilence = { workers: [...this.silent], since: before?.since ?? now, message };
    if (fresh.length) {
      health.heartbeatSilences = (health.heartbeatSilences ?? 0) + fresh.length;
      this.recorder.problem('events', describeSilence(fresh, broker));
    }
    return fresh.length > 0 || before?.workers.length !== this.silent.size;
  }

  /**
   * Drop the workers heard from since the notice was set (run every second, so the notice clears
   * without waiting for the next inspect round). True when the health changed.
   */
  refresh(state: ClusterState): boolean {
    const notice = this.recorder.health.heartbeatSilence;
    if (!this.silent.size || !notice) return false;
    const since = notice.since / 1000;
    const heard = [...this.silent].filter((host) => {
      const worker = state.workers.get(host);
      return Math.max(worker?.lastHeartbeat ?? -Infinity, worker?.lastSeen ?? -Infinity) > since;
    });
    if (!heard.length) return false;
    heard.forEach((host) => this.silent.delete(host));
    if (!this.silent.size) return this.clear(heard);
    notice.workers = [...this.silent];
    return true;
  }

  reset(): void {
    this.silent.clear();
  }

  private clear(heard: readonly string[] = []): boolean {
    const health = this.recorder.health;
    this.silent.clear();
    if (!health.heartbeatSilence) return false;
    const names = heard.length ? heard.join(', ') : health.heartbeatSilence.workers.join(', ');
    delete health.heartbeatSilence;
    this.report(`events from ${names} reach us again (or they stopped answering remote control)`);
    return true;
  }
}
