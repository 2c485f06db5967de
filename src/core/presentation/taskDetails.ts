/**
 * The read-only task details document (Markdown): everything known about one task, from events,
 * inspect replies and the result backend, with the workflow links as task ids the editor turns
 * into links. Pure, so the exact text is unit-tested.
 */
import type { TaskMeta } from '../backend/taskMeta';
import { formatDuration, formatTimestamp } from './format';
import { taskLabel, type TaskLike } from './treeLabels';

export interface TaskDetailsInput extends TaskLike {
  args?: string | null;
  kwargs?: string | null;
  result?: unknown;
  traceback?: string | null;
  parentId?: string | null;
  rootId?: string | null;
  groupId?: string | null;
  children?: readonly string[] | null;
  eta?: string | null;
  expires?: string | null;
  queue?: string | null;
  client?: string | null;
  history?: ReadonlyArray<{ type: string; timestamp: number; hostname: string }>;
}

/** The task a Celery Lens retry retries, and the retries sent of a task (remembered by the sender). */
export interface RetryLinkIds {
  retryOf?: string;
  retriedAs?: readonly string[];
}

/** Line prefixes the editor's link provider recognises (the id follows). */
export const WORKFLOW_LINK_PREFIXES = ['- Parent: ', '- Root: ', '- Child: ', '- Retry of: ', '- Retried as: '] as const;

/** Celery truncates reprs near 1024 characters and ends them with `...`. */
function looksTruncated(repr: string): boolean {
  return repr.length >= 1000 || /\.\.\.[\])}]*$/.test(repr);
}

function fence(text: string, language = ''): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((m) => m.length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}${language}\n${text}\n${ticks}`;
}

function json(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}

/** The complete arguments of a task message still waiting in a queue. */
export interface QueuedArguments {
  args: unknown[];
  kwargs: Record<string, unknown>;
  queue: string;
}

function argumentsSection(task: TaskDetailsInput, stored: TaskMeta | undefined, queued: QueuedArguments | undefined): string[] {
  const out = ['## Arguments', ''];
  if (stored && (stored.args !== undefined || stored.kwargs !== undefined)) {
    out.push('Complete values, from the result backend (`result_extended`).', '');
    out.push('args:', fence(json(stored.args ?? []), 'json'), '', 'kwargs:', fence(json(stored.kwargs ?? {}), 'json'));
    return out;
  }
  if (queued) {
    out.push(`Complete values, from the message waiting in queue \`${queued.queue}\`.`, '');
    out.push('args:', fence(json(queued.args), 'json'), '', 'kwargs:', fence(json(queued.kwargs), 'json'));
    return out;
  }
  if (task.args === undefined && task.kwargs === undefined) return [...out, '_Not known yet: no event or stored result carried them._'];
  const truncated = looksTruncated(task.args ?? '') || looksTruncated(task.kwargs ?? '');
  out.push(truncated
    ? '**Truncated**: only Celery\'s repr is known and it was cut short. Complete values need the message or `result_extended=True`.'
    : 'Python repr, as Celery\'s events carry it (complete values need the message or `result_extended=True`).', '');
  out.push('args:', fence(task.args ?? '()', 'python'), '', 'kwargs:', fence(task.kwargs ?? '{}', 'python'));
  return out;
}

function outcomeSection(task: TaskDetailsInput, stored: TaskMeta | undefined): string[] {
  const out: string[] = [];
  const hasResult = stored?.status === 'SUCCESS' || (task.result !== undefined && task.result !== null);
  if (hasResult) {
    out.push('## Result', '');
    if (stored?.status === 'SUCCESS') out.push(fence(json(stored.result), 'json'));
    else out.push(fence(typeof task.result === 'string' ? task.result : json(task.result), 'python'));
    out.push('');
  }
  if (task.exception) out.push('## Exception', '', fence(task.exception, 'python'), '');
  const traceback = task.traceback ?? stored?.traceback ?? undefined;
  if (traceback) out.push('## Traceback', '', fence(traceback.replace(/\n+$/, ''), 'pytb'), '');
  return out;
}

function workflowSection(task: TaskDetailsInput, retry: RetryLinkIds): string[] {
  const out: string[] = [];
  const parent = task.parentId && task.parentId !== task.id ? task.parentId : undefined;
  const root = task.rootId && task.rootId !== task.id ? task.rootId : undefined;
  if (parent) out.push(`${WORKFLOW_LINK_PREFIXES[0]}${parent}`);
  if (root) out.push(`${WORKFLOW_LINK_PREFIXES[1]}${root}`);
  if (task.groupId) out.push(`- Group: ${task.groupId}`);
  for (const child of task.children ?? []) out.push(`${WORKFLOW_LINK_PREFIXES[2]}${child}`);
  if (retry.retryOf) out.push(`${WORKFLOW_LINK_PREFIXES[3]}${retry.retryOf}`);
  for (const id of retry.retriedAs ?? []) out.push(`${WORKFLOW_LINK_PREFIXES[4]}${id}`);
  return out.length ? ['## Workflow', '', ...out, ''] : [];
}

function historySection(task: TaskDetailsInput): string[] {
  if (!task.history?.length) return [];
  const rows = task.history.map((h) => `| ${formatTimestamp(h.timestamp)} | ${h.type} | ${h.hostname} |`);
  return ['## Events', '', '| time | event | from |', '| --- | --- | --- |', ...rows, ''];
}

/** The whole document. `stored` is the backend's record, `queued` the waiting message, when they exist. */
export function renderTaskDetails(task: TaskDetailsInput, stored?: TaskMeta, queued?: QueuedArguments, retry: RetryLinkIds = {}): string {
  const facts: Array<[string, string | undefined]> = [
    ['State', task.state],
    ['Id', task.id],
    ['Worker', task.worker ?? undefined],
    ['Queue', task.queue ?? undefined],
    ['Sent by', task.client ?? undefined],
    ['Retries', task.retries ? String(task.retries) : undefined],
    ['Runtime', task.runtime !== undefined && task.runtime !== null ? formatDuration(task.runtime) : undefined],
    ['Sent', formatTimestamp(task.sent) || undefined],
    ['Received', formatTimestamp(task.received) || undefined],
    ['Started', formatTimestamp(task.started) || undefined],
    ['Finished', formatTimestamp(task.succeeded ?? task.failed ?? task.revoked ?? task.rejected ?? stored?.dateDone) || undefined],
    ['ETA', task.eta ?? undefined],
    ['Expires', task.expires ?? undefined],
  ];
  const lines = [
    `# ${taskLabel(task)}`,
    '',
    '| | |',
    '| --- | --- |',
    ...facts.filter(([, v]) => v).map(([k, v]) => `| ${k} | ${String(v).replace(/\|/g, '\\|')} |`),
    '',
    ...argumentsSection(task, stored, queued),
    '',
    ...outcomeSection(task, stored),
    ...workflowSection(task, retry),
    ...historySection(task),
  ];
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
