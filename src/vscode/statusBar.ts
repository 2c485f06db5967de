/**
 * One short status bar item for the active cluster: workers online, tasks running, failures in the
 * last five minutes. No colours of its own; a click focuses the Celery view.
 */
import * as vscode from 'vscode';
import { connectionDescription } from '../core/presentation/treeLabels';
import { listTasks } from '../core/state/selectors';
import type { ClusterState } from '../core/state/clusterState';
import type { ConnectionManager } from './connections/connectionManager';
import { CommandId } from './commands/commandIds';

const RECENT_FAILURE_WINDOW_S = 300;
/** A gap in the event stream is mentioned in the tooltip for this long. */
const RECENT_GAP_MS = 30 * 60_000;

/** Failures whose failure time is within the window (newest first, so it stops at the first older one). */
export function recentFailures(state: ClusterState, now: number, windowS = RECENT_FAILURE_WINDOW_S): number {
  let count = 0;
  for (let offset = 0; ; offset += 500) {
    const { tasks } = listTasks(state, { state: 'FAILURE' }, offset, 500);
    for (const task of tasks) {
      if ((task.failed ?? task.lastSeen ?? 0) < now - windowS) return count;
      count++;
    }
    if (tasks.length < 500) return count;
  }
}

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('celeryLens.status', vscode.StatusBarAlignment.Left, 50);
  private readonly subscription: { dispose(): void };

  constructor(private readonly manager: ConnectionManager) {
    this.item.name = 'Celery Lens';
    this.item.command = CommandId.Focus;
    this.subscription = manager.onDidChange(() => this.update());
    this.update();
  }

  update(): void {
    const profiles = this.manager.profiles();
    if (!profiles.length) {
      this.item.hide();
      return;
    }
    const now = Date.now() / 1000;
    const active = profiles.find((p) => this.manager.status(p.id).kind === 'connected') ?? profiles[0];
    const status = this.manager.status(active.id);
    const monitor = this.manager.monitor(active.id);
    if (status.kind !== 'connected' || !monitor) {
      this.item.text = `$(${status.kind === 'error' ? 'error' : status.kind === 'idle' ? 'debug-disconnect' : 'sync~spin'}) Celery`;
    } else {
      const workers = [...monitor.state.workers.values()];
      const online = workers.filter((w) => w.isAlive(now)).length;
      const running = listTasks(monitor.state, { state: 'STARTED' }, 0, 0).total;
      const failed = recentFailures(monitor.state, now);
      this.item.text = `$(pulse) ${online} worker${online === 1 ? '' : 's'} · ${running} running${failed ? ` · ${failed} failed` : ''}`;
    }
    const lines = profiles.map((p) => {
      const m = this.manager.monitor(p.id);
      const ws = m ? [...m.state.workers.values()] : [];
      const gap = m?.health.lastEventGap;
      const recentGap = gap && now * 1000 - gap.to < RECENT_GAP_MS
        ? ` (events stopped for ${((gap.to - gap.from) / 1000).toFixed(1)} s at ${new Date(gap.to).toLocaleTimeString()}, about ${gap.estimatedLost.toLocaleString('en-US')} lost)`
        : '';
      const silence = m?.health.heartbeatSilence;
      const silent = silence ? ` (${silence.workers.length} worker${silence.workers.length === 1 ? ' answers' : 's answer'} but ${silence.workers.length === 1 ? 'its' : 'their'} events do not reach us: see the connection's tooltip)` : '';
      return `${p.name}: ${connectionDescription(this.manager.status(p.id), ws.filter((w) => w.isAlive(now)).length, ws.length, now)}${recentGap}${silent}`;
    });
    this.item.tooltip = `Celery Lens — ${active.name}\n${lines.join('\n')}\nFailures counted over the last 5 minutes. Click to open the Celery view.`;
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
