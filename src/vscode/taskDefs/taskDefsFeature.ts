/** Wires task definitions: the shared index, the CodeLens and hover on Python files. */
import * as vscode from 'vscode';
import type { ConnectionManager } from '../connections/connectionManager';
import { TaskDefinitionIndex } from './taskDefinitionIndex';
import { TaskLensProvider } from './taskLensProvider';

let shared: TaskDefinitionIndex | undefined;

/** The workspace's task definitions (one index per extension host, created on first use). */
export function taskDefinitionIndex(): TaskDefinitionIndex {
  shared ??= new TaskDefinitionIndex();
  return shared;
}

export function createTaskDefsFeature(manager: ConnectionManager): vscode.Disposable {
  const lenses = new TaskLensProvider(manager, taskDefinitionIndex());
  const selector: vscode.DocumentSelector = { language: 'python', scheme: 'file' };
  const registrations = [
    vscode.languages.registerCodeLensProvider(selector, lenses),
    vscode.languages.registerHoverProvider(selector, lenses),
  ];
  return {
    dispose() {
      registrations.forEach((r) => r.dispose());
      lenses.dispose();
      shared?.dispose();
      shared = undefined;
    },
  };
}
