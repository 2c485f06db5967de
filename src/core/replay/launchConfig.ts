/**
 * How a replay is started: the helper's command line, and the debug configuration that runs it
 * under debugpy — of type `debugpy` when the Python Debugger extension is installed, otherwise of
 * Celery Lens's own type, whose adapter is debugpy's own (`python -m debugpy.adapter`). Both take
 * debugpy's launch attributes, so the configuration is the same but for its type.
 */

/** The debug type Celery Lens contributes, for machines with debugpy but no Python Debugger extension. */
export const OWN_DEBUG_TYPE = 'celery-lens-debugpy';
export const DEBUGPY_EXTENSION_TYPE = 'debugpy';
/** Marks our sessions, so the end of one can be matched to its replay. */
export const REPLAY_SESSION_KEY = 'celeryLensReplayId';

export interface HelperFiles {
  helper: string;
  spec: string;
  out: string;
}

export interface LaunchInput {
  files: HelperFiles;
  python: string;
  cwd: string;
  /** Added to the environment (CELERY_LENS_REPLAY is always set). */
  env: Record<string, string>;
  justMyCode: boolean;
  useDebugpyExtension: boolean;
  /** Shown as the session's name. */
  title: string;
  replayId: string;
}

/** The helper's arguments after the interpreter. */
export function helperArgs(files: HelperFiles): string[] {
  return [files.helper, '--spec', files.spec, '--out', files.out];
}

/** A shell-safe command line (for a terminal), POSIX quoting. */
export function shellCommandLine(python: string, files: HelperFiles): string {
  const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`);
  return [python, ...helperArgs(files)].map(quote).join(' ');
}

export function debugLaunchConfig(input: LaunchInput): Record<string, unknown> {
  return {
    type: input.useDebugpyExtension ? DEBUGPY_EXTENSION_TYPE : OWN_DEBUG_TYPE,
    request: 'launch',
    name: input.title,
    program: input.files.helper,
    args: helperArgs(input.files).slice(1),
    python: input.python,
    cwd: input.cwd,
    env: { ...input.env, CELERY_LENS_REPLAY: '1' },
    justMyCode: input.justMyCode,
    // No terminal: the output goes to the Debug Console, and the adapter needs no runInTerminal.
    console: 'internalConsole',
    redirectOutput: true,
    [REPLAY_SESSION_KEY]: input.replayId,
  };
}

/**
 * The launch input for a debug route: the Python Debugger extension's `debugpy` type, or Celery
 * Lens's own. `justMyCode` is the `celeryLens.replay.justMyCode` setting as read (unset: true).
 */
export function debugLaunchInput(
  route: 'debugpy-extension' | 'own-adapter', justMyCode: boolean | undefined, input: Omit<LaunchInput, 'justMyCode' | 'useDebugpyExtension'>,
): LaunchInput {
  return { ...input, justMyCode: justMyCode !== false, useDebugpyExtension: route === 'debugpy-extension' };
}

/** The install hint when the interpreter lacks debugpy. */
export function debugpyInstallHint(python: string): string {
  return `${python} -m pip install debugpy (Debian/Ubuntu system Python: apt install python3-debugpy)`;
}
