/**
 * Task definitions in the workspace's Python files, with the task name Celery gives each. Files are
 * read lazily (first use), cached per file and re-read when a Python file changes; open documents
 * are read from the editor so unsaved edits count.
 */
import * as vscode from 'vscode';
import { findTaskDefinitions, type TaskDefinition } from '../../core/taskDefs/taskDefinitions';
import { generatedTaskName, moduleName } from '../../core/taskDefs/taskNaming';

/** A definition, where it is, and the name Celery generates for it. */
export interface LocatedDefinition {
  uri: vscode.Uri;
  definition: TaskDefinition;
  module: string;
  name: string;
}

const EXCLUDE = '{**/node_modules/**,**/.git/**,**/__pycache__/**,**/.venv/**,**/venv/**,**/site-packages/**,**/.tox/**}';
const MAX_FILES = 5000;
const MAX_FILE_BYTES = 2_000_000;

export class TaskDefinitionIndex implements vscode.Disposable {
  private packages: Promise<Set<string>> | undefined;
  private readonly perFile = new Map<string, Promise<LocatedDefinition[]>>();
  private scanned: Promise<void> | undefined;
  private readonly watcher = vscode.workspace.createFileSystemWatcher('**/*.py');
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor() {
    const forget = (uri: vscode.Uri) => {
      this.perFile.delete(uri.toString());
      if (uri.path.endsWith('/__init__.py')) this.reset();
    };
    const added = (uri: vscode.Uri) => {
      forget(uri);
      if (this.scanned) void this.definitionsAt(uri);
    };
    this.subscriptions.push(
      this.watcher,
      this.watcher.onDidChange(forget),
      this.watcher.onDidCreate(added),
      this.watcher.onDidDelete(forget),
      vscode.workspace.onDidChangeTextDocument((e) => e.document.languageId === 'python' && this.perFile.delete(e.document.uri.toString())),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.reset()),
    );
  }

  private reset(): void {
    this.packages = undefined;
    this.perFile.clear();
    this.scanned = undefined;
  }

  /** Folders holding an `__init__.py` (the package walk of Celery's naming rule). */
  private packageDirs(): Promise<Set<string>> {
    this.packages ??= Promise.resolve(vscode.workspace.findFiles('**/__init__.py', EXCLUDE, MAX_FILES))
      .then((uris) => new Set(uris.map((u) => u.fsPath.replace(/\\/g, '/').replace(/\/__init__\.py$/, ''))));
    return this.packages;
  }

  private async textOf(uri: vscode.Uri): Promise<string | undefined> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) return open.getText();
    try {
      const bytes = await vscode.workspace.fs.readFile(uri);
      return bytes.length > MAX_FILE_BYTES ? undefined : new TextDecoder().decode(bytes);
    } catch {
      return undefined;
    }
  }

  /** The definitions in one file (or open document). */
  definitionsAt(uri: vscode.Uri): Promise<LocatedDefinition[]> {
    const key = uri.toString();
    let entry = this.perFile.get(key);
    if (!entry) {
      entry = (async () => {
        const text = await this.textOf(uri);
        if (!text || !text.includes('task')) return [];
        const packages = await this.packageDirs();
        const module = moduleName(uri.fsPath, (dir) => packages.has(dir.replace(/\\/g, '/')));
        return findTaskDefinitions(text).map((definition) => ({ uri, definition, module, name: generatedTaskName(definition, module) }));
      })();
      this.perFile.set(key, entry);
    }
    return entry;
  }

  /** Every definition in the workspace (scans once, then keeps up with file changes). */
  async all(): Promise<LocatedDefinition[]> {
    this.scanned ??= Promise.resolve(vscode.workspace.findFiles('**/*.py', EXCLUDE, MAX_FILES)).then(async (uris) => {
      await Promise.all(uris.map((u) => this.definitionsAt(u)));
    });
    await this.scanned;
    return (await Promise.all([...this.perFile.values()])).flat();
  }

  /**
   * The definition of the task workers report as `taskName`: its generated (or `name=`) name,
   * else the one whose generated name is the longest dotted suffix of it (package roots differ).
   */
  async find(taskName: string): Promise<LocatedDefinition | undefined> {
    const all = await this.all();
    const exact = all.find((d) => d.name === taskName);
    if (exact) return exact;
    const suffixed = all.filter((d) => !d.definition.explicitName && taskName.endsWith(`.${d.name}`));
    return suffixed.sort((a, b) => b.name.length - a.name.length)[0];
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
  }
}
