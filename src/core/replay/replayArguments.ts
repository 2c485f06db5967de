/**
 * The arguments to replay a task with, from the most faithful source known:
 * 1. the task's message, still waiting in its queue or held unacked by a worker (exact values and
 *    every header),
 * 2. the extended result record (`result_extended=True`: exact args and kwargs),
 * 3. the task-received event's reprs, read back as Python literals — exact only when complete and
 *    literal; otherwise a draft the user edits as JSON before anything runs.
 * Pure: the caller gathers what is known, this decides and says which source it used.
 */
import type { TaskMeta } from '../backend/taskMeta';
import type { TaskMessage } from '../celery/types';
import { parsePythonLiteral, type LiteralIssue } from './pythonLiteral';

export type ReplaySourceKind = 'queued-message' | 'unacked-message' | 'extended-result' | 'event-repr' | 'edited' | 'none';

/** What the live model knows of the task (a subset of TaskRecord). */
export interface KnownTaskFacts {
  id: string;
  name?: string;
  /** Python reprs from events (saferepr, possibly truncated). */
  args?: string;
  kwargs?: string;
  retries?: number;
  rootId?: string;
  parentId?: string;
  groupId?: string;
  queue?: string;
  routingKey?: string;
}

export interface ReplayInputs {
  task: KnownTaskFacts;
  meta?: TaskMeta;
  /** The message found waiting in a queue (Redis LRANGE: nothing consumed). */
  queued?: { message: TaskMessage; queue: string };
  /** The message a worker holds unacked (Redis `unacked` hash). */
  unacked?: { message: TaskMessage; deliveryTag: string };
}

export interface ReplayArguments {
  source: ReplaySourceKind;
  /** Human words for the source, shown wherever the arguments are. */
  sourceLabel: string;
  /** True when args/kwargs are the task's real values; false for a draft to check first. */
  exact: boolean;
  args: unknown[];
  kwargs: Record<string, unknown>;
  /** Why a draft is not exact (truncated, not a literal, not JSON), one line each. */
  problems: string[];
  /** Headers for `task.apply` (the message's own when known). */
  headers: Record<string, unknown>;
  name?: string;
  /** The event reprs, kept to show beside a draft. */
  argsRepr?: string;
  kwargsRepr?: string;
}

export const SOURCE_LABELS: Record<ReplaySourceKind, string> = {
  'queued-message': 'the task message, still waiting in its queue',
  'unacked-message': 'the task message, held unacked by a worker',
  'extended-result': 'the extended result record (result_extended)',
  'event-repr': "the task-received event's repr",
  edited: 'arguments edited as JSON',
  none: 'nothing: the arguments are unknown',
};

function describeIssue(side: 'args' | 'kwargs', issue: LiteralIssue): string {
  switch (issue.kind) {
    case 'truncated':
      return /^[[{]\.\.\.[\]}]$/.test(issue.text)
        ? `${side}: \`${issue.text}\` is nested deeper than Celery's repr shows (its contents are unknown)`
        : `${side}: cut by Celery's repr length limit at \`${issue.text}\``;
    case 'not-a-literal':
      return `${side}: \`${issue.text}\` is not a Python literal (kept as its text)`;
    case 'not-json':
      return `${side}: \`${issue.text}\` has no exact JSON form`;
  }
}

/** Headers a worker would have had, from the facts known (no message). */
function headersFromFacts(task: KnownTaskFacts, name: string | undefined, meta?: TaskMeta): Record<string, unknown> {
  const headers: Record<string, unknown> = { id: task.id, task: name, retries: meta?.retries ?? task.retries ?? 0 };
  const rootId = task.rootId;
  const parentId = meta?.parentId ?? task.parentId;
  const groupId = meta?.groupId ?? task.groupId;
  if (rootId) headers.root_id = rootId;
  if (parentId) headers.parent_id = parentId;
  if (groupId) headers.group = groupId;
  return headers;
}

function fromMessage(source: 'queued-message' | 'unacked-message', message: TaskMessage): ReplayArguments {
  return {
    source, sourceLabel: SOURCE_LABELS[source], exact: true, name: message.name,
    args: message.args, kwargs: message.kwargs, problems: [], headers: { ...message.headers },
  };
}

/** Read an events repr of args (`asTuple`) or kwargs into a JSON value and its problems. */
function readRepr(repr: string | undefined, side: 'args' | 'kwargs'): { value: unknown; problems: string[] } {
  if (repr === undefined || repr.trim() === '') return { value: side === 'args' ? [] : {}, problems: [] };
  const parsed = parsePythonLiteral(repr.trim());
  const problems = parsed.issues.map((i) => describeIssue(side, i));
  const wanted = side === 'args' ? Array.isArray(parsed.value) : typeof parsed.value === 'object' && parsed.value !== null && !Array.isArray(parsed.value);
  if (!wanted) {
    problems.push(`${side}: \`${repr.length > 60 ? `${repr.slice(0, 57)}...` : repr}\` is not a ${side === 'args' ? 'tuple or list' : 'dict'}`);
    return { value: side === 'args' ? [] : {}, problems };
  }
  return { value: parsed.value, problems };
}

/** Decide the arguments (see the module comment); never throws. */
export function recoverArguments(inputs: ReplayInputs): ReplayArguments {
  const { task, meta, queued, unacked } = inputs;
  if (queued && queued.message.id === task.id) return fromMessage('queued-message', queued.message);
  if (unacked && unacked.message.id === task.id) return fromMessage('unacked-message', unacked.message);
  const name = meta?.name ?? task.name;
  const headers = headersFromFacts(task, name, meta);
  if (meta && Array.isArray(meta.args)) {
    return {
      source: 'extended-result', sourceLabel: SOURCE_LABELS['extended-result'], exact: true, name,
      args: meta.args, kwargs: meta.kwargs ?? {}, problems: [], headers,
    };
  }
  if (task.args !== undefined || task.kwargs !== undefined) {
    const args = readRepr(task.args, 'args');
    const kwargs = readRepr(task.kwargs, 'kwargs');
    const problems = [...args.problems, ...kwargs.problems];
    return {
      source: 'event-repr', sourceLabel: SOURCE_LABELS['event-repr'], exact: problems.length === 0, name,
      args: args.value as unknown[], kwargs: kwargs.value as Record<string, unknown>, problems, headers,
      argsRepr: task.args, kwargsRepr: task.kwargs,
    };
  }
  return {
    source: 'none', sourceLabel: SOURCE_LABELS.none, exact: false, name, args: [], kwargs: {},
    problems: ['no message, extended result or event holds the arguments: enter them'], headers,
  };
}
