/**
 * The Python that runs a replay: `celeryLens.replay.python` when set, else the Python extension's
 * selected environment (through its API), else `python3` from PATH. And whether it has debugpy.
 */
import { execFile } from 'node:child_process';
import * as vscode from 'vscode';
import { CONFIG_SECTION } from '../config';

export interface Interpreter {
  python: string;
  /** Where the choice came from, for messages. */
  from: string;
}

interface PythonExtensionApi {
  environments?: {
    getActiveEnvironmentPath?(resource?: vscode.Uri): { path: string } | undefined;
    resolveEnvironment?(env: { path: string } | string): Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
  };
  settings?: { getExecutionDetails?(resource?: vscode.Uri): { execCommand?: string[] } };
}

async function fromPythonExtension(folder?: vscode.Uri): Promise<string | undefined> {
  const extension = vscode.extensions.getExtension<PythonExtensionApi>('ms-python.python');
  if (!extension) return undefined;
  try {
    const api = extension.isActive ? extension.exports : await extension.activate();
    const active = api?.environments?.getActiveEnvironmentPath?.(folder);
    if (active) {
      const resolved = await api.environments?.resolveEnvironment?.(active);
      return resolved?.executable?.uri?.fsPath ?? active.path;
    }
    return api?.settings?.getExecutionDetails?.(folder)?.execCommand?.[0];
  } catch {
    return undefined;
  }
}

export async function chooseInterpreter(folder?: vscode.Uri): Promise<Interpreter> {
  const setting = vscode.workspace.getConfiguration(CONFIG_SECTION, folder).get<string>('replay.python')?.trim();
  if (setting) return { python: setting, from: 'celeryLens.replay.python' };
  const selected = await fromPythonExtension(folder);
  if (selected) return { python: selected, from: "the Python extension's selected environment" };
  return { python: 'python3', from: 'python3 on PATH' };
}

/** debugpy's version in `python`, or undefined when it cannot be imported there. */
export function debugpyVersion(python: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(python, ['-c', 'import debugpy, sys; sys.stdout.write(debugpy.__version__)'], { timeout: 15_000 }, (err, stdout) => {
      resolve(err ? undefined : stdout.trim() || 'unknown');
    });
  });
}

/** True when the Python Debugger extension (debug type `debugpy`) is installed. */
export function hasDebugpyExtension(): boolean {
  return vscode.extensions.getExtension('ms-python.debugpy') !== undefined;
}
