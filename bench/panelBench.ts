/**
 * Panel mode of `npm run bench`: the webview bundles in headless Chromium (Debian's, driven by
 * playwright-core), on the same page and CSP VS Code gives them. Flow diagram: a chord of 5,000
 * header tasks, built from a cluster state by the host code (buildWorkflow), then posted to the flow
 * bundle and timed until the browser has painted it (layout + DOM + style + paint). `npm run build`
 * first (dist/webview). Run alone with `npm run bench:panels`; BENCH_PANELS=0 skips it in `npm run bench`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { chromium, type Page } from 'playwright-core';
import { panelHtml } from '../src/shared/panelHtml';
import { ClusterState } from '../src/core/state/clusterState';
import { buildWorkflow } from '../src/core/workflow/buildWorkflow';
import { stateFacts } from '../src/core/workflow/workflowFacts';
import type { WorkflowGraph } from '../src/core/workflow/workflowGraph';
import { timelineBench } from './timelineBench';

const REPO = path.resolve(__dirname, '../..');
const RUNS = 5;

/** A finished chord as the state holds it after the result backend's records: first task, n headers, body. */
function chordState(n: number): ClusterState {
  const state = new ClusterState({ maxTasks: n + 100 });
  const done = (offset: number) => new Date(Date.UTC(2026, 10, 23, 12, 0, 0) + offset).toISOString().replace('Z', '');
  state.mergeTaskFromResult({ task_id: 'first', status: 'SUCCESS', name: 'app.prepare', date_done: done(0), children: [] });
  for (let i = 0; i < n; i++) {
    state.mergeTaskFromResult({ task_id: `header-${i}`, status: i % 50 === 0 ? 'FAILURE' : 'SUCCESS', name: 'app.part', parent_id: 'first', group_id: 'chord-group', date_done: done(1000 + i), children: [] });
  }
  state.mergeTaskFromResult({ task_id: 'body', status: 'SUCCESS', name: 'app.join', parent_id: `header-${n - 1}`, date_done: done(2000 + n), children: [] });
  return state;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Loads the bundle on its page with a stub acquireVsCodeApi recording what it posts. */
async function openPanel(page: Page, bundle: string): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lens-bench-'));
  const url = (file: string) => pathToFileURL(file).toString();
  const html = panelHtml({
    title: 'bench', cspSource: 'file:', nonce: 'bench', scriptUri: url(path.join(REPO, 'dist', 'webview', `${bundle}.js`)),
    styleUris: [url(path.join(REPO, 'test', 'browser', 'support', 'themes', 'dark.css')), url(path.join(REPO, 'dist', 'webview', `${bundle}.css`))],
  });
  fs.writeFileSync(path.join(dir, 'index.html'), html);
  await page.addInitScript(`window.__posted = []; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => undefined, setState: (s) => s });`);
  await page.goto(url(path.join(dir, 'index.html')));
  await page.waitForFunction('window.__posted.some((m) => m.type === "ready")');
}

/** Posts the graph and resolves once it is drawn and two frames have been painted. */
const DRAW_AND_PAINT = `async (graph) => {
  const t0 = performance.now();
  window.postMessage({ type: 'graph', graph, connectionName: 'bench' }, '*');
  const rendered = await new Promise((resolve) => {
    const check = () => { const m = window.__posted.find((p) => p.type === 'rendered'); if (m) resolve(m); else setTimeout(check, 0); };
    check();
  });
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  return { total: performance.now() - t0, layoutMs: rendered.layoutMs, drawMs: rendered.drawMs, nodes: rendered.nodes };
}`;

export async function panelBench(): Promise<void> {
  if (!fs.existsSync(path.join(REPO, 'dist', 'webview', 'flow.js'))) {
    console.log('panels: dist/webview/flow.js is missing: run npm run build first');
    return;
  }
  const headers = Number(process.env.BENCH_CHORD ?? 5000);
  const state = chordState(headers);
  const builds: number[] = [];
  let graph: WorkflowGraph | undefined;
  // The first build runs cold (as when a panel opens); live updates rebuild with a warm JIT.
  for (let i = 0; i < 15; i++) {
    const t0 = performance.now();
    graph = buildWorkflow(stateFacts(state), 'body', { now: Date.now() / 1000 });
    builds.push(performance.now() - t0);
  }
  if (!graph || graph.tasks.length !== headers + 2) throw new Error(`bench chord has ${graph?.tasks.length} tasks`);
  const browser = await chromium.launch({ executablePath: process.env.LENS_CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--allow-file-access-from-files'] });
  try {
    const runs: Array<{ total: number; layoutMs: number; drawMs: number; nodes: number }> = [];
    for (let i = 0; i < RUNS; i++) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
      await openPanel(page, 'flow');
      runs.push(await page.evaluate(`(${DRAW_AND_PAINT})(${JSON.stringify(graph)})`) as (typeof runs)[number]);
      await page.close();
    }
    const fmt = (values: number[]) => `median ${median(values).toFixed(0)} ms, max ${Math.max(...values).toFixed(0)} ms`;
    console.log(`panels (headless Chromium ${browser.version()}, ${RUNS} runs each, load average ${os.loadavg().map((n) => n.toFixed(1)).join(' ')}):`);
    console.log(`  flow: chord of ${headers.toLocaleString('en')} header tasks (${runs[0].nodes.toLocaleString('en')} nodes): ` +
      `host graph build first ${builds[0].toFixed(0)} ms, then ${fmt(builds.slice(5))}; in Chromium, posted -> laid out, drawn and painted ${fmt(runs.map((r) => r.total))} ` +
      `(layout ${fmt(runs.map((r) => r.layoutMs))}, DOM ${fmt(runs.map((r) => r.drawMs))})`);
  } finally {
    await browser.close();
  }
  await timelineBench();
}

if (require.main === module) {
  panelBench().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
