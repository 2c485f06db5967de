/**
 * The VS Code side of choosing a replay's Python: the setting and the Python extension's API
 * (the order is core/replay/interpreterChoice's), and whether the Python Debugger extension is there.
 */
import * as vscode from 'vscode';
import { chooseInterpreter as choose, pythonFromExtensionApi, type Interpreter, type PythonExtensionApi } from '../../core/replay/interpreterChoice';
import { CONFIG_SECTION } from '../config';

async function fromPythonExtension(folder?: vscode.Uri): Promise<string | undefined> {
  const extension = vscode.extensions.getExtension<PythonExtensionApi<vscode.Uri>>('ms-python.python');
  if (!extension) return undefined;
  try {
    const api = extension.isActive ? extension.exports : await extension.activate();
    return await pythonFromExtensionApi(api, folder);
  } catch {
    return undefined;
  }
}

export function chooseInterpreter(folder?: vscode.Uri): Promise<Interpreter> {
  return choose({
    setting: vscode.workspace.getConfiguration(CONFIG_SECTION, folder).get<string>('replay.python'),
    pythonExtension: () => fromPythonExtension(folder),
  });
}

/** True when the Python Debugger extension (debug type `debugpy`) is installed. */
export function hasDebugpyExtension(): boolean {
  return vscode.extensions.getExtension('ms-python.debugpy') !== undefined;
}
