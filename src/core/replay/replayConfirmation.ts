/**
 * What "Replay locally" / "Debug locally" says before running: the task runs here, for real.
 */

export interface ReplayConfirmationInput {
  mode: 'replay' | 'debug';
  name: string;
  taskId: string;
  python: string;
  /** Where the arguments came from (a source label). */
  source: string;
  /** The folder the workspace code is imported from. */
  workspace: string;
}

export interface ReplayConfirmationText {
  message: string;
  detail: string;
  button: string;
}

export function replayConfirmation(p: ReplayConfirmationInput): ReplayConfirmationText {
  const verb = p.mode === 'debug' ? 'Debug' : 'Replay';
  return {
    message: `${verb} ${p.name} ${p.taskId} on this machine? Its side effects will happen for real.`,
    detail: `The task's code from ${p.workspace} runs here with ${p.python}, with the arguments from ${p.source}. ` +
      'Whatever it does — database writes, e-mails, payments, HTTP calls, messages it sends to the broker — happens for real, ' +
      'with the settings and .env of this workspace. Nothing is stored in the result backend. ' +
      'CELERY_LENS_REPLAY=1 is set so your code can stub side effects.',
    button: `${verb} Locally`,
  };
}
