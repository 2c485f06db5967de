/**
 * Loads a webview bundle in headless Chromium the way VS Code does: the same HTML and
 * Content-Security-Policy (src/shared/panelHtml.ts), VS Code's theme variables (themes/fonts.css, then
 * one theme's colours), and a stub `acquireVsCodeApi` that records what the webview posts and keeps its
 * getState/setState.
 * Tests play the host: `send()` delivers a host message, `posted()` returns the webview's messages.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { panelHtml } from '../../../src/shared/panelHtml';
import type { PanelMessage } from '../../../src/shared/webviewProtocol';

export const REPO = path.resolve(__dirname, '../../../..');
/** Screenshots and generated pages: kept after the run as artifacts. */
export const ARTIFACTS = path.join(REPO, '.test-run', 'browser');
const THEMES = path.join(REPO, 'test', 'browser', 'support', 'themes');

export type Theme = 'dark' | 'light' | 'high-contrast';

export interface PanelPageOptions {
  /** A shipped bundle, dist/webview/<name>.js (`npm run build` first), or a test-only one (testBundle). */
  readonly bundle: string | { readonly js: string; readonly css?: string };
  readonly theme?: Theme;
  /** What getState() returns at load, as after a window reload. */
  readonly savedState?: unknown;
  readonly viewport?: { width: number; height: number };
}

interface LensStub {
  posted: PanelMessage[];
  state: unknown;
  violations: string[];
}

let browser: Browser | undefined;

/** One Chromium per run (Debian's, driven by playwright-core: it downloads no browser). */
export async function sharedBrowser(): Promise<Browser> {
  browser ??= await chromium.launch({
    executablePath: process.env.LENS_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--allow-file-access-from-files'],
  });
  return browser;
}

export async function closeSharedBrowser(): Promise<void> {
  await browser?.close();
  browser = undefined;
}

/** Bundles a test-only panel (test/browser/panels/<name>/main.ts) like esbuild.mjs bundles shipped ones. */
export async function testBundle(name: string): Promise<{ js: string; css?: string }> {
  const outdir = path.join(ARTIFACTS, 'bundles');
  await esbuild.build({
    entryPoints: { [name]: path.join(REPO, 'test', 'browser', 'panels', name, 'main.ts') },
    bundle: true, platform: 'browser', format: 'iife', target: 'chrome120', outdir, logLevel: 'warning',
  });
  const css = path.join(outdir, `${name}.css`);
  return { js: path.join(outdir, `${name}.js`), css: fs.existsSync(css) ? css : undefined };
}

let pageCount = 0;

export class PanelPage {
  private constructor(readonly page: Page) {}

  static async open(options: PanelPageOptions): Promise<PanelPage> {
    const bundle = typeof options.bundle === 'string'
      ? { js: path.join(REPO, 'dist', 'webview', `${options.bundle}.js`), css: path.join(REPO, 'dist', 'webview', `${options.bundle}.css`) }
      : options.bundle;
    if (!fs.existsSync(bundle.js)) throw new Error(`${bundle.js} is missing: run npm run build first`);
    const url = (file: string) => pathToFileURL(file).toString();
    const theme = [path.join(THEMES, 'fonts.css'), path.join(THEMES, `${options.theme ?? 'dark'}.css`)];
    const styles = [...theme, ...(bundle.css && fs.existsSync(bundle.css) ? [bundle.css] : [])];
    const html = panelHtml({ title: 'test', cspSource: 'file:', nonce: `n${Date.now()}${pageCount}`, scriptUri: url(bundle.js), styleUris: styles.map(url) });
    const pages = path.join(ARTIFACTS, 'pages');
    fs.mkdirSync(pages, { recursive: true });
    const file = path.join(pages, `page-${process.pid}-${pageCount++}.html`);
    fs.writeFileSync(file, html);

    const context = await (await sharedBrowser()).newContext({ viewport: options.viewport ?? { width: 1000, height: 700 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    // Runs before the page's own scripts, and is not subject to its CSP (like VS Code's own preload).
    await page.addInitScript((saved) => {
      const lens: LensStub = { posted: [], state: saved, violations: [] };
      let acquired = false;
      Object.assign(window, {
        __lens: lens,
        acquireVsCodeApi() {
          if (acquired) throw new Error('acquireVsCodeApi called twice');
          acquired = true;
          return {
            postMessage: (message: PanelMessage) => lens.posted.push(JSON.parse(JSON.stringify(message)) as PanelMessage),
            getState: () => lens.state,
            setState: (state: unknown) => (lens.state = JSON.parse(JSON.stringify(state))),
          };
        },
      });
      document.addEventListener('securitypolicyviolation', (e) => lens.violations.push(`${e.violatedDirective} ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`));
    }, options.savedState);
    await page.goto(url(file));
    const panel = new PanelPage(page);
    panel.pageErrors = errors;
    return panel;
  }

  /** Uncaught errors of the page so far. */
  pageErrors: string[] = [];

  /** Everything the webview posted so far, in order. */
  async posted(): Promise<PanelMessage[]> {
    return this.page.evaluate(() => (window as unknown as { __lens: LensStub }).__lens.posted);
  }

  /** Waits for the webview to post a message of `type` (beyond the `skip` first ones) and returns it. */
  async waitForMessage<T extends PanelMessage = PanelMessage>(type: string, timeoutMs = 5000): Promise<T> {
    const handle = await this.page.waitForFunction(
      (t) => (window as unknown as { __lens: LensStub }).__lens.posted.find((m) => m.type === t),
      type,
      { timeout: timeoutMs },
    );
    return (await handle.jsonValue()) as T;
  }

  /** Delivers a host → webview message, as webview.postMessage does. */
  async send<T extends PanelMessage>(message: T): Promise<void> {
    await this.page.evaluate((m) => window.postMessage(m, '*'), message);
  }

  /** What the webview saved with setState (restore key and view state). */
  async savedState(): Promise<unknown> {
    return this.page.evaluate(() => (window as unknown as { __lens: LensStub }).__lens.state);
  }

  /** Content-Security-Policy violations reported by the page. */
  async cspViolations(): Promise<string[]> {
    return this.page.evaluate(() => (window as unknown as { __lens: LensStub }).__lens.violations);
  }

  /** The colour a theme variable resolves to, in the rgb() form computed styles use. */
  async themeColour(variable: string): Promise<string> {
    return this.page.evaluate((name) => {
      const probe = document.createElement('div');
      probe.style.color = `var(${name})`;
      document.body.append(probe);
      const color = getComputedStyle(probe).color;
      probe.remove();
      return color;
    }, variable);
  }

  /** Saves .test-run/browser/<name>.png and returns its path. */
  async screenshot(name: string): Promise<string> {
    const file = path.join(ARTIFACTS, `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  async close(): Promise<void> {
    await this.page.context().close();
  }
}
