/**
 * Error groups per connection, computed from the live state at most once per change of the
 * connection manager (the views' throttled pace) and shared by the Errors view and the Problems
 * panel. Each distinct traceback is parsed once.
 */
import * as vscode from 'vscode';
import { groupFailures, type ErrorGroup } from '../../core/tracebacks/errorGroups';
import { failedTasks } from '../../core/tracebacks/failures';
import { TracebackCache } from '../../core/tracebacks/tracebackCache';
import type { ConnectionManager } from '../connections/connectionManager';

export class ErrorsModel implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires after the cluster state may have changed (groups are recomputed on the next read). */
  readonly onDidChange = this.changed.event;
  private readonly cache = new Map<string, { version: number; groups: ErrorGroup[] }>();
  private readonly tracebacks = new TracebackCache(1000);
  private version = 0;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly manager: ConnectionManager) {
    this.subscription = manager.onDidChange(() => {
      this.version++;
      this.changed.fire();
    });
  }

  /** The connection's error groups, newest first; empty when it is not connected. */
  groups(connectionId: string): ErrorGroup[] {
    const state = this.manager.monitor(connectionId)?.state;
    if (!state) {
      this.cache.delete(connectionId);
      return [];
    }
    const hit = this.cache.get(connectionId);
    if (hit && hit.version === this.version) return hit.groups;
    const groups = groupFailures(failedTasks(state), this.tracebacks);
    this.cache.set(connectionId, { version: this.version, groups });
    return groups;
  }

  group(connectionId: string, key: string): ErrorGroup | undefined {
    return this.groups(connectionId).find((g) => g.key === key);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
