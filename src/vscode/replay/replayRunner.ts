/**
 * Runs the helper three ways, each ending with the outcome file it writes: as a child process
 * (output in the "Celery Lens Replay" channel), as a debug session (debugpy), or in a terminal.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { debugLaunchConfig, helperArgs, REPLAY_SESSION_KEY, type HelperFiles, type LaunchInput } from '../../core/replay/launchConfig';
import { isOutcome, parseReplayOutcome, type ReplayOutcome } from '../../core/replay/replaySpec';

export interface RunEnd {
  outcome: ReplayOutcome;
  exitCode?: number;
}

export interface RunInput {
  files: HelperFiles;
  python: string;
  cwd: string;
  env: Record<string, string>;
}

/** The outcome the helper wrote, or an ERROR outcome saying why there is none. */
export function readOutcome(file: string, why: string): ReplayOutcome {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return { status: 'ERROR', error: why };
  }
  const parsed = parseReplayOutcome(text);
  return isOutcome(parsed) ? parsed : { status: 'ERROR', error: parsed.error };
}

/** The helper as a child process; cancelling kills it. */
export function runProcess(input: RunInput, channel: vscode.OutputChannel, token: vscode.CancellationToken): Promise<RunEnd> {
  return new Promise((resolve) => {
    channel.appendLine(`$ ${input.python} ${helperArgs(input.files).join(' ')}`);
    const child = spawn(input.python, helperArgs(input.files), { cwd: input.cwd, env: { ...process.env, ...input.env, CELERY_LENS_REPLAY: '1' } });
    const cancel = token.onCancellationRequested(() => child.kill());
    child.stdout.on('data', (chunk: Buffer) => channel.append(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => channel.append(chunk.toString()));
    child.once('error', (err) => {
      cancel.dispose();
      resolve({ outcome: { status: 'ERROR', error: `cannot run ${input.python}: ${err.message}` } });
    });
    child.once('close', (code, signal) => {
      cancel.dispose();
      const why = signal ? `the helper was stopped (${signal})` : `the helper exited with ${code} without an outcome (see the Celery Lens Replay output)`;
      resolve({ outcome: readOutcome(input.files.out, why), exitCode: code ?? undefined });
    });
  });
}

/** Exit codes of replay debug sessions, from their `exited` events. */
const exitCodes = new Map<string, number>();

/** Tracks our sessions' `exited` events (the debuggee's exit code); register once. */
export function registerExitTracker(): vscode.Disposable {
  return vscode.debug.registerDebugAdapterTrackerFactory('*', {
    createDebugAdapterTracker(session) {
      const id = session.configuration[REPLAY_SESSION_KEY] as unknown;
      if (typeof id !== 'string') return undefined;
      return {
        onDidSendMessage(message: { type?: string; event?: string; body?: { exitCode?: number } }) {
          if (message.type === 'event' && message.event === 'exited' && typeof message.body?.exitCode === 'number') exitCodes.set(id, message.body.exitCode);
        },
      };
    },
  });
}

/** The helper under debugpy; resolves when the session ends. */
export async function runDebug(launch: LaunchInput, folder: vscode.WorkspaceFolder | undefined): Promise<RunEnd> {
  const config = debugLaunchConfig(launch) as vscode.DebugConfiguration;
  const ended = new Promise<void>((resolve) => {
    const listener = vscode.debug.onDidTerminateDebugSession((session) => {
      if (session.configuration[REPLAY_SESSION_KEY] !== launch.replayId) return;
      listener.dispose();
      resolve();
    });
  });
  const started = await vscode.debug.startDebugging(folder, config);
  if (!started) return { outcome: { status: 'ERROR', error: `the ${String(config.type)} debug session did not start` } };
  await ended;
  const exitCode = exitCodes.get(launch.replayId);
  exitCodes.delete(launch.replayId);
  return { outcome: readOutcome(launch.files.out, 'the debug session ended before the task finished'), exitCode };
}

/** The helper in a terminal (no debugger); resolves once the outcome file appears or the terminal closes. */
export function runInTerminal(input: RunInput, title: string): Promise<RunEnd> {
  const terminal = vscode.window.createTerminal({
    name: title, shellPath: input.python, shellArgs: helperArgs(input.files), cwd: input.cwd,
    env: { ...input.env, CELERY_LENS_REPLAY: '1' },
  });
  terminal.show();
  return new Promise((resolve) => {
    const finish = () => {
      clearInterval(poll);
      closed.dispose();
      resolve({ outcome: readOutcome(input.files.out, 'the terminal closed before the task finished'), exitCode: terminal.exitStatus?.code });
    };
    const poll = setInterval(() => {
      if (fs.existsSync(input.files.out)) finish();
    }, 500);
    const closed = vscode.window.onDidCloseTerminal((t) => {
      if (t === terminal) finish();
    });
  });
}
