/**
 * The trace panel's host: one workflow's waterfall (core/trace) re-sent as it changes. On open it
 * also reads the Redis messages of the workflow's unfinished tasks (queued or held by a worker;
 * nothing is consumed), since only a message carries the `traceparent` header; events do not.
 */
import * as vscode from 'vscode';
import { isUndecodable, type RawMessage, type Undecodable } from '../../core/celery/rawMessage';
import { FINISHED_STATES } from '../../core/state/taskIndex';
import { decodeTaskMessage } from '../../core/celery/taskMessage';
import type { ClusterMonitor } from '../../core/monitor/clusterMonitor';
import { buildTrace } from '../../core/trace/traceModel';
import { describeTraceContext } from '../../core/trace/traceparent';
import type { FromTrace, ToTrace, TraceRestore } from '../../shared/traceMessages';
import { PanelHost } from './panelHost';
import type { PanelKind } from './panelRegistry';
import type { InsightPanelDeps } from './insightPanels';

/** How deep into a queue the panel looks for a waiting task's message. */
const PEEK_LIMIT = 500;

/**
 * Merge the messages of the workflow's unfinished tasks whose headers were never read: waiting
 * ones from their queue (LRANGE), ones a worker holds (received, ETA, running) from kombu's
 * `unacked` hash (HGETALL). Redis only: RabbitMQ shows a message only by delivering it. True when
 * any was merged.
 */
export async function readMessageHeaders(monitor: ClusterMonitor, rootId: string): Promise<boolean> {
  const broker = monitor.broker;
  if (!broker || broker.kind !== 'redis') return false;
  const queued = new Map<string, Set<string>>();
  const held = new Set<string>();
  for (const span of buildTrace(monitor.state, rootId).spans) {
    const task = monitor.state.tasks.get(span.id);
    if (!task || task.traceparent !== undefined || FINISHED_STATES.has(task.state)) continue;
    const queue = task.queue ?? task.routingKey;
    if (task.state === 'PENDING' && queue) queued.set(queue, (queued.get(queue) ?? new Set<string>()).add(task.id));
    else held.add(task.id);
  }
  let merged = false;
  const merge = (raw: RawMessage | Undecodable, where: string, ids: ReadonlySet<string>): void => {
    if (isUndecodable(raw)) return;
    const message = decodeTaskMessage(raw, where);
    if (!isUndecodable(message) && ids.has(message.id)) {
      monitor.state.mergeTaskFromMessage(message);
      merged = true;
    }
  };
  for (const [queue, ids] of queued) for (const raw of await broker.peek(queue, PEEK_LIMIT)) merge(raw, queue, ids);
  if (held.size) for (const entry of await broker.listUnacked()) merge(entry.message, `unacked ${entry.deliveryTag}`, held);
  return merged;
}

class TraceController implements vscode.Disposable {
  private readonly host: PanelHost<ToTrace, FromTrace, TraceRestore>;
  private readonly subscription: vscode.Disposable;

  constructor(panel: vscode.WebviewPanel, private readonly restore: TraceRestore, private readonly deps: InsightPanelDeps) {
    this.host = new PanelHost(panel, {
      extensionUri: deps.extensionUri, bundle: 'trace', restore, logger: deps.logger,
      onReady: () => [this.build()],
      onMessage: (message) => this.receive(message),
    });
    this.subscription = deps.manager.onDidChange(() => this.host.scheduleUpdate(() => this.build()));
    void this.readHeaders();
  }

  private async readHeaders(): Promise<void> {
    const monitor = await this.deps.manager.connect(this.restore.connectionId);
    try {
      if (monitor && (await readMessageHeaders(monitor, this.restore.rootId))) this.host.scheduleUpdate(() => this.build());
    } catch (err) {
      this.deps.logger.warn(`trace panel: could not read queued messages: ${(err as Error)?.message ?? String(err)}`);
    }
  }

  private build(): ToTrace {
    const monitor = this.deps.manager.monitor(this.restore.connectionId);
    if (!monitor) {
      const trace = { rootId: this.restore.rootId, start: NaN, duration: 0, now: 0, spans: [], traceContext: { status: 'unknown' as const }, traceIds: [] };
      return { type: 'trace', trace, contextText: 'not connected' };
    }
    const trace = buildTrace(monitor.state, this.restore.rootId);
    return { type: 'trace', trace, contextText: describeTraceContext(trace.traceContext) };
  }

  private async receive(message: FromTrace): Promise<void> {
    switch (message.type) {
      case 'openTask':
        await this.deps.openTaskDetails(this.restore.connectionId, String(message.taskId));
        return;
      case 'copy':
        await vscode.env.clipboard.writeText(String(message.text).slice(0, 1000));
        void vscode.window.setStatusBarMessage('Copied', 2000);
        return;
      case 'rendered':
        this.deps.reportRendered('trace', this.restore.connectionId, message);
        return;
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.host.dispose();
  }
}

export function tracePanelKind(deps: InsightPanelDeps): PanelKind<TraceRestore> {
  return {
    viewType: 'celeryLens.trace',
    title: (r) => `Trace: ${r.name ?? r.rootId.slice(0, 8)}`,
    key: (r) => `${r.connectionId}\n${r.rootId}`,
    parseRestore: (saved) => {
      const s = saved as Partial<TraceRestore> | undefined;
      if (typeof s?.connectionId !== 'string' || typeof s.rootId !== 'string') return undefined;
      return { connectionId: s.connectionId, rootId: s.rootId, name: typeof s.name === 'string' ? s.name : undefined };
    },
    attach: (panel, restore) => new TraceController(panel, restore, deps),
  };
}
