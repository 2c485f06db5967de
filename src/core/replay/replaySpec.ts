/**
 * The contract with the Python helper (media/python/celery_lens_replay.py): the spec file it reads
 * and the outcome file it writes. Field names are the helper's (snake_case on the Python side).
 */
import * as path from 'node:path';

/** What the helper runs: written as JSON to a temporary file, passed as `--spec FILE`. */
export interface ReplaySpec {
  /** `module:attribute` or `module` of the Celery app; empty to find it from the task name or the workspace. */
  app?: string;
  task: string;
  id: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  headers: Record<string, unknown>;
  /** Folders to import the app from (the workspace folders); the helper also looks below them. */
  search_roots: string[];
  /** A `.env` file whose variables are set for the task (existing environment variables win). */
  env_file?: string;
}

export interface ReplaySpecInput {
  app: string | undefined;
  task: string;
  id: string;
  ran: { args: unknown[]; kwargs: Record<string, unknown> };
  headers: Record<string, unknown>;
  /** The workspace folders' paths; the first one's `.env` is loaded. */
  folders: string[];
  exists(path: string): boolean;
}

/** The spec for a replay: the workspace folders as search roots, and the first folder's `.env` when it exists. */
export function replaySpecFor(p: ReplaySpecInput): ReplaySpec {
  const envFile = p.folders.length ? path.join(p.folders[0], '.env') : undefined;
  return {
    app: p.app || undefined, task: p.task, id: p.id, args: p.ran.args, kwargs: p.ran.kwargs, headers: p.headers,
    search_roots: p.folders,
    env_file: envFile && p.exists(envFile) ? envFile : undefined,
  };
}

/** The helper's exit statuses. */
export const HELPER_EXIT = { success: 0, taskFailed: 1, setupFailed: 2 } as const;

export interface ReplayException {
  type: string;
  module?: string;
  /** `exc.args`, JSON-safe, as Celery's result backend stores `exc_message`. */
  message?: unknown[];
  repr: string;
}

/** What the helper wrote to `--out FILE`. `ERROR`: the task did not run (the app or task was not found). */
export interface ReplayOutcome {
  status: 'SUCCESS' | 'FAILURE' | 'ERROR';
  result?: unknown;
  /** `repr(result)`, and Celery's event form (saferepr, 1024) to compare with a task-succeeded event. */
  resultRepr?: string;
  resultSaferepr?: string;
  exception?: ReplayException;
  traceback?: string;
  /** Seconds the task ran. */
  runtime?: number;
  /** Where the app came from, e.g. `lens_testapp.celery_app:app (from the task's module)`. */
  app?: string;
  python?: string;
  celery?: string;
  /** For ERROR: why it did not run. */
  error?: string;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The outcome file's text, checked; an error message when it is not one. */
export function parseReplayOutcome(text: string): ReplayOutcome | { error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { error: `the helper's outcome is not JSON: ${(err as Error).message}` };
  }
  if (typeof raw !== 'object' || raw === null) return { error: "the helper's outcome is not an object" };
  const o = raw as Record<string, unknown>;
  if (o.status !== 'SUCCESS' && o.status !== 'FAILURE' && o.status !== 'ERROR') return { error: `unknown outcome status ${JSON.stringify(o.status)}` };
  const outcome: ReplayOutcome = { status: o.status };
  if ('result' in o) outcome.result = o.result;
  outcome.resultRepr = str(o.result_repr);
  outcome.resultSaferepr = str(o.result_saferepr);
  const exc = o.exception as Record<string, unknown> | undefined;
  if (exc && typeof exc === 'object' && typeof exc.type === 'string') {
    outcome.exception = { type: exc.type, module: str(exc.module), message: Array.isArray(exc.message) ? exc.message : undefined, repr: str(exc.repr) ?? exc.type };
  }
  outcome.traceback = str(o.traceback);
  outcome.runtime = typeof o.runtime === 'number' ? o.runtime : undefined;
  outcome.app = str(o.app);
  outcome.python = str(o.python);
  outcome.celery = str(o.celery);
  outcome.error = str(o.error);
  return outcome;
}

export function isOutcome(value: ReplayOutcome | { error: string }): value is ReplayOutcome {
  return 'status' in value;
}
