/**
 * The shared webview infrastructure in Chromium, through a test-only panel (panels/probe): the ready
 * handshake, the restore key and view state kept with setState, the strict CSP really enforced,
 * colours by state from the theme variables, and keyboard-reachable toolkit controls.
 */
import * as assert from 'node:assert/strict';
import { PanelPage, testBundle, type Theme } from './support/panelPage';

const STATES = ['SUCCESS', 'FAILURE', 'STARTED', 'RECEIVED', 'RETRY', 'REVOKED', 'PENDING', 'PROGRESS'];
/** The theme variable each state must be drawn with (webview/components/stateColors.ts). */
const EXPECTED_VAR: Record<string, string> = {
  SUCCESS: '--vscode-testing-iconPassed',
  FAILURE: '--vscode-testing-iconFailed',
  STARTED: '--vscode-charts-blue',
  RECEIVED: '--vscode-charts-yellow',
  RETRY: '--vscode-charts-orange',
  REVOKED: '--vscode-charts-purple',
  PENDING: '--vscode-disabledForeground',
  PROGRESS: '--vscode-charts-blue',
};

describe('(browser) shared panel infrastructure', () => {
  let probe: { js: string; css?: string };
  const opened: PanelPage[] = [];
  const open = async (theme: Theme = 'dark', savedState?: unknown) => {
    const page = await PanelPage.open({ bundle: probe, theme, savedState });
    opened.push(page);
    return page;
  };

  before(async () => {
    probe = await testBundle('probe');
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((p) => p.close()));
  });

  it('posts ready first, then keeps the host restore key and its view state with setState', async () => {
    const panel = await open();
    await panel.waitForMessage('ready');
    assert.equal((await panel.posted())[0].type, 'ready');
    await panel.send({ type: 'panelRestore', restore: { connectionId: 'c1', taskId: 't1' } } as never);
    await panel.send({ type: 'show', states: ['SUCCESS', 'FAILURE'] } as never);
    await panel.waitForMessage('shown');
    assert.deepEqual(await panel.savedState(), { restore: { connectionId: 'c1', taskId: 't1' }, view: { shown: 2 } });
    // panelRestore is the infrastructure's: the panel itself never saw it.
    assert.deepEqual((await panel.posted()).map((m) => m.type), ['ready', 'shown']);
  });

  it('starts from the state saved before a reload', async () => {
    const panel = await open('dark', { restore: { taskId: 't1' }, view: { shown: 7 } });
    await panel.waitForMessage('ready');
    assert.equal(await panel.page.locator('.lens-status').innerText(), 'restored: 7');
  });

  it('enforces the strict CSP: an injected inline script does not run and is reported', async () => {
    const panel = await open();
    await panel.waitForMessage('ready');
    const ran = await panel.page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__inlineRan = true';
      document.body.append(script);
      return (window as unknown as { __inlineRan?: boolean }).__inlineRan === true;
    });
    assert.equal(ran, false);
    await panel.page.waitForFunction(() => (window as unknown as { __lens: { violations: string[] } }).__lens.violations.length > 0);
    assert.match((await panel.cspViolations()).join('\n'), /script-src/);
    assert.deepEqual(panel.pageErrors, []);
  });

  for (const theme of ['dark', 'light', 'high-contrast'] as const) {
    it(`colours each state with its theme variable (${theme})`, async () => {
      const panel = await open(theme);
      await panel.send({ type: 'show', states: STATES } as never);
      await panel.waitForMessage('shown');
      const drawn = await panel.page.$$eval('.probe-node', (nodes) =>
        nodes.map((n) => ({ state: (n as SVGElement).dataset.state ?? '', fill: getComputedStyle(n).fill })),
      );
      assert.equal(drawn.length, STATES.length);
      for (const { state, fill } of drawn) {
        assert.equal(fill, await panel.themeColour(EXPECTED_VAR[state]), `${state} in ${theme}`);
      }
      assert.deepEqual(await panel.cspViolations(), []);
      await panel.screenshot(`infra-states-${theme}`);
    });
  }

  it('reaches its toolkit button with the keyboard', async () => {
    const panel = await open();
    await panel.waitForMessage('ready');
    await panel.page.waitForFunction(() => customElements.get('vscode-button') !== undefined);
    await panel.page.keyboard.press('Tab');
    assert.equal(await panel.page.evaluate(() => document.activeElement?.tagName.toLowerCase()), 'vscode-button');
    await panel.page.keyboard.press('Enter');
    await panel.waitForMessage('clicked');
  });
});
