/** Cluster state: Celery's event-state semantics, merges from inspect/backends, snapshot shapes. */
export * from './clusterState';
export * from './taskRecord';
export * from './workerRecord';
export * from './taskStates';
export * from './snapshot';
export * from './snapshotTypes';
export { exceptionRepr } from './merges';
export { parseIsoSeconds } from './isoTime';
export * from './selectors';
export * from './taskStats';
export { TASK_STATES, FINISHED_STATES } from './taskIndex';
export { StringPool } from './stringPool';
