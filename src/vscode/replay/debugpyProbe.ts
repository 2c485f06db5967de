/**
 * Whether an interpreter can import debugpy (Celery Lens's own debug type runs its adapter from
 * there). Free of the vscode module, so the unit tier runs it against real and fake interpreters.
 */
import { execFile } from 'node:child_process';

/** debugpy's version in `python`, or undefined when it cannot be imported there (or `python` does not run). */
export function debugpyVersion(python: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(python, ['-c', 'import debugpy, sys; sys.stdout.write(debugpy.__version__)'], { timeout: 15_000 }, (err, stdout) => {
      resolve(err ? undefined : stdout.trim() || 'unknown');
    });
  });
}
