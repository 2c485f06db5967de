/**
 * The trace and dashboard bundles in Chromium with data from the real core models: the recorded
 * chain's waterfall (one row per task, indented, colours by state, traceparent shown and copied),
 * and the six dashboard charts of a busy synthetic cluster with export requests.
 * Screenshots in .test-run/browser/trace-*.png and dashboard-*.png.
 */
import * as assert from 'node:assert/strict';
import { buildDashboard } from '../../src/core/dashboard/dashboardData';
import { DashboardMetrics } from '../../src/core/dashboard/dashboardMetrics';
import { WorkerRecord } from '../../src/core/state/workerRecord';
import { buildTrace, rootIdOf } from '../../src/core/trace/traceModel';
import { describeTraceContext } from '../../src/core/trace/traceparent';
import type { ToTrace } from '../../src/shared/traceMessages';
import type { ToDashboard } from '../../src/shared/dashboardMessages';
import { id } from '../unit/state/stateFixtures';
import { busyState, replayedState, SYNTHETIC_NOW } from './support/insightFixtures';
import { PanelPage } from './support/panelPage';

function traceMessage(trace: ReturnType<typeof buildTrace>): ToTrace {
  return { type: 'trace', trace, contextText: describeTraceContext(trace.traceContext) };
}

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('(browser) trace and dashboard panels', () => {
  const opened: PanelPage[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((p) => p.close()));
  });
  const open = async (bundle: string, theme: 'dark' | 'light' = 'dark'): Promise<PanelPage> => {
    const page = await PanelPage.open({ bundle, theme, viewport: { width: 1100, height: 700 } });
    opened.push(page);
    await page.waitForMessage('ready');
    return page;
  };

  it('draws the recorded chain as an indented waterfall coloured by state, and copies its traceparent', async () => {
    const state = replayedState();
    const rootId = rootIdOf(state, id('chain_last'));
    state.tasks.get(rootId)!.traceparent = TRACEPARENT; // as if its message had been read
    const trace = buildTrace(state, rootId);
    const panel = await open('trace');
    await panel.send(traceMessage(trace));
    const rendered = await panel.waitForMessage<{ type: 'rendered'; spans: number; context: string }>('rendered');
    assert.deepEqual([rendered.spans, rendered.context], [3, 'valid']);
    const rows = panel.page.locator('.trace-row');
    assert.equal(await rows.count(), 3);
    assert.deepEqual(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-level'))), ['1', '2', '3']);
    const colours = await panel.page.locator('.trace-run').evaluateAll((els) => els.map((e) => getComputedStyle(e).backgroundColor));
    const passed = await panel.page.evaluate(() => {
      const probe = document.createElement('span');
      probe.style.color = 'var(--vscode-testing-iconPassed)';
      document.body.append(probe);
      return getComputedStyle(probe).color;
    });
    assert.deepEqual(colours, [passed, passed, passed], 'three successes in the theme colour of passed tests');
    assert.match(await panel.page.locator('.traceparent').innerText(), new RegExp(TRACEPARENT));
    await panel.page.getByRole('button', { name: 'Copy the workflow’s W3C traceparent' }).click();
    const copied = await panel.waitForMessage<{ type: 'copy'; text: string }>('copy');
    assert.equal(copied.text, TRACEPARENT);
    await rows.nth(1).focus();
    await panel.page.keyboard.press('ArrowDown');
    await panel.page.keyboard.press('Enter');
    const opened_ = await panel.waitForMessage<{ type: 'openTask'; taskId: string }>('openTask');
    assert.equal(opened_.taskId, id('chain_last'));
    assert.deepEqual(await panel.cspViolations(), []);
    assert.deepEqual(panel.pageErrors, []);
    await panel.screenshot('trace-chain-dark');
  });

  it('says why the trace context is unknown when no message was read', async () => {
    const state = replayedState();
    const trace = buildTrace(state, rootIdOf(state, id('flaky')));
    const panel = await open('trace', 'light');
    await panel.send(traceMessage(trace));
    assert.equal((await panel.waitForMessage<{ type: 'rendered'; context: string }>('rendered')).context, 'unknown');
    assert.match(await panel.page.locator('.traceparent').innerText(), /unknown: no message of this task was read \(events carry no headers/);
    assert.match(await panel.page.locator('.trace-name').first().innerText(), /×3/, 'the retried task ran three times');
    await panel.screenshot('trace-retried-light');
  });

  it('draws the six dashboard charts, asks for its saved window and exports on request', async () => {
    const state = busyState(3000, 280);
    const metrics = new DashboardMetrics();
    for (let t = SYNTHETIC_NOW - 290; t <= SYNTHETIC_NOW; t += 5) {
      metrics.recordQueues([{ name: 'celery', messages: Math.round(50 + 40 * Math.sin(t / 30)) }, { name: 'mail', messages: Math.round(10 + 10 * Math.cos(t / 20)) }], t);
      const workers = [0, 1, 2, 3].map((w) => {
        const worker = new WorkerRecord(`worker${w}@host`);
        worker.heartbeat(t, t);
        worker.active = Math.round(2 + 2 * Math.sin(t / 40 + w));
        worker.concurrency = 4;
        return worker;
      });
      metrics.sampleWorkers(workers, t);
    }
    const data = buildDashboard(state.stats, metrics, '5m', SYNTHETIC_NOW);
    const panel = await PanelPage.open({ bundle: 'dashboard', theme: 'dark', savedState: { restore: {}, view: { window: '5m' } }, viewport: { width: 1100, height: 900 } });
    opened.push(panel);
    const setWindow = await panel.waitForMessage<{ type: 'setWindow'; window: string }>('setWindow');
    assert.equal(setWindow.window, '5m');
    const message: ToDashboard = { type: 'dashboard', data, title: 'Busy cluster' };
    await panel.send(message);
    const rendered = await panel.waitForMessage<{ type: 'rendered'; charts: number }>('rendered');
    assert.equal(rendered.charts, 6);
    const throughputLines = await panel.page.locator('[data-chart="throughput"] path.line').evaluateAll((els) => els.map((e) => e.getAttribute('data-series')));
    assert.deepEqual(throughputLines.sort(), ['FAILURE', 'RECEIVED', 'RETRY', 'STARTED', 'SUCCESS']);
    assert.equal(await panel.page.locator('[data-chart="queueDepth"] path.line').count(), 2);
    assert.ok(await panel.page.locator('[data-chart="utilisation"] rect.heat').count() >= 4 * 25);
    assert.equal(await panel.page.locator('[data-chart="topFailing"] tbody tr').count(), 4);
    await panel.page.locator('[data-action="topFailing-csv"]').click();
    const exported = await panel.waitForMessage<{ type: 'export'; chart: string; format: string }>('export');
    assert.deepEqual([exported.chart, exported.format], ['topFailing', 'csv']);
    assert.deepEqual(await panel.cspViolations(), []);
    assert.deepEqual(panel.pageErrors, []);
    await panel.screenshot('dashboard-busy-dark');
  });
});
