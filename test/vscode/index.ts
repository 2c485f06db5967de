/**
 * Test entry for the VS Code tier, loaded by VS Code's extension host as `extensionTestsPath`
 * (same contract as @vscode/test-electron: export `run()`, resolve when every test passed).
 *
 * Runs every `*.test.js` next to this file with mocha (bdd); with `LENS_VSCODE_BENCH=1`, every
 * `*.bench.js` instead (`npm run bench:vscode`: measurements, not tests). Filters from the environment:
 * `LENS_VSCODE_FILES` (comma-separated words, a file runs when its name contains one) and
 * `LENS_VSCODE_GREP` (mocha --grep). Writes the counts as JSON to `EXT_TEST_RESULT_FILE` when set
 * and logs `N passed, N failed, N skipped` last.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

/** Counts written to `EXT_TEST_RESULT_FILE`, read by scripts/vscode/run-in-code-server.sh. */
export interface TierResult {
  passed: number;
  failed: number;
  skipped: number;
  failures: Array<{ title: string; error: string }>;
}

/** The compiled files in `dir` ending in `suffix`, selected by `filter` (comma-separated name fragments; empty = all). */
export function selectTestFiles(dir: string, filter: string | undefined, suffix = '.test.js'): string[] {
  const words = (filter ?? '').split(',').map((w) => w.trim()).filter(Boolean);
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith(suffix))
    .filter((name) => words.length === 0 || words.some((w) => name.includes(w)))
    .sort()
    .map((name) => path.join(dir, name));
}

function report(result: TierResult): void {
  const file = process.env.EXT_TEST_RESULT_FILE;
  if (file) fs.writeFileSync(file, JSON.stringify(result, null, 2));
  console.log(`${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped`);
}

/** Called by VS Code once the extension host is up; the promise's outcome is the run's exit code. */
export function run(): Promise<void> {
  const files = selectTestFiles(__dirname, process.env.LENS_VSCODE_FILES, process.env.LENS_VSCODE_BENCH === '1' ? '.bench.js' : '.test.js');
  if (files.length === 0) {
    const error = `no test file in ${__dirname} matches LENS_VSCODE_FILES=${process.env.LENS_VSCODE_FILES ?? ''}`;
    report({ passed: 0, failed: 1, skipped: 0, failures: [{ title: 'test selection', error }] });
    return Promise.reject(new Error(error));
  }
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 30_000, grep: process.env.LENS_VSCODE_GREP });
  files.forEach((file) => mocha.addFile(file));
  const failures: TierResult['failures'] = [];
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run(() => {
        const { passes = 0, failures: failed = 0, pending = 0 } = runner.stats ?? {};
        report({ passed: passes, failed, skipped: pending, failures });
        if (failed > 0) reject(new Error(`${failed} test(s) failed`));
        else resolve();
      });
      runner.on('fail', (test, err: Error) => failures.push({ title: test.fullTitle(), error: String(err?.stack ?? err) }));
    } catch (err) {
      // A test file that does not load (syntax error, throwing import) fails the run, visibly.
      report({ passed: 0, failed: 1, skipped: 0, failures: [{ title: 'loading test files', error: String((err as Error)?.stack ?? err) }] });
      reject(err);
    }
  });
}
