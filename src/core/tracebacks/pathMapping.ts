/**
 * From a path a worker printed to a file in the workspace: first the user's mappings (remote
 * prefix → local folder, like a debugger's pathMappings), then the longest path-suffix match among
 * the workspace's files. Pure: the editor supplies the candidate files.
 */

/** Remote path prefix → local folder (absolute, already resolved). */
export type PathMappings = Readonly<Record<string, string>>;

/** How a worker path was matched to a local one. */
export interface MappedPath {
  local: string;
  how: 'mapping' | 'suffix';
}

/** Path components, separators of either style. */
export function pathParts(path: string): string[] {
  return path.split(/[\\/]+/).filter((p) => p !== '');
}

// Windows paths compare case-insensitively.
function looksWindows(path: string): boolean {
  return /^[A-Za-z]:[\\/]/.test(path) || path.includes('\\');
}

function samePart(a: string, b: string, insensitive: boolean): boolean {
  return insensitive ? a.toLowerCase() === b.toLowerCase() : a === b;
}

function joinLocal(folder: string, rest: readonly string[]): string {
  const sep = folder.includes('\\') && !folder.includes('/') ? '\\' : '/';
  const base = folder.replace(/[\\/]+$/, '');
  return rest.length ? `${base}${sep}${rest.join(sep)}` : base;
}

/** Applies the longest mapping whose remote prefix (whole components) starts `file`. */
export function mapByPrefix(file: string, mappings: PathMappings): string | undefined {
  const parts = pathParts(file);
  const insensitive = looksWindows(file);
  let best: { length: number; local: string } | undefined;
  for (const [remote, local] of Object.entries(mappings)) {
    if (typeof local !== 'string' || !remote) continue;
    const prefix = pathParts(remote);
    if (prefix.length > parts.length || (best && prefix.length <= best.length)) continue;
    if (prefix.every((p, i) => samePart(p, parts[i] as string, insensitive || looksWindows(remote)))) {
      best = { length: prefix.length, local: joinLocal(local, parts.slice(prefix.length)) };
    }
  }
  return best?.local;
}

/** How many trailing components two paths share. */
export function commonSuffixLength(a: readonly string[], b: readonly string[], insensitive: boolean): number {
  let n = 0;
  while (n < a.length && n < b.length && samePart(a[a.length - 1 - n] as string, b[b.length - 1 - n] as string, insensitive)) n++;
  return n;
}

/**
 * The candidate sharing the most trailing components with `file` (at least the file name);
 * undefined when nothing matches or two candidates match equally well (no guessing).
 */
export function matchBySuffix(file: string, candidates: readonly string[]): string | undefined {
  const parts = pathParts(file);
  const insensitive = looksWindows(file);
  let best: string | undefined;
  let bestScore = 0;
  let tie = false;
  for (const candidate of candidates) {
    const score = commonSuffixLength(parts, pathParts(candidate), insensitive);
    if (score > bestScore) {
      best = candidate;
      bestScore = score;
      tie = false;
    } else if (score === bestScore && score > 0 && candidate !== best) {
      tie = true;
    }
  }
  return bestScore > 0 && !tie ? best : undefined;
}

/** Mappings first, then the suffix match; undefined for pseudo files (`<string>`) and misses. */
export function mapWorkerPath(file: string, mappings: PathMappings, candidates: readonly string[]): MappedPath | undefined {
  if (file.startsWith('<')) return undefined;
  const mapped = mapByPrefix(file, mappings);
  if (mapped !== undefined) return { local: mapped, how: 'mapping' };
  const suffix = matchBySuffix(file, candidates);
  return suffix !== undefined ? { local: suffix, how: 'suffix' } : undefined;
}

/** The file name (last component), for finding candidates. */
export function baseName(file: string): string {
  return pathParts(file).pop() ?? '';
}
