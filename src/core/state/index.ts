/** Cluster state: Celery's event-state semantics, merges from inspect/backends, snapshot shapes. */
export * from './clusterState';
export * from './taskRecord';
export * from './workerRecord';
export * from './taskStates';
export * from './snapshot';
export * from './snapshotTypes';
export { exceptionRepr } from './merges';
export { parseIsoSeconds } from './isoTime';
