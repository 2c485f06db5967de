/**
 * A task's executions ("attempts") read back from its event history: Celery retries a task under
 * the same id, so one record may have run several times, possibly on different workers. Each
 * attempt goes from `task-received` to `task-started` to its outcome (succeeded, failed, retried,
 * revoked, rejected); any part may be missing (an event lost, or a record known only from the
 * result backend, which has no history: its times alone then make one attempt).
 */
import type { TaskRecord } from '../state/taskRecord';
import { historyHostname, historyType } from '../state/historyCodes';
import { ATTEMPT_OUTCOMES, type AttemptOutcome } from './timelineTypes';
import { FAILED, HISTORY_COUNT, HISTORY_START, RECEIVED, REJECTED, RETRIED, REVOKED, STARTED, SUCCEEDED } from '../state/taskTimes';

export { ATTEMPT_OUTCOMES, type AttemptOutcome };

/** One execution of a task. Times are epoch seconds, NaN when unknown. */
export interface TaskAttempt {
  /** 0 for the first execution seen, 1 for the first retry, ... */
  index: number;
  worker: string | undefined;
  received: number;
  started: number;
  ended: number;
  outcome: AttemptOutcome;
}

const OUTCOME_OF_EVENT: ReadonlyMap<string, AttemptOutcome> = new Map([
  ['task-succeeded', 'succeeded'], ['task-failed', 'failed'], ['task-retried', 'retried'],
  ['task-revoked', 'revoked'], ['task-rejected', 'rejected'],
]);

/** Small integer for an outcome (for compact columns). */
export function outcomeCode(outcome: AttemptOutcome): number {
  return ATTEMPT_OUTCOMES.indexOf(outcome);
}

function newAttempt(index: number, worker: string | undefined): TaskAttempt {
  return { index, worker, received: NaN, started: NaN, ended: NaN, outcome: 'open' };
}

/** The task's attempts, oldest first (empty for a task never received, e.g. still queued). */
export function taskAttempts(task: TaskRecord): TaskAttempt[] {
  const t = task.times;
  const count = t[HISTORY_COUNT];
  if (count === 0) return attemptFromTimes(task);
  // History is in arrival order; events of one task rarely arrive out of order, but sort if so.
  const order: number[] = [];
  for (let i = 0; i < count; i++) order.push(i);
  const at = (i: number): number => t[HISTORY_START + 2 * i];
  for (let i = 1; i < count; i++) if (at(i) < at(i - 1)) { order.sort((a, b) => at(a) - at(b)); break; }

  const attempts: TaskAttempt[] = [];
  for (const i of order) {
    const code = t[HISTORY_START + 2 * i + 1];
    const type = historyType(code);
    const timestamp = at(i);
    if (type === 'task-received') {
      attempts.push(newAttempt(attempts.length, historyHostname(code)));
      attempts[attempts.length - 1].received = timestamp;
    } else if (type === 'task-started') {
      let target = latest(attempts, (a) => a.started !== a.started && a.ended !== a.ended);
      if (!target) attempts.push((target = newAttempt(attempts.length, historyHostname(code))));
      target.started = timestamp;
      target.worker = historyHostname(code);
    } else {
      const outcome = OUTCOME_OF_EVENT.get(type);
      if (outcome === undefined) continue; // task-sent, custom states
      // A retry's new message is received before the old run reports `task-retried`: an end
      // belongs to the latest run that started, else to the latest still waiting.
      let target = latest(attempts, (a) => a.started === a.started && a.ended !== a.ended) ?? latest(attempts, (a) => a.ended !== a.ended);
      if (!target) {
        // A revoke before anything ran (or sent by a client) ends nothing visible.
        if (outcome === 'revoked' || outcome === 'rejected') continue;
        attempts.push((target = newAttempt(attempts.length, historyHostname(code))));
      }
      target.ended = timestamp;
      target.outcome = outcome;
    }
  }
  return attempts;
}

function latest(attempts: TaskAttempt[], test: (attempt: TaskAttempt) => boolean): TaskAttempt | undefined {
  for (let i = attempts.length - 1; i >= 0; i--) if (test(attempts[i])) return attempts[i];
  return undefined;

}

/** One attempt from the record's times (a task known from the backend or inspect only). */
function attemptFromTimes(task: TaskRecord): TaskAttempt[] {
  const t = task.times;
  const received = t[RECEIVED];
  const started = t[STARTED];
  let ended = NaN;
  let outcome: AttemptOutcome = 'open';
  for (const [slot, name] of [[SUCCEEDED, 'succeeded'], [FAILED, 'failed'], [REVOKED, 'revoked'], [REJECTED, 'rejected'], [RETRIED, 'retried']] as const) {
    if (t[slot] === t[slot]) {
      ended = t[slot];
      outcome = name;
      break;
    }
  }
  if (received !== received && started !== started) return [];
  return [{ index: 0, worker: task.worker, received, started, ended, outcome }];
}
