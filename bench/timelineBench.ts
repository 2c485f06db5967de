/**
 * Timeline part of the panel mode of `npm run bench` (panelBench.ts runs it after the flow diagram;
 * BENCH_PANELS=0 skips both; `npm run bench:timeline` runs it alone):
 * - the core query (queryTimeline) over a 100,000-task state: a 1 minute window, a 12 minute window
 *   (about 20,000 executions) and the whole hour (capped at 50,000 bars), median of 10 runs;
 * - panning 20,000 bars in Chromium (Debian's, driven by playwright-core; `npm run build` first):
 *   the bundle on the page and CSP VS Code gives it, fed the query's answer, then dragged left and
 *   right 120 times with the whole window in view and again zoomed in 5x; it prints the canvas draw
 *   time per frame (the bundle's `lens-timeline-draw` measure) and the interval between animation
 *   frames (16.7 ms = 60 frames a second), median and 95th percentile.
 * The machine's load average is printed too: the frame figures are only as good as the idle CPU.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { chromium } from 'playwright-core';
import { panelHtml } from '../src/shared/panelHtml';
import { ClusterState } from '../src/core/state/clusterState';
import type { CeleryEvent } from '../src/core/celery/types';
import { queryTimeline } from '../src/core/timeline/timelineModel';

const REPO = path.resolve(__dirname, '../..');
const NOW = 1_795_430_000;

/** `count` executions over the hour before NOW on 8 workers x 4 processes, one after another per process. */
function busyState(count: number, seconds: number): ClusterState {
  const state = new ClusterState({ now: () => NOW, maxTasks: count + 10 });
  const slot = seconds / Math.ceil(count / 32);
  const event = (type: string, fields: Record<string, unknown>) => ({ type, clock: 1, utcoffset: 0, pid: 1, ...fields }) as CeleryEvent;
  for (let i = 0; i < count; i++) {
    const proc = i % 32;
    const t = NOW - seconds + Math.floor(i / 32) * slot + (proc / 32) * slot * 0.5;
    const base = { uuid: `task-${i}`, hostname: `worker${proc % 8}@host`, local_received: t };
    const runtime = slot * (0.25 + ((i * 7) % 10) / 25);
    state.apply(event('task-received', { ...base, name: 'shop.charge', timestamp: t }));
    state.apply(event('task-started', { ...base, timestamp: t + slot * 0.05, pid: 1000 + proc }));
    if (t + slot * 0.05 + runtime < NOW) state.apply(event(i % 13 ? 'task-succeeded' : 'task-failed', { ...base, timestamp: t + slot * 0.05 + runtime, runtime }));
  }
  return state;
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

function coreQueries(): void {
  const state = busyState(100_000, 3600);
  console.log('timeline query over 100,000 tasks (median of 10):');
  for (const [label, from] of [['last minute', NOW - 60], ['last 12 minutes', NOW - 720], ['whole hour (50,000 bar cap)', NOW - 3600]] as const) {
    const times: number[] = [];
    let bars = 0;
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      bars = queryTimeline(state, { from, to: NOW }).bars.taskId.length;
      times.push(performance.now() - t0);
    }
    console.log(`  ${label.padEnd(28)} ${bars.toLocaleString('en').padStart(7)} bars ${quantile(times, 0.5).toFixed(1).padStart(6)} ms`);
  }
}

const COLLECT = `(() => { performance.clearMeasures(); window.__frames = []; let last = performance.now();
  const tick = (t) => { window.__frames.push(t - last); last = t; if (window.__frames.length < 600) requestAnimationFrame(tick); };
  requestAnimationFrame(tick); })()`;
const RESULTS = `({ draws: performance.getEntriesByName('lens-timeline-draw').map((e) => e.duration), frames: window.__frames.slice(1) })`;

async function panning(): Promise<void> {
  const bundle = path.join(REPO, 'dist', 'webview', 'timeline.js');
  if (!fs.existsSync(bundle)) {
    console.log('timeline panning: dist/webview/timeline.js is missing: run npm run build first');
    return;
  }
  const data = queryTimeline(busyState(20_000, 600), { from: NOW - 600, to: NOW });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lens-bench-timeline-'));
  const url = (file: string) => pathToFileURL(file).toString();
  fs.writeFileSync(path.join(dir, 'index.html'), panelHtml({
    title: 'bench', cspSource: 'file:', nonce: 'bench', scriptUri: url(bundle),
    styleUris: [url(path.join(REPO, 'test', 'browser', 'support', 'themes', 'dark.css')), url(path.join(REPO, 'dist', 'webview', 'timeline.css'))],
  }));
  const browser = await chromium.launch({ executablePath: process.env.LENS_CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    await page.addInitScript('window.__posted = []; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => undefined, setState: (s) => s });');
    await page.goto(url(path.join(dir, 'index.html')));
    await page.waitForFunction('window.__posted.some((m) => m.type === "ready")');
    await page.evaluate(`window.postMessage(${JSON.stringify({ type: 'timeline', data, follow: false, minutes: 10, title: 'bench' })}, '*')`);
    await page.waitForFunction('window.__posted.some((m) => m.type === "rendered")');
    console.log(`timeline panning ${data.bars.taskId.length.toLocaleString('en')} bars in Chromium (load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs):`);
    for (const zoomed of [false, true]) {
      if (zoomed) {
        await page.locator('canvas').focus();
        for (let i = 0; i < 3; i++) await page.keyboard.press('+');
      }
      await page.evaluate(COLLECT);
      const box = await page.locator('canvas').boundingBox();
      if (!box) throw new Error('no canvas');
      await page.mouse.move(box.x + 700, box.y + 100);
      await page.mouse.down();
      for (let i = 0; i < 120; i++) await page.mouse.move(box.x + 700 + (i % 60 < 30 ? i % 30 : 30 - (i % 30)) * 10, box.y + 100);
      await page.mouse.up();
      const { draws, frames } = (await page.evaluate(RESULTS)) as { draws: number[]; frames: number[] };
      console.log(`  ${(zoomed ? 'zoomed in 5x' : 'whole window').padEnd(13)} draw ${quantile(draws, 0.5).toFixed(1)} ms median, ${quantile(draws, 0.95).toFixed(1)} ms p95 (${draws.length} frames drawn); ` +
        `frame interval ${quantile(frames, 0.5).toFixed(1)} ms median, ${quantile(frames, 0.95).toFixed(1)} ms p95`);
    }
  } finally {
    await browser.close();
  }
}

export async function timelineBench(): Promise<void> {
  coreQueries();
  await panning();
}

if (require.main === module) void timelineBench();
