/** Registers every command of package.json#contributes.commands, each with its implementation. */
import * as vscode from 'vscode';
import { redactSecretsInText } from '../../core/url/connectionUrl';
import type { CommandContext } from './commandContext';
import { CommandId, type CommandIdValue } from './commandIds';
import { addConnection, connect, connectLocalhost, disconnect, editConnection, removeConnection } from './connectionCommands';
import { filterTasks } from './filterTasks';
import { goToFailingLine } from '../tracebacks/goToFailingLine';
import { goToTaskDefinition, showTaskRuns } from '../taskDefs/taskDefCommands';
import { makeReadOnly, openAuditLog, unlockConnection } from '../actions/safetyCommands';
import { copyCeleryCall, copyTaskId, openTaskResult, retryTask, revokeTask, terminateTask } from '../actions/taskActions';
import { sendTask, setRateLimit, setTimeLimit } from '../actions/sendTask';
import { workerAction } from '../actions/workerActions';
import { pauseQueue, purgeQueue, resumeQueue } from '../actions/queueActions';
import { revealTaskInTree } from '../actions/revealTask';
import { showWorkflow } from '../panels/flow/showWorkflow';
import { bulkRetry } from '../actions/bulkRetry';
import { showDashboard, showTimeline, showTrace } from '../panels/panelCommands';
import { debugLocally, replayLocally } from '../replay/replayCommands';
import { moveMessage, openMessage, peekMoreMessages, restoreUnacked } from '../actions/messageActions';
import { startLocalWorker, stopLocalWorker } from '../actions/localWorker';

type Handler = (ctx: CommandContext, ...args: unknown[]) => unknown;

function taskTarget(arg: unknown): { connectionId: string; taskId: string } | undefined {
  const a = arg as { connectionId?: unknown; taskId?: unknown } | undefined;
  return typeof a?.connectionId === 'string' && typeof a.taskId === 'string' ? { connectionId: a.connectionId, taskId: a.taskId } : undefined;
}

const HANDLERS: Record<CommandIdValue, Handler> = {
  [CommandId.AddConnection]: addConnection,
  [CommandId.EditConnection]: editConnection,
  [CommandId.RemoveConnection]: removeConnection,
  [CommandId.ConnectLocalhost]: connectLocalhost,
  [CommandId.Connect]: connect,
  [CommandId.Disconnect]: disconnect,
  [CommandId.Refresh]: async (ctx) => {
    await Promise.all(ctx.manager.profiles().map((p) => ctx.manager.monitor(p.id)?.refresh()));
  },
  [CommandId.FilterTasks]: filterTasks,
  [CommandId.ClearTaskFilter]: (ctx) => ctx.tasks.setFilter({}),
  [CommandId.ShowMoreTasks]: (ctx, connectionId, state) => {
    if (typeof connectionId === 'string' && typeof state === 'string') ctx.tasks.showMore(connectionId, state);
  },
  [CommandId.OpenTaskDetails]: async (ctx, arg) => {
    const target = taskTarget(arg);
    if (target) await ctx.details.open(target.connectionId, target.taskId);
  },
  [CommandId.ShowLog]: (ctx) => ctx.log.show(true),
  [CommandId.Focus]: () => vscode.commands.executeCommand('workbench.view.extension.celeryLens'),
  [CommandId.GoToFailingLine]: goToFailingLine,
  [CommandId.GoToTaskDefinition]: goToTaskDefinition,
  [CommandId.ShowTaskRuns]: showTaskRuns,
  [CommandId.UnlockConnection]: unlockConnection,
  [CommandId.MakeReadOnly]: makeReadOnly,
  [CommandId.OpenAuditLog]: openAuditLog,
  [CommandId.RevokeTask]: revokeTask,
  [CommandId.TerminateTask]: terminateTask,
  [CommandId.RetryTask]: retryTask,
  [CommandId.CopyTaskId]: copyTaskId,
  [CommandId.CopyCeleryCall]: copyCeleryCall,
  [CommandId.OpenTaskResult]: openTaskResult,
  [CommandId.SendTask]: sendTask,
  [CommandId.SetRateLimit]: setRateLimit,
  [CommandId.SetTimeLimit]: setTimeLimit,
  [CommandId.RevealTaskInTree]: revealTaskInTree,
  [CommandId.ShowWorkflow]: showWorkflow,
  [CommandId.BulkRetry]: bulkRetry,
  [CommandId.ShutdownWorker]: workerAction('shutdown'),
  [CommandId.RestartWorkerPool]: workerAction('poolRestart'),
  [CommandId.GrowWorkerPool]: workerAction('poolGrow'),
  [CommandId.ShrinkWorkerPool]: workerAction('poolShrink'),
  [CommandId.AutoscaleWorker]: workerAction('autoscale'),
  [CommandId.AddConsumer]: workerAction('addConsumer'),
  [CommandId.CancelConsumer]: workerAction('cancelConsumer'),
  [CommandId.EnableEvents]: workerAction('enableEvents'),
  [CommandId.DisableEvents]: workerAction('disableEvents'),
  [CommandId.PurgeQueue]: purgeQueue,
  [CommandId.PauseQueue]: pauseQueue,
  [CommandId.ResumeQueue]: resumeQueue,
  [CommandId.ShowTimeline]: showTimeline,
  [CommandId.ShowTrace]: showTrace,
  [CommandId.ShowDashboard]: showDashboard,
  [CommandId.ReplayLocally]: replayLocally,
  [CommandId.DebugLocally]: debugLocally,
  [CommandId.PeekMoreMessages]: peekMoreMessages,
  [CommandId.OpenMessage]: openMessage,
  [CommandId.MoveMessage]: moveMessage,
  [CommandId.RestoreUnacked]: restoreUnacked,
  [CommandId.StartLocalWorker]: startLocalWorker,
  [CommandId.StopLocalWorker]: stopLocalWorker,
};

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  return Object.entries(HANDLERS).map(([id, handler]) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handler(ctx, ...args);
      } catch (err) {
        // A user-started action failed: one notification, with the way to the details.
        const message = redactSecretsInText((err as Error)?.message ?? String(err));
        ctx.logger.error(`${id}: ${message}`);
        void vscode.window.showErrorMessage(`Celery Lens: ${message}`, 'Show Log').then((choice) => (choice ? ctx.log.show(true) : undefined));
        return undefined;
      }
    }),
  );
}
