/**
 * Replay and debug locally in a real VS Code (code-server: no Python extension, so Celery Lens's own
 * debug type runs debugpy's adapter from Debian's /usr/bin/python3 with python3-debugpy) against the
 * real Redis test cluster: "Debug Locally" on a task that failed on the real worker stops at a
 * breakpoint in the workspace copy of the fixture task, with the task's arguments in the debug
 * session's variables; continuing ends with a report saying it reproduced. "Replay Locally" runs
 * the same way without the debugger; with an interpreter that has no debugpy, "Debug Locally" says how
 * to install it and can run the replay in a terminal instead; arguments known only from a truncated
 * event repr open as prefilled JSON, and the edited arguments are the ones that run.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Redis from 'ioredis';
import * as vscode from 'vscode';
import type { CeleryLensApi } from '../../src/extension';
import { celeryAppDir, repoRoot } from '../integration/support/paths';
import { requireCluster } from './support/clusterEnv';
import { screenshot } from './support/workbench';
import { waitFor } from './support/waitFor';
import { connectTestCluster, removeAddedConnections } from './support/connections';
import { activateCeleryLens } from './support/extension';
import { publishTasks } from './support/publishTasks';

const CHECKSUM = 'lens_testapp.replay_tasks.bound_checksum';

interface ReplayResult { outcome: string; verdict?: string; status?: string; exitCode?: number; source?: string; report?: vscode.Uri }
interface Variable { name: string; value: string }

function lineOf(file: string, text: string): number {
  const index = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text));
  assert.ok(index >= 0, `${text} not in ${file}`);
  return index + 1;
}

describe('(vscode) replay and debug a task locally', function () {
  this.timeout(120_000);
  const cluster = requireCluster('redis');
  let api: CeleryLensApi;
  let connectionId: string;
  let taskFile: string;
  const stops: Array<{ session: vscode.DebugSession; threadId: number; reason: string }> = [];
  let tracker: vscode.Disposable;

  /** Send `bound_checksum(items, scale)` to the real workers; resolves with its id once its end is known. */
  async function runOnWorker(items: number[], scale: number, state: string): Promise<string> {
    const [id] = await publishTasks(cluster, { name: CHECKSUM, args: [items], kwargs: { scale }, queue: 'celery' });
    await waitFor(() => api.manager.monitor(connectionId)?.state.tasks.get(id)?.state === state, 30_000, `${id} ${state} on the worker`);
    return id;
  }

  before(async () => {
    api = await activateCeleryLens();
    assert.equal(vscode.extensions.getExtension('ms-python.debugpy'), undefined, 'this test is for VS Code without the Python Debugger extension');
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(folder, 'no workspace folder');
    // The workspace holds the app's source (as a developer's checkout would), under app/.
    const appDir = path.join(folder, 'app');
    fs.cpSync(path.join(celeryAppDir, 'lens_testapp'), path.join(appDir, 'lens_testapp'), { recursive: true, filter: (p) => !p.includes('__pycache__') });
    taskFile = path.join(appDir, 'lens_testapp', 'replay_tasks.py');
    const config = vscode.workspace.getConfiguration('celeryLens');
    await config.update('replay.python', '/usr/bin/python3', vscode.ConfigurationTarget.Workspace);
    await config.update('confirm.replay', false, vscode.ConfigurationTarget.Workspace);
    tracker = vscode.debug.registerDebugAdapterTrackerFactory('*', {
      createDebugAdapterTracker: (session) => ({
        onDidSendMessage: (m: { type?: string; event?: string; body?: { threadId?: number; reason?: string } }) => {
          if (m.type === 'event' && m.event === 'stopped') stops.push({ session, threadId: m.body?.threadId ?? 0, reason: m.body?.reason ?? '' });
        },
      }),
    });
    connectionId = await connectTestCluster(api, cluster, { name: 'Replay cluster' });
  });

  after(async () => {
    tracker?.dispose();
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    const config = vscode.workspace.getConfiguration('celeryLens');
    await config.update('replay.python', undefined, vscode.ConfigurationTarget.Workspace);
    await config.update('confirm.replay', undefined, vscode.ConfigurationTarget.Workspace);
    await removeAddedConnections(api);
  });

  it('"Debug Locally" on a failed task stops at a breakpoint in its source with its arguments in the variables', async () => {
    const taskId = await runOnWorker([60, 50], 1, 'FAILURE');
    const line = lineOf(taskFile, 'if total > 100:');
    vscode.debug.addBreakpoints([new vscode.SourceBreakpoint(new vscode.Location(vscode.Uri.file(taskFile), new vscode.Position(line - 1, 0)))]);

    const done = vscode.commands.executeCommand<ReplayResult>('celeryLens.task.debugLocally', { connectionId, taskId });
    const stop = await waitFor(() => stops.find((s) => s.reason === 'breakpoint'), 60_000, 'the debugger stopping at the breakpoint');
    assert.equal(stop.session.type, 'celery-lens-debugpy');
    assert.equal(vscode.debug.activeDebugSession?.id, stop.session.id);

    const trace = await stop.session.customRequest('stackTrace', { threadId: stop.threadId, levels: 1 }) as { stackFrames: Array<{ id: number; name: string; line: number; source?: { path?: string } }> };
    const [frame] = trace.stackFrames;
    assert.equal(frame.name, 'bound_checksum');
    assert.equal(frame.line, line);
    // In a remote window (code-server) the workbench hands adapter paths over as vscode-remote: URIs.
    const framePath = frame.source?.path ?? '';
    assert.equal(fs.realpathSync(/^[a-z][\w+.-]+:\/\//i.test(framePath) ? vscode.Uri.parse(framePath).fsPath : framePath), fs.realpathSync(taskFile));
    const scopes = await stop.session.customRequest('scopes', { frameId: frame.id }) as { scopes: Array<{ name: string; variablesReference: number }> };
    const locals = scopes.scopes.find((s) => s.name === 'Locals');
    assert.ok(locals);
    const { variables } = await stop.session.customRequest('variables', { variablesReference: locals.variablesReference }) as { variables: Variable[] };
    const value = (name: string) => variables.find((v) => v.name === name)?.value;
    assert.equal(value('items'), '[60, 50]');
    assert.equal(value('scale'), '1');
    assert.equal(value('total'), '110');
    const requestId = await stop.session.customRequest('evaluate', { expression: 'self.request.id', frameId: frame.id, context: 'watch' }) as { result: string };
    assert.equal(requestId.result, `'${taskId}'`);
    await screenshot('replay-debug-stopped');

    // Continue to the end. No other stop may come: not in the helper either (VS Code's default
    // "Uncaught Exceptions" filter would stop on a non-zero SystemExit); any that does is continued and reported.
    let settled = false;
    const finished = Promise.resolve(done).then((r) => { settled = true; return r; });
    let seen = stops.indexOf(stop) + 1;
    await stop.session.customRequest('continue', { threadId: stop.threadId });
    const later: string[] = [];
    while (!settled) {
      await Promise.race([finished, new Promise((r) => setTimeout(r, 200))]);
      if (stops.length > seen) {
        const next = stops[seen++];
        later.push(next.reason);
        await next.session.customRequest('continue', { threadId: next.threadId });
      }
    }
    assert.deepEqual(later, [], 'the debugger stopped again after the breakpoint');
    const result = await finished;
    assert.equal(result?.outcome, 'done');
    assert.equal(result?.status, 'FAILURE');
    assert.equal(result?.exitCode, 1);
    assert.equal(result?.verdict, 'reproduced');
    assert.match(result?.source ?? '', /extended result/);
    const report = vscode.workspace.textDocuments.find((d) => d.uri.toString() === result?.report?.toString());
    assert.ok(report, 'the report is open');
    assert.match(report.getText(), /^# ✅ Reproduced: lens_testapp\.replay_tasks\.bound_checksum /);
    assert.match(report.getText(), new RegExp(`checksum 110 too large in ${taskId}`));
    assert.ok(vscode.window.visibleTextEditors.some((e) => e.document === report), 'the report is visible');
    await screenshot('replay-report');
  });

  it('"Replay Locally" runs the task without the debugger and compares its result with the worker\'s', async () => {
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    const taskId = await runOnWorker([1, 2, 3], 2, 'SUCCESS');
    const before = stops.length;
    const result = await vscode.commands.executeCommand<ReplayResult>('celeryLens.task.replayLocally', { connectionId, taskId });
    assert.equal(result?.outcome, 'done');
    assert.equal(result?.status, 'SUCCESS');
    assert.equal(result?.exitCode, 0);
    assert.equal(result?.verdict, 'reproduced');
    assert.equal(stops.length, before, 'no debug session');
    const report = vscode.workspace.textDocuments.find((d) => d.uri.toString() === result?.report?.toString());
    assert.match(report?.getText() ?? '', new RegExp(`\\| Result \\| \\{"total":12,"id":"${taskId}"\\} \\| \\{"total":12,"id":"${taskId}"\\} \\|`));
  });

  it('arguments given to the command (edited JSON) are used, and a different outcome is reported as such', async () => {
    const taskId = await runOnWorker([5], 1, 'SUCCESS');
    const result = await vscode.commands.executeCommand<ReplayResult>('celeryLens.task.replayLocally', { connectionId, taskId, args: [[500]], kwargs: { scale: 1 } });
    assert.equal(result?.status, 'FAILURE');
    assert.equal(result?.verdict, 'differs');
    assert.match(result?.source ?? '', /edited as JSON/);
  });

  it('"Debug Locally" with no debugpy anywhere says how to install it, and "Run in Terminal" replays the task there', async () => {
    const taskId = await runOnWorker([4, 5], 1, 'SUCCESS');
    const withoutDebugpy = path.join(repoRoot, 'test', 'fixtures', 'replay', 'python-without-debugpy');
    const config = vscode.workspace.getConfiguration('celeryLens');
    await config.update('replay.python', withoutDebugpy, vscode.ConfigurationTarget.Workspace);
    // The extension shares this test's vscode API object, so its modal question is answered here.
    const window = vscode.window as { showWarningMessage: (...a: unknown[]) => unknown };
    const original = window.showWarningMessage;
    const asked: Array<{ message: string; detail?: string; buttons: unknown[] }> = [];
    window.showWarningMessage = (message: unknown, ...rest: unknown[]) => {
      if (typeof message !== 'string' || !message.startsWith('debugpy is not installed')) return original.call(vscode.window, message, ...rest);
      const [options, ...buttons] = rest as [{ modal?: boolean; detail?: string }, ...unknown[]];
      asked.push({ message, detail: options?.detail, buttons });
      return Promise.resolve('Run in Terminal (no debugger)');
    };
    const before = stops.length;
    const sessions: string[] = [];
    const started = vscode.debug.onDidStartDebugSession((s) => sessions.push(s.type));
    // The terminal closes by itself once the helper exits 0, so it is seen as it opens.
    const terminals: vscode.Terminal[] = [];
    const opened = vscode.window.onDidOpenTerminal((t) => terminals.push(t));
    try {
      const result = await vscode.commands.executeCommand<ReplayResult>('celeryLens.task.debugLocally', { connectionId, taskId });
      assert.equal(asked.length, 1, 'asked once what to do without debugpy');
      assert.equal(asked[0].message, `debugpy is not installed for ${withoutDebugpy}, and the Python Debugger extension is not installed.`);
      assert.ok(asked[0].detail?.includes(`${withoutDebugpy} -m pip install debugpy`), asked[0].detail);
      assert.deepEqual(asked[0].buttons, ['Run in Terminal (no debugger)', 'Copy Install Command']);
      assert.deepEqual(sessions, [], 'no debug session');
      assert.equal(stops.length, before);
      const terminal = terminals.find((t) => t.name === `Debug bound_checksum ${taskId.slice(0, 8)}`);
      assert.ok(terminal, `no replay terminal among [${terminals.map((t) => t.name).join(', ')}]`);
      assert.equal((terminal.creationOptions as vscode.TerminalOptions).shellPath, withoutDebugpy);
      if (!terminal.exitStatus) terminal.dispose();
      assert.equal(result?.outcome, 'done');
      assert.equal(result?.status, 'SUCCESS');
      assert.equal(result?.verdict, 'reproduced');
    } finally {
      started.dispose();
      opened.dispose();
      window.showWarningMessage = original;
      await config.update('replay.python', '/usr/bin/python3', vscode.ConfigurationTarget.Workspace);
    }
  });

  it('arguments known only as a truncated event repr open as prefilled JSON; the edited arguments run', async () => {
    const items = new Array<number>(400).fill(0);
    const taskId = await runOnWorker(items, 1, 'SUCCESS');
    // Without the extended result record, the task-received event's repr (cut at 1,024 characters) is the only source.
    const backend = new Redis(cluster.backendUrl);
    try {
      assert.equal(await backend.del(`celery-task-meta-${taskId}`), 1);
    } finally {
      backend.disconnect();
    }
    const window = vscode.window as { showWarningMessage: (...a: unknown[]) => unknown };
    const original = window.showWarningMessage;
    const drafts: string[] = [];
    let draft: vscode.TextDocument | undefined;
    const prompts: string[] = [];
    window.showWarningMessage = (message: unknown, ...rest: unknown[]) => {
      if (typeof message !== 'string' || !message.startsWith('The arguments of')) return original.call(vscode.window, message, ...rest);
      prompts.push(message);
      const editor = vscode.window.activeTextEditor;
      assert.ok(editor, 'the draft is open in an editor');
      draft = editor.document;
      drafts.push(draft.getText());
      const all = new vscode.Range(editor.document.positionAt(0), editor.document.positionAt(editor.document.getText().length));
      return Promise.resolve(editor.edit((e) => e.replace(all, '// edited\n{"args": [[60, 50]], "kwargs": {"scale": 1}}\n'))).then(() => rest[0]);
    };
    try {
      const result = await vscode.commands.executeCommand<ReplayResult>('celeryLens.task.replayLocally', { connectionId, taskId });
      assert.deepEqual(prompts, [`The arguments of ${CHECKSUM} are only a draft from the task-received event's repr: check them in the JSON editor, then run.`]);
      assert.equal(drafts.length, 1);
      assert.match(drafts[0], new RegExp(`^// Arguments to replay ${CHECKSUM.replace(/\./g, '\\.')} ${taskId} with, as JSON\\.`));
      assert.match(drafts[0], /\/\/ Source: the task-received event's repr\./);
      assert.match(drafts[0], /\/\/ args repr: +\(\[0, 0, 0, /);
      assert.match(drafts[0], /\/\/ Check: /);
      assert.match(drafts[0], /"args": \[\s*\[\s*0,/, 'prefilled with what could be read');
      assert.equal(result?.outcome, 'done');
      assert.equal(result?.source, "arguments edited as JSON (draft from the task-received event's repr)");
      assert.equal(result?.status, 'FAILURE', 'ran with the edited [60, 50], not the original zeros');
      assert.equal(result?.verdict, 'differs');
      const report = vscode.workspace.textDocuments.find((d) => d.uri.toString() === result?.report?.toString());
      assert.match(report?.getText() ?? '', new RegExp(`checksum 110 too large in ${taskId}`));
    } finally {
      window.showWarningMessage = original;
      if (draft) {
        await vscode.window.showTextDocument(draft);
        await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      }
    }
  });
});
