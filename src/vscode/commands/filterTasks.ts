/**
 * The Tasks view filter: pick states, task names and workers in one list, then optional text
 * (matched against id, name, arguments and exception). Tests and scripts may pass a filter object.
 */
import * as vscode from 'vscode';
import type { TaskFilter } from '../../core/state/selectors';
import { taskNames } from '../../core/state/selectors';
import { STATE_DISPLAY_ORDER } from '../../core/presentation/treeLabels';
import type { CommandContext } from './commandContext';

interface FilterPick extends vscode.QuickPickItem {
  field?: 'states' | 'names' | 'workers';
  value?: string;
}

function isFilter(value: unknown): value is TaskFilter {
  return typeof value === 'object' && value !== null && !('connectionId' in value);
}

export async function filterTasks(ctx: CommandContext, arg?: unknown): Promise<void> {
  if (isFilter(arg)) {
    ctx.tasks.setFilter(arg);
    return;
  }
  const current = ctx.tasks.filter;
  const names = new Set<string>();
  const workers = new Set<string>();
  for (const profile of ctx.manager.profiles()) {
    const monitor = ctx.manager.monitor(profile.id);
    if (!monitor) continue;
    taskNames(monitor.state).forEach((n) => names.add(n));
    for (const w of monitor.state.workers.keys()) workers.add(w);
  }
  const item = (field: FilterPick['field'], value: string, selected: string[] | undefined): FilterPick =>
    ({ label: value, field, value, picked: selected?.includes(value) ?? false });
  const items: FilterPick[] = [
    { label: 'States', kind: vscode.QuickPickItemKind.Separator },
    ...STATE_DISPLAY_ORDER.map((s) => item('states', s, current.states)),
    { label: 'Task names', kind: vscode.QuickPickItemKind.Separator },
    ...[...names].sort().map((n) => item('names', n, current.names)),
    { label: 'Workers', kind: vscode.QuickPickItemKind.Separator },
    ...[...workers].sort().map((w) => item('workers', w, current.workers)),
  ];
  const picked = await vscode.window.showQuickPick(items, {
    canPickMany: true, title: 'Filter tasks (1/2)', placeHolder: 'Pick states, task names and workers (none = all)', ignoreFocusOut: true,
  });
  if (!picked) return;
  const text = await vscode.window.showInputBox({
    title: 'Filter tasks (2/2)', prompt: 'Text to find in the id, name, arguments or exception (optional)', value: current.text ?? '', ignoreFocusOut: true,
  });
  if (text === undefined) return;
  const filter: TaskFilter = { text };
  for (const p of picked) {
    if (!p.field || !p.value) continue;
    (filter[p.field] ??= []).push(p.value);
  }
  ctx.tasks.setFilter(filter);
}
