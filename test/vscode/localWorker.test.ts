/**
 * Start Local Worker in a real VS Code against the real Redis test cluster: refused while the
 * connection is read-only; once unlocked it runs `celery -A <app> worker -E` (app and interpreter from
 * the settings) in a terminal, the worker comes online and is marked local in the Workers view, and
 * Stop Local Worker shuts it down warmly and closes its terminal. Both are audited.
 */
import * as assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { CeleryLensApi } from '../../src/extension';
import type { AuditRecord } from '../../src/core/actions/auditRecord';
import type { ActionResult } from '../../src/vscode/actions/actionRunner';
import { celeryAppDir, python } from '../integration/support/paths';
import { requireCluster } from './support/clusterEnv';
import { waitFor } from './support/waitFor';
import { connectTestCluster } from './support/connections';
import { activateCeleryLens } from './support/extension';

describe('(vscode) a local worker started from the editor', function () {
  this.timeout(120_000);
  const cluster = requireCluster('redis');
  const name = 'Local worker cluster';
  let api: CeleryLensApi;
  let connectionId: string;
  let node: string | undefined;

  async function auditRecords(): Promise<AuditRecord[]> {
    const text = await readFile(api.audit.uri.fsPath, 'utf8').catch(() => '');
    return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as AuditRecord).filter((r) => r.connection.name === name);
  }

  before(async () => {
    api = await activateCeleryLens();
    const config = vscode.workspace.getConfiguration('celeryLens');
    await config.update('localWorker.python', python, vscode.ConfigurationTarget.Global);
    await config.update('app', 'lens_testapp.celery_app:app', vscode.ConfigurationTarget.Global);
    connectionId = await connectTestCluster(api, cluster, { name });
  });

  after(async () => {
    const terminal = vscode.window.terminals.find((t) => node && t.name === `Celery worker ${node}`);
    terminal?.dispose();
    const config = vscode.workspace.getConfiguration('celeryLens');
    await config.update('app', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('celeryLens.disconnect', { connectionId });
    // Removed, not just disconnected: later files read rendered rows, and every root above theirs pushes them down.
    await api.store.remove(connectionId);
  });

  it('is refused on a read-only connection', async () => {
    assert.equal(vscode.workspace.isTrusted, true, 'the test workspace is trusted');
    const result = await vscode.commands.executeCommand<ActionResult>('celeryLens.worker.startLocal', { connectionId, cwd: celeryAppDir });
    assert.equal(result?.outcome, 'refused');
    assert.equal(vscode.window.terminals.filter((t) => t.name.startsWith('Celery worker')).length, 0);
    await vscode.commands.executeCommand('celeryLens.unlockConnection', { connectionId });
  });

  it('starts in a terminal, comes online marked local, and stops from the tree', async () => {
    const started = await vscode.commands.executeCommand<ActionResult<string>>('celeryLens.worker.startLocal', { connectionId, cwd: celeryAppDir });
    assert.equal(started?.outcome, 'done', started?.detail);
    node = started?.value as string;
    assert.match(node, /^lens-local-\d+@/);
    const terminal = vscode.window.terminals.find((t) => t.name === `Celery worker ${node}`);
    assert.ok(terminal, 'its terminal');
    const startRecord = (await auditRecords()).at(-1);
    assert.equal(startRecord?.action, 'worker.startLocal');
    assert.equal(startRecord?.parameters.command, `${python} -m celery -A lens_testapp.celery_app:app worker -E -n ${node} -l INFO`);

    const monitor = api.manager.monitor(connectionId)!;
    await waitFor(() => monitor.isWorkerOnline(node!), 60_000, `${node} online`);
    const item = await api.views.workers.getTreeItem({ kind: 'worker', connectionId, hostname: node });
    assert.equal(item.contextValue, 'celeryLens.worker.online.writable.local');
    assert.match(String(item.description), /^local · /);
    const other = await api.views.workers.getTreeItem({ kind: 'worker', connectionId, hostname: cluster.workers[0] });
    assert.doesNotMatch(String(other.contextValue), /\.local$/);

    const stopped = await vscode.commands.executeCommand<ActionResult>('celeryLens.worker.stopLocal', { connectionId, hostname: node });
    assert.equal(stopped?.outcome, 'done', stopped?.detail);
    assert.match(String(stopped?.detail), /^shut down( after SIGTERM)? \(exit code \d+\)$/);
    await waitFor(() => !monitor.isWorkerOnline(node!), 20_000, `${node} offline`);
    assert.ok(!vscode.window.terminals.some((t) => t.name === `Celery worker ${node}`), 'its terminal is closed');
    const item2 = await api.views.workers.getTreeItem({ kind: 'worker', connectionId, hostname: node });
    assert.doesNotMatch(String(item2.contextValue), /\.local$/);
    assert.deepEqual((await auditRecords()).slice(-2).map((r) => `${r.action} ${r.target} ${r.outcome}`), [`worker.startLocal ${node} done`, `worker.stopLocal ${node} done`]);
  });
});
