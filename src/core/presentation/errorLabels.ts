/** Labels of the Errors view: one row per error group (see core/tracebacks/errorGroups.ts). */
import type { ErrorGroup } from '../tracebacks/errorGroups';
import { formatTimestamp, oneLine, plural, relativeTime } from './format';

/** The type's last dotted part: `lens_testapp.errors.LensTestError` → `LensTestError`. */
export function shortType(type: string): string {
  return type.split('.').pop() ?? type;
}

/** `LensTestError: ('value out of range: 42', 7)` */
export function errorGroupLabel(group: ErrorGroup): string {
  return group.message ? `${shortType(group.type)}: ${oneLine(group.message, 100)}` : shortType(group.type);
}

/** `3× · 2m ago · helpers.py:10` */
export function errorGroupDescription(group: ErrorGroup, now: number): string {
  const where = group.frame ? `${group.frame.file.split(/[\\/]/).pop()}:${group.frame.line}` : '';
  return [`${group.count}×`, relativeTime(group.lastSeen, now), where].filter(Boolean).join(' · ');
}

/** Markdown: the full exception, counts, first/last seen, tasks, workers, raising line. */
export function errorGroupTooltip(group: ErrorGroup): string {
  const lines = [`**${group.type}**${group.message ? `: ${oneLine(group.message, 300)}` : ''}`, ''];
  lines.push(`- ${plural(group.count, 'failure')}`);
  if (group.firstSeen !== undefined) lines.push(`- first: ${formatTimestamp(group.firstSeen)}`);
  if (group.lastSeen !== undefined) lines.push(`- last: ${formatTimestamp(group.lastSeen)}`);
  if (group.taskNames.length) lines.push(`- tasks: ${group.taskNames.join(', ')}`);
  if (group.workers.length) lines.push(`- workers: ${group.workers.join(', ')}`);
  if (group.frame) lines.push(`- raised at: ${group.frame.file}:${group.frame.line}${group.frame.function ? ` in ${group.frame.function}` : ''}`);
  return lines.join('\n');
}
