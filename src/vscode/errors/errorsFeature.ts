/** Wires the Errors view and the Problems diagnostics (one model shared by both). */
import * as vscode from 'vscode';
import type { ConnectionManager } from '../connections/connectionManager';
import { trackVisibility } from '../celeryViews';
import type { SourceLocator } from '../tracebacks/sourceLocator';
import { ErrorDiagnostics } from './errorDiagnostics';
import { ErrorsModel } from './errorsModel';
import { ErrorsTreeProvider, type ErrorNode } from './errorsTree';

export interface ErrorsFeature extends vscode.Disposable {
  model: ErrorsModel;
  tree: ErrorsTreeProvider;
  view: vscode.TreeView<ErrorNode>;
  diagnostics: ErrorDiagnostics;
}

export function createErrorsFeature(manager: ConnectionManager, sources: SourceLocator): ErrorsFeature {
  const model = new ErrorsModel(manager);
  const tree = new ErrorsTreeProvider(manager, model);
  const view = vscode.window.createTreeView('celeryLens.errors', { treeDataProvider: tree, showCollapseAll: true });
  const diagnostics = new ErrorDiagnostics(manager, model, sources);
  // The Errors view alone open is reason enough to connect.
  const visibility = trackVisibility(manager, view);
  return {
    model, tree, view, diagnostics,
    dispose() {
      [visibility, diagnostics, view, tree, model].forEach((d) => d.dispose());
    },
  };
}
