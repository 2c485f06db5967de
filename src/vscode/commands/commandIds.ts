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
} as const;

export type CommandIdValue = (typeof CommandId)[keyof typeof CommandId];
