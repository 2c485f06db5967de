/**
 * Reveal, bulk retry and retry links in a real VS Code against the real test clusters: "Send a task"
 * selects the new task's row in the Tasks view, and the command other panels call by name reveals a
 * task (or says the filter hides it); bulk retry sends again exactly the failed tasks matching the
 * filter whose complete arguments are stored, skips the one whose result is gone (only its repr is
 * known), audits each and the whole; task details link a retry and its original both ways.
 */
import * as assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { CeleryLensApi } from '../../src/extension';
import type { AuditRecord } from '../../src/core/actions/auditRecord';
import type { ActionResult } from '../../src/vscode/actions/actionRunner';
import type { BulkRetryValue } from '../../src/vscode/actions/bulkRetry';
import type { RevealResult } from '../../src/vscode/actions/revealTask';
import type { CeleryNode } from '../../src/vscode/views/nodes';
import type { Broker } from '../../src/core/broker/broker';
import { createBroker } from '../../src/core/broker/createBroker';
import { encodeTaskMessage } from '../../src/core/celery/taskEncoder';
import { parseConnectionUrl } from '../../src/core/url/connectionUrl';
import { clusterFromEnv } from './support/clusterEnv';
import type { TestCluster } from '../integration/support/cluster';
import { waitFor } from './support/waitFor';
import { connectTestCluster, removeAddedConnections } from './support/connections';
import { activateCeleryLens } from './support/extension';

function bulkAndReveal(cluster: TestCluster): void {
  describe(`(vscode) reveal, bulk retry and retry links over a real ${cluster.kind} cluster`, function () {
    this.timeout(120_000);
    const name = `Bulk cluster (${cluster.kind})`;
    let api: CeleryLensApi;
    let connectionId: string;
    let broker: Broker;
    /** Unique arguments, so the text filter finds only this test's tasks. */
    const base = 100_000 + Math.floor(Math.random() * 80_000) * 10;
    const prefix = String(base).slice(0, 5);
    const run = <T = unknown>(command: string, arg: Record<string, unknown>) =>
      vscode.commands.executeCommand<ActionResult<T> | undefined>(command, { connectionId, ...arg });
    const tasksView = () => api.views.treeViews[2] as vscode.TreeView<CeleryNode>;
    const selectedTaskId = () => {
      const node = tasksView().selection[0];
      return node?.kind === 'task' ? node.taskId : undefined;
    };

    async function auditRecords(): Promise<AuditRecord[]> {
      const text = await readFile(api.audit.uri.fsPath, 'utf8').catch(() => '');
      return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as AuditRecord).filter((r) => r.connection.name === name);
    }

    async function publish(task: string, args: unknown[]): Promise<string> {
      const message = encodeTaskMessage({ name: task, args, kwargs: {}, queue: 'celery' });
      await broker.publish(message);
      return message.headers.id as string;
    }

    async function stored(taskId: string): Promise<{ status: string; args?: unknown } | undefined> {
      const meta = await api.manager.monitor(connectionId)?.backend?.getTaskMeta(taskId);
      return meta && meta.kind === 'task-meta' ? meta : undefined;
    }

    before(async () => {
      api = await activateCeleryLens();
      await vscode.workspace.getConfiguration('celeryLens').update('confirm.bulkRetry', false, vscode.ConfigurationTarget.Global);
      broker = createBroker(parseConnectionUrl(cluster.brokerUrl));
      await broker.connect();
      connectionId = await connectTestCluster(api, cluster, { name, showView: true });
    });

    after(async () => {
      await vscode.commands.executeCommand('celeryLens.tasks.clearFilter');
      await removeAddedConnections(api);
      await broker?.close();
    });

    it('bulk retry is refused on a read-only connection, and nothing is sent', async () => {
      const result = await run('celeryLens.tasks.bulkRetry', {});
      assert.equal(result?.outcome, 'refused');
      assert.deepEqual((await auditRecords()).map((r) => `${r.action} ${r.outcome}`), ['tasks.bulkRetry refused']);
      await vscode.commands.executeCommand('celeryLens.unlockConnection', { connectionId });
    });

    it('"Send a task" reveals the new task: its row is selected in the Tasks view', async () => {
      // The worker may move the task on (a new row) at once: record every selection instead of polling it.
      const selected: string[] = [];
      const listener = tasksView().onDidChangeSelection((e) => e.selection.forEach((n) => n.kind === 'task' && selected.push(n.taskId)));
      try {
        const sent = await run<string>('celeryLens.sendTask', { name: 'lens_testapp.tasks.add', args: [base, 1], queue: 'celery' });
        assert.equal(sent?.outcome, 'done');
        const taskId = sent?.value as string;
        await waitFor(() => selected.includes(taskId) || selectedTaskId() === taskId, 10_000, `the sent task to be selected (selections seen: ${selected.join(', ')}; now ${JSON.stringify(tasksView().selection)})`);
      } finally {
        listener.dispose();
      }
    });

    it('celeryLens.revealTaskInTree(connectionId, taskId) selects a task, and says when the filter hides it', async () => {
      const taskId = await publish('lens_testapp.tasks.add', [base, 2]);
      await waitFor(() => api.manager.monitor(connectionId)?.state.tasks.get(taskId)?.state === 'SUCCESS', 20_000, 'the task to succeed');
      const revealed = await vscode.commands.executeCommand<RevealResult>('celeryLens.revealTaskInTree', connectionId, taskId);
      assert.deepEqual(revealed, { revealed: true });
      await waitFor(() => selectedTaskId() === taskId, 10_000, 'the revealed task to be selected');
      await vscode.commands.executeCommand('celeryLens.tasks.filter', { states: ['FAILURE'] });
      const hidden = await vscode.commands.executeCommand<RevealResult>('celeryLens.revealTaskInTree', connectionId, taskId);
      assert.equal(hidden.revealed, false);
      assert.match(String(hidden.reason), /the tasks filter hides it \(filter: FAILURE\)/);
      await vscode.commands.executeCommand('celeryLens.tasks.clearFilter');
      const unknown = await vscode.commands.executeCommand<RevealResult>('celeryLens.revealTaskInTree', connectionId, 'no-such-task');
      assert.deepEqual(unknown, { revealed: false, reason: 'Celery Lens does not know this task (yet)' });
    });

    it('bulk retry sends the matching failed tasks with stored arguments, skips the one known only by its repr', async () => {
      const ids = [await publish('lens_testapp.tasks.fail_nested', [base + 1]), await publish('lens_testapp.tasks.fail_nested', [base + 2])];
      const reprOnly = await publish('lens_testapp.tasks.fail_nested', [base + 3]);
      for (const id of [...ids, reprOnly]) await waitFor(async () => (await stored(id))?.status === 'FAILURE', 20_000, `the failure of ${id}`);
      await waitFor(() => [...ids, reprOnly].every((id) => api.manager.monitor(connectionId)?.state.tasks.get(id)?.state === 'FAILURE'), 20_000, 'the failures in the model');
      // The stored result of one task is gone (expired): only the repr from its events is left.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const Redis = require('ioredis') as new (url: string) => { del(key: string): Promise<number>; quit(): Promise<unknown> };
      const backend = new Redis(cluster.backendUrl);
      assert.equal(await backend.del(`celery-task-meta-${reprOnly}`), 1);
      await backend.quit();

      await vscode.commands.executeCommand('celeryLens.tasks.filter', { text: prefix });
      const result = await run<BulkRetryValue>('celeryLens.tasks.bulkRetry', {});
      assert.equal(result?.outcome, 'done', result?.detail);
      const value = result?.value as BulkRetryValue;
      assert.deepEqual(value.sent.map((s) => s.originalId).sort(), [...ids].sort());
      assert.deepEqual(value.skipped.map((s) => s.taskId), [reprOnly]);
      assert.match(value.skipped[0].reason, /only the truncated repr/);
      // The preview listed exactly that, and is open in an editor.
      const previewDoc = vscode.workspace.textDocuments.find((d) => d.getText() === value.preview);
      assert.ok(previewDoc, 'the preview document is open');
      assert.match(value.preview, /## To send: 2\n/);
      for (const id of ids) assert.match(value.preview, new RegExp(`\\| ${id} \\| lens_testapp\\.tasks\\.fail_nested \\| \\[${id === ids[0] ? base + 1 : base + 2}\\] \\{\\} \\| extended result \\| celery \\|`));
      assert.match(value.preview, new RegExp(`## Skipped: 1\\n\\n\\| task \\| name \\| reason \\|\\n\\| --- \\| --- \\| --- \\|\\n\\| ${reprOnly} \\|`));

      // Each retry really ran again with the same arguments.
      for (const { originalId, newId } of value.sent) {
        const meta = await waitFor(async () => {
          const m = await stored(newId);
          return m?.status === 'FAILURE' ? m : undefined;
        }, 20_000, `the retry of ${originalId}`);
        assert.deepEqual(meta.args, [originalId === ids[0] ? base + 1 : base + 2]);
      }
      // Audited per task and as a whole.
      const records = (await auditRecords()).slice(-3);
      assert.deepEqual(records.map((r) => `${r.action} ${r.outcome}`), ['task.retry done', 'task.retry done', 'tasks.bulkRetry done']);
      assert.deepEqual(records.slice(0, 2).map((r) => [r.target, r.parameters.bulk, r.parameters.argumentsFrom]).sort(), ids.map((id) => [id, true, 'result']).sort());
      assert.deepEqual([records[2].parameters.count, records[2].parameters.skipped, records[2].detail], [2, 1, 'sent 2 of 2, skipped 1']);

      // Task details link the retry and its original both ways.
      const { originalId, newId } = value.sent[0];
      await vscode.commands.executeCommand('celeryLens.task.openDetails', { connectionId, taskId: newId });
      const retryText = await waitFor(() => {
        const text = vscode.window.activeTextEditor?.document.getText();
        return text?.includes(newId) ? text : undefined;
      }, 10_000, 'the details of the retry');
      assert.match(retryText, new RegExp(`^- Retry of: ${originalId}$`, 'm'));
      await vscode.commands.executeCommand('celeryLens.task.openDetails', { connectionId, taskId: originalId });
      const originalText = await waitFor(() => {
        const text = vscode.window.activeTextEditor?.document.getText();
        return text?.includes(`| Id | ${originalId} |`) ? text : undefined;
      }, 10_000, 'the details of the original');
      assert.match(originalText, new RegExp(`^- Retried as: ${newId}$`, 'm'));
      const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', vscode.window.activeTextEditor!.document.uri);
      assert.ok(links.some((l) => decodeURIComponent(String(l.target)).includes(newId)), 'the retry id is a link');
    });
  });
}

for (const kind of ['redis', 'amqp'] as const) {
  const cluster = clusterFromEnv(kind);
  if (cluster) bulkAndReveal(cluster);
}
