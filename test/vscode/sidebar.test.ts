/**
 * The sidebar in a real VS Code against the real Redis test cluster: a connection is added, the
 * trees show the real workers, queues and tasks (read back from the rendered rows), a failed task's
 * details show its traceback, and a screenshot of the sidebar is saved.
 */
import * as assert from 'node:assert/strict';
import Redis from 'ioredis';
import * as vscode from 'vscode';
import type { CeleryLensApi } from '../../src/extension';
import { createBroker } from '../../src/core/broker/createBroker';
import { encodeTaskMessage } from '../../src/core/celery/taskEncoder';
import { parseConnectionUrl } from '../../src/core/url/connectionUrl';
import type { CeleryNode } from '../../src/vscode/views/nodes';
import { requireCluster } from './support/clusterEnv';
import { hasWorkbenchAccess, screenshot, workbenchTexts } from './support/workbench';
import { waitFor } from './support/waitFor';
import { removeAddedConnections } from './support/connections';
import { activateCeleryLens } from './support/extension';
import { publishTasks } from './support/publishTasks';

async function labels(provider: vscode.TreeDataProvider<CeleryNode>, node?: CeleryNode): Promise<Array<{ node: CeleryNode; label: string; description: string }>> {
  const children = (await provider.getChildren(node)) ?? [];
  return Promise.all(children.map(async (child) => {
    const item = await provider.getTreeItem(child);
    const label = typeof item.label === 'string' ? item.label : item.label?.label ?? '';
    return { node: child, label, description: typeof item.description === 'string' ? item.description : '' };
  }));
}

describe('(vscode) sidebar over a real cluster', function () {
  this.timeout(90_000);
  let api: CeleryLensApi;
  let connectionId: string;
  const cluster = requireCluster('redis');

  before(async () => {
    api = await activateCeleryLens();
    await removeAddedConnections(api);
  });

  after(async () => {
    await removeAddedConnections(api);
  });

  it('adds a connection whose password never reaches settings or state', async () => {
    const id = await vscode.commands.executeCommand<string>('celeryLens.addConnection', {
      name: 'Test cluster', brokerUrl: cluster.brokerUrl, backendUrl: cluster.backendUrl, readOnly: true,
    });
    assert.ok(id, 'addConnection returned no id');
    connectionId = id;
    const profile = api.store.get(id);
    assert.equal(profile?.name, 'Test cluster');
    assert.equal(profile?.readOnly, true);
    assert.deepEqual(vscode.workspace.getConfiguration('celeryLens').get('connections'), []);
  });

  it('shows the real workers, live, in the Workers view', async () => {
    await vscode.commands.executeCommand('workbench.view.extension.celeryLens');
    const workers = api.views.workers;
    const rows = await waitFor(async () => {
      const roots = await labels(workers);
      const root = roots.find((r) => r.node.connectionId === connectionId);
      if (!root || !/workers online/.test(root.description)) return undefined;
      const children = await labels(workers, root.node);
      return children.length === cluster.workers.length && children.every((c) => !/offline/.test(c.description)) ? children : undefined;
    }, 30_000, 'both workers online');
    assert.deepEqual(rows.map((r) => r.label).sort(), [...cluster.workers].sort());
    for (const row of rows) assert.match(row.description, /prefork ×2 · \d+ running/);
    if (hasWorkbenchAccess()) {
      const rendered = await waitFor(async () => {
        const texts = (await workbenchTexts('.monaco-list-row')) ?? [];
        return cluster.workers.every((w) => texts.some((t) => t.includes(w))) ? texts : undefined;
      }, 15_000, 'worker rows rendered in the workbench');
      assert.ok(rendered.some((t) => t.includes('Test cluster')));
    }
  });

  it('shows the queues the workers consume, with depth', async () => {
    const queues = api.views.queues;
    const rows = await waitFor(async () => {
      const root = (await labels(queues)).find((r) => r.node.connectionId === connectionId);
      const children = root ? await labels(queues, root.node) : [];
      return children.some((c) => c.label === 'celery') ? children : undefined;
    }, 20_000, 'the celery queue');
    const celery = rows.find((r) => r.label === 'celery');
    assert.match(celery?.description ?? '', /\d+ messages? · 2 consumers/);
  });

  it('lists a failed task under FAILURE and opens its details with the traceback', async () => {
    const [failedId] = await publishTasks(cluster,
      { name: 'lens_testapp.tasks.fail_nested', args: [21], kwargs: {}, queue: 'celery' },
      { name: 'lens_testapp.tasks.add', args: [1, 2], kwargs: {}, queue: 'celery' });
    const tasks = api.views.tasks;
    const failureRow = await waitFor(async () => {
      const root = (await labels(tasks)).find((r) => r.node.connectionId === connectionId);
      if (!root) return undefined;
      const groups = await labels(tasks, root.node);
      const failure = groups.find((g) => g.label === 'FAILURE');
      if (!failure) return undefined;
      return (await labels(tasks, failure.node)).find((t) => t.node.kind === 'task' && t.node.taskId === failedId);
    }, 30_000, 'the failed task under FAILURE');
    assert.equal(failureRow.label, 'lens_testapp.tasks.fail_nested');
    assert.match(failureRow.description, new RegExp(`^${failedId.slice(0, 8)} · `));
    // Its tooltip is made when the row is hovered (resolveTreeItem), not sent with every refresh.
    const failureItem = await tasks.getTreeItem(failureRow.node);
    assert.equal(failureItem.tooltip, undefined);
    const hovered = await tasks.resolveTreeItem(failureItem, failureRow.node);
    assert.match(String(hovered.tooltip), new RegExp(`id: ${failedId}[\\s\\S]*exception: LensTestError`));

    await vscode.commands.executeCommand('celeryLens.task.openDetails', { connectionId, taskId: failedId });
    const editor = await waitFor(() => vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === 'celery-task'), 10_000, 'the details editor');
    const text = await waitFor(() => {
      const t = editor.document.getText();
      return /lens_testapp\/helpers\.py/.test(t) ? t : undefined;
    }, 15_000, 'the traceback in the details');
    assert.match(text, /^# lens_testapp\.tasks\.fail_nested/);
    assert.match(text, /\| State \| FAILURE \|/);
    assert.match(text, /LensTestError/);
    assert.match(text, /Complete values, from the result backend/);
    assert.match(text, /\[\s*21\s*\]/);

    if (hasWorkbenchAccess()) {
      await vscode.commands.executeCommand('workbench.view.extension.celeryLens');
      const rendered = await waitFor(async () => {
        const texts = (await workbenchTexts('.monaco-list-row')) ?? [];
        return texts.some((t) => t.includes('FAILURE')) ? texts : undefined;
      }, 10_000, 'the FAILURE row rendered');
      assert.ok(rendered.length > 0);
      const file = await screenshot('sidebar');
      assert.ok(file, 'no screenshot was saved');
    }
  });

  it('shows the complete arguments of a task still waiting in a queue, read from its message', async () => {
    const queue = `lens-details-idle-${Date.now()}`;
    const broker = createBroker(parseConnectionUrl(cluster.brokerUrl));
    await broker.connect();
    const waiting = encodeTaskMessage({ name: 'lens_testapp.tasks.echo', args: ['x'.repeat(1500), { deep: [1, 2] }], kwargs: { k: 'v' }, queue });
    const client = new Redis(cluster.brokerUrl);
    try {
      // Declared as kombu declares a queue, so the monitor finds it; nobody consumes it.
      await client.sadd(`_kombu.binding.${queue}`, `${queue}\x06\x16\x06\x16${queue}`);
      await broker.publish(waiting);
      // The backfill on connect reads waiting messages.
      await vscode.commands.executeCommand('celeryLens.disconnect', connectionId);
      await vscode.commands.executeCommand('celeryLens.connect', connectionId);
      const id = waiting.headers.id as string;
      await waitFor(() => api.manager.monitor(connectionId)?.state.tasks.get(id), 30_000, 'the waiting task in the model');
      await vscode.commands.executeCommand('celeryLens.task.openDetails', { connectionId, taskId: id });
      const text = await waitFor(() => {
        const doc = vscode.window.visibleTextEditors.find((e) => e.document.uri.query.includes(id))?.document.getText();
        return doc && /from the message waiting in queue/.test(doc) ? doc : undefined;
      }, 15_000, 'the details with the message\'s arguments');
      assert.match(text, /\| State \| PENDING \|/);
      assert.ok(text.includes('x'.repeat(1500)), 'the whole 1500-character argument, not a truncated repr');
      assert.match(text, /"k": "v"/);
    } finally {
      await client.del(queue, `_kombu.binding.${queue}`);
      client.disconnect();
      await broker.close();
    }
  });

  it('filters the Tasks view and shows that a filter is active', async () => {
    await vscode.commands.executeCommand('celeryLens.tasks.filter', { names: ['lens_testapp.tasks.add'] });
    assert.deepEqual(api.views.tasks.filter, { names: ['lens_testapp.tasks.add'] });
    const root = (await labels(api.views.tasks)).find((r) => r.node.connectionId === connectionId);
    assert.ok(root);
    const groups = await labels(api.views.tasks, root.node);
    assert.equal(groups.find((g) => g.label === 'FAILURE')?.description, '0');
    await vscode.commands.executeCommand('celeryLens.tasks.clearFilter');
    assert.deepEqual(api.views.tasks.filter, {});
  });

  it('shows a refused broker on its connection root, without the password, and the other cluster keeps working', async () => {
    const refused = await vscode.commands.executeCommand<string>('celeryLens.addConnection', {
      name: 'Nobody home', brokerUrl: 'redis://:hunter2-secret@127.0.0.1:1/0', readOnly: true,
    });
    assert.ok(refused);
    assert.equal(api.store.get(refused)?.brokerUrl, 'redis://127.0.0.1:1/0', 'the stored URL has no password');
    const root = await waitFor(async () => {
      const row = (await labels(api.views.workers)).find((r) => r.node.connectionId === refused);
      return row && /^(reconnecting|error)/.test(row.description) ? row : undefined;
    }, 20_000, 'the refused connection to show its state');
    assert.doesNotMatch(root.description, /hunter2/);
    // The working cluster is unaffected.
    const ours = (await labels(api.views.workers)).find((r) => r.node.connectionId === connectionId);
    assert.match(ours?.description ?? '', /workers online/);
    await vscode.commands.executeCommand('celeryLens.disconnect', refused);
    assert.equal(api.manager.status(refused).kind, 'idle');
  });
});
