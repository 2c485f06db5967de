/**
 * Retry every retryable task (FAILURE, REVOKED, REJECTED) matching the Tasks view's filter: a preview
 * document lists exactly what will be sent (name, arguments and where they come from, queue) and what
 * is skipped and why; a modal states the count; each retry is audited, and so is the whole.
 */
import * as vscode from 'vscode';
import { bulkRetryConfirmation, bulkRetryPreview, bulkRetryStates, splitBulkRetry } from '../../core/actions/bulkRetry';
import { planRetry, retrySendOptions, type RetryPlan } from '../../core/actions/retryPlan';
import { isUndecodable } from '../../core/celery/rawMessage';
import { encodeTaskMessage } from '../../core/celery/taskEncoder';
import type { ClusterMonitor } from '../../core/monitor/clusterMonitor';
import { listTasks, type TaskFilter } from '../../core/state/selectors';
import type { CommandContext } from '../commands/commandContext';
import { pickConnection } from '../commands/pickConnection';
import { describeFilter } from '../views/tasksTree';
import { connectedMonitor, profileOf, refuseIfReadOnly, runAction, type ActionResult } from './actionRunner';
import { stringField } from './pickers';
import { retryLinks } from './retryLinks';

/** At most this many tasks in one bulk retry (the newest); the preview says when more match. */
const MAX_BULK = 500;
const PARALLEL_READS = 20;

export interface BulkRetryValue {
  sent: Array<{ originalId: string; newId: string }>;
  skipped: Array<{ taskId: string; reason: string }>;
  preview: string;
}

async function plansFor(monitor: ClusterMonitor, filter: TaskFilter): Promise<{ plans: RetryPlan[]; matched: number }> {
  const { tasks, total } = listTasks(monitor.state, { ...filter, states: bulkRetryStates(filter.states) }, 0, MAX_BULK);
  const plans: RetryPlan[] = [];
  for (let i = 0; i < tasks.length; i += PARALLEL_READS) {
    const chunk = tasks.slice(i, i + PARALLEL_READS);
    const metas = await Promise.all(chunk.map((t) => monitor.backend?.getTaskMeta(t.id).catch(() => undefined)));
    chunk.forEach((t, j) => {
      const meta = metas[j];
      plans.push(planRetry({
        task: { id: t.id, name: t.name, state: t.state, args: t.args, kwargs: t.kwargs, queue: t.queue, routingKey: t.routingKey },
        meta: meta && !isUndecodable(meta) ? meta : undefined,
      }));
    });
  }
  return { plans, matched: total };
}

/** `{ connectionId, filter? }` from scripts and tests; the filter defaults to the Tasks view's. */
export async function bulkRetry(ctx: CommandContext, arg?: unknown): Promise<ActionResult<BulkRetryValue> | undefined> {
  const profile = await pickConnection(ctx.manager, stringField(arg, 'connectionId'));
  if (!profile) return undefined;
  const given = (arg as { filter?: unknown } | undefined)?.filter;
  const filter: TaskFilter = typeof given === 'object' && given !== null ? (given as TaskFilter) : ctx.tasks.filter;
  const filterText = Object.keys(filter).length ? describeFilter(filter).replace(/^filter: /, '') : 'none (all tasks)';
  const spec = { action: 'tasks.bulkRetry', title: 'Bulk retry', target: filterText };
  if (await refuseIfReadOnly(ctx, profile.id, spec)) return { outcome: 'refused' };
  const monitor = await connectedMonitor(ctx, profile.id);
  const { plans, matched } = await plansFor(monitor, filter);
  const split = splitBulkRetry(plans);
  const preview = bulkRetryPreview({ connection: profile.name, filter: filterText, split, matched, considered: plans.length });
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: preview });
  await vscode.window.showTextDocument(doc, { preview: true, preserveFocus: true });
  const skipped = split.skipped.map((s) => ({ taskId: s.plan.originalId, reason: s.reason }));
  if (!split.ready.length) {
    void vscode.window.showInformationMessage(`Bulk retry: nothing to send (${matched} retryable task${matched === 1 ? '' : 's'} match, ${skipped.length} skipped). The preview says why.`);
    return { outcome: 'cancelled', value: { sent: [], skipped, preview } };
  }
  const messages = split.ready.map((plan) => ({ plan, message: encodeTaskMessage(retrySendOptions(plan, plan.args ?? [], plan.kwargs ?? {})) }));
  const result = await runAction<BulkRetryValue>(ctx, {
    ...spec, connectionId: profile.id,
    parameters: { filter, count: messages.length, skipped: skipped.length, taskIds: messages.map((m) => m.plan.originalId) },
    confirm: { kind: 'bulkRetry', text: bulkRetryConfirmation({ connection: profile.name, count: messages.length, skipped: skipped.length }) },
    run: async (m) => {
      const sent: BulkRetryValue['sent'] = [];
      const failures: string[] = [];
      for (const { plan, message } of messages) {
        const newId = String(message.headers.id);
        const record = { connectionName: profile.name, brokerUrl: profileOf(ctx, profile.id).brokerUrl, action: 'task.retry', target: plan.originalId,
          parameters: { name: plan.name, newId, args: plan.args, kwargs: plan.kwargs, queue: plan.queue, priority: plan.priority, argumentsFrom: plan.source, bulk: true } };
        try {
          await m.broker!.publish(message);
          retryLinks.link(profile.id, newId, plan.originalId);
          sent.push({ originalId: plan.originalId, newId });
          await ctx.audit.record({ ...record, outcome: 'done', detail: `sent as ${newId}` });
        } catch (err) {
          failures.push(`${plan.originalId}: ${(err as Error).message}`);
          await ctx.audit.record({ ...record, outcome: 'failed', detail: (err as Error).message });
        }
      }
      const detail = `sent ${sent.length} of ${messages.length}, skipped ${skipped.length}`;
      if (failures.length) throw new Error(`${detail}; failed: ${failures.slice(0, 3).join('; ')}${failures.length > 3 ? ' …' : ''}`);
      return { detail, value: { sent, skipped, preview } };
    },
  });
  return result.outcome === 'done' ? result : { ...result, value: { sent: [], skipped, preview } };
}
