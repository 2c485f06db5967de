/**
 * What the three Celery views share: connection roots (one per cluster, showing its state), a
 * refresh driven by the ConnectionManager's throttled change event, and lookup helpers.
 */
import * as vscode from 'vscode';
import { describeGap } from '../../core/monitor/healthRecorder';
import { connectionDescription } from '../../core/presentation/treeLabels';
import type { ClusterMonitor } from '../../core/monitor/clusterMonitor';
import type { ConnectionManager } from '../connections/connectionManager';
import { contextValues } from './contextValues';
import { connectionIcon } from './icons';
import { nodeId, type CeleryNode } from './nodes';

export abstract class CeleryTreeProvider implements vscode.TreeDataProvider<CeleryNode>, vscode.Disposable {
  protected readonly changed = new vscode.EventEmitter<CeleryNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: { dispose(): void };

  constructor(protected readonly manager: ConnectionManager) {
    this.subscription = manager.onDidChange(() => this.changed.fire(undefined));
  }

  protected now(): number {
    return Date.now() / 1000;
  }

  /** The monitor of a connection, when it is started. */
  protected monitorOf(node: CeleryNode): ClusterMonitor | undefined {
    return this.manager.monitor(node.connectionId);
  }

  /** Write actions are offered on this node's items (its connection is not read-only). */
  protected writable(node: CeleryNode): boolean {
    return this.manager.profile(node.connectionId)?.readOnly === false;
  }

  getChildren(node?: CeleryNode): CeleryNode[] | Promise<CeleryNode[]> {
    if (!node) return this.manager.profiles().map((p) => ({ kind: 'connection', connectionId: p.id }));
    return this.childrenOf(node);
  }

  getTreeItem(node: CeleryNode): vscode.TreeItem {
    const item = this.wholeItem(node);
    // Made on hover (resolveTreeItem): VS Code converts each MarkdownString tooltip in the extension
    // host and sends it to the window on every refresh, for rows that are mostly never hovered.
    item.tooltip = undefined;
    return item;
  }

  /** The hovered row's tooltip, from the state as it is now. */
  resolveTreeItem(item: vscode.TreeItem, node: CeleryNode): vscode.TreeItem {
    item.tooltip = this.wholeItem(node).tooltip;
    return item;
  }

  private wholeItem(node: CeleryNode): vscode.TreeItem {
    const item = node.kind === 'connection' ? this.connectionItem(node.connectionId) : this.itemFor(node);
    item.id = nodeId(node);
    return item;
  }

  private connectionItem(connectionId: string): vscode.TreeItem {
    const profile = this.manager.profile(connectionId);
    const status = this.manager.status(connectionId);
    const monitor = this.manager.monitor(connectionId);
    const now = this.now();
    const workers = monitor ? [...monitor.state.workers.values()] : [];
    const online = workers.filter((w) => w.isAlive(now)).length;
    const item = new vscode.TreeItem(profile?.name ?? connectionId, vscode.TreeItemCollapsibleState.Expanded);
    item.description = connectionDescription(status, online, workers.length, now);
    item.iconPath = connectionIcon(status);
    if (profile) {
      item.contextValue = contextValues.connection(status, profile);
      const lines = [`**${profile.name}**${profile.readOnly ? ' (read-only)' : ''}`, '', `broker: \`${profile.brokerUrl}\``];
      if (profile.backendUrl) lines.push(`result backend: \`${profile.backendUrl}\``);
      if (profile.managementUrl) lines.push(`management API: \`${profile.managementUrl}\``);
      lines.push(`from: ${profile.source === 'user' ? 'your connections' : profile.source === 'workspace' ? 'workspace settings' : 'the workspace .env file'}`);
      lines.push('', `state: ${item.description}`);
      if (monitor) {
        const h = monitor.health;
        lines.push(`events received: ${h.events.toLocaleString('en-US')}`);
        if (h.undecodableEvents || h.undecodableOther) lines.push(`undecodable: ${h.undecodableEvents} events, ${h.undecodableOther} other messages (see the log)`);
        if (h.backendProblem) lines.push(`result backend: ${h.backendProblem}`);
        if (h.reconnects) lines.push(`reconnects: ${h.reconnects}`);
        if (h.eventsLost) lines.push(`events lost (expired before they were read): ${h.eventsLost.toLocaleString('en-US')}`);
        if (h.blocked) lines.push(`the broker is blocking this connection: ${h.blocked}`);
        if (h.lastEventGap) {
          lines.push(`event gaps: ${h.eventGaps ?? 1}, about ${(h.eventsEstimatedLost ?? 0).toLocaleString('en-US')} events lost in all; ` +
            `last, ${new Date(h.lastEventGap.to).toLocaleTimeString()}: ${describeGap(h.lastEventGap)}`);
        }
        if (h.heartbeatSilence) lines.push(`since ${new Date(h.heartbeatSilence.since).toLocaleTimeString()}: ${h.heartbeatSilence.message}`);
      }
      item.tooltip = new vscode.MarkdownString(lines.join('  \n'));
    }
    return item;
  }

  protected abstract childrenOf(node: CeleryNode): CeleryNode[] | Promise<CeleryNode[]>;
  protected abstract itemFor(node: CeleryNode): vscode.TreeItem;

  /** A plain leaf row. */
  protected textItem(node: Extract<CeleryNode, { kind: 'text' }>): vscode.TreeItem {
    const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
    item.description = node.description;
    item.tooltip = node.tooltip;
    if (node.icon) item.iconPath = new vscode.ThemeIcon(node.icon);
    item.contextValue = contextValues.info();
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
