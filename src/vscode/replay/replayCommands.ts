/**
 * "Replay locally" and "Debug locally": the task runs on this machine with the arguments of the
 * most faithful source known (checked as JSON first when only a draft is known), after a
 * confirmation saying its side effects are real; the outcome opens beside the original run.
 * Commands accept `{ connectionId, taskId }` (tree nodes, the Errors view, tests), a task details
 * document, or nothing (a pick); tests may pass `args`/`kwargs` (taken as edited JSON).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { randomUUID } from 'node:crypto';
import type { EditedArguments } from '../../core/replay/argumentsDocument';
import { chooseDebugRoute } from '../../core/replay/debugRoute';
import { debugLaunchInput, type HelperFiles } from '../../core/replay/launchConfig';
import { recoverArguments } from '../../core/replay/replayArguments';
import { replayConfirmation } from '../../core/replay/replayConfirmation';
import { compareRuns, originalRun, renderReplayReport, type Verdict } from '../../core/replay/replayReport';
import { replaySpecFor, type ReplaySpec } from '../../core/replay/replaySpec';
import { chooseRunArguments, type ArgumentsEditor } from '../../core/replay/runArguments';
import { connectedMonitor, profileOf } from '../actions/actionRunner';
import { pickTask, stringField } from '../actions/pickers';
import type { CommandContext } from '../commands/commandContext';
import { CONFIG_SECTION } from '../config';
import { parseTaskDetailsUri, TASK_DETAILS_SCHEME } from '../taskDetails/taskDetailsUri';
import { debugpyVersion } from './debugpyProbe';
import { chooseInterpreter, hasDebugpyExtension } from './interpreter';
import { replayFeature } from './replayFeature';
import { runDebug, runInTerminal, runProcess, type RunEnd } from './replayRunner';
import { gatherTask } from './replaySources';

type Mode = 'replay' | 'debug';

/** What the commands return (tests read it). */
export interface ReplayResult {
  outcome: 'done' | 'cancelled' | 'refused';
  verdict?: Verdict;
  status?: string;
  exitCode?: number;
  source?: string;
  report?: vscode.Uri;
}

async function targetOf(ctx: CommandContext, arg: unknown): Promise<{ connectionId: string; taskId: string } | undefined> {
  if (arg instanceof vscode.Uri && arg.scheme === TASK_DETAILS_SCHEME) return parseTaskDetailsUri(arg);
  if (stringField(arg, 'connectionId') && stringField(arg, 'taskId')) return pickTask(ctx, arg);
  const connectionId = stringField(arg, 'connectionId');
  const groupKey = stringField(arg, 'kind') === 'group' ? stringField(arg, 'key') : undefined;
  if (connectionId && groupKey) {
    // An Errors view group: its newest failure.
    const taskId = replayFeature().newestOfErrorGroup(connectionId, groupKey);
    return taskId ? { connectionId, taskId } : undefined;
  }
  const doc = vscode.window.activeTextEditor?.document;
  if (arg === undefined && doc?.uri.scheme === TASK_DETAILS_SCHEME) return parseTaskDetailsUri(doc.uri);
  return pickTask(ctx, arg);
}

function givenArguments(arg: unknown): EditedArguments | undefined {
  const given = typeof arg === 'object' && arg !== null ? (arg as { args?: unknown; kwargs?: unknown }) : {};
  if (!Array.isArray(given.args)) return undefined;
  const kwargs = typeof given.kwargs === 'object' && given.kwargs !== null && !Array.isArray(given.kwargs) ? (given.kwargs as Record<string, unknown>) : {};
  return { args: given.args, kwargs };
}

/** The draft as an untitled JSON editor, with "Run with These Arguments" asked as a notification. */
function jsonEditor(): ArgumentsEditor {
  let doc: vscode.TextDocument | undefined;
  return {
    async open(text) {
      doc = await vscode.workspace.openTextDocument({ language: 'jsonc', content: text });
      await vscode.window.showTextDocument(doc, { preview: false });
    },
    ask: (message, run) => Promise.resolve(vscode.window.showWarningMessage(message, run, 'Cancel')),
    text: () => doc?.getText() ?? '',
    showError: (message) => void vscode.window.showErrorMessage(message),
  };
}

async function confirmReplay(text: ReturnType<typeof replayConfirmation>): Promise<boolean> {
  if (vscode.workspace.getConfiguration(CONFIG_SECTION).get<boolean>('confirm.replay', true) === false) return true;
  return (await vscode.window.showWarningMessage(text.message, { modal: true, detail: text.detail }, text.button)) === text.button;
}

function writeSpec(spec: ReplaySpec): HelperFiles {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'celery-lens-replay-'));
  const files = { helper: replayFeature().helperPath, spec: path.join(dir, 'spec.json'), out: path.join(dir, 'outcome.json') };
  fs.writeFileSync(files.spec, JSON.stringify(spec), 'utf8');
  return files;
}

/** Debug needs debugpy: from the Python Debugger extension, or importable in the interpreter. Else offer a terminal run. */
function debugRoute(python: string) {
  return chooseDebugRoute({
    python, hasDebugpyExtension: hasDebugpyExtension(), debugpyVersion,
    ask: (p) => Promise.resolve(vscode.window.showWarningMessage(p.message, { modal: true, detail: p.detail }, p.terminal, p.copy)),
    copyToClipboard: (text) => Promise.resolve(vscode.env.clipboard.writeText(text)),
  });
}

async function replay(ctx: CommandContext, arg: unknown, mode: Mode): Promise<ReplayResult | undefined> {
  const target = await targetOf(ctx, arg);
  if (!target) return undefined;
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('Celery Lens: replaying a task runs this workspace\'s code; trust the workspace first.', 'Manage Workspace Trust')
      .then((choice) => (choice ? vscode.commands.executeCommand('workbench.trust.manage') : undefined));
    return { outcome: 'refused' };
  }
  const monitor = await connectedMonitor(ctx, target.connectionId);
  const gathered = await gatherTask(monitor, target.taskId);
  const recovered = recoverArguments(gathered.inputs);
  const name = recovered.name;
  if (!name) throw new Error(`the task name of ${target.taskId} is unknown (no event, result or message names it)`);

  const ran = await chooseRunArguments(target.taskId, recovered, givenArguments(arg), jsonEditor());
  if (!ran) return { outcome: 'cancelled', source: recovered.sourceLabel };

  const folder = vscode.workspace.workspaceFolders?.[0];
  const interpreter = await chooseInterpreter(folder?.uri);
  const workspace = folder?.uri.fsPath ?? os.homedir();
  const route = mode === 'debug' ? await debugRoute(interpreter.python) : 'process';
  if (!route) return { outcome: 'cancelled', source: ran.source };
  if (!(await confirmReplay(replayConfirmation({ mode, name, taskId: target.taskId, python: interpreter.python, source: ran.source, workspace })))) {
    return { outcome: 'cancelled', source: ran.source };
  }

  const files = writeSpec(replaySpecFor({
    app: vscode.workspace.getConfiguration(CONFIG_SECTION, folder?.uri).get<string>('app'),
    task: name, id: target.taskId, ran, headers: recovered.headers,
    folders: (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath), exists: fs.existsSync,
  }));
  const title = `${mode === 'debug' ? 'Debug' : 'Replay'} ${name.split('.').pop()} ${target.taskId.slice(0, 8)}`;
  const run = { files, python: interpreter.python, cwd: workspace, env: {} };
  const { output } = replayFeature();
  let end: RunEnd;
  if (route === 'process') {
    output.show(true);
    end = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Celery: ${title}`, cancellable: true }, (_p, token) => runProcess(run, output, token));
  } else if (route === 'terminal') {
    end = await runInTerminal(run, title);
  } else {
    const justMyCode = vscode.workspace.getConfiguration(CONFIG_SECTION, folder?.uri).get<boolean>('replay.justMyCode');
    end = await runDebug(debugLaunchInput(route, justMyCode, { ...run, title, replayId: randomUUID() }), folder);
  }

  fs.rmSync(path.dirname(files.spec), { recursive: true, force: true });
  const original = originalRun(gathered.original, gathered.meta);
  const report = renderReplayReport({ taskId: target.taskId, name, mode, args: recovered, ran, original, outcome: end.outcome, exitCode: end.exitCode, python: interpreter.python });
  const doc = await replayFeature().reports.show(name, target.taskId, report);
  const verdict = compareRuns(original, end.outcome).verdict;
  const profile = profileOf(ctx, target.connectionId);
  await ctx.audit.record({
    connectionName: profile.name, brokerUrl: profile.brokerUrl, action: mode === 'debug' ? 'task.debugLocally' : 'task.replayLocally', target: target.taskId,
    parameters: { name, args: ran.args, kwargs: ran.kwargs, argumentsFrom: ran.source, python: interpreter.python }, outcome: 'done',
    detail: `${end.outcome.status}; ${verdict}`,
  });
  return { outcome: 'done', verdict, status: end.outcome.status, exitCode: end.exitCode, source: ran.source, report: doc.uri };
}

export const replayLocally = (ctx: CommandContext, arg?: unknown) => replay(ctx, arg, 'replay');
export const debugLocally = (ctx: CommandContext, arg?: unknown) => replay(ctx, arg, 'debug');
