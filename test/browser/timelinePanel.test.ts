/**
 * The timeline bundle in Chromium with data from the real core model: one bar per execution (the
 * recorded run's retries split), colours by outcome from the theme, a click or Enter for details,
 * brush zoom kept in the saved view state, 20,000 bars drawn, no CSP violation. Screenshots in
 * .test-run/browser/timeline-*.png.
 */
import * as assert from 'node:assert/strict';
import { queryTimeline } from '../../src/core/timeline/timelineModel';
import type { TimelineData, ToTimeline } from '../../src/shared/timelineMessages';
import { busyState, replayedState, SYNTHETIC_NOW } from './support/insightFixtures';
import { PanelPage, type Theme } from './support/panelPage';

const LABEL_WIDTH = 170;
const LANE_HEIGHT = 18;

function message(data: TimelineData, follow = false): ToTimeline {
  return { type: 'timeline', data, follow, minutes: 15, title: 'Test cluster' };
}

/** Three wide bars of known outcomes on two lanes, so their pixels can be checked. */
function knownBars(): TimelineData {
  return {
    origin: 1000, from: 1000, to: 1100, now: 1100, truncated: false,
    lanes: [{ worker: 'w1@vm', pid: 0 }, { worker: 'w1@vm', pid: 42 }],
    names: ['shop.charge'],
    bars: {
      taskId: ['ok', 'bad', 'again'], name: [0, 0, 0], lane: [0, 1, 1],
      start: [10, 40, 70], run: [10, 40, 70], end: [30, 60, 90],
      outcome: [1, 2, 3], flags: [0, 0, 0], attempt: [0, 0, 0],
    },
  };
}

interface RenderedMessage { type: 'rendered'; bars: number; lanes: number }

describe('(browser) timeline panel', () => {
  const opened: PanelPage[] = [];
  const open = async (theme: Theme = 'dark', savedState?: unknown): Promise<PanelPage> => {
    const page = await PanelPage.open({ bundle: 'timeline', theme, savedState, viewport: { width: 1100, height: 600 } });
    opened.push(page);
    await page.waitForMessage('ready');
    return page;
  };
  const lastRendered = async (panel: PanelPage): Promise<RenderedMessage | undefined> =>
    (await panel.posted()).filter((m): m is RenderedMessage => m.type === 'rendered').pop();

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((p) => p.close()));
  });

  it('draws one bar per execution of the recorded run, asks for its saved range, and has no CSP violation', async () => {
    const state = replayedState();
    const data = queryTimeline(state, { from: 1_795_433_180, to: 1_795_433_560 });
    assert.ok(data.bars.taskId.length > 40);
    const panel = await open('dark', { restore: { connectionId: 'c' }, view: { minutes: 60, follow: false, zoom: null } });
    const setRange = await panel.waitForMessage<{ type: 'setRange'; minutes: number; follow: boolean }>('setRange');
    assert.deepEqual([setRange.minutes, setRange.follow], [60, false]);
    await panel.send(message(data));
    const rendered = await panel.waitForMessage<RenderedMessage>('rendered');
    assert.equal(rendered.bars, data.bars.taskId.length);
    assert.equal(rendered.lanes, data.lanes.length);
    assert.match(await panel.page.locator('.lens-status').innerText(), new RegExp(`${data.bars.taskId.length} executions`));
    assert.deepEqual(await panel.cspViolations(), []);
    assert.deepEqual(panel.pageErrors, []);
    await panel.screenshot('timeline-recorded-dark');
  });

  for (const theme of ['dark', 'light', 'high-contrast'] as const) {
    it(`colours bars by outcome with the ${theme} theme's variables`, async () => {
      const panel = await open(theme);
      await panel.send(message(knownBars()));
      await panel.waitForMessage('rendered');
      const pixels = await panel.page.evaluate(({ labelWidth, laneHeight }) => {
        const canvas = document.querySelector('canvas') as HTMLCanvasElement;
        const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
        const ratio = window.devicePixelRatio || 1;
        const width = canvas.clientWidth - labelWidth;
        const at = (t: number, lane: number) => Array.from(ctx.getImageData(Math.round((labelWidth + (t / 100) * width) * ratio), Math.round((lane * laneHeight + laneHeight / 2 - 3) * ratio), 1, 1).data.slice(0, 3));
        const css = (name: string) => {
          const probe = document.createElement('span');
          probe.style.color = `var(${name})`;
          document.body.append(probe);
          const rgb = getComputedStyle(probe).color.match(/\d+/g)!.slice(0, 3).map(Number);
          probe.remove();
          return rgb;
        };
        return {
          ok: at(20, 0), bad: at(50, 1), again: at(80, 1),
          passed: css('--vscode-testing-iconPassed'), failed: css('--vscode-testing-iconFailed'), retry: css('--vscode-charts-orange'),
        };
      }, { labelWidth: LABEL_WIDTH, laneHeight: LANE_HEIGHT });
      assert.deepEqual(pixels.ok, pixels.passed, 'a success in the theme colour of passed tests');
      assert.deepEqual(pixels.bad, pixels.failed, 'a failure in the failed colour');
      assert.deepEqual(pixels.again, pixels.retry, 'a retried execution in the retry colour');
      await panel.screenshot(`timeline-outcomes-${theme}`);
    });
  }

  it('opens the details of a clicked bar, and of the bar selected with the keyboard', async () => {
    const panel = await open();
    await panel.send(message(knownBars()));
    await panel.waitForMessage('rendered');
    const box = (await panel.page.locator('canvas').boundingBox())!;
    const width = box.width - LABEL_WIDTH;
    await panel.page.mouse.click(box.x + LABEL_WIDTH + 0.5 * width, box.y + LANE_HEIGHT * 1.5);
    const open1 = await panel.waitForMessage<{ type: 'openTask'; taskId: string }>('openTask');
    assert.equal(open1.taskId, 'bad');
    assert.match(await panel.page.locator('.timeline-detail').innerText(), /bad · failed/);
    await panel.page.locator('canvas').focus();
    await panel.page.keyboard.press('ArrowDown');
    await panel.page.keyboard.press('Enter');
    await panel.page.keyboard.press('t');
    const posted = await panel.posted();
    assert.deepEqual(posted.filter((m) => m.type === 'openTask').map((m) => (m as unknown as { taskId: string }).taskId), ['bad', 'again']);
    assert.deepEqual(posted.filter((m) => m.type === 'showTrace').map((m) => (m as unknown as { taskId: string }).taskId), ['again']);
  });

  it('zooms with the brush, keeps the zoom in the saved view state, and draws 20,000 bars', async () => {
    const data = queryTimeline(busyState(20_000, 600), { from: SYNTHETIC_NOW - 600, to: SYNTHETIC_NOW });
    assert.ok(data.bars.taskId.length >= 20_000, String(data.bars.taskId.length));
    const panel = await open();
    await panel.send(message(data, true));
    const all = await panel.waitForMessage<RenderedMessage>('rendered');
    assert.equal(all.bars, data.bars.taskId.length);
    assert.equal(all.lanes, 8 * 5, '8 workers, each with 4 processes and the lane of retried executions whose process is unknown');
    await panel.screenshot('timeline-20k-dark');
    const overview = (await panel.page.locator('.timeline-overview').boundingBox())!;
    const x0 = overview.x + LABEL_WIDTH + (overview.width - LABEL_WIDTH) * 0.5;
    await panel.page.mouse.move(x0, overview.y + 15);
    await panel.page.mouse.down();
    await panel.page.mouse.move(x0 + (overview.width - LABEL_WIDTH) * 0.1, overview.y + 15, { steps: 5 });
    await panel.page.mouse.up();
    await panel.page.waitForFunction((n) => {
      const posted = (window as unknown as { __lens: { posted: Array<{ type: string; bars?: number }> } }).__lens.posted;
      const last = posted.filter((m) => m.type === 'rendered').pop();
      return last !== undefined && last.bars! < n / 5;
    }, all.bars);
    const saved = (await panel.savedState()) as { view: { zoom: [number, number] } };
    assert.ok(Math.abs(saved.view.zoom[0] - 0.5) < 0.02 && Math.abs(saved.view.zoom[1] - 0.6) < 0.02, JSON.stringify(saved.view.zoom));
    assert.ok((await lastRendered(panel))!.bars > 0);
    await panel.screenshot('timeline-20k-zoomed-dark');
  });
});
