/**
 * One ClusterMonitor per connection profile, started lazily: nothing connects until a Celery view
 * is visible or a command needs it, and polling pauses while every view is hidden. Model changes
 * from all monitors are coalesced into at most one refresh every 250 ms for the views.
 */
import * as vscode from 'vscode';
import { ClusterMonitor } from '../../core/monitor/clusterMonitor';
import type { ConnectionStatus } from '../../core/monitor/monitorTypes';
import { parseConnectionUrl, redactSecretsInText, type ConnectionUrl } from '../../core/url/connectionUrl';
import { Emitter } from '../../core/util/emitter';
import type { Logger } from '../../core/util/logger';
import { monitorSettings } from '../config';
import type { ConnectionProfile } from './connectionProfile';
import type { ProfileStore } from './profileStore';

/** Views refresh at most this often, however fast events arrive. */
export const REFRESH_INTERVAL_MS = 250;

interface Entry {
  profile: ConnectionProfile;
  monitor?: ClusterMonitor;
  /** Set when the profile's URLs cannot even be parsed. */
  configError?: string;
  subscriptions: Array<{ dispose(): void }>;
}

export class ConnectionManager implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly changed = new Emitter<void>();
  /** Profiles or connection states changed, or the model changed (throttled). */
  readonly onDidChange = this.changed.event;
  private viewsVisible = false;
  private readonly visibleViews = new Set<string>();
  private refreshTimer: NodeJS.Timeout | undefined;
  private refreshPending = false;
  private lastRefresh = 0;
  private readonly storeSubscription: { dispose(): void };

  constructor(
    private readonly store: ProfileStore,
    private readonly logger: Logger,
  ) {
    this.storeSubscription = store.onDidChange(() => void this.syncProfiles());
    void this.syncProfiles();
  }

  profiles(): ConnectionProfile[] {
    return [...this.entries.values()].map((e) => e.profile);
  }

  monitor(id: string): ClusterMonitor | undefined {
    return this.entries.get(id)?.monitor;
  }

  profile(id: string): ConnectionProfile | undefined {
    return this.entries.get(id)?.profile;
  }

  /** The status to show for a connection (a config error counts as an error). */
  status(id: string): ConnectionStatus {
    const entry = this.entries.get(id);
    if (!entry) return { kind: 'idle' };
    if (entry.configError) return { kind: 'error', reason: entry.configError };
    return entry.monitor?.status ?? { kind: 'idle' };
  }

  /** One view's visibility: connecting starts with the first visible view; polling pauses when none is. */
  setViewVisible(viewId: string, visible: boolean): void {
    if (visible) this.visibleViews.add(viewId);
    else this.visibleViews.delete(viewId);
    this.setViewsVisible(this.visibleViews.size > 0);
  }

  private setViewsVisible(visible: boolean): void {
    if (visible === this.viewsVisible) return;
    this.viewsVisible = visible;
    for (const entry of this.entries.values()) entry.monitor?.setActive(visible);
    if (visible) for (const id of this.entries.keys()) void this.connect(id);
  }

  /** Start (or return) the monitor of a connection. */
  async connect(id: string): Promise<ClusterMonitor | undefined> {
    const entry = this.entries.get(id);
    if (!entry || entry.configError) return undefined;
    if (entry.monitor) return entry.monitor;
    const resolved = await this.store.resolve(entry.profile);
    let brokerUrl: ConnectionUrl;
    let backendUrl: ConnectionUrl | undefined;
    try {
      brokerUrl = parseConnectionUrl(resolved.brokerUrl);
      backendUrl = resolved.backendUrl ? parseConnectionUrl(resolved.backendUrl) : undefined;
    } catch (err) {
      entry.configError = redactSecretsInText((err as Error).message);
      this.logger.error(`${entry.profile.name}: ${entry.configError}`);
      this.fireNow();
      return undefined;
    }
    const monitor = new ClusterMonitor({
      name: entry.profile.name,
      brokerUrl,
      backendUrl,
      managementUrl: resolved.managementUrl,
      settings: monitorSettings(),
      logger: this.logger,
      // Redis events are decoded on a worker thread (dist/eventDecodeWorker.js): the host thread only applies them.
      decodeInWorker: true,
    });
    entry.monitor = monitor;
    entry.subscriptions.push(
      monitor.onDidChangeStatus((status) => {
        this.logStatus(entry.profile, status);
        this.fireNow();
      }),
      monitor.onDidChange(() => this.scheduleRefresh()),
      monitor.onDidLog((e) => this.logger[e.level](`${entry.profile.name}: ${e.message}`)),
    );
    monitor.setActive(this.viewsVisible);
    this.fireNow();
    void monitor.start().catch((err: unknown) => this.logger.error(`${entry.profile.name}: ${redactSecretsInText(String((err as Error)?.message ?? err))}`));
    return monitor;
  }

  async disconnect(id: string): Promise<void> {
    const entry = this.entries.get(id);
    if (!entry?.monitor) return;
    const monitor = entry.monitor;
    entry.monitor = undefined;
    entry.subscriptions.forEach((s) => s.dispose());
    entry.subscriptions = [];
    await monitor.stop();
    this.logger.info(`${entry.profile.name}: disconnected`);
    this.fireNow();
  }

  private logStatus(profile: ConnectionProfile, status: ConnectionStatus): void {
    if (status.kind === 'connected') this.logger.info(`${profile.name}: connected`);
    else if (status.kind === 'reconnecting') this.logger.warn(`${profile.name}: connection lost (${status.reason}); reconnecting (attempt ${status.attempt})`);
    else if (status.kind === 'error') this.logger.error(`${profile.name}: ${status.reason}`);
  }

  /** Reconcile entries with the store: new profiles appear, removed ones stop, changed ones restart. */
  private async syncProfiles(): Promise<void> {
    const profiles = this.store.all();
    const seen = new Set<string>();
    for (const profile of profiles) {
      seen.add(profile.id);
      const entry = this.entries.get(profile.id);
      if (!entry) {
        this.entries.set(profile.id, { profile, subscriptions: [] });
        if (this.viewsVisible) void this.connect(profile.id);
        continue;
      }
      // Locking or unlocking only changes what the views offer: the connection stays up.
      const changed = JSON.stringify({ ...entry.profile, readOnly: 0 }) !== JSON.stringify({ ...profile, readOnly: 0 });
      entry.profile = profile;
      if (changed && (entry.monitor || entry.configError)) {
        entry.configError = undefined;
        await this.disconnect(profile.id);
        if (this.viewsVisible) void this.connect(profile.id);
      }
    }
    for (const id of [...this.entries.keys()]) {
      if (seen.has(id)) continue;
      await this.disconnect(id);
      this.entries.delete(id);
    }
    this.fireNow();
  }

  private fireNow(): void {
    this.lastRefresh = Date.now();
    this.changed.fire();
  }

  /** Leading-edge throttle: the first change refreshes at once, later ones at most every 250 ms. */
  private scheduleRefresh(): void {
    if (this.refreshTimer) {
      this.refreshPending = true;
      return;
    }
    const wait = Math.max(0, this.lastRefresh + REFRESH_INTERVAL_MS - Date.now());
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.fireNow();
      if (this.refreshPending) {
        this.refreshPending = false;
        this.scheduleRefresh();
      }
    }, wait);
  }

  dispose(): void {
    clearTimeout(this.refreshTimer);
    this.storeSubscription.dispose();
    for (const id of [...this.entries.keys()]) void this.disconnect(id);
    this.changed.dispose();
  }
}
