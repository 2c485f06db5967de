/**
 * Child processes the harness starts (servers, workers). Each runs in its own process group so a
 * prefork worker's pool children die with it, and all of them are killed if the test run is
 * interrupted (Ctrl-C, SIGTERM) or exits without reaching afterAll.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';

/** A started background process whose output goes to a log file. */
export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  logFile: string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>;
}

const live = new Set<ManagedProcess>();
const exitHooks: Array<() => void> = [];

/** Starts `command` detached into its own process group, stdout+stderr appended to `logFile`. */
export function startLogged(
  name: string,
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; logFile: string },
): ManagedProcess {
  installSignalHandlers();
  const fd = fs.openSync(options.logFile, 'a');
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', fd, fd],
    detached: true,
  });
  fs.closeSync(fd);
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    child.once('error', (err) => resolve(`spawn error: ${err.message}`));
  });
  const proc: ManagedProcess = { name, child, logFile: options.logFile, exited };
  live.add(proc);
  void exited.then(() => live.delete(proc));
  return proc;
}

function signalGroup(proc: ManagedProcess, signal: NodeJS.Signals): void {
  if (proc.child.pid === undefined) return;
  try {
    process.kill(-proc.child.pid, signal);
  } catch {
    // already gone
  }
}

/** Sends SIGTERM (or `signal`), then SIGKILLs the whole group if it is still alive after `graceMs`. */
export async function stopProcess(proc: ManagedProcess, graceMs = 10_000, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!live.has(proc)) return;
  // Only the leader gets the polite signal: a Celery worker stops its own pool children.
  try {
    proc.child.kill(signal);
  } catch {
    // already gone
  }
  const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
  if ((await Promise.race([proc.exited, timer])) === 'timeout') signalGroup(proc, 'SIGKILL');
  await proc.exited;
  // Leftover pool children of a worker that died on its own.
  signalGroup(proc, 'SIGKILL');
}

/** Registers a synchronous last-resort cleanup run when the process exits (e.g. releasing the lock). */
export function onHarnessExit(hook: () => void): void {
  installSignalHandlers();
  exitHooks.push(hook);
}

let installed = false;
function installSignalHandlers(): void {
  if (installed) return;
  installed = true;
  process.on('exit', () => {
    for (const proc of live) signalGroup(proc, 'SIGKILL');
    for (const hook of exitHooks.splice(0)) {
      try {
        hook();
      } catch {
        // best effort at exit
      }
    }
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n[harness] ${signal}: stopping test clusters\n`);
      for (const proc of live) signalGroup(proc, 'SIGTERM');
      // Give servers a moment to shut down cleanly; the exit handler SIGKILLs what is left.
      setTimeout(() => process.exit(130), 1500);
    });
  }
}
