/**
 * Start a Celery worker on this machine in a VS Code terminal (`celery -A <app> worker -E`), pointed
 * at a connection's broker and backend; it shows in the Workers view marked local, and Stop Local
 * Worker shuts it down warmly (the pidbox `shutdown`) and closes its terminal. It runs workspace code,
 * so it needs a trusted workspace.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { APP_FILE_NAMES, appFromPath, definesCeleryApp, localNodeName, localWorkerArgs, localWorkerEnv } from '../../core/actions/localWorker';
import type { CommandContext } from '../commands/commandContext';
import { pickConnection } from '../commands/pickConnection';
import { CONFIG_SECTION } from '../config';
import { runAction, refuseIfReadOnly, type ActionResult } from './actionRunner';
import { stringField } from './pickers';

/** Terminals of the local workers, by connection and node name. */
class LocalWorkers {
  private readonly byKey = new Map<string, vscode.Terminal>();
  private serial = 0;

  nextSerial(): number {
    return ++this.serial;
  }

  add(connectionId: string, hostname: string, terminal: vscode.Terminal): void {
    this.byKey.set(`${connectionId}\n${hostname}`, terminal);
  }

  terminal(connectionId: string, hostname: string): vscode.Terminal | undefined {
    return this.byKey.get(`${connectionId}\n${hostname}`);
  }

  isLocal(connectionId: string, hostname: string): boolean {
    return this.byKey.has(`${connectionId}\n${hostname}`);
  }

  remove(connectionId: string, hostname: string): void {
    this.byKey.delete(`${connectionId}\n${hostname}`);
  }
}

export const localWorkers = new LocalWorkers();

/** The Python extension's selected interpreter for the folder, when that extension is installed. */
async function pythonFromExtension(folder: vscode.Uri | undefined): Promise<string | undefined> {
  const extension = vscode.extensions.getExtension('ms-python.python');
  if (!extension) return undefined;
  try {
    const api = (extension.isActive ? extension.exports : await extension.activate()) as {
      environments?: {
        getActiveEnvironmentPath(resource?: vscode.Uri): { path: string };
        resolveEnvironment(env: { path: string }): Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
      };
    } | undefined;
    const envs = api?.environments;
    if (!envs) return undefined;
    const active = envs.getActiveEnvironmentPath(folder);
    const resolved = await envs.resolveEnvironment(active);
    return resolved?.executable?.uri?.fsPath ?? active.path;
  } catch {
    return undefined;
  }
}

async function interpreter(folder: vscode.Uri | undefined, arg: unknown): Promise<string> {
  return stringField(arg, 'python')
    ?? (await pythonFromExtension(folder))
    ?? (vscode.workspace.getConfiguration(CONFIG_SECTION).get<string>('localWorker.python') || 'python3');
}

/** `-A` and the folder to run in: the `app` argument or setting, else an app module found in the workspace. */
async function findApp(arg: unknown): Promise<{ app: string; cwd: string } | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const cwd = stringField(arg, 'cwd') ?? folder?.uri.fsPath;
  const configured = stringField(arg, 'app') ?? (vscode.workspace.getConfiguration(CONFIG_SECTION).get<string>('app') || undefined);
  if (configured && cwd) return { app: configured, cwd };
  const files = await vscode.workspace.findFiles(`**/{${APP_FILE_NAMES.join(',')}}`, '**/{node_modules,.venv,venv,.tox,site-packages}/**', 50);
  const candidates: Array<{ app: string; cwd: string }> = [];
  for (const file of files) {
    const owner = vscode.workspace.getWorkspaceFolder(file);
    if (!owner) continue;
    const text = Buffer.from(await vscode.workspace.fs.readFile(file)).toString('utf8');
    const app = definesCeleryApp(text) ? appFromPath(path.relative(owner.uri.fsPath, file.fsPath)) : undefined;
    if (app) candidates.push({ app, cwd: owner.uri.fsPath });
  }
  if (candidates.length === 1) return candidates[0];
  const picked = await vscode.window.showQuickPick(
    [...candidates.map((c) => ({ label: c.app, description: c.cwd, c })), { label: 'Enter the app…', description: 'the -A value, e.g. proj.celery:app', c: undefined }],
    { title: 'Start a local worker: which Celery app?', ignoreFocusOut: true },
  );
  if (!picked) return undefined;
  if (picked.c) return picked.c;
  const typed = (await vscode.window.showInputBox({ title: 'Celery app (-A)', prompt: 'Also settable as celeryLens.app', ignoreFocusOut: true }))?.trim();
  return typed && cwd ? { app: typed, cwd } : undefined;
}

/** `{ connectionId, app?, cwd?, python? }`; `value` is the new worker's node name. */
export async function startLocalWorker(ctx: CommandContext, arg?: unknown): Promise<ActionResult<string> | undefined> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('Starting a local worker runs this workspace\'s code: trust the workspace first (Manage Workspace Trust).');
    return { outcome: 'refused', detail: 'the workspace is not trusted' };
  }
  const profile = await pickConnection(ctx.manager, stringField(arg, 'connectionId'));
  if (!profile) return undefined;
  const spec = { action: 'worker.startLocal', title: 'Start local worker', target: 'a local worker' };
  if (await refuseIfReadOnly(ctx, profile.id, spec)) return { outcome: 'refused' };
  const found = await findApp(arg);
  if (!found) return undefined;
  const python = await interpreter(vscode.workspace.workspaceFolders?.[0]?.uri, arg);
  const node = localNodeName(os.hostname(), localWorkers.nextSerial());
  const args = localWorkerArgs(found.app, node);
  return runAction(ctx, {
    ...spec, target: node, connectionId: profile.id, parameters: { app: found.app, cwd: found.cwd, python, command: [python, ...args].join(' ') },
    run: async () => {
      const resolved = await ctx.store.resolve(profile);
      const terminal = vscode.window.createTerminal({
        name: `Celery worker ${node}`, cwd: found.cwd, shellPath: python, shellArgs: args,
        env: localWorkerEnv(resolved.brokerUrl, resolved.backendUrl), iconPath: new vscode.ThemeIcon('server-process'),
      });
      localWorkers.add(profile.id, node, terminal);
      const closed = vscode.window.onDidCloseTerminal((t) => {
        if (t !== terminal) return;
        localWorkers.remove(profile.id, node);
        closed.dispose();
      });
      terminal.show(true);
      return { detail: `started in a terminal (${found.app})`, value: node };
    },
  });
}

const STOP_WAIT_MS = 15_000;

async function exited(terminal: vscode.Terminal, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (terminal.exitStatus === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  return terminal.exitStatus !== undefined;
}

/** Warm shutdown of a local worker (`{ connectionId, hostname }` or its Workers item), then its terminal closes. */
export async function stopLocalWorker(ctx: CommandContext, arg?: unknown): Promise<ActionResult | undefined> {
  const connectionId = stringField(arg, 'connectionId');
  const hostname = stringField(arg, 'hostname');
  if (!connectionId || !hostname) throw new Error('stop a local worker from its item in the Workers view');
  const terminal = localWorkers.terminal(connectionId, hostname);
  if (!terminal) throw new Error(`${hostname} was not started from this window`);
  return runAction(ctx, {
    connectionId, action: 'worker.stopLocal', title: 'Stop local worker', target: hostname,
    run: async (monitor) => {
      // Warm shutdown: running tasks finish; the terminal's process then exits.
      await monitor.control!.cast('shutdown', {}, [hostname]);
      let how = 'shut down';
      if (!(await exited(terminal, STOP_WAIT_MS))) {
        // No answer to the pidbox (busy or stuck): SIGTERM is Celery's warm shutdown too.
        const pid = await terminal.processId;
        if (pid) {
          try { process.kill(pid, 'SIGTERM'); } catch { /* already gone */ }
          how = 'shut down after SIGTERM';
        }
        await exited(terminal, STOP_WAIT_MS);
      }
      const status = terminal.exitStatus;
      const code = status?.code;
      terminal.dispose();
      localWorkers.remove(connectionId, hostname);
      return { detail: status !== undefined ? `${how} (exit code ${code ?? '?'})` : `no exit within ${(2 * STOP_WAIT_MS) / 1000} s: its terminal was closed` };
    },
  });
}
