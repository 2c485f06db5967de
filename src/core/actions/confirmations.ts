/**
 * What a destructive action says before it runs: one modal whose message states the exact effect.
 * The kinds are the keys of the `celeryLens.confirm.<kind>` settings (each can skip its prompt).
 */

/** Destructive action kinds; each has its own `celeryLens.confirm.<kind>` setting. */
export const CONFIRM_KINDS = ['purge', 'terminate', 'shutdown', 'poolRestart', 'cancelConsumer', 'bulkRetry', 'moveMessage', 'restoreUnacked'] as const;
export type ConfirmKind = (typeof CONFIRM_KINDS)[number];

/** A modal's text: the question, a detail line, and the label of the button that goes ahead. */
export interface ConfirmationText {
  message: string;
  detail: string;
  button: string;
}

function list(names: string[], max = 8): string {
  const shown = names.slice(0, max).map((n) => `"${n}"`).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

/** kombu's priority lists: `q`, `q\x06\x163`, ... shown with the separator spelled out. */
export function displayListName(name: string): string {
  return name.split('\x06\x16').join('\\x06\\x16');
}

export function purgeConfirmation(p: { connection: string; queue: string; count: number; lists: string[] }): ConfirmationText {
  const what = p.count === 1 ? '1 message' : `${p.count.toLocaleString('en-US')} messages`;
  const lists = p.lists.length > 1 ? ` (lists ${list(p.lists.map(displayListName))})` : '';
  return {
    message: `Purge ${what} from queue "${p.queue}" on "${p.connection}"?`,
    detail: `Every waiting message in "${p.queue}"${lists} is deleted for good; workers never run them. Messages already delivered to a worker are not touched.`,
    button: `Purge ${what}`,
  };
}

export function terminateConfirmation(p: { connection: string; taskId: string; name?: string; signal: string; worker?: string }): ConfirmationText {
  const task = `${p.name ? `${p.name} ` : ''}${p.taskId}`;
  return {
    message: `Terminate task ${task} with ${p.signal}?`,
    detail: `The task is revoked on every worker of "${p.connection}" and the pool process running it${p.worker ? ` on ${p.worker}` : ''} receives ${p.signal}: its work stops mid-way and it ends REVOKED.`,
    button: `Terminate (${p.signal})`,
  };
}

export function shutdownConfirmation(p: { connection: string; workers: string[] }): ConfirmationText {
  const what = p.workers.length === 1 ? `worker ${p.workers[0]}` : `${p.workers.length} workers (${list(p.workers)})`;
  return {
    message: `Shut down ${what}?`,
    detail: `A warm shutdown on "${p.connection}": running tasks finish, then the process exits and is gone until someone starts it again.`,
    button: 'Shut Down',
  };
}

export function poolRestartConfirmation(p: { connection: string; workers: string[] }): ConfirmationText {
  return {
    message: `Restart the pool of ${list(p.workers)}?`,
    detail: `Pool processes on "${p.connection}" are replaced (needs worker_pool_restarts); running tasks in them are lost.`,
    button: 'Restart Pool',
  };
}

export function cancelConsumerConfirmation(p: { connection: string; queue: string; workers: string[] }): ConfirmationText {
  return {
    message: `Stop ${list(p.workers)} consuming "${p.queue}"?`,
    detail: `Messages in "${p.queue}" on "${p.connection}" wait until a worker consumes it again.`,
    button: 'Stop Consuming',
  };
}

export function moveMessageConfirmation(p: { connection: string; taskId: string; name?: string; queue: string; target: string }): ConfirmationText {
  return {
    message: `Move ${p.name ? `${p.name} ` : ''}${p.taskId} from "${p.queue}" to "${p.target}"?`,
    detail: `In one atomic step on "${p.connection}", the waiting message leaves "${p.queue}" and joins the back of "${p.target}" (same priority), byte for byte. Only workers consuming "${p.target}" will run it.`,
    button: 'Move Message',
  };
}

export function restoreUnackedConfirmation(p: { connection: string; taskId?: string; name?: string; worker?: string; queues: string[] }): ConfirmationText {
  const task = `${p.name ? `${p.name} ` : ''}${p.taskId ?? 'message'}`;
  return {
    message: `Put ${task} back in ${list(p.queues)}?`,
    detail: `${p.worker ? `Its worker ${p.worker} is gone` : 'Its worker is not known'}; the message goes back to the front of the queue on "${p.connection}" (marked redelivered) and another worker runs it. If the worker is in fact still running it, the task runs twice.`,
    button: 'Restore Message',
  };
}
