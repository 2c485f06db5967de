/**
 * One open workflow diagram: builds the graph of its task's workflow from the live cluster state,
 * sends it (whole when the shape changes, changed tasks only otherwise, at most 4 times a second),
 * and carries out what the webview asks: open a task's details, reveal it in the tree, save an export.
 */
import * as vscode from 'vscode';
import type { ClusterMonitor } from '../../../core/monitor/clusterMonitor';
import type { Logger } from '../../../core/util/logger';
import { buildWorkflow } from '../../../core/workflow/buildWorkflow';
import type { WorkflowGraph, WorkflowTask } from '../../../core/workflow/workflowGraph';
import type { FlowRestore, FromFlow, ToFlow } from '../../../shared/flowMessages';
import { assertNever } from '../../../shared/webviewProtocol';
import { CommandId } from '../../commands/commandIds';
import type { ConnectionManager } from '../../connections/connectionManager';
import { PanelHost } from '../panelHost';
import { WorkflowSources } from './workflowSources';

export interface FlowDeps {
  readonly extensionUri: vscode.Uri;
  readonly manager: ConnectionManager;
  readonly logger: Logger;
}

/** Everything but the per-task fields: when it is unchanged, only tasks are sent. */
function shapeOf(graph: WorkflowGraph): string {
  return JSON.stringify([graph.tasks.map((t) => t.id), graph.groups.map((g) => [g.id, g.members.length, g.chord]), graph.edges.map((e) => [e.from, e.to, e.kind])]);
}

export class FlowController implements vscode.Disposable {
  private static opened = 0;
  private readonly host: PanelHost<ToFlow, FromFlow, FlowRestore>;
  private readonly sources: WorkflowSources;
  private readonly disposables: vscode.Disposable[] = [];
  private monitorSubscription: { dispose(): void } | undefined;
  private watched: ClusterMonitor | undefined;
  /** What the webview has now: its shape, and each task as sent. */
  private sentShape = '';
  private sentTasks = new Map<string, string>();
  private readonly viewId: string;

  constructor(panel: vscode.WebviewPanel, private readonly restore: FlowRestore, private readonly deps: FlowDeps) {
    this.sources = new WorkflowSources(deps.logger);
    this.viewId = `flow/${restore.connectionId}/${restore.taskId}/${++FlowController.opened}`;
    this.host = new PanelHost<ToFlow, FromFlow, FlowRestore>(panel, {
      extensionUri: deps.extensionUri,
      bundle: 'flow',
      restore,
      logger: deps.logger,
      onReady: () => {
        this.sentShape = '';
        this.sentTasks.clear();
        return [this.fullMessage()];
      },
      onMessage: (message) => this.onMessage(message),
    });
    // A visible diagram counts as a visible Celery view: the cluster is connected and polled.
    deps.manager.setViewVisible(this.viewId, panel.visible);
    this.disposables.push(
      panel.onDidChangeViewState(() => deps.manager.setViewVisible(this.viewId, panel.visible)),
      deps.manager.onDidChange(() => this.watchMonitor()),
    );
    void deps.manager.connect(restore.connectionId).then(() => this.watchMonitor());
    this.watchMonitor();
  }

  private watchMonitor(): void {
    const monitor = this.deps.manager.monitor(this.restore.connectionId);
    if (monitor === this.watched) return;
    this.monitorSubscription?.dispose();
    this.watched = monitor;
    this.monitorSubscription = monitor?.onDidChange(() => this.changed());
    this.host.scheduleUpdate(() => this.fullMessage());
  }

  /**
   * A change in the cluster: rebuild, but spend at most about a tenth of the extension host's time on
   * it (a workflow of thousands of tasks takes a while to build), on top of the panel's 4 updates/s.
   */
  private changed(): void {
    if (this.rebuildTimer) return;
    const wait = Math.max(0, this.lastBuildEnd + 9 * this.lastBuildMs - Date.now());
    this.rebuildTimer = setTimeout(() => {
      this.rebuildTimer = undefined;
      this.host.scheduleUpdate(() => this.update());
    }, wait);
  }

  private rebuildTimer: ReturnType<typeof setTimeout> | undefined;
  private lastBuildMs = 0;
  private lastBuildEnd = 0;

  private graph(): { graph?: WorkflowGraph; message?: string } {
    const monitor = this.deps.manager.monitor(this.restore.connectionId);
    const profile = this.deps.manager.profile(this.restore.connectionId);
    if (!profile) return { message: 'This connection no longer exists.' };
    if (!monitor) return { message: `Not connected to ${profile.name}.` };
    const started = Date.now();
    const graph = buildWorkflow(this.sources.facts(monitor), this.restore.taskId, { now: started / 1000 });
    this.lastBuildEnd = Date.now();
    this.lastBuildMs = this.lastBuildEnd - started;
    if (!graph) return { message: `${profile.name} has not seen task ${this.restore.taskId} (yet): the diagram appears when it does.` };
    // Waiting messages and saved groups may add what events cannot tell: read them, then redraw.
    void this.sources.refresh(monitor, graph).then((learnt) => learnt && this.changed());
    return { graph };
  }

  private fullMessage(): ToFlow {
    const { graph, message } = this.graph();
    if (!graph) {
      this.sentShape = '';
      return { type: 'empty', message: message ?? '' };
    }
    this.remember(graph);
    return { type: 'graph', graph, connectionName: this.deps.manager.profile(this.restore.connectionId)?.name ?? '' };
  }

  /** The whole graph when its shape changed, else only the tasks that changed; nothing if none did. */
  private update(): ToFlow | undefined {
    const { graph } = this.graph();
    if (!graph || shapeOf(graph) !== this.sentShape) return this.fullMessage();
    const changed: WorkflowTask[] = [];
    for (const task of graph.tasks) {
      const json = JSON.stringify(task);
      if (this.sentTasks.get(task.id) !== json) changed.push(task);
      this.sentTasks.set(task.id, json);
    }
    if (changed.length === 0) return undefined;
    const criticalEdges = graph.edges.filter((e) => e.critical).map((e) => [e.from, e.to] as const);
    return { type: 'tasks', tasks: changed, criticalEdges, totalS: graph.totalS };
  }

  private remember(graph: WorkflowGraph): void {
    this.sentShape = shapeOf(graph);
    this.sentTasks = new Map(graph.tasks.map((t) => [t.id, JSON.stringify(t)]));
  }

  private async onMessage(message: FromFlow): Promise<void> {
    const { connectionId } = this.restore;
    switch (message.type) {
      case 'openTask':
        await vscode.commands.executeCommand(CommandId.OpenTaskDetails, { connectionId, taskId: message.taskId });
        break;
      case 'revealTask':
        // Reveal exists when the Tasks view can show the task; otherwise its details are the next best.
        if ((await vscode.commands.getCommands(true)).includes(CommandId.RevealTaskInTree)) {
          await vscode.commands.executeCommand(CommandId.RevealTaskInTree, connectionId, message.taskId);
        } else {
          await vscode.commands.executeCommand(CommandId.OpenTaskDetails, { connectionId, taskId: message.taskId });
        }
        break;
      case 'export':
        await this.saveExport(message.format, message.data);
        break;
      case 'rendered':
        this.deps.logger.debug(`workflow ${this.restore.taskId}: ${message.nodes} tasks drawn (layout ${message.layoutMs} ms, draw ${message.drawMs} ms)`);
        this.lastRendered = message;
        break;
      default:
        assertNever(message);
    }
  }

  /** The webview's last `rendered` report (the VS Code tests read it). */
  lastRendered: Extract<FromFlow, { type: 'rendered' }> | undefined;

  private async saveExport(format: 'svg' | 'png', data: string): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = `workflow-${this.restore.taskId.slice(0, 8)}.${format}`;
    const target = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
      filters: format === 'svg' ? { 'SVG image': ['svg'] } : { 'PNG image': ['png'] },
      title: `Export the workflow as ${format.toUpperCase()}`,
    });
    if (!target) return;
    const bytes = format === 'svg' ? Buffer.from(data, 'utf8') : Buffer.from(data, 'base64');
    await vscode.workspace.fs.writeFile(target, bytes);
    this.host.post({ type: 'exported', path: target.fsPath });
  }

  dispose(): void {
    if (this.rebuildTimer) clearTimeout(this.rebuildTimer);
    this.deps.manager.setViewVisible(this.viewId, false);
    this.monitorSubscription?.dispose();
    this.disposables.forEach((d) => d.dispose());
    this.host.dispose();
  }
}
