/**
 * How "Debug Locally" reaches debugpy: through the Python Debugger extension (debug type `debugpy`)
 * when it is installed, else through Celery Lens's own debug type when the interpreter can import
 * debugpy; with neither, the user is told how to install it and may run the replay in a terminal.
 */
import { debugpyInstallHint } from './launchConfig';

export type DebugRoute = 'debugpy-extension' | 'own-adapter' | 'terminal';

/** The question asked when there is no debugpy at all. */
export interface NoDebugpyPrompt {
  message: string;
  detail: string;
  terminal: string;
  copy: string;
  /** What "Copy Install Command" puts on the clipboard. */
  installCommand: string;
}

export function noDebugpyPrompt(python: string): NoDebugpyPrompt {
  return {
    message: `debugpy is not installed for ${python}, and the Python Debugger extension is not installed.`,
    detail: `Install one of them to debug the task: ${debugpyInstallHint(python)}, or the "Python Debugger" extension (ms-python.debugpy). Or run the replay in a terminal without the debugger.`,
    terminal: 'Run in Terminal (no debugger)',
    copy: 'Copy Install Command',
    installCommand: `${python} -m pip install debugpy`,
  };
}

export interface DebugRouteProbe {
  python: string;
  hasDebugpyExtension: boolean;
  /** debugpy's version in the interpreter, undefined when it cannot be imported there. */
  debugpyVersion(python: string): Promise<string | undefined>;
  /** Shows the prompt (modal); resolves with the chosen button, undefined when dismissed. */
  ask(prompt: NoDebugpyPrompt): Promise<string | undefined>;
  copyToClipboard(text: string): Promise<void>;
}

/** The route, or undefined when the user chose not to run (dismissed, or copied the install command). */
export async function chooseDebugRoute(probe: DebugRouteProbe): Promise<DebugRoute | undefined> {
  if (probe.hasDebugpyExtension) return 'debugpy-extension';
  if (await probe.debugpyVersion(probe.python)) return 'own-adapter';
  const prompt = noDebugpyPrompt(probe.python);
  const choice = await probe.ask(prompt);
  if (choice === prompt.copy) await probe.copyToClipboard(prompt.installCommand);
  return choice === prompt.terminal ? 'terminal' : undefined;
}
