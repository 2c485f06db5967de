/**
 * What the tree rows say: labels, descriptions and tooltip text for connections, workers, queues
 * and tasks. The VS Code adapter only wraps these strings in TreeItems.
 */
import type { ConnectionStatus, MonitoredQueue } from '../monitor/monitorTypes';
import { formatDuration, oneLine, plural, relativeTime, shortId, trendArrow } from './format';

/** The task fields the labels read (TaskRecord and SnapshotTask both fit). */
export interface TaskLike {
  id: string;
  name?: string | null;
  state: string;
  worker?: string | null;
  runtime?: number | null;
  sent?: number | null;
  received?: number | null;
  started?: number | null;
  succeeded?: number | null;
  failed?: number | null;
  revoked?: number | null;
  rejected?: number | null;
  retried?: number | null;
  lastSeen?: number | null;
  exception?: string | null;
  retries?: number | null;
}

/** The most recent moment we know of in a task's life. */
export function taskLastTime(t: TaskLike): number | undefined {
  return t.succeeded ?? t.failed ?? t.revoked ?? t.rejected ?? t.retried ?? t.started ?? t.received ?? t.sent ?? t.lastSeen ?? undefined;
}

export function taskLabel(t: TaskLike): string {
  return t.name ?? '(unknown task)';
}

/** `a1b2c3d4 · 1.24 s · 5m ago` */
export function taskDescription(t: TaskLike, now: number): string {
  const runtime = t.runtime ?? (t.state === 'STARTED' && t.started ? now - t.started : undefined);
  return [shortId(t.id), formatDuration(runtime), relativeTime(taskLastTime(t), now)].filter(Boolean).join(' · ');
}

export function taskTooltip(t: TaskLike, now: number): string {
  const lines = [`${taskLabel(t)} — ${t.state}`, `id: ${t.id}`];
  if (t.worker) lines.push(`worker: ${t.worker}`);
  if (t.runtime !== undefined && t.runtime !== null) lines.push(`runtime: ${formatDuration(t.runtime)}`);
  if (t.retries) lines.push(`retries: ${t.retries}`);
  const last = taskLastTime(t);
  if (last !== undefined) lines.push(`last change: ${relativeTime(last, now)}`);
  if (t.exception) lines.push(`exception: ${oneLine(t.exception, 200)}`);
  return lines.join('\n');
}

/** The worker fields the labels read. */
export interface WorkerLike {
  hostname: string;
  online: boolean;
  pool?: string;
  concurrency?: number;
  processed?: number | null;
  activeCount: number;
  loadavg?: number[];
}

/** `prefork ×4 · 2 running · 1,204 processed · load 0.52` */
export function workerDescription(w: WorkerLike): string {
  if (!w.online) return 'offline';
  const pool = w.pool || w.concurrency !== undefined ? `${w.pool ?? 'pool'}${w.concurrency !== undefined ? ` ×${w.concurrency}` : ''}` : '';
  const parts = [pool, `${w.activeCount} running`];
  if (w.processed !== undefined && w.processed !== null) parts.push(`${w.processed.toLocaleString('en-US')} processed`);
  if (w.loadavg?.length) parts.push(`load ${w.loadavg[0].toFixed(2)}`);
  return parts.filter(Boolean).join(' · ');
}

/** `12 messages ↑ · 2 consumers · p0:10 p9:2` */
export function queueDescription(q: MonitoredQueue): string {
  const arrow = trendArrow(q.messages, q.previousMessages);
  const parts = [`${plural(q.messages, 'message')}${arrow ? ` ${arrow}` : ''}`];
  if (q.consumers !== undefined) parts.push(plural(q.consumers, 'consumer'));
  const levels = Object.entries(q.byPriority).filter(([, n]) => n > 0);
  if (levels.length > 1 || (levels.length === 1 && levels[0][0] !== '0')) parts.push(levels.map(([p, n]) => `p${p}:${n}`).join(' '));
  return parts.join(' · ');
}

/** The connection root's description. `now` is epoch seconds; status times are epoch ms. */
export function connectionDescription(status: ConnectionStatus, workersOnline: number, workersTotal: number, now: number): string {
  switch (status.kind) {
    case 'idle':
      return 'not connected';
    case 'connecting':
      return 'connecting…';
    case 'connected':
      return `${workersOnline}/${workersTotal} workers online`;
    case 'reconnecting': {
      const wait = Math.max(0, Math.ceil(status.retryAt / 1000 - now));
      return `reconnecting${wait ? ` in ${wait}s` : '…'} — ${oneLine(status.reason, 80)}`;
    }
    case 'error': {
      const wait = status.retryAt === undefined ? 0 : Math.max(0, Math.ceil(status.retryAt / 1000 - now));
      return `error — ${oneLine(status.reason, 80)}${wait ? ` (retrying in ${wait}s)` : ''}`;
    }
  }
}

/** The order of the Tasks view's state groups: what needs attention first. */
export const STATE_DISPLAY_ORDER = ['STARTED', 'RECEIVED', 'PENDING', 'RETRY', 'FAILURE', 'SUCCESS', 'REVOKED', 'REJECTED'] as const;
