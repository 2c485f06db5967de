/** Text shown on the diagram's nodes. */
import type { WorkflowTask } from '../../src/core/workflow/workflowGraph';

/** The task name without its module path, cut to fit a node. */
export function shortName(name: string, max = 24): string {
  const last = name.slice(name.lastIndexOf('.') + 1) || name;
  return last.length > max ? `${last.slice(0, max - 1)}…` : last;
}

export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined) return '';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
  const m = Math.floor(seconds / 60);
  return `${m} min ${Math.round(seconds - m * 60)} s`;
}

/** Second line: short id, duration, retries; a placeholder says it was not sent. */
export function metaLine(task: WorkflowTask): string {
  if (task.placeholder) return `${task.shortId} · not sent`;
  const parts = [task.shortId, formatDuration(task.durationS)];
  if (task.retries) parts.push(`${task.retries} ${task.retries === 1 ? 'retry' : 'retries'}`);
  return parts.filter(Boolean).join(' · ');
}

export function ariaLabel(task: WorkflowTask): string {
  return `${task.name} ${task.shortId}, ${task.placeholder ? 'not sent' : task.state.toLowerCase()}${task.durationS !== undefined ? `, ${formatDuration(task.durationS)}` : ''}${task.critical ? ', on the critical path' : ''}`;
}
