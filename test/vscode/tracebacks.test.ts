/**
 * Tracebacks back to source in a real VS Code against the real Redis test cluster: a task failing on
 * a real worker puts a diagnostic at the raising line of the workspace's copy of the test app (found
 * through a workspace `celeryLens.pathMappings` entry from the worker's folder), the details' frames
 * link to file and line, "Go to failing line" opens it, the task's CodeLens shows its real counts,
 * and the diagnostic goes with the setting or the connection.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CeleryLensApi } from '../../src/extension';
import { celeryAppDir } from '../integration/support/paths';
import { requireCluster } from './support/clusterEnv';
import { hasWorkbenchAccess, screenshot, workbenchTexts } from './support/workbench';
import { waitFor } from './support/waitFor';
import { connectTestCluster, removeAddedConnections } from './support/connections';
import { activateCeleryLens } from './support/extension';
import { publishTasks } from './support/publishTasks';

/** 1-based number of the first line of `file` containing `text`. */
function lineOf(file: string, text: string): number {
  const index = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text));
  assert.ok(index >= 0, `${text} not in ${file}`);
  return index + 1;
}

const ours = (uri: vscode.Uri): vscode.Diagnostic[] => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Celery Lens');

describe('(vscode) tracebacks back to source', function () {
  this.timeout(90_000);
  const cluster = requireCluster('redis');
  let api: CeleryLensApi;
  let connectionId: string;
  let failedId: string;
  let workspaceApp: string;
  let helpersUri: vscode.Uri;

  before(async () => {
    api = await activateCeleryLens();
    // The workspace gets the test app's source (the run works on a copy of the fixture workspace),
    // and a mapping from the folder the workers run it from.
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(folder, 'no workspace folder');
    workspaceApp = path.join(folder, 'app');
    fs.cpSync(path.join(celeryAppDir, 'lens_testapp'), path.join(workspaceApp, 'lens_testapp'), { recursive: true, filter: (p) => !p.includes('__pycache__') });
    await vscode.workspace.getConfiguration('celeryLens').update('pathMappings', { [celeryAppDir]: '${workspaceFolder}/app' }, vscode.ConfigurationTarget.Workspace);
    helpersUri = vscode.Uri.file(path.join(workspaceApp, 'lens_testapp', 'helpers.py'));
    // Other tests' connections watch the same cluster and would add their own diagnostics and rows.
    await removeAddedConnections(api);
    for (const profile of api.manager.profiles()) await api.manager.disconnect(profile.id);
  });

  after(async () => {
    await vscode.workspace.getConfiguration('celeryLens').update('pathMappings', undefined, vscode.ConfigurationTarget.Workspace);
    await removeAddedConnections(api);
  });

  it('a task failing on the real worker shows in Problems at the raising line of the workspace file', async () => {
    connectionId = await connectTestCluster(api, cluster, { name: 'Tracebacks cluster', showView: true });

    [failedId] = await publishTasks(cluster, { name: 'lens_testapp.tasks.fail_nested', args: [21], kwargs: {}, queue: 'celery' });

    const raiseLine = lineOf(helpersUri.fsPath, 'raise LensTestError');
    const [diagnostic] = await waitFor(() => {
      const found = ours(helpersUri);
      return found.length ? found : undefined;
    }, 30_000, 'a Celery Lens diagnostic in the workspace copy of helpers.py');
    assert.equal(diagnostic?.range.start.line, raiseLine - 1);
    assert.equal(diagnostic?.severity, vscode.DiagnosticSeverity.Error);
    assert.match(diagnostic?.message ?? '', /^lens_testapp\.errors\.LensTestError: \('value out of range: 42', 7\) \(lens_testapp\.tasks\.fail_nested failed \d+×, last \d{4}-\d\d-\d\d [\d:.]+ UTC\)$/);
    // Only the workspace copy carries it, not the worker's own path.
    assert.equal(ours(vscode.Uri.file(path.join(celeryAppDir, 'lens_testapp', 'helpers.py'))).length, 0);
  });

  it('the Errors view lists the failure group with its count and raising file', async function () {
    if (!hasWorkbenchAccess()) this.skip();
    await vscode.commands.executeCommand('celeryLens.errors.focus');
    const rows = await waitFor(async () => {
      const texts = (await workbenchTexts('.monaco-list-row')) ?? [];
      return texts.some((t) => t.includes("LensTestError: ('value out of range: 42', 7)") && /\d+× · .* · helpers\.py:\d+/.test(t)) ? texts : undefined;
    }, 15_000, 'the error group row');
    assert.ok(rows.some((t) => t.includes('Tracebacks cluster')));
    await screenshot('errors-view');
  });

  it('the details document links each frame of the user code to its file, line and column', async () => {
    await vscode.commands.executeCommand('celeryLens.task.openDetails', { connectionId, taskId: failedId });
    const editor = await waitFor(() => vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === 'celery-task' && e.document.getText().includes('helpers.py')), 15_000, 'the details with the traceback');
    const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', editor.document.uri);
    const targets = links.filter((l) => l.target?.scheme === 'file').map((l) => ({ path: l.target?.fsPath, fragment: l.target?.fragment, text: editor.document.getText(l.range) }));
    const tasksFile = path.join(workspaceApp, 'lens_testapp', 'tasks.py');
    const callLine = lineOf(tasksFile, 'return validate(value)');
    // `return validate(value)` is indented by 4; the caret marks `validate(value)`, 7 characters in: column 12 (1-based).
    assert.ok(targets.some((t) => t.path === tasksFile && t.fragment === `L${callLine},12` && t.text.endsWith('lens_testapp/tasks.py')), JSON.stringify(targets));
    assert.ok(targets.some((t) => t.path === helpersUri.fsPath && t.fragment === `L${lineOf(helpersUri.fsPath, 'raise LensTestError')}`), JSON.stringify(targets));
    // Celery's own frames link only where the file exists here (Debian's dist-packages does on this machine).
    for (const t of targets.filter((x) => x.text.includes('dist-packages'))) assert.ok(fs.existsSync(t.path ?? ''), t.path);
  });

  it('"Go to failing line" opens the deepest user frame', async () => {
    const editor = await vscode.commands.executeCommand<vscode.TextEditor>('celeryLens.task.goToFailingLine', { connectionId, taskId: failedId });
    assert.equal(editor?.document.uri.fsPath, helpersUri.fsPath);
    assert.equal(editor?.selection.start.line, lineOf(helpersUri.fsPath, 'raise LensTestError') - 1);
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, helpersUri.fsPath);
  });

  it('a CodeLens and a hover on the task definition show its real counts; Go to Task Definition opens it', async () => {
    const tasksUri = vscode.Uri.file(path.join(workspaceApp, 'lens_testapp', 'tasks.py'));
    const decoratorLine = lineOf(tasksUri.fsPath, 'def fail_nested') - 1;
    // The provider commands need the document loaded.
    await vscode.workspace.openTextDocument(tasksUri);
    const stats = () => api.manager.monitor(connectionId)?.state.stats.forTask('lens_testapp.tasks.fail_nested', 3600);
    const lens = await waitFor(async () => {
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', tasksUri);
      const found = lenses.find((l) => l.range.start.line === decoratorLine - 1);
      return found?.command && /failure/.test(found.command.title) ? found : undefined;
    }, 15_000, 'the CodeLens of fail_nested');
    const s = stats();
    assert.ok(s && s.failures >= 1);
    const m = /^(\d+) runs? · (\d+) failures?/.exec(lens.command?.title ?? '');
    assert.deepEqual([Number(m?.[1]), Number(m?.[2])], [s.runs, s.failures], lens.command?.title);
    assert.match(lens.command?.title ?? '', /last failure (just now|\d+s ago) \(1 h\)$/);
    assert.equal(lens.command?.command, 'celeryLens.task.showRuns');
    assert.deepEqual(lens.command?.arguments, ['lens_testapp.tasks.fail_nested']);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', tasksUri, new vscode.Position(decoratorLine - 1, 2));
    const hoverText = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(hoverText, /Celery task `lens_testapp\.tasks\.fail_nested`/);
    assert.match(hoverText, /\*\*Tracebacks cluster\*\*: \d+ runs? · \d+ failures?/);
    const editor = await vscode.commands.executeCommand<vscode.TextEditor>('celeryLens.task.goToDefinition', { connectionId, taskId: failedId });
    assert.equal(editor?.document.uri.fsPath, tasksUri.fsPath);
    assert.equal(editor?.selection.start.line, decoratorLine);
    assert.equal(editor?.document.getText(editor.selection), 'fail_nested');
  });

  it('the diagnostic goes when the setting turns it off, and when the connection closes', async () => {
    const config = () => vscode.workspace.getConfiguration('celeryLens');
    await config().update('diagnostics.enabled', false, vscode.ConfigurationTarget.Workspace);
    await waitFor(() => ours(helpersUri).length === 0, 10_000, 'no diagnostic with the setting off');
    await config().update('diagnostics.enabled', undefined, vscode.ConfigurationTarget.Workspace);
    await waitFor(() => ours(helpersUri).length === 1, 10_000, 'the diagnostic back');
    await vscode.commands.executeCommand('celeryLens.disconnect', connectionId);
    await waitFor(() => ours(helpersUri).length === 0, 10_000, 'no diagnostic once disconnected');
  });
});
