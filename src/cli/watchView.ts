/** The human rendering shared by `watch` and `snapshot`: workers, queues, recent tasks. */
import type { Snapshot, SnapshotTask } from '../core/state/snapshotTypes';
import { formatByPriority, table } from './output';

export interface SummaryContext {
  broker: string;
  now: number;
  eventCount?: number;
  /** Shown under the title when the connection is not up (reconnecting, error, with the reason). */
  connection?: string;
}

function age(seconds: number): string {
  if (seconds < 60) return `${Math.max(0, Math.round(seconds))}s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)}m ago`;
  return `${Math.round(seconds / 3600)}h ago`;
}

function lastTime(task: SnapshotTask): number | null {
  return task.finished ?? task.started ?? task.received ?? task.sent;
}

export function renderSummary(snapshot: Snapshot, ctx: SummaryContext): string[] {
  const online = snapshot.workers.filter((w) => w.online).length;
  const lines: string[] = [
    `Celery Lens — ${ctx.broker} — ${new Date(ctx.now * 1000).toISOString().replace('T', ' ').slice(0, 19)} UTC`,
    `${online}/${snapshot.workers.length} workers online · ${snapshot.queues.length} queues · ${snapshot.tasks.length} tasks` +
      (ctx.eventCount !== undefined ? ` · ${ctx.eventCount} events` : '') +
      (snapshot.errors.length ? ` · ${snapshot.errors.length} problems` : ''),
  ];
  if (ctx.connection) lines.push(`connection ${ctx.connection}`);
  lines.push('');
  lines.push(...table([
    ['WORKER', 'STATUS', 'POOL', 'PROCESSED', 'ACTIVE', 'QUEUES'],
    ...snapshot.workers.map((w) => [
      w.hostname,
      w.online ? 'online' : 'offline',
      `${w.pool ?? '?'}×${w.concurrency ?? '?'}`,
      String(w.processed ?? '-'),
      String(w.active.length),
      w.queues.join(','),
    ]),
  ]));
  lines.push('');
  lines.push(...table([
    ['QUEUE', 'MESSAGES', 'CONSUMERS', 'BY PRIORITY'],
    ...snapshot.queues.map((q) => [q.name, String(q.messages), String(q.consumers ?? '-'), formatByPriority(q.byPriority)]),
  ]));
  lines.push('');
  lines.push(...table([
    ['STATE', 'TASK', 'ID', 'WORKER', 'RUNTIME', 'WHEN'],
    ...snapshot.tasks.map((t) => {
      const when = lastTime(t);
      return [
        t.state,
        t.name ?? '?',
        t.id.slice(0, 8),
        t.worker ?? '-',
        t.runtime !== null ? `${t.runtime.toFixed(3)}s` : '-',
        when !== null ? age(ctx.now - when) : '-',
      ];
    }),
  ]));
  const failed = snapshot.tasks.find((t) => t.state === 'FAILURE' && t.exception);
  if (failed) lines.push('', `last failure: ${failed.name ?? '?'} ${failed.id.slice(0, 8)}: ${failed.exception}`);
  return lines;
}
