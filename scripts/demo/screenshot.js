#!/usr/bin/env node
// Checks the demo in the browser and saves the README's screenshot: opens the code-server address that
// `npm run demo` printed in headless Chromium (playwright-core from the VS Code rig), shows the Celery view,
// waits until both demo workers are online and tasks have run, opens a failed task's details, and saves
// the window. Not a test tier: run it by hand while the demo runs, e.g.
//   DEMO_DURATION=120 npm run demo &   # then, once it printed the address:
//   node scripts/demo/screenshot.js [URL] [--out media/screenshots/demo-sidebar.png]
// URL defaults to the one the running demo wrote ($TMPDIR/celery-lens-demo/code-server/url).
// Prints what the Celery views show; exits 1 if the workers, queues or tasks do not appear in time.
'use strict';
/* global setTimeout */
/* eslint-disable @typescript-eslint/no-require-imports -- plain Node script, run without a build step */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const repo = path.resolve(__dirname, '../..');
const rig = process.env.LENS_VSCODE_RIG || path.join(os.homedir(), '.cache/celery-lens/vscode-rig');
const { chromium } = require(path.join(rig, 'pw/node_modules/playwright-core'));

const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const out = path.resolve(outIndex >= 0 ? args.splice(outIndex, 2)[1] : path.join(repo, 'media/screenshots/demo-sidebar.png'));
const urlFile = path.join(process.env.TMPDIR || '/tmp', 'celery-lens-demo/code-server/url');
const url = args[0] || (fs.existsSync(urlFile) ? fs.readFileSync(urlFile, 'utf8').trim() : '');
if (!url) {
  console.error(`no address given and ${urlFile} does not exist: is \`npm run demo\` running (with code-server)?`);
  process.exit(2);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a truthy value; throws with `what` after `ms`. */
async function waitFor(what, ms, probe) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    await sleep(500);
  }
}

/** The visible rows of one Celery view (Workers, Queues or Tasks): label and description run together. */
async function rows(page, viewName) {
  const pane = page.locator('.pane').filter({ has: page.locator('.pane-header', { hasText: new RegExp(`^${viewName}`) }) });
  return (await pane.locator('.monaco-list-row').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
}

async function main() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'celery-lens-shot-'));
  const context = await chromium.launchPersistentContext(path.join(profile, 'chromium'), {
    executablePath: process.env.LENS_VSCODE_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-breakpad'],
    viewport: { width: 1400, height: 1000 },
    // Chromium otherwise writes into ~/.config/chromium and ~/.pki.
    env: { ...process.env, HOME: profile },
  });
  try {
    const page = context.pages()[0] || (await context.newPage());
    console.log(`opening ${url}`);
    await page.goto(url, { waitUntil: 'commit', timeout: 60_000 });
    const celeryIcon = page.locator('.activitybar .action-item').filter({ has: page.locator('[aria-label^="Celery"]') });
    await celeryIcon.waitFor({ timeout: 60_000 });
    // The demo workspace opens the view by itself once VS Code runs its folder-open task; a click on the
    // active icon would close it again.
    const isOpen = async () => /\bchecked\b/.test((await celeryIcon.getAttribute('class')) || '');
    const alreadyOpen = await waitFor('the Celery view to open by itself', 20_000, isOpen).catch(() => false);
    console.log(alreadyOpen ? 'the Celery view opened by itself' : 'clicking the Celery icon');
    if (!alreadyOpen) await celeryIcon.click();

    const workers = await waitFor('worker1@… and worker2@… online in the Workers view', 60_000, async () => {
      const r = await rows(page, 'Workers');
      const online = (name) => r.some((t) => t.startsWith(name) && /prefork ×\d+ · \d+ running/.test(t));
      return online('worker1@') && online('worker2@') ? r : undefined;
    });
    const queues = await waitFor('the demo queues in the Queues view', 30_000, async () => {
      const r = await rows(page, 'Queues');
      return ['celery', 'emails', 'media', 'reports'].every((q) => r.some((t) => t.startsWith(`${q}`) && /\d+ messages?/.test(t))) ? r : undefined;
    });
    const failures = await waitFor('succeeded and failed tasks in the Tasks view', 60_000, async () => {
      const r = await rows(page, 'Tasks');
      const count = (state) => Number(/^[A-Z]+ ?(\d+)/.exec(r.find((t) => t.startsWith(state)) || '')?.[1] ?? 0);
      return count('SUCCESS') > 0 && count('FAILURE') > 0 ? count('FAILURE') : undefined;
    });

    // A wider sidebar, so worker and task descriptions are not cut: drag the sash on its right edge.
    const sidebar = await page.locator('.part.sidebar').boundingBox();
    if (sidebar) {
      const x = sidebar.x + sidebar.width + 2;
      const y = sidebar.y + sidebar.height / 2;
      await page.mouse.move(x, y);
      await page.mouse.down();
      await page.mouse.move(x + 200, y, { steps: 10 });
      await page.mouse.up();
    }
    // A worker's running tasks, queues and registered tasks.
    const workersPane = page.locator('.pane').filter({ has: page.locator('.pane-header', { hasText: /^Workers/ }) });
    await workersPane.locator('.monaco-list-row[aria-level="2"]', { hasText: /^\s*worker1@/ }).first().click();
    // Show the failed tasks, then one of them in the details editor (label = task name).
    const tasksPane = page.locator('.pane').filter({ has: page.locator('.pane-header', { hasText: /^Tasks/ }) });
    await tasksPane.locator('.monaco-list-row', { hasText: /^\s*FAILURE/ }).first().click();
    const firstFailure = tasksPane.locator('.monaco-list-row[aria-level="3"]').first();
    await firstFailure.waitFor({ timeout: 15_000 });
    await firstFailure.click();
    await waitFor('the failed task details in the editor', 20_000, async () => {
      const text = await page.locator('.editor-instance .view-lines').first().innerText().catch(() => '');
      return /Traceback|FAILURE/.test(text);
    });
    // Scroll the details to the exception and its traceback.
    await page.mouse.move(900, 400);
    for (let i = 0; i < 6; i++) {
      await page.mouse.wheel(0, 100);
      await sleep(150);
    }
    await page.mouse.move(900, 970); // no hover tooltip in the picture
    await sleep(1500);

    console.log(`Workers: ${workers.join(' | ')}`);
    console.log(`Queues: ${queues.join(' | ')}`);
    console.log(`Tasks: ${(await rows(page, 'Tasks')).join(' | ')} (${failures} failed before the click)`);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    await page.screenshot({ path: out });
    const kb = Math.round(fs.statSync(out).size / 1024);
    console.log(`saved ${path.relative(process.cwd(), out)} (${kb} KB)`);
    if (kb > 300) console.warn('warning: the screenshot is over 300 KB');
  } finally {
    await context.close().catch(() => undefined);
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`screenshot failed: ${err && err.message ? err.message : err}`);
  process.exit(1);
});
