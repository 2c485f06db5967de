/**
 * The original run beside the local replay: did it reproduce? Compares the worker's outcome (from
 * the result backend when stored, else the events' reprs) with the helper's, and renders both as
 * one Markdown document.
 */
import type { TaskMeta } from '../backend/taskMeta';
import type { ReplayArguments } from './replayArguments';
import type { ReplayOutcome } from './replaySpec';

/** What is known of how the worker ran the task. */
export interface OriginalRun {
  state: string;
  worker?: string;
  /** The stored result (JSON) when the backend has it. */
  result?: unknown;
  hasResult: boolean;
  /** The task-succeeded event's repr of the result. */
  resultRepr?: string;
  exception?: { type: string; module?: string; message?: unknown[] };
  /** The task-failed event's `exception` (Python repr, e.g. `KeyError('x')`). */
  exceptionRepr?: string;
  traceback?: string;
  runtime?: number;
}

export type Verdict = 'reproduced' | 'differs' | 'unknown' | 'not-run';

export interface Comparison {
  verdict: Verdict;
  reason: string;
}

/** Facts of the live model used here (a subset of TaskRecord). */
export interface OriginalFacts {
  state: string;
  worker?: string;
  result?: string;
  exception?: string;
  traceback?: string;
  runtime?: number;
}

function exceptionFromMeta(result: unknown): OriginalRun['exception'] {
  if (typeof result !== 'object' || result === null) return undefined;
  const r = result as { exc_type?: unknown; exc_module?: unknown; exc_message?: unknown };
  if (typeof r.exc_type !== 'string') return undefined;
  return { type: r.exc_type, module: typeof r.exc_module === 'string' ? r.exc_module : undefined, message: Array.isArray(r.exc_message) ? r.exc_message : undefined };
}

/** The original run from the backend's record (preferred) and the events. */
export function originalRun(facts: OriginalFacts, meta?: TaskMeta): OriginalRun {
  const state = meta?.status ?? facts.state;
  const failed = state === 'FAILURE' || state === 'RETRY';
  return {
    state,
    worker: meta?.worker ?? facts.worker,
    result: !failed && meta ? meta.result : undefined,
    hasResult: !failed && meta !== undefined && state === 'SUCCESS',
    resultRepr: facts.result,
    exception: failed ? exceptionFromMeta(meta?.result) : undefined,
    exceptionRepr: facts.exception,
    traceback: meta?.traceback ?? facts.traceback ?? undefined,
    runtime: facts.runtime,
  };
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  }
  return value;
}

/** The exception type named by a repr such as `LensTestError('x', 7)`. */
function typeOfRepr(repr: string | undefined): string | undefined {
  return repr ? /^([A-Za-z_][\w.]*)\(/.exec(repr.trim())?.[1] : undefined;
}

/** Did the replay end like the original? */
export function compareRuns(original: OriginalRun, replay: ReplayOutcome): Comparison {
  if (replay.status === 'ERROR') return { verdict: 'not-run', reason: `the task did not run locally: ${replay.error ?? 'unknown error'}` };
  if (original.state === 'FAILURE' || original.state === 'RETRY') {
    const type = original.exception?.type ?? typeOfRepr(original.exceptionRepr);
    if (replay.status === 'SUCCESS') return { verdict: 'differs', reason: `the original raised ${type ?? 'an exception'}; the replay succeeded` };
    const local = replay.exception;
    if (!type || !local) return { verdict: 'unknown', reason: 'the original exception is unknown' };
    if (local.type !== type.split('.').pop() || (original.exception?.module && local.module && original.exception.module !== local.module)) {
      return { verdict: 'differs', reason: `the original raised ${type}; the replay raised ${local.module && local.module !== 'builtins' ? `${local.module}.` : ''}${local.type}` };
    }
    const sameMessage = original.exception?.message !== undefined && local.message !== undefined
      ? deepEqual(original.exception.message, local.message)
      : original.exceptionRepr !== undefined ? original.exceptionRepr.trim() === local.repr.trim() : undefined;
    if (sameMessage === false) return { verdict: 'differs', reason: `same exception type (${local.type}), different message: ${local.repr}` };
    if (sameMessage === undefined) return { verdict: 'reproduced', reason: `same exception type (${local.type}); the original message is unknown` };
    return { verdict: 'reproduced', reason: `same exception: ${local.repr}` };
  }
  if (original.state === 'SUCCESS') {
    if (replay.status === 'FAILURE') return { verdict: 'differs', reason: `the original succeeded; the replay raised ${replay.exception?.repr ?? 'an exception'}` };
    if (original.hasResult) {
      return deepEqual(original.result, replay.result)
        ? { verdict: 'reproduced', reason: 'same result' }
        : { verdict: 'differs', reason: 'both succeeded with different results' };
    }
    if (original.resultRepr !== undefined && replay.resultSaferepr !== undefined) {
      return original.resultRepr === replay.resultSaferepr
        ? { verdict: 'reproduced', reason: 'same result (compared as reprs)' }
        : { verdict: 'differs', reason: 'both succeeded with different results (compared as reprs)' };
    }
    return { verdict: 'unknown', reason: 'the original result is unknown' };
  }
  return { verdict: 'unknown', reason: `the original run has no outcome yet (${original.state})` };
}

const VERDICT_TITLES: Record<Verdict, string> = {
  reproduced: '✅ Reproduced',
  differs: '❌ Did not reproduce',
  unknown: '❔ Cannot tell',
  'not-run': '⚠️ Not run',
};

export interface ReportInput {
  taskId: string;
  name: string;
  mode: 'replay' | 'debug';
  args: ReplayArguments;
  /** The arguments actually run (differ from `args` when edited). */
  ran: { args: unknown[]; kwargs: Record<string, unknown>; source: string };
  original: OriginalRun;
  outcome: ReplayOutcome;
  exitCode?: number;
  python: string;
}

function fence(text: string): string {
  const ticks = /`{3,}/.test(text) ? '````' : '```';
  return `${ticks}\n${text.replace(/\s+$/, '')}\n${ticks}`;
}

function cell(text: string | undefined): string {
  return (text ?? '—').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function originalSummary(o: OriginalRun): string {
  if (o.exception) return `${o.exception.module && o.exception.module !== 'builtins' ? `${o.exception.module}.` : ''}${o.exception.type}: ${JSON.stringify(o.exception.message ?? [])}`;
  if (o.exceptionRepr) return o.exceptionRepr;
  if (o.hasResult) return JSON.stringify(o.result);
  return o.resultRepr ?? '—';
}

function replaySummary(r: ReplayOutcome): string {
  if (r.status === 'ERROR') return r.error ?? 'not run';
  if (r.exception) return `${r.exception.module && r.exception.module !== 'builtins' ? `${r.exception.module}.` : ''}${r.exception.type}: ${JSON.stringify(r.exception.message ?? [])}`;
  return JSON.stringify(r.result) ?? r.resultRepr ?? '—';
}

/** The side-by-side document. */
export function renderReplayReport(input: ReportInput): string {
  const { original, outcome } = input;
  const comparison = compareRuns(original, outcome);
  const seconds = (s: number | undefined) => (s === undefined ? undefined : `${s.toFixed(3)} s`);
  const lines = [
    `# ${VERDICT_TITLES[comparison.verdict]}: ${input.name} ${input.taskId}`,
    '',
    `${comparison.reason}.`,
    '',
    `Local ${input.mode === 'debug' ? 'debug run' : 'replay'} with \`${outcome.python ?? input.python}\`${outcome.celery ? ` (Celery ${outcome.celery})` : ''}${outcome.app ? `, app: ${outcome.app}` : ''}.`,
    `Arguments from **${input.ran.source}**${input.args.exact || input.ran.source !== input.args.sourceLabel ? '' : ' (a draft: not exact)'}.`,
    '',
    '| | Original (worker) | Local replay |',
    '| --- | --- | --- |',
    `| Outcome | ${cell(original.state)} | ${cell(outcome.status)}${input.exitCode !== undefined ? ` (exit ${input.exitCode})` : ''} |`,
    `| ${original.state === 'SUCCESS' ? 'Result' : 'Exception'} | ${cell(originalSummary(original))} | ${cell(replaySummary(outcome))} |`,
    `| Where | ${cell(original.worker)} | this machine |`,
    `| Runtime | ${cell(seconds(original.runtime))} | ${cell(seconds(outcome.runtime))} |`,
    '',
    '## Arguments',
    '',
    fence(`args   = ${JSON.stringify(input.ran.args)}\nkwargs = ${JSON.stringify(input.ran.kwargs)}`),
  ];
  if (input.args.problems.length) lines.push('', ...input.args.problems.map((p) => `- ${p}`));
  lines.push('', '## Original traceback', '', original.traceback ? fence(original.traceback) : '_none_');
  lines.push('', '## Replay traceback', '', outcome.traceback ? fence(outcome.traceback) : '_none_');
  return `${lines.join('\n')}\n`;
}
