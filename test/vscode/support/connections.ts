import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { CeleryLensApi } from '../../../src/extension';
import type { TestCluster } from '../../integration/support/cluster';
import { waitFor } from './waitFor';

/** What differs between the test files' connections to a test cluster. */
export interface TestConnectionOptions {
  /** The connection's name: its root's label, and how audit records and panels tell it apart. */
  name: string;
  /** Default true, like every new connection; false adds it already unlocked. */
  readOnly?: boolean;
  /** Show the Celery view first (views visible: polling runs, as when a user looks at it). Default false. */
  showView?: boolean;
}

/**
 * Adds a connection to `cluster` the way a user's Add Connection does (its broker, result backend and,
 * for RabbitMQ, management API) and resolves with its id once it is connected and sees every worker
 * of the cluster online, so a test starts from the whole cluster, live.
 */
export async function connectTestCluster(api: CeleryLensApi, cluster: TestCluster, options: TestConnectionOptions): Promise<string> {
  const id = await vscode.commands.executeCommand<string>('celeryLens.addConnection', {
    name: options.name,
    brokerUrl: cluster.brokerUrl,
    backendUrl: cluster.backendUrl,
    managementUrl: cluster.managementUrl,
    readOnly: options.readOnly ?? true,
  });
  assert.ok(id, `Add Connection returned no id for "${options.name}"`);
  if (options.showView) await vscode.commands.executeCommand('workbench.view.extension.celeryLens');
  // Add Connection connects it already; Connect again (a no-op then) covers a profile sync still busy with other connections.
  await vscode.commands.executeCommand('celeryLens.connect', id);
  await waitFor(() => api.manager.status(id).kind === 'connected', 30_000, `"${options.name}" to connect`);
  await waitFor(() => cluster.workers.every((w) => api.manager.monitor(id)?.isWorkerOnline(w)), 30_000, `the workers online in "${options.name}"`);
  return id;
}

/**
 * Removes every connection added through the extension (not the workspace's own), so a test file that
 * reads rendered rows sees only its own roots: the views are short, and rows of earlier files' roots
 * (same cluster, same workers) would push its rows out of sight.
 */
export async function removeAddedConnections(api: CeleryLensApi): Promise<void> {
  for (const profile of api.store.all()) {
    if (profile.source === 'user') await api.store.remove(profile.id);
  }
}
