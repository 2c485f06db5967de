/**
 * Which Python runs a replay: `celeryLens.replay.python` when set (an explicit choice for Celery
 * Lens wins), else the Python extension's selected environment, else `python3` from PATH.
 */

export interface Interpreter {
  python: string;
  /** Where the choice came from, for messages. */
  from: string;
}

export interface InterpreterSources {
  /** The `celeryLens.replay.python` setting, as read. */
  setting: string | undefined;
  /** The Python extension's selection; only asked when the setting is empty. */
  pythonExtension(): Promise<string | undefined>;
}

export async function chooseInterpreter(sources: InterpreterSources): Promise<Interpreter> {
  const setting = sources.setting?.trim();
  if (setting) return { python: setting, from: 'celeryLens.replay.python' };
  const selected = (await sources.pythonExtension())?.trim();
  if (selected) return { python: selected, from: "the Python extension's selected environment" };
  return { python: 'python3', from: 'python3 on PATH' };
}

/** The part of the Python extension's API (ms-python.python) read here; every member may be missing. */
export interface PythonExtensionApi<Resource> {
  environments?: {
    getActiveEnvironmentPath?(resource?: Resource): { path: string } | undefined;
    resolveEnvironment?(env: { path: string } | string): Promise<{ executable?: { uri?: { fsPath: string } } } | undefined>;
  };
  settings?: { getExecutionDetails?(resource?: Resource): { execCommand?: string[] } };
}

/**
 * The selected interpreter's executable: the active environment, resolved to its executable when
 * the API can (the active path may be a folder), else the older `execCommand`. Never throws.
 */
export async function pythonFromExtensionApi<Resource>(api: PythonExtensionApi<Resource> | undefined, resource?: Resource): Promise<string | undefined> {
  try {
    const active = api?.environments?.getActiveEnvironmentPath?.(resource);
    if (active) {
      const resolved = await api?.environments?.resolveEnvironment?.(active);
      return resolved?.executable?.uri?.fsPath ?? active.path;
    }
    return api?.settings?.getExecutionDetails?.(resource)?.execCommand?.[0];
  } catch {
    return undefined;
  }
}
