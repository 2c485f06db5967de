// Bundles the extension host code, the celery-lens CLI and one browser bundle per webview panel.
// esbuild does not type-check: `npm run check` does.
import * as esbuild from 'esbuild';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: production,
  sourcemap: !production,
  logLevel: 'warning',
};

const targets = [
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' }, define: { CELERY_LENS_VERSION: JSON.stringify(version) } },
  // The event-decoding worker thread (ClusterMonitor's decodeInWorker): dist/eventDecodeWorker.js beside dist/extension.js.
  { ...common, entryPoints: ['src/core/monitor/eventDecodeWorker.ts'], outfile: 'dist/eventDecodeWorker.js' },
];

// One browser bundle per panel: every webview/<panel>/main.ts -> dist/webview/<panel>.js (+ <panel>.css
// from its CSS imports). Adding a panel is adding its folder: no list to edit, so panels never conflict.
const panels = readdirSync('webview', { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(`webview/${entry.name}/main.ts`))
  .map((entry) => entry.name);

const webview = {
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'chrome120',
  minify: production,
  sourcemap: !production,
  logLevel: 'warning',
  outdir: 'dist/webview',
  entryPoints: Object.fromEntries(panels.map((panel) => [panel, `webview/${panel}/main.ts`])),
};
if (panels.length > 0) targets.push(webview);

const contexts = await Promise.all(targets.map((t) => esbuild.context(t)));
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}
