/** Every command id, the only place they appear in TypeScript (a unit test checks package.json agrees). */
export const CommandId = {
  /** {@link addConnection} */
  AddConnection: 'celeryLens.addConnection',
  /** {@link editConnection} */
  EditConnection: 'celeryLens.editConnection',
  /** {@link removeConnection} */
  RemoveConnection: 'celeryLens.removeConnection',
  /** {@link connectLocalhost} */
  ConnectLocalhost: 'celeryLens.connectLocalhost',
  Connect: 'celeryLens.connect',
  Disconnect: 'celeryLens.disconnect',
  Refresh: 'celeryLens.refresh',
  /** {@link filterTasks} */
  FilterTasks: 'celeryLens.tasks.filter',
  ClearTaskFilter: 'celeryLens.tasks.clearFilter',
  ShowMoreTasks: 'celeryLens.tasks.showMore',
  /** {@link openTaskDetails} */
  OpenTaskDetails: 'celeryLens.task.openDetails',
  ShowLog: 'celeryLens.showLog',
  Focus: 'celeryLens.focus',
  // Tracebacks (src/vscode/tracebacks/goToFailingLine.ts)
  GoToFailingLine: 'celeryLens.task.goToFailingLine',
  // Task definitions (src/vscode/taskDefs/taskDefCommands.ts)
  GoToTaskDefinition: 'celeryLens.task.goToDefinition',
  ShowTaskRuns: 'celeryLens.task.showRuns',
  // Safety (src/vscode/actions/safetyCommands.ts)
  UnlockConnection: 'celeryLens.unlockConnection',
  MakeReadOnly: 'celeryLens.makeReadOnly',
  OpenAuditLog: 'celeryLens.openAuditLog',
  // Tasks (src/vscode/actions/taskActions.ts, sendTask.ts)
  RevokeTask: 'celeryLens.task.revoke',
  TerminateTask: 'celeryLens.task.terminate',
  RetryTask: 'celeryLens.task.retry',
  CopyTaskId: 'celeryLens.task.copyId',
  CopyCeleryCall: 'celeryLens.task.copyCeleryCall',
  OpenTaskResult: 'celeryLens.task.openResult',
  SendTask: 'celeryLens.sendTask',
  SetRateLimit: 'celeryLens.taskType.rateLimit',
  SetTimeLimit: 'celeryLens.taskType.timeLimit',
  /** {@link revealTaskInTree}: other panels call it by this name, with `connectionId, taskId`. */
  RevealTaskInTree: 'celeryLens.revealTaskInTree',
  /** {@link showWorkflow} (src/vscode/panels/flow/showWorkflow.ts) */
  ShowWorkflow: 'celeryLens.task.showWorkflow',
  /** {@link bulkRetry} */
  BulkRetry: 'celeryLens.tasks.bulkRetry',
  // Workers (src/vscode/actions/workerActions.ts)
  ShutdownWorker: 'celeryLens.worker.shutdown',
  RestartWorkerPool: 'celeryLens.worker.poolRestart',
  GrowWorkerPool: 'celeryLens.worker.poolGrow',
  ShrinkWorkerPool: 'celeryLens.worker.poolShrink',
  AutoscaleWorker: 'celeryLens.worker.autoscale',
  AddConsumer: 'celeryLens.worker.addConsumer',
  CancelConsumer: 'celeryLens.worker.cancelConsumer',
  EnableEvents: 'celeryLens.worker.enableEvents',
  DisableEvents: 'celeryLens.worker.disableEvents',
  // Queues (src/vscode/actions/queueActions.ts)
  PurgeQueue: 'celeryLens.queue.purge',
  PauseQueue: 'celeryLens.queue.pause',
  ResumeQueue: 'celeryLens.queue.resume',
  // Timeline, trace and dashboard panels (src/vscode/panels/panelCommands.ts)
  ShowTimeline: 'celeryLens.showTimeline',
  ShowTrace: 'celeryLens.task.showTrace',
  ShowDashboard: 'celeryLens.showDashboard',
  // Replay (src/vscode/replay/replayCommands.ts)
  ReplayLocally: 'celeryLens.task.replayLocally',
  DebugLocally: 'celeryLens.task.debugLocally',
  // Queue messages (src/vscode/actions/messageActions.ts)
  PeekMoreMessages: 'celeryLens.queue.peekMore',
  OpenMessage: 'celeryLens.queue.openMessage',
  MoveMessage: 'celeryLens.queue.moveMessage',
  RestoreUnacked: 'celeryLens.queue.restoreUnacked',
  // Local worker (src/vscode/actions/localWorker.ts)
  StartLocalWorker: 'celeryLens.worker.startLocal',
  StopLocalWorker: 'celeryLens.worker.stopLocal',
} as const;

export type CommandIdValue = (typeof CommandId)[keyof typeof CommandId];
