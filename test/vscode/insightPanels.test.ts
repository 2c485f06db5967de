/**
 * The timeline, trace and dashboard panels in a real VS Code over the real Redis cluster: each
 * opens from its command, its webview answers the handshake and reports what it drew (the host
 * keeps the last `rendered` report): the bars of real executions, the spans of a real workflow
 * (a task spawning children on the worker), the six charts. Screenshots in .test-run/vscode/shots.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { CeleryLensApi } from '../../src/extension';
import { requireCluster } from './support/clusterEnv';
import { screenshot } from './support/workbench';
import { waitFor } from './support/waitFor';
import { connectTestCluster } from './support/connections';
import { activateCeleryLens } from './support/extension';
import { publishTasks } from './support/publishTasks';

describe('(vscode) timeline, trace and dashboard panels', function () {
  this.timeout(90_000);
  const cluster = requireCluster('redis');
  let api: CeleryLensApi;
  let connectionId: string;
  let spawnerId: string;

  before(async () => {
    api = await activateCeleryLens();
    connectionId = await connectTestCluster(api, cluster, { name: 'Panels cluster', showView: true });
    [spawnerId] = await publishTasks(cluster, { name: 'lens_testapp.tasks.spawner', args: [3], kwargs: {}, queue: 'celery' });
    await waitFor(() => {
      const state = api.manager.monitor(connectionId)?.state;
      const children = state?.tasks.get(spawnerId)?.children ?? [];
      return children.length === 3 && children.every((c) => state?.tasks.get(c)?.state === 'SUCCESS');
    }, 30_000, 'the spawner and its three children to finish on the real worker');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  const rendered = <T>(panel: string, test: (report: T) => boolean, what: string): Promise<T> =>
    waitFor(() => {
      const report = api.panels.rendered.get(`${panel} ${connectionId}`) as T | undefined;
      return report !== undefined && test(report) ? report : undefined;
    }, 30_000, what);

  it('Show Timeline opens the timeline, whose webview draws the real executions', async () => {
    await vscode.commands.executeCommand('celeryLens.showTimeline', { connectionId });
    assert.equal(api.panels.openPanels().timeline.length, 1);
    const report = await rendered<{ bars: number; lanes: number }>('timeline', (r) => r.bars >= 4, 'the timeline webview to draw the spawner and its children');
    assert.ok(report.lanes >= 1);
    await screenshot('panel-timeline');
  });

  it('Show Trace on a task opens its workflow, whose webview draws the spawner and its children', async () => {
    await vscode.commands.executeCommand('celeryLens.task.showTrace', { connectionId, taskId: spawnerId });
    const report = await rendered<{ spans: number }>('trace', (r) => r.spans === 4, 'the trace webview to draw 4 spans');
    assert.equal(report.spans, 4);
    await screenshot('panel-trace');
  });

  it('Show Trace reads the traceparent of a task a worker holds (ETA) from its message in Redis', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    // As OpenTelemetry's Celery instrumentation publishes: the header among the message's headers.
    const [taskId] = await publishTasks(cluster, { name: 'lens_testapp.tasks.add', args: [2, 2], kwargs: {}, queue: 'celery', countdown: 20, headers: { traceparent } });
    await waitFor(() => api.manager.monitor(connectionId)?.state.tasks.get(taskId)?.state === 'RECEIVED', 30_000, 'the worker to receive the ETA task');
    assert.equal(api.manager.monitor(connectionId)?.state.tasks.get(taskId)?.traceparent, undefined, 'events carry no headers');
    await vscode.commands.executeCommand('celeryLens.task.showTrace', { connectionId, taskId });
    await rendered<{ spans: number; context: string }>('trace', (r) => r.spans === 1 && r.context === 'valid', 'the trace webview to show the valid traceparent');
    assert.equal(api.manager.monitor(connectionId)?.state.tasks.get(taskId)?.traceparent, traceparent);
    await screenshot('panel-trace-traceparent');
  });

  it('restores each panel from the state its webview saved (as after a window reload), and closes one whose state does not parse', async () => {
    api.panels.rendered.clear();
    // One at a time: a webview loads only while its panel is visible (the newest is active).
    const restored: Array<['timeline' | 'trace' | 'dashboard', unknown, (report: Record<string, number>) => boolean]> = [
      ['timeline', { restore: { connectionId, name: 'Panels cluster', worker: 'lens1@vm' }, view: { minutes: 60, follow: true, zoom: null } }, (r) => r.lanes >= 1],
      ['trace', { restore: { connectionId, rootId: spawnerId, name: 'spawner' } }, (r) => r.spans === 4],
      ['dashboard', { restore: { connectionId, name: 'Panels cluster' }, view: { window: '5m' } }, (r) => r.charts === 6],
    ];
    for (const [kind, saved, drawn] of restored) {
      api.panels.rendered.clear();
      const panel = vscode.window.createWebviewPanel(`celeryLens.${kind}`, 'restored', vscode.ViewColumn.Active);
      assert.equal(api.panels.restore(kind, panel, saved), true, kind);
      await rendered<Record<string, number>>(kind, drawn, `the restored ${kind} drawn`);
    }
    assert.equal(api.panels.openPanels().timeline.length, 2, 'the whole cluster and the restored lens1@vm timeline');
    const broken = vscode.window.createWebviewPanel('celeryLens.trace', 'broken', vscode.ViewColumn.Active);
    let disposed = false;
    broken.onDidDispose(() => (disposed = true));
    assert.equal(api.panels.restore('trace', broken, { restore: { rootId: 42 } }), false);
    assert.equal(disposed, true);
  });

  it('Show Dashboard opens the dashboard, whose webview draws its six charts', async () => {
    await vscode.commands.executeCommand('celeryLens.showDashboard', { connectionId });
    await rendered<{ charts: number }>('dashboard', (r) => r.charts === 6, 'the dashboard webview to draw 6 charts');
    await screenshot('panel-dashboard');
  });
});
