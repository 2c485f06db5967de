/**
 * Retrying a finished task means sending it again: same name, arguments and routing, new id. The
 * arguments come from the best source known — the extended result record, then the task message —
 * and when only the truncated repr from events is known, the plan says so (the user edits them).
 */
import type { TaskMeta } from '../backend/taskMeta';
import type { TaskMessage } from '../celery/types';
import type { SendTaskOptions } from '../celery/taskEncoder';

/** The header that links a retry to the task it retries (workers ignore unknown headers). */
export const RETRY_OF_HEADER = 'lens_retry_of';

/** States a task may be retried from. */
export const RETRYABLE_STATES: readonly string[] = ['FAILURE', 'REVOKED', 'REJECTED'];

/** What the live model knows about a task (a subset of TaskRecord). */
export interface KnownTask {
  id: string;
  name?: string;
  state?: string;
  /** Python reprs from events. */
  args?: string;
  kwargs?: string;
  queue?: string;
  routingKey?: string;
}

/** Where a retry's arguments come from. */
export type ArgumentSource = 'result' | 'message' | 'repr' | 'none';

export interface RetryPlan {
  originalId: string;
  name?: string;
  /** Full arguments, when the source is `result` or `message`. */
  args?: unknown[];
  kwargs?: Record<string, unknown>;
  source: ArgumentSource;
  /** The reprs known, for a `repr` source (to show and to start the edit from). */
  argsRepr?: string;
  kwargsRepr?: string;
  queue?: string;
  priority?: number;
}

function meaningfulMeta(meta: TaskMeta | undefined): meta is TaskMeta & { args: unknown[] } {
  return meta !== undefined && Array.isArray(meta.args);
}

/** Combine what is known into a plan; never throws. */
export function planRetry(known: { task: KnownTask; meta?: TaskMeta; message?: TaskMessage }): RetryPlan {
  const { task, meta, message } = known;
  const plan: RetryPlan = {
    originalId: task.id,
    name: meta?.name ?? message?.name ?? task.name,
    source: 'none',
    queue: meta?.queue ?? message?.routingKey ?? task.queue ?? task.routingKey,
    priority: message?.priority,
  };
  if (meaningfulMeta(meta)) {
    plan.source = 'result';
    plan.args = meta.args;
    plan.kwargs = meta.kwargs ?? {};
  } else if (message) {
    plan.source = 'message';
    plan.args = message.args;
    plan.kwargs = message.kwargs;
  } else if (task.args !== undefined || task.kwargs !== undefined) {
    plan.source = 'repr';
    plan.argsRepr = task.args;
    plan.kwargsRepr = task.kwargs;
  }
  return plan;
}

/** Why a task in `state` must not be retried (it may still run), or undefined when it may. */
export function notRetryable(state: string | undefined): string | undefined {
  if (state === undefined || RETRYABLE_STATES.includes(state)) return undefined;
  return `only ${RETRYABLE_STATES.join(', ')} tasks are retried; this one is ${state}`;
}

/** Why a plan cannot be sent as is, or undefined when it can. */
export function retryBlocker(plan: RetryPlan): string | undefined {
  if (!plan.name) return `the task name of ${plan.originalId} is unknown (no event, result or message names it)`;
  if (plan.source === 'repr') return `only the truncated repr of the arguments is known (${plan.argsRepr ?? '()'}, ${plan.kwargsRepr ?? '{}'}): check them as JSON first`;
  if (plan.source === 'none') return `the arguments of ${plan.originalId} are unknown: enter them as JSON first`;
  return undefined;
}

/** The send options for a plan, with the arguments given (the plan's own, or the user's edit). */
export function retrySendOptions(plan: RetryPlan, args: unknown[], kwargs: Record<string, unknown>, id?: string): SendTaskOptions {
  if (!plan.name) throw new Error(`the task name of ${plan.originalId} is unknown`);
  const options: SendTaskOptions = { name: plan.name, args, kwargs, headers: { [RETRY_OF_HEADER]: plan.originalId } };
  if (id) options.id = id;
  if (plan.queue) options.queue = plan.queue;
  if (plan.priority !== undefined) options.priority = plan.priority;
  return options;
}
