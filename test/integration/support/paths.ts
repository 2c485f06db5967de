/** Filesystem locations the integration harness uses, resolved from the repository root. */
import * as fs from 'node:fs';
import * as path from 'node:path';

function findRepoRoot(start: string): string {
  // Compiled tests live in out/test/..., sources in test/...: walk up to the package.json either way.
  let dir = start;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${start}`);
    dir = parent;
  }
  return dir;
}

/** Absolute path of the repository root. */
export const repoRoot = findRepoRoot(__dirname);
/** Directory holding the `lens_testapp` Python package (cwd and PYTHONPATH of workers). */
export const celeryAppDir = path.join(repoRoot, 'test', 'fixtures', 'celery_app');
/** The Debian interpreter that has Celery 5.2.6 installed (not a pyenv shim on PATH). */
export const python = process.env.LENS_TEST_PYTHON ?? '/usr/bin/python3';
/** The CLI bundle built by `npm run build`. */
export const cliBundle = path.join(repoRoot, 'dist', 'cli.js');

let runDir: string | undefined;

/** Per-run folder for worker/server logs: `.test-run/<timestamp>-<pid>/`, created on first use. */
export function testRunDir(): string {
  if (!runDir) {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const parent = path.join(repoRoot, '.test-run');
    runDir = path.join(parent, `${stamp}-${process.pid}`);
    fs.mkdirSync(runDir, { recursive: true });
    pruneOldRuns(parent, 10);
  }
  return runDir;
}

// Timestamped names sort chronologically: keep the newest `keep` run folders.
function pruneOldRuns(parent: string, keep: number): void {
  const runs = fs.readdirSync(parent).filter((name) => /^\d{4}-\d\d-\d\dT/.test(name)).sort();
  for (const old of runs.slice(0, Math.max(0, runs.length - keep))) {
    fs.rmSync(path.join(parent, old), { recursive: true, force: true });
  }
}
