/**
 * Above each task definition in a Python file: its runs, failures and p50/p95 runtime over the
 * last hour, from the connected clusters' live stats; a click filters the Tasks view to that task.
 * A hover on the decorator says the same per connection.
 */
import * as vscode from 'vscode';
import { taskLensTitle } from '../../core/presentation/taskLens';
import type { RunStats } from '../../core/state/taskStats';
import { listTasks, taskNames } from '../../core/state/selectors';
import { matchTaskName } from '../../core/taskDefs/taskNaming';
import { CommandId } from '../commands/commandIds';
import type { ConnectionManager } from '../connections/connectionManager';
import type { TaskDefinitionIndex } from './taskDefinitionIndex';

const WINDOW_SECONDS = 3600;
// Stats move with every event: CodeLens re-renders at most this often.
const REFRESH_MS = 2000;

interface TaskFigures {
  connectionName: string;
  name: string;
  stats: RunStats;
  lastFailure?: number;
}

export class TaskLensProvider implements vscode.CodeLensProvider, vscode.HoverProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscription: vscode.Disposable;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly manager: ConnectionManager, private readonly index: TaskDefinitionIndex) {
    this.subscription = manager.onDidChange(() => {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.changed.fire();
      }, REFRESH_MS);
    });
  }

  /** Figures of the task per connected cluster, the one with most runs first. */
  figures(generatedName: string): TaskFigures[] {
    const out: TaskFigures[] = [];
    for (const profile of this.manager.profiles()) {
      const state = this.manager.monitor(profile.id)?.state;
      if (!state) continue;
      const name = matchTaskName(generatedName, taskNames(state));
      const lastFailed = listTasks(state, { names: [name], states: ['FAILURE'] }, 0, 1).tasks[0];
      out.push({ connectionName: profile.name, name, stats: state.stats.forTask(name, WINDOW_SECONDS), lastFailure: lastFailed?.failed ?? lastFailed?.timestamp });
    }
    return out.sort((a, b) => b.stats.runs - a.stats.runs);
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (!this.manager.profiles().some((p) => this.manager.monitor(p.id))) return [];
    const now = Date.now() / 1000;
    const definitions = await this.index.definitionsAt(document.uri);
    return definitions.map((d) => {
      const [best] = this.figures(d.name);
      const line = d.definition.decoratorLine - 1;
      return new vscode.CodeLens(new vscode.Range(line, 0, line, 0), {
        title: best ? taskLensTitle(best.stats, best.lastFailure, now) : 'not connected',
        tooltip: `Celery task ${best?.name ?? d.name}: show its runs in the Tasks view`,
        command: CommandId.ShowTaskRuns,
        arguments: [best?.name ?? d.name],
      });
    });
  }

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const definitions = await this.index.definitionsAt(document.uri);
    const d = definitions.find((x) => x.definition.decoratorLine - 1 === position.line || x.definition.line - 1 === position.line);
    if (!d) return undefined;
    const now = Date.now() / 1000;
    const figures = this.figures(d.name);
    const rows = figures.map((f) => `- **${f.connectionName}**: ${taskLensTitle(f.stats, f.lastFailure, now)}`);
    const text = [`Celery task \`${figures[0]?.name ?? d.name}\``, '', ...(rows.length ? rows : ['_Not connected to a cluster._'])];
    return new vscode.Hover(new vscode.MarkdownString(text.join('\n')));
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.subscription.dispose();
    this.changed.dispose();
  }
}
