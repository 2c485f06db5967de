/**
 * The workflow diagram in a real VS Code over the real Redis test cluster: a real chord runs on the
 * real workers, "Show Workflow" opens the panel on its body task, the webview answers the handshake
 * and draws the whole workflow (the header group feeding the body), read back from the webview's DOM
 * through the harness, with a screenshot (the README's media/screenshots/panel-flow.png).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { CeleryLensApi } from '../../src/extension';
import { celeryPythonJson } from '../integration/support/helpers';
import { requireCluster } from './support/clusterEnv';
import { hasWorkbenchAccess, screenshot, workbenchTexts } from './support/workbench';
import { waitFor } from './support/waitFor';
import { connectTestCluster } from './support/connections';
import { activateCeleryLens } from './support/extension';

/** Playwright selector of an element inside the active webview (two iframes deep in VS Code for the web). */
const inWebview = (selector: string) => `iframe.webview.ready >> internal:control=enter-frame >> iframe#active-frame >> internal:control=enter-frame >> ${selector}`;

describe('(vscode) workflow flow diagram over a real cluster', function () {
  this.timeout(120_000);
  const cluster = requireCluster('redis');
  let api: CeleryLensApi;
  let connectionId: string;
  let run: { header: string[]; body: string; group: string };

  before(async () => {
    api = await activateCeleryLens();
    connectionId = await connectTestCluster(api, cluster, { name: 'Flow cluster', showView: true });
    // A real chord of 6 header tasks on the real workers, started once the monitor listens.
    run = await celeryPythonJson<{ header: string[]; body: string; group: string }>(`
from celery import chord
r = chord([tasks.add.s(i, i) for i in range(6)], tasks.echo.s()).apply_async()
r.get(timeout=30)
print(json.dumps({"header": [c.id for c in r.parent.results], "body": r.id, "group": r.parent.id}))`, cluster);
    await waitFor(() => api.manager.monitor(connectionId)?.state.tasks.get(run.body)?.state === 'SUCCESS', 30_000, 'the chord body seen succeeding');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    if (connectionId) await api.store.remove(connectionId);
  });

  it('opens from its command, answers the handshake and draws the chord: the header group feeding the body', async () => {
    const panel = await vscode.commands.executeCommand<vscode.WebviewPanel>('celeryLens.task.showWorkflow', { connectionId, taskId: run.body });
    assert.ok(panel, 'Show Workflow returned no panel');
    assert.equal(panel.viewType, 'celeryLens.flow');
    // The webview reports what it drew once it got the graph (after `ready`); live updates converge on 7.
    const rendered = await waitFor(() => {
      const diagram = api.flows.openDiagrams().find((d) => d.panel === panel);
      return diagram?.rendered?.nodes === 7 ? diagram.rendered : undefined;
    }, 30_000, 'the webview drew 7 tasks');
    assert.equal(rendered.groups, 1);
    assert.equal(rendered.edges, 1);

    if (!hasWorkbenchAccess()) return;
    const status = await waitFor(async () => {
      const texts = await workbenchTexts(inWebview('.lens-status')).catch(() => undefined);
      return texts?.find((t) => /^7 tasks ·/.test(t));
    }, 20_000, 'the diagram status line in the webview DOM');
    assert.match(status, /critical path 2$/);
    const toolbar = await workbenchTexts(inWebview('vscode-button'));
    assert.deepEqual(toolbar, ['Fit', 'Zoom In', 'Zoom Out', 'Reveal in Tree', 'Export SVG', 'Export PNG']);
    await screenshot('panel-flow');
    await screenshot('panel-flow-webview', 'iframe.webview.ready');
  });

  it('opens the same panel again for the same task, and from the palette path with a task id', async () => {
    const before = api.flows.openDiagrams().length;
    const again = await vscode.commands.executeCommand<vscode.WebviewPanel>('celeryLens.task.showWorkflow', { connectionId, taskId: run.body });
    assert.equal(api.flows.openDiagrams().length, before);
    const header = await vscode.commands.executeCommand<vscode.WebviewPanel>('celeryLens.task.showWorkflow', { connectionId, taskId: run.header[0] });
    assert.notEqual(header, again);
    const rendered = await waitFor(() => api.flows.openDiagrams().find((d) => d.panel === header)?.rendered, 30_000, 'the header task diagram drawn');
    assert.equal(rendered.nodes, 7, 'opened from a header task, the whole chord');
  });

  it('comes back from the state its webview saved (what the serializer gets after a reload); bad state closes it', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const panel = vscode.window.createWebviewPanel('celeryLens.flow', 'restored', vscode.ViewColumn.Active);
    const saved = { restore: { connectionId, taskId: run.body }, view: { transform: { x: 40, y: 30, k: 0.8 } } };
    assert.equal(api.flows.restore(panel, saved), true);
    const rendered = await waitFor(() => api.flows.openDiagrams().find((d) => d.panel === panel)?.rendered, 30_000, 'the restored diagram drawn');
    assert.equal(rendered.nodes, 7);
    // The restored panel is the one Show Workflow reveals for that task.
    assert.equal(await vscode.commands.executeCommand('celeryLens.task.showWorkflow', { connectionId, taskId: run.body }), panel);
    const broken = vscode.window.createWebviewPanel('celeryLens.flow', 'broken', vscode.ViewColumn.Active);
    let closed = false;
    broken.onDidDispose(() => (closed = true));
    // Let the workbench finish opening it first (disposing a webview mid-open logs a workbench error).
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(api.flows.restore(broken, { restore: { taskId: 42 } }), false);
    assert.ok(closed);
  });

  it('opens from task details (the editor title button passes the document URI) and from a tree node', async () => {
    const editor = await vscode.commands.executeCommand<vscode.TextEditor>('celeryLens.task.openDetails', { connectionId, taskId: run.header[1] });
    const uri = editor?.document.uri ?? vscode.window.activeTextEditor?.document.uri;
    assert.ok(uri, 'task details opened');
    const fromDetails = await vscode.commands.executeCommand<vscode.WebviewPanel>('celeryLens.task.showWorkflow', uri);
    assert.ok(fromDetails);
    const treeNode = { kind: 'task', connectionId, taskId: run.header[1], parentKey: 's/SUCCESS' };
    const fromTree = await vscode.commands.executeCommand<vscode.WebviewPanel>('celeryLens.task.showWorkflow', treeNode);
    assert.equal(fromTree, fromDetails, 'the same task: the open panel is revealed');
  });
});
