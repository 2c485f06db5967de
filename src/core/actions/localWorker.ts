/**
 * Starting a Celery worker on this machine from the editor: which app (`-A`) a workspace holds, the
 * command line, and the node name that lets the Workers view recognise it. Pure; the extension
 * runs it in a terminal.
 */

/** File names that usually define a Celery app, most likely first. */
export const APP_FILE_NAMES = ['celery.py', 'celery_app.py', 'celeryapp.py', 'tasks.py'];

/**
 * The `-A` value for an app defined in `relativePath` (inside the folder the worker runs in):
 * `proj/celery.py` → `proj.celery`; undefined when the path cannot be a module.
 */
export function appFromPath(relativePath: string): string | undefined {
  const parts = relativePath.replace(/\\/g, '/').replace(/^\.\//, '').split('/');
  const file = parts.pop();
  if (!file?.endsWith('.py')) return undefined;
  const module = [...parts, file.slice(0, -3)];
  return module.every((p) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(p)) ? module.join('.') : undefined;
}

/** True when Python source seems to create a Celery app (`Celery(` call). */
export function definesCeleryApp(source: string): boolean {
  return /(^|[^\w.])Celery\s*\(/m.test(source) || /\bcelery\.Celery\s*\(/.test(source);
}

/** A node name of our own, so the worker is recognised as local: `lens-local-<n>@<host>`. */
export function localNodeName(hostname: string, serial: number): string {
  return `lens-local-${serial}@${hostname}`;
}

/** The arguments after the interpreter: `-m celery -A <app> worker -E -n <node> -l INFO`. */
export function localWorkerArgs(app: string, nodeName: string): string[] {
  return ['-m', 'celery', '-A', app, 'worker', '-E', '-n', nodeName, '-l', 'INFO'];
}

/**
 * The environment that points the worker at the connection's broker and backend: Celery reads
 * CELERY_BROKER_URL / CELERY_RESULT_BACKEND before the app's own settings, so passwords travel in the
 * terminal's environment, never on its command line.
 */
export function localWorkerEnv(brokerUrl: string, backendUrl: string | undefined): Record<string, string> {
  const env: Record<string, string> = { CELERY_BROKER_URL: brokerUrl };
  if (backendUrl) env.CELERY_RESULT_BACKEND = backendUrl;
  return env;
}
