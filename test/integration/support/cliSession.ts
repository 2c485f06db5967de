/** A long-running `celery-lens` command (e.g. `events`, `watch`) whose output tests can await. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cliBundle, repoRoot } from './paths';

/** Handle on a running CLI process. */
export interface CliSession {
  child: ChildProcessWithoutNullStreams;
  /** Everything written to stdout so far. */
  stdout(): string;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Resolves with the first match of `pattern` in stdout (searched from `from`), rejects on timeout or exit. */
  waitForOutput(pattern: RegExp, timeoutMs: number, from?: number): Promise<RegExpMatchArray>;
  /** Sends `signal` (SIGINT by default) and resolves with the exit code; SIGKILLs after 5 s. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const sessions = new Set<CliSession>();

/** Starts `node dist/cli.js <args>`; stop it with `session.stop()` (or `stopCliSessions()`). */
export function startCli(args: string[], env?: NodeJS.ProcessEnv): CliSession {
  const child = spawn(process.execPath, [cliBundle, ...args], { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1', ...env } });
  let out = '';
  let err = '';
  let exitCode: number | null | undefined;
  const listeners = new Set<() => void>();
  const notify = (): void => listeners.forEach((l) => l());
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    notify();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  void exited.then((code) => {
    exitCode = code;
    sessions.delete(session);
    notify();
  });

  const session: CliSession = {
    child,
    stdout: () => out,
    stderr: () => err,
    waitForOutput(pattern, timeoutMs, from = 0) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const match = out.slice(from).match(pattern);
          if (match) finish(() => resolve(match));
          else if (exitCode !== undefined) finish(() => reject(new Error(`celery-lens exited (${exitCode}) before printing ${pattern}; stderr:\n${err}`)));
        };
        const timer = setTimeout(() => finish(() => reject(new Error(`no ${pattern} in celery-lens output after ${timeoutMs} ms; stdout:\n${out.slice(-2000)}\nstderr:\n${err.slice(-2000)}`))), timeoutMs);
        const finish = (settle: () => void): void => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      });
    },
    async stop(signal = 'SIGINT') {
      if (exitCode !== undefined) return exitCode;
      child.kill(signal);
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      const code = await exited;
      clearTimeout(killer);
      return code;
    },
  };
  sessions.add(session);
  return session;
}

/** Stops every session still running (called by the root afterAll hook). */
export async function stopCliSessions(): Promise<void> {
  await Promise.all([...sessions].map((s) => s.stop('SIGKILL')));
}
