#!/usr/bin/env node
// Drives a running code-server with headless Chromium (playwright-core from the rig, via NODE_PATH) so the
// extension's mocha tests run inside VS Code's real Node extension host. Started by run-in-code-server.sh.
//
// usage: node harness.js --server http://127.0.0.1:PORT --folder /abs/ws --dev /abs/ext
//          --tests /abs/ext/out/test/vscode/index.js --artifacts /abs/dir --result /abs/result.json [--timeout ms]
//
// What the tests get in their environment (the payload's `extensionEnvironment`):
//   every CELERY_LENS_* and LENS_* variable of this process (test cluster URLs etc.), plus
//   EXT_TEST_SHOT_URL   GET ?name=X[&sel=CSS] saves <artifacts>/shots/X.png (whole window, or the first match
//                       of CSS) and answers with the file's path;
//   EXT_TEST_DOM_URL    GET ?sel=CSS answers a JSON array of the innerText of the matching workbench elements;
//   EXT_TEST_RESULT_FILE where test/vscode/index.ts writes the mocha counts;
//   EXT_TEST_ARTIFACTS  the artifacts folder.
// Exit code: the one the workbench reports when the tests' run() settles (0 pass, 1 fail), 124 on timeout,
// 2 on a harness error.
'use strict';
/* global URL, setTimeout, clearTimeout */
/* eslint-disable @typescript-eslint/no-require-imports -- plain Node script, run without a build step */
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const util = require('node:util');
const { chromium } = require('playwright-core');

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const required = (name) => {
  const value = arg(name);
  if (!value) throw new Error(`missing --${name}`);
  return value;
};

// The workbench re-logs the extension host's console as ['%c INFO' | '%c  ERR', 'color: ...', ...args].
// Its own messages that are expected here (connection setup, offline gallery, GitHub auth) are noise;
// they are recognised by how they start, so a test's error that merely mentions workbench.js still shows.
const extHostLine = /^%c\s*(INFO|ERR|WARN)\s+color:\s*#[0-9a-fA-F]+\s?/;
const noise = new RegExp([
  /Resolv(ing|ed) connection token|Creating a socket|Updating additional builtin extensions/,
  /\[(reconnection-grace-time|Service Worker|AgentHost[^\]]*|AccountPolicyGate|ChatModelSelection)\]/,
  /Failed: getaddrinfo ENOTFOUND|#\d+: https?:\/\/open-vsx|Timed out waiting for authentication provider/,
].map((r) => `^(${r.source})`).join('|'));

/** Serves the screenshot and DOM endpoints the tests call with fetch(). */
function startEndpoints(getPage, shotsDir) {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const page = getPage();
    try {
      if (!page) throw new Error('the workbench page is not open yet');
      const sel = url.searchParams.get('sel');
      if (url.pathname === '/dom') {
        if (!sel) throw new Error('missing ?sel=CSS');
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(await page.locator(sel).allInnerTexts()));
      } else if (url.pathname === '/shot') {
        const name = (url.searchParams.get('name') || 'shot').replace(/[^\w.-]/g, '_');
        fs.mkdirSync(shotsDir, { recursive: true });
        const file = path.join(shotsDir, `${name}.png`);
        if (sel) await page.locator(sel).first().screenshot({ path: file, timeout: 10_000 });
        else await page.screenshot({ path: file });
        console.log(`screenshot: ${file}`);
        res.end(file);
      } else {
        res.statusCode = 404;
        res.end('endpoints: /shot?name=X[&sel=CSS], /dom?sel=CSS');
      }
    } catch (err) {
      res.statusCode = 500;
      res.end(String(err && err.message ? err.message : err));
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Prints a page console message if it is the extension host's (the tests' output) and not noise. */
async function forward(message, pageLog) {
  const text = message.text();
  pageLog.write(`${text}\n`);
  if (process.env.LENS_VSCODE_VERBOSE === '1') return console.log('[page]', text);
  const prefix = extHostLine.exec(text);
  if (!prefix || noise.test(text.slice(prefix[0].length))) return;
  try {
    const args = await Promise.all(message.args().map((a) => a.jsonValue()));
    console.log(util.format(...args.slice(2)));
  } catch {
    console.log(text.slice(prefix[0].length));
  }
}

/** Variables handed to the extension host: the caller's CELERY_LENS_* and LENS_* ones plus the harness's. */
function extensionEnvironment(extra) {
  const env = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(CELERY_LENS|LENS)_/.test(name) && value !== undefined) env[name] = value;
  }
  return { ...env, ...extra };
}

async function main() {
  const server = required('server');
  const folder = required('folder');
  const dev = required('dev');
  const tests = required('tests');
  const artifacts = required('artifacts');
  const resultFile = required('result');
  const timeoutMs = Number(arg('timeout', '600000'));
  const shotsDir = path.join(artifacts, 'shots');
  const logsDir = path.join(artifacts, 'logs');
  fs.mkdirSync(logsDir, { recursive: true });
  const pageLog = fs.createWriteStream(path.join(logsDir, 'page-console.log'));

  let page;
  const endpoints = await startEndpoints(() => page, shotsDir);
  const base = `http://127.0.0.1:${endpoints.address().port}`;
  const env = extensionEnvironment({
    EXT_TEST_SHOT_URL: `${base}/shot`,
    EXT_TEST_DOM_URL: `${base}/dom`,
    EXT_TEST_RESULT_FILE: resultFile,
    EXT_TEST_ARTIFACTS: artifacts,
  });
  // code-server's remote authority is the host:port the page is served from; the paths must match it.
  const authority = new URL(server).host;
  const payload = [
    ['extensionDevelopmentPath', `vscode-remote://${authority}${dev}`],
    ['extensionTestsPath', `vscode-remote://${authority}${tests}`],
    ['extensionEnvironment', JSON.stringify(env)],
  ];
  const url = `${server}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;

  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-profile-'));
  const began = Date.now();
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.LENS_VSCODE_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-breakpad'],
    viewport: { width: 1400, height: 850 },
  });
  let finish;
  const finished = new Promise((resolve) => (finish = resolve));
  page = context.pages()[0] || (await context.newPage());
  // The workbench calls window.codeAutomationExit(code, logs) once the tests' run() settles.
  await page.exposeFunction('codeAutomationExit', (code, logs) => {
    for (const log of logs || []) {
      fs.writeFileSync(path.join(logsDir, String(log.relativePath).replace(/[\\/]/g, '_')), String(log.contents));
    }
    finish(Number(code));
  });
  page.on('crash', () => {
    console.error('HARNESS: the workbench page crashed');
    finish(2);
  });
  // Forwarded one after the other: each needs an async round trip to the page, and order matters.
  let forwarding = Promise.resolve();
  page.on('console', (message) => {
    forwarding = forwarding.then(() => forward(message, pageLog));
  });
  const timer = setTimeout(() => {
    console.error(`HARNESS: TIMEOUT after ${timeoutMs} ms waiting for the tests to finish`);
    finish(124);
  }, timeoutMs);
  // Completion is signalled through codeAutomationExit: do not wait for (or time out on) the page's load event.
  await page.goto(url, { waitUntil: 'commit', timeout: 60_000 });
  const code = await finished;
  clearTimeout(timer);
  // Let the last console lines arrive and be printed before the page goes away.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  await forwarding;
  console.log(`extension tests finished with exit code ${code} in ${Date.now() - began} ms`);
  if (code === 124) {
    fs.mkdirSync(shotsDir, { recursive: true });
    await page.screenshot({ path: path.join(shotsDir, 'timeout.png') }).catch(() => undefined);
  }
  await context.close().catch(() => undefined);
  endpoints.close();
  pageLog.end();
  fs.rmSync(profile, { recursive: true, force: true });
  return code;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error('HARNESS ERROR:', err);
    process.exit(2);
  },
);
