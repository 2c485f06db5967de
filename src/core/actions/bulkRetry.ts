/**
 * Bulk retry: every retryable task matching the Tasks filter, sent again only when its complete
 * arguments are known (extended result or message). Tasks with only a truncated repr, or no name,
 * are listed as skipped with the reason — a bulk action never guesses arguments. Pure: the preview
 * and the confirmation are unit-tested.
 */
import type { ConfirmationText } from './confirmations';
import { retryBlocker, RETRYABLE_STATES, type RetryPlan } from './retryPlan';

export interface BulkRetrySplit {
  /** Plans with a name and complete arguments. */
  ready: RetryPlan[];
  skipped: Array<{ plan: RetryPlan; reason: string }>;
}

export function splitBulkRetry(plans: readonly RetryPlan[]): BulkRetrySplit {
  const split: BulkRetrySplit = { ready: [], skipped: [] };
  for (const plan of plans) {
    const blocker = retryBlocker(plan);
    if (blocker || plan.args === undefined) {
      const reason = plan.source === 'repr' ? 'only the truncated repr of its arguments is known (retry it alone to edit them as JSON)' : blocker ?? 'its arguments are unknown';
      split.skipped.push({ plan, reason });
    } else {
      split.ready.push(plan);
    }
  }
  return split;
}

/** The states a bulk retry takes from a filter: its retryable states, or all of them. */
export function bulkRetryStates(filterStates: readonly string[] | undefined): string[] {
  return filterStates?.length ? RETRYABLE_STATES.filter((s) => filterStates.includes(s)) : [...RETRYABLE_STATES];
}

const SOURCE_WORDS: Record<RetryPlan['source'], string> = {
  result: 'extended result', message: 'task message', repr: 'truncated repr', none: 'unknown',
};

function cell(text: string | undefined, max = 120): string {
  const one = (text ?? '').replace(/\s+/g, ' ');
  const cut = one.length > max ? `${one.slice(0, max - 1)}…` : one;
  return cut.replace(/\|/g, '\\|').replace(/`/g, "'");
}

function argsCell(plan: RetryPlan): string {
  return cell(`${JSON.stringify(plan.args ?? [])} ${JSON.stringify(plan.kwargs ?? {})}`);
}

/** The preview document (Markdown): what will be sent, and what is skipped and why. */
export function bulkRetryPreview(p: { connection: string; filter: string; split: BulkRetrySplit; matched: number; considered: number }): string {
  const { ready, skipped } = p.split;
  const lines = [
    `# Bulk retry on "${p.connection}"`,
    '',
    `Filter: ${p.filter}. ${p.matched.toLocaleString('en-US')} retryable task${p.matched === 1 ? '' : 's'} match${p.considered < p.matched ? `; the newest ${p.considered.toLocaleString('en-US')} are considered` : ''}.`,
    '',
    `## To send: ${ready.length}`,
    '',
  ];
  if (ready.length) {
    lines.push('| task | name | arguments | from | queue |', '| --- | --- | --- | --- | --- |');
    for (const plan of ready) lines.push(`| ${plan.originalId} | ${cell(plan.name)} | ${argsCell(plan)} | ${SOURCE_WORDS[plan.source]} | ${cell(plan.queue ?? 'default')}${plan.priority !== undefined ? ` (priority ${plan.priority})` : ''} |`);
  } else {
    lines.push('_Nothing: no matching task has complete arguments._');
  }
  lines.push('', `## Skipped: ${skipped.length}`, '');
  if (skipped.length) {
    lines.push('| task | name | reason |', '| --- | --- | --- |');
    for (const { plan, reason } of skipped) lines.push(`| ${plan.originalId} | ${cell(plan.name ?? '?')} | ${cell(reason, 200)} |`);
  }
  lines.push('', 'Each retry is a new task with a new id, the same name, arguments, queue and priority; the originals stay as they are.', '');
  return lines.join('\n');
}

export function bulkRetryConfirmation(p: { connection: string; count: number; skipped: number }): ConfirmationText {
  const what = p.count === 1 ? '1 task' : `${p.count.toLocaleString('en-US')} tasks`;
  return {
    message: `Retry ${what} on "${p.connection}"?`,
    detail: `${what} are sent again under new ids, exactly as listed in the preview${p.skipped ? `; ${p.skipped} skipped (arguments not known in full)` : ''}. Workers run each of them once more.`,
    button: `Retry ${what}`,
  };
}
