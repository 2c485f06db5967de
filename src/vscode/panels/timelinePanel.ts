/**
 * The timeline panel's host: queries the connection's model (core/timeline) for the window the
 * webview asks for, re-sends it as the cluster changes (at most 4 a second, PanelHost), and every
 * 2 seconds while following so the window keeps moving in quiet times.
 */
import * as vscode from 'vscode';
import { queryTimeline } from '../../core/timeline/timelineModel';
import type { FromTimeline, TimelineData, TimelineRestore, ToTimeline } from '../../shared/timelineMessages';
import type { ConnectionManager } from '../connections/connectionManager';
import { PanelHost } from './panelHost';
import type { PanelKind } from './panelRegistry';
import type { InsightPanelDeps } from './insightPanels';

const FOLLOW_TICK_MS = 2000;

function emptyTimeline(now: number, minutes: number): TimelineData {
  return {
    origin: now - minutes * 60, from: now - minutes * 60, to: now, now, lanes: [], names: [], truncated: false,
    bars: { taskId: [], name: [], lane: [], start: [], run: [], end: [], outcome: [], flags: [], attempt: [] },
  };
}

class TimelineController implements vscode.Disposable {
  private minutes = 15;
  private follow = true;
  private frozenTo: number | undefined;
  private readonly host: PanelHost<ToTimeline, FromTimeline, TimelineRestore>;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(panel: vscode.WebviewPanel, private readonly restore: TimelineRestore, private readonly deps: InsightPanelDeps) {
    const manager: ConnectionManager = deps.manager;
    this.host = new PanelHost(panel, {
      extensionUri: deps.extensionUri, bundle: 'timeline', restore, logger: deps.logger,
      onReady: () => [this.build()],
      onMessage: (message) => this.receive(message),
    });
    void manager.connect(restore.connectionId);
    const tick = setInterval(() => {
      if (this.follow && panel.visible) this.host.scheduleUpdate(() => this.build());
    }, FOLLOW_TICK_MS);
    this.subscriptions.push(
      manager.onDidChange(() => this.host.scheduleUpdate(() => this.build())),
      { dispose: () => clearInterval(tick) },
    );
  }

  private build(): ToTimeline {
    const monitor = this.deps.manager.monitor(this.restore.connectionId);
    const title = `${this.restore.name}${this.restore.worker ? ` · ${this.restore.worker}` : ''}`;
    if (!monitor) return { type: 'timeline', data: emptyTimeline(Date.now() / 1000, this.minutes), follow: this.follow, minutes: this.minutes, title };
    const now = monitor.state.now();
    const to = this.follow ? now : this.frozenTo ?? now;
    const data = queryTimeline(monitor.state, { from: to - this.minutes * 60, to, workers: this.restore.worker ? [this.restore.worker] : undefined });
    return { type: 'timeline', data, follow: this.follow, minutes: this.minutes, title };
  }

  private async receive(message: FromTimeline): Promise<void> {
    switch (message.type) {
      case 'setRange': {
        const minutes = Number(message.minutes);
        if (!(minutes > 0 && minutes <= 24 * 60)) return;
        this.minutes = minutes;
        this.follow = message.follow === true;
        this.frozenTo = this.follow ? undefined : this.deps.manager.monitor(this.restore.connectionId)?.state.now();
        this.host.post(this.build());
        return;
      }
      case 'openTask':
        await this.deps.openTaskDetails(this.restore.connectionId, String(message.taskId));
        return;
      case 'showTrace':
        this.deps.openTrace(this.restore.connectionId, String(message.taskId));
        return;
      case 'rendered':
        this.deps.reportRendered('timeline', this.restore.connectionId, message);
        return;
    }
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
    this.host.dispose();
  }
}

export function timelinePanelKind(deps: InsightPanelDeps): PanelKind<TimelineRestore> {
  return {
    viewType: 'celeryLens.timeline',
    title: (r) => `Timeline: ${r.name}${r.worker ? ` · ${r.worker}` : ''}`,
    key: (r) => `${r.connectionId}\n${r.worker ?? ''}`,
    parseRestore: (saved) => {
      const s = saved as Partial<TimelineRestore> | undefined;
      if (typeof s?.connectionId !== 'string' || typeof s.name !== 'string') return undefined;
      return { connectionId: s.connectionId, name: s.name, worker: typeof s.worker === 'string' ? s.worker : undefined };
    },
    attach: (panel, restore) => new TimelineController(panel, restore, deps),
  };
}
