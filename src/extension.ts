/**
 * Activation builds the object graph and returns at once: nothing connects until a Celery view is
 * visible or a command needs a cluster.
 */
import * as vscode from 'vscode';
import { ConnectionManager } from './vscode/connections/connectionManager';
import { ProfileStore } from './vscode/connections/profileStore';
import { createLogger } from './vscode/log';
import { ContextKey, setContext } from './vscode/contextKeys';
import { createCeleryViews, type CeleryViews } from './vscode/celeryViews';
import { registerCommands } from './vscode/commands/registerCommands';
import { StatusBar } from './vscode/statusBar';
import { TaskDetailsProvider } from './vscode/taskDetails/taskDetailsProvider';
import { TASK_DETAILS_SCHEME } from './vscode/taskDetails/taskDetailsUri';
import { createErrorsFeature } from './vscode/errors/errorsFeature';
import { createTaskDefsFeature } from './vscode/taskDefs/taskDefsFeature';
import { AuditLog } from './vscode/actions/auditLog';
import { InsightPanels } from './vscode/panels/insightPanels';
import { FlowPanels } from './vscode/panels/flow/flowPanels';
import { createReplayFeature } from './vscode/replay/replayFeature';
import { MESSAGE_SCHEME, messageDocuments } from './vscode/actions/messageDocuments';

/** What activate() returns: used by the extension's own tests, and by other extensions if they wish. */
export interface CeleryLensApi {
  manager: ConnectionManager;
  store: ProfileStore;
  views: CeleryViews;
  details: TaskDetailsProvider;
  /** The audit log of write actions. */
  audit: AuditLog;
  /** Timeline, trace and dashboard panels. */
  panels: InsightPanels;
  /** The workflow diagram panels. */
  flows: FlowPanels;
}

export function activate(context: vscode.ExtensionContext): CeleryLensApi {
  const log = vscode.window.createOutputChannel('Celery Lens', { log: true });
  const logger = createLogger(log);
  const store = new ProfileStore(context.globalState, context.secrets, logger);
  const manager = new ConnectionManager(store, logger);
  const views = createCeleryViews(manager);
  const details = new TaskDetailsProvider(manager);
  const statusBar = new StatusBar(manager);
  // The Errors view and the Problems diagnostics, resolving paths like the details' frame links.
  const errors = createErrorsFeature(manager, details.sources);
  context.subscriptions.push(errors);
  // CodeLens and hover with live stats above task definitions in Python files.
  context.subscriptions.push(createTaskDefsFeature(manager));
  // Replay and debug a task locally: report documents, the debugpy adapter of our own debug type.
  context.subscriptions.push(createReplayFeature(context.extensionPath, (connectionId, key) => errors.model.group(connectionId, key)?.taskIds[0]));
  const audit = new AuditLog(vscode.Uri.joinPath(context.globalStorageUri, 'audit.jsonl'), logger);
  const panels = new InsightPanels(context.extensionUri, manager, logger);
  const flows = new FlowPanels({ extensionUri: context.extensionUri, manager, logger });
  context.subscriptions.push(flows);
  const updateHasConnections = () => void setContext(ContextKey.HasConnections, manager.profiles().length > 0);
  context.subscriptions.push(
    log, store, manager, views, details, statusBar, panels,
    manager.onDidChange(updateHasConnections),
    vscode.workspace.registerTextDocumentContentProvider(TASK_DETAILS_SCHEME, details),
    vscode.languages.registerDocumentLinkProvider({ scheme: TASK_DETAILS_SCHEME }, details),
    vscode.workspace.registerTextDocumentContentProvider(MESSAGE_SCHEME, messageDocuments),
    ...registerCommands({ store, manager, tasks: views.tasks, queues: views.queues, details, log, logger, audit, workspaceState: context.workspaceState, panels, flows }),
  );
  updateHasConnections();
  void store.loadEnvProfiles();
  return { manager, store, views, details, audit, panels, flows };
}

export function deactivate(): void {}
