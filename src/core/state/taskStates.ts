/**
 * Celery's task state names and its precedence order (celery/states.py), which decides how
 * out-of-order events merge: a state with a *lower* index is "later" and wins.
 */

export const PENDING = 'PENDING';
export const RECEIVED = 'RECEIVED';
export const STARTED = 'STARTED';
export const SUCCESS = 'SUCCESS';
export const FAILURE = 'FAILURE';
export const RETRY = 'RETRY';
export const REVOKED = 'REVOKED';
export const REJECTED = 'REJECTED';

/** Celery's built-in task states; custom states (e.g. `PROGRESS`) are any other upper-case name. */
export type KnownTaskState = 'PENDING' | 'RECEIVED' | 'STARTED' | 'SUCCESS' | 'FAILURE' | 'RETRY' | 'REVOKED' | 'REJECTED';

// Maps, not object literals: keys come off the wire ("constructor" must not hit a prototype).
/** Precedence index per state; unknown (custom) states rank where Celery puts `None` (2). */
const PRECEDENCE: ReadonlyMap<string, number> = new Map([
  [SUCCESS, 0],
  [FAILURE, 1],
  [REVOKED, 3],
  [STARTED, 4],
  [RECEIVED, 5],
  [REJECTED, 6],
  [RETRY, 7],
  [PENDING, 8],
]);
const CUSTOM_PRECEDENCE = 2;

/** Lower is later/stronger, as in Celery's `states.precedence`. */
export function precedence(state: string): number {
  return PRECEDENCE.get(state) ?? CUSTOM_PRECEDENCE;
}

/** Task event subject (`task-<subject>`) to the state it sets. */
export const TASK_EVENT_STATE: ReadonlyMap<string, KnownTaskState> = new Map<string, KnownTaskState>([
  ['sent', PENDING],
  ['received', RECEIVED],
  ['started', STARTED],
  ['succeeded', SUCCESS],
  ['failed', FAILURE],
  ['retried', RETRY],
  ['revoked', REVOKED],
  ['rejected', REJECTED],
]);

/** States after which the task will not run again. */
export const READY_STATES: ReadonlySet<string> = new Set([SUCCESS, FAILURE, REVOKED]);
