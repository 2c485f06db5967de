/**
 * Finds the local file for a path a worker printed: `celeryLens.pathMappings` first, then the
 * longest path-suffix match among the workspace's files (found by file name, cached), then the
 * path itself when it exists on this machine. Library frames (site-packages, the standard
 * library) are only opened when the file exists locally, never guessed by suffix.
 */
import * as vscode from 'vscode';
import { baseName, mapByPrefix, matchBySuffix, type PathMappings } from '../../core/tracebacks/pathMapping';
import { CONFIG_SECTION } from '../config';

// Workspace files change rarely compared with how often documents render their links.
const CACHE_MS = 30_000;
const EXCLUDE = '{**/node_modules/**,**/.git/**,**/__pycache__/**,**/.venv/**,**/venv/**,**/site-packages/**}';

interface Cached<T> {
  at: number;
  value: Promise<T>;
}

/** A frame location resolved to a local file. */
export interface SourceLocation {
  uri: vscode.Uri;
  /** 1-based. */
  line: number;
}

/** The configured mappings, with `${workspaceFolder}` and relative local folders resolved. */
export function pathMappings(): PathMappings {
  const raw = vscode.workspace.getConfiguration(CONFIG_SECTION).get<unknown>('pathMappings');
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const out: Record<string, string> = {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return out;
  for (const [remote, local] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof local !== 'string' || !remote) continue;
    let resolved = local.replace(/\$\{workspaceFolder\}/g, folder?.fsPath ?? '');
    if (folder && !/^([A-Za-z]:)?[\\/]/.test(resolved)) resolved = vscode.Uri.joinPath(folder, resolved).fsPath;
    out[remote] = resolved;
  }
  return out;
}

export class SourceLocator implements vscode.Disposable {
  private readonly byName = new Map<string, Cached<string[]>>();
  private readonly exists = new Map<string, Cached<boolean>>();
  private readonly texts = new Map<string, Cached<string[] | undefined>>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor() {
    const clear = () => {
      this.byName.clear();
      this.exists.clear();
      this.texts.clear();
    };
    this.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(`${CONFIG_SECTION}.pathMappings`) && clear()),
      vscode.workspace.onDidChangeWorkspaceFolders(clear),
      vscode.workspace.onDidCreateFiles(clear),
      vscode.workspace.onDidDeleteFiles(clear),
      vscode.workspace.onDidRenameFiles(clear),
    );
  }

  private cached<T>(map: Map<string, Cached<T>>, key: string, load: () => Promise<T>): Promise<T> {
    const hit = map.get(key);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.value;
    if (map.size > 2000) map.clear();
    const value = load();
    map.set(key, { at: Date.now(), value });
    return value;
  }

  private fileExists(path: string): Promise<boolean> {
    return this.cached(this.exists, path, async () => {
      try {
        return (await vscode.workspace.fs.stat(vscode.Uri.file(path))).type !== vscode.FileType.Directory;
      } catch {
        return false;
      }
    });
  }

  private workspaceFilesNamed(name: string): Promise<string[]> {
    return this.cached(this.byName, name, async () => {
      if (!name || /[*?{}[\]]/.test(name)) return [];
      const found = await vscode.workspace.findFiles(`**/${name}`, EXCLUDE, 200);
      return found.map((u) => u.fsPath);
    });
  }

  /** The local file for a worker path, or undefined (pseudo files, misses). */
  async resolve(file: string, library = false): Promise<vscode.Uri | undefined> {
    if (!file || file.startsWith('<')) return undefined;
    const mapped = mapByPrefix(file, pathMappings());
    if (mapped !== undefined && (await this.fileExists(mapped))) return vscode.Uri.file(mapped);
    if (!library) {
      const suffix = matchBySuffix(file, await this.workspaceFilesNamed(baseName(file)));
      if (suffix !== undefined) return vscode.Uri.file(suffix);
    }
    return (await this.fileExists(file)) ? vscode.Uri.file(file) : undefined;
  }

  /** The file's lines (for placing a caret column on its indented line); undefined if unreadable. */
  lines(uri: vscode.Uri): Promise<string[] | undefined> {
    return this.cached(this.texts, uri.toString(), async () => {
      const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      if (open) return open.getText().split(/\r?\n/);
      try {
        const bytes = await vscode.workspace.fs.readFile(uri);
        return bytes.length > 5_000_000 ? undefined : new TextDecoder().decode(bytes).split(/\r?\n/);
      } catch {
        return undefined;
      }
    });
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
  }
}
