/**
 * Wires replay: the report documents, Celery Lens's own debug type (debugpy's adapter from the
 * chosen interpreter, for machines without the Python Debugger extension), the tracker of replay
 * sessions' exit codes, and the output channel of replays run as a process.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { OWN_DEBUG_TYPE } from '../../core/replay/launchConfig';
import { REPLAY_REPORT_SCHEME, ReplayReports } from './replayReports';
import { registerExitTracker } from './replayRunner';

export interface ReplayFeature {
  reports: ReplayReports;
  output: vscode.OutputChannel;
  /** The shipped helper script. */
  helperPath: string;
  /** The newest task of an Errors view group (a group item replays its latest failure). */
  newestOfErrorGroup(connectionId: string, key: string): string | undefined;
}

let current: ReplayFeature | undefined;

/** The feature built in activate(); replay commands use it. */
export function replayFeature(): ReplayFeature {
  if (!current) throw new Error('replay is not available (the extension is not activated)');
  return current;
}

/** `python -m debugpy.adapter`, with the interpreter the replay chose (the launch configuration's `python`). */
class DebugpyAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  createDebugAdapterDescriptor(session: vscode.DebugSession): vscode.DebugAdapterDescriptor {
    const python = typeof session.configuration.python === 'string' && session.configuration.python ? session.configuration.python : 'python3';
    return new vscode.DebugAdapterExecutable(python, ['-m', 'debugpy.adapter']);
  }
}

export function createReplayFeature(extensionPath: string, newestOfErrorGroup: ReplayFeature['newestOfErrorGroup']): vscode.Disposable {
  const reports = new ReplayReports();
  const output = vscode.window.createOutputChannel('Celery Lens Replay');
  current = { reports, output, helperPath: path.join(extensionPath, 'media', 'python', 'celery_lens_replay.py'), newestOfErrorGroup };
  const registrations = [
    vscode.workspace.registerTextDocumentContentProvider(REPLAY_REPORT_SCHEME, reports),
    vscode.debug.registerDebugAdapterDescriptorFactory(OWN_DEBUG_TYPE, new DebugpyAdapterFactory()),
    registerExitTracker(),
  ];
  return {
    dispose() {
      registrations.forEach((r) => r.dispose());
      reports.dispose();
      output.dispose();
      current = undefined;
    },
  };
}
