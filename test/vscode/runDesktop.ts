/**
 * The desktop path for the same tests: `node out/test/vscode/runDesktop.js` downloads (once) and
 * starts a desktop VS Code through @vscode/test-electron, with the extension under development and
 * out/test/vscode/index.js as its tests. Wrap it in withCluster.js for the cluster tests:
 *
 *   npx tsc -p test/vscode/tsconfig.json && npm run build
 *   node out/test/vscode/support/withCluster.js -- node out/test/vscode/runDesktop.js
 *
 * It needs update.code.visualstudio.com (and a display, e.g. xvfb-run): where that is unreachable,
 * as on this project's CI, scripts/vscode/run-tests.sh runs the tests in code-server instead.
 * Screenshot/DOM checks skip themselves here (see support/workbench.ts).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<void> {
  const repoRoot = path.resolve(__dirname, '..', '..', '..');
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'celery-lens-desktop-'));
  const workspace = path.join(scratch, 'workspace');
  fs.cpSync(path.join(repoRoot, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
  // Same pass-through as the code-server harness: the caller's CELERY_LENS_* and LENS_* variables.
  const passThrough = Object.fromEntries(Object.entries(process.env).filter(([name]) => /^(CELERY_LENS|LENS)_/.test(name)));
  try {
    await runTests({
      version: process.env.LENS_VSCODE_DESKTOP_VERSION ?? 'stable',
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: path.join(__dirname, 'index.js'),
      extensionTestsEnv: { ...passThrough, EXT_TEST_RESULT_FILE: path.join(scratch, 'result.json') },
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', path.join(scratch, 'user-data')],
    });
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`desktop VS Code tests failed: ${(err as Error)?.message ?? String(err)}`);
  process.exit(1);
});
