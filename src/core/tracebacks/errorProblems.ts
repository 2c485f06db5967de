/**
 * What the Problems panel shows for error groups: one problem at the raising line of each group
 * that has a user frame and recurred within the expiry window. Pure; the editor maps the worker's
 * path to a workspace file.
 */
import { formatTimestamp, oneLine } from '../presentation/format';
import type { ErrorGroup } from './errorGroups';

/** A problem at a worker path (not yet mapped to a local file). */
export interface ErrorProblem {
  groupKey: string;
  /** The path as the worker printed it. */
  file: string;
  /** 1-based. */
  line: number;
  /** 0-based, in the frame's stripped source (see TracebackFrame.column). */
  column?: number;
  endColumn?: number;
  message: string;
}

/** The problem text: exception, task name(s), count and when it last happened. */
export function problemMessage(group: ErrorGroup): string {
  const what = group.message ? `${group.type}: ${oneLine(group.message, 200)}` : group.type;
  const tasks = group.taskNames.length ? group.taskNames.join(', ') : 'a task';
  const last = group.lastSeen !== undefined ? `, last ${formatTimestamp(group.lastSeen)}` : '';
  return `${what} (${tasks} failed ${group.count}×${last})`;
}

/** Problems for groups whose last failure is less than `expireMinutes` before `now` (epoch seconds). */
export function errorProblems(groups: readonly ErrorGroup[], now: number, expireMinutes: number): ErrorProblem[] {
  const oldest = now - Math.max(0, expireMinutes) * 60;
  const problems: ErrorProblem[] = [];
  for (const group of groups) {
    if (!group.frame || (group.lastSeen !== undefined && group.lastSeen < oldest)) continue;
    problems.push({
      groupKey: group.key,
      file: group.frame.file,
      line: group.frame.line,
      column: group.frame.column,
      endColumn: group.frame.endColumn,
      message: problemMessage(group),
    });
  }
  return problems;
}
