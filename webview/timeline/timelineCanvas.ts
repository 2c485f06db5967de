/**
 * Draws the timeline's bars on a canvas: SVG would need one element per bar, and 20,000 elements
 * make panning stutter. A frame walks the bar columns once, skips bars outside the view, and adds
 * the rest to one Path2D per colour (the wait part of a bar, from received to started, is a
 * translucent copy of its colour), so a frame is a handful of fills whatever the bar count.
 * Colours are the theme's (stateColors.ts), read again when the theme changes.
 */
import { resolveCssVar, resolveStateColor } from '../components/stateColors';
import { ATTEMPT_OUTCOMES, BAR_END_UNKNOWN, BAR_RETRY, type TimelineData } from '../../src/shared/timelineMessages';

/** The Celery state whose colour each outcome uses (in ATTEMPT_OUTCOMES order). */
export const OUTCOME_STATES: readonly string[] = ATTEMPT_OUTCOMES.map((o) =>
  ({ open: 'STARTED', succeeded: 'SUCCESS', failed: 'FAILURE', retried: 'RETRY', revoked: 'REVOKED', rejected: 'REJECTED' })[o]);

export const LANE_HEIGHT = 18;
export const LABEL_WIDTH = 170;
const BAR_PAD = 3;

/** The visible time range, seconds after the data's origin. */
export interface TimeView {
  t0: number;
  t1: number;
}

interface Palette {
  outcomes: string[];
  foreground: string;
  muted: string;
  border: string;
  focus: string;
}

function readPalette(): Palette {
  return {
    outcomes: OUTCOME_STATES.map((s) => resolveStateColor(s)),
    foreground: resolveCssVar('--vscode-foreground'),
    muted: resolveCssVar('--vscode-descriptionForeground'),
    border: resolveCssVar('--vscode-editorWidget-border') || resolveCssVar('--vscode-panel-border'),
    focus: resolveCssVar('--vscode-focusBorder'),
  };
}

export class TimelineCanvas {
  private data: TimelineData | undefined;
  /** Bar indices by outcome, lane and start (the drawing order). */
  private order = new Int32Array(0);
  private palette = readPalette();
  private width = 0;
  /** The bars drawn by the last frame. */
  drawnBars = 0;
  selected = -1;

  constructor(readonly canvas: HTMLCanvasElement) {
    // Theme switches change body's class: colours are re-read then.
    new MutationObserver(() => {
      this.palette = readPalette();
    }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
  }

  setData(data: TimelineData): void {
    this.data = data;
    const { outcome, lane, start } = data.bars;
    this.order = Int32Array.from(outcome.keys()).sort((a, b) => outcome[a] - outcome[b] || lane[a] - lane[b] || start[a] - start[b]);
    if (this.selected >= data.bars.taskId.length) this.selected = -1;
  }

  /** Resize the backing store to the element's size (times the device pixel ratio). */
  resize(width: number): void {
    const lanes = Math.max(1, this.data?.lanes.length ?? 1);
    const height = lanes * LANE_HEIGHT + 4;
    const ratio = window.devicePixelRatio || 1;
    this.width = width;
    this.canvas.width = Math.round(width * ratio);
    this.canvas.height = Math.round(height * ratio);
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
  }

  /** The x (element pixels) of time `t` in the bars area. */
  private scale(view: TimeView): { x: (t: number) => number } {
    const k = (this.width - LABEL_WIDTH) / Math.max(1e-9, view.t1 - view.t0);
    return { x: (t: number) => LABEL_WIDTH + (t - view.t0) * k };
  }

  draw(view: TimeView): void {
    performance.mark('lens-timeline-draw-start');
    const ctx = this.canvas.getContext('2d');
    const data = this.data;
    if (!ctx || !data) return;
    const ratio = window.devicePixelRatio || 1;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, this.width, this.canvas.height / ratio);
    const p = this.palette;
    const { x } = this.scale(view);
    const { start, run, end, lane, outcome, flags } = data.bars;
    const order = this.order;
    const barHeight = LANE_HEIGHT - 2 * BAR_PAD;
    const marks = new Path2D();
    // Bars come by outcome, lane and start: neighbours that touch on screen merge into one rect, so
    // a zoomed-out view of thousands of sub-pixel bars costs a few hundred fills, not thousands.
    let drawn = 0;
    let currentOutcome = -1;
    let runLane = -1, runX0 = 0, runX1 = -Infinity;
    let waitLane = -1, waitX0 = 0, waitX1 = -Infinity;
    const flushRun = () => {
      if (runLane >= 0) ctx.fillRect(runX0, runLane * LANE_HEIGHT + BAR_PAD, runX1 - runX0, barHeight);
      runLane = -1;
    };
    const flushWait = () => {
      if (waitLane >= 0) {
        ctx.globalAlpha = 0.35;
        ctx.fillRect(waitX0, waitLane * LANE_HEIGHT + BAR_PAD + 3, waitX1 - waitX0, barHeight - 6);
        ctx.globalAlpha = 1;
      }
      waitLane = -1;
    };
    for (let k = 0; k < order.length; k++) {
      const i = order[k];
      if (end[i] < view.t0 || start[i] > view.t1) continue;
      const o = outcome[i];
      if (o !== currentOutcome) {
        flushRun();
        flushWait();
        currentOutcome = o;
        ctx.fillStyle = p.outcomes[o];
      }
      const l = lane[i];
      const xs = Math.max(LABEL_WIDTH, x(start[i]));
      const xr = Math.max(LABEL_WIDTH, x(run[i]));
      const xe = Math.max(xs + 1, x(end[i])); // a bar is always at least a pixel wide
      const r0 = Math.min(xr, xe - 1);
      if (l === runLane && r0 <= runX1 + 0.5) runX1 = Math.max(runX1, xe);
      else {
        flushRun();
        runLane = l;
        runX0 = r0;
        runX1 = xe;
      }
      if (xr - xs >= 1) {
        if (l === waitLane && xs <= waitX1 + 0.5) waitX1 = Math.max(waitX1, xr);
        else {
          flushWait();
          waitLane = l;
          waitX0 = xs;
          waitX1 = xr;
        }
      }
      if (flags[i] & BAR_RETRY) marks.rect(xs - 1, l * LANE_HEIGHT + BAR_PAD - 2, 2, barHeight + 4);
      drawn++;
    }
    flushRun();
    flushWait();
    ctx.fillStyle = p.outcomes[ATTEMPT_OUTCOMES.indexOf('retried')];
    ctx.fill(marks);
    this.drawFailureMarks(ctx, view, x);
    this.drawSelection(ctx, view, x);
    this.drawLanes(ctx);
    this.drawnBars = drawn;
    performance.measure('lens-timeline-draw', 'lens-timeline-draw-start');
  }

  /** Failures get a cross at their end; a bar whose end was never seen, a dashed cap. */
  private drawFailureMarks(ctx: CanvasRenderingContext2D, view: TimeView, x: (t: number) => number): void {
    const data = this.data as TimelineData;
    const failed = ATTEMPT_OUTCOMES.indexOf('failed');
    const { start, end, lane, outcome, flags } = data.bars;
    const crosses = new Path2D();
    const unknown = new Path2D();
    for (let i = 0; i < end.length; i++) {
      if (end[i] < view.t0 || end[i] > view.t1) continue;
      const xe = x(end[i]);
      const y = lane[i] * LANE_HEIGHT + LANE_HEIGHT / 2;
      if (xe - x(start[i]) < 4) continue; // too thin to mark: its colour says it
      if (outcome[i] === failed) {
        crosses.moveTo(xe - 3, y - 3);
        crosses.lineTo(xe + 3, y + 3);
        crosses.moveTo(xe + 3, y - 3);
        crosses.lineTo(xe - 3, y + 3);
      } else if (flags[i] & BAR_END_UNKNOWN) {
        unknown.moveTo(xe + 2, y - 4);
        unknown.lineTo(xe + 2, y + 4);
      }
    }
    ctx.lineWidth = 1.5;
    ctx.strokeStyle = this.palette.foreground;
    ctx.stroke(crosses);
    ctx.setLineDash([2, 2]);
    ctx.strokeStyle = this.palette.muted;
    ctx.stroke(unknown);
    ctx.setLineDash([]);
  }

  private drawSelection(ctx: CanvasRenderingContext2D, view: TimeView, x: (t: number) => number): void {
    const i = this.selected;
    const data = this.data as TimelineData;
    if (i < 0 || data.bars.end[i] < view.t0 || data.bars.start[i] > view.t1) return;
    const xs = Math.max(LABEL_WIDTH, x(data.bars.start[i]));
    const xe = Math.max(xs + 1, x(data.bars.end[i]));
    ctx.lineWidth = 2;
    ctx.strokeStyle = this.palette.focus;
    ctx.strokeRect(xs - 2, data.bars.lane[i] * LANE_HEIGHT + 1, xe - xs + 4, LANE_HEIGHT - 2);
  }

  /** Lane labels on the left: the worker on its first lane, then its processes. */
  private drawLanes(ctx: CanvasRenderingContext2D): void {
    const data = this.data as TimelineData;
    ctx.clearRect(0, 0, LABEL_WIDTH - 4, data.lanes.length * LANE_HEIGHT + 4);
    ctx.font = `${resolveCssVar('--vscode-font-size') || '12px'} ${resolveCssVar('--vscode-font-family') || 'sans-serif'}`;
    ctx.textBaseline = 'middle';
    ctx.strokeStyle = this.palette.border;
    ctx.lineWidth = 1;
    data.lanes.forEach((laneInfo, i) => {
      const y = i * LANE_HEIGHT;
      const first = i === 0 || data.lanes[i - 1].worker !== laneInfo.worker;
      if (first && i > 0) {
        ctx.beginPath();
        ctx.moveTo(0, y + 0.5);
        ctx.lineTo(this.width, y + 0.5);
        ctx.stroke();
      }
      // A worker's first lane carries its name; its pool processes follow (process unknown: no pid).
      const worker = laneInfo.worker || '(unknown worker)';
      ctx.fillStyle = first ? this.palette.foreground : this.palette.muted;
      const text = first ? (laneInfo.pid ? `${worker} · pid ${laneInfo.pid}` : worker) : `   pid ${laneInfo.pid}`;
      ctx.fillText(fit(ctx, text, LABEL_WIDTH - 10), 4, y + LANE_HEIGHT / 2);
    });
  }

  /** The bar under the point (element coordinates), or -1. */
  hitTest(px: number, py: number, view: TimeView): number {
    const data = this.data;
    if (!data || px < LABEL_WIDTH) return -1;
    const laneIndex = Math.floor(py / LANE_HEIGHT);
    const { x } = this.scale(view);
    const { start, end, lane } = data.bars;
    let best = -1;
    let bestDistance = 4; // pixels of slack for thin bars
    for (let i = 0; i < start.length; i++) {
      if (lane[i] !== laneIndex) continue;
      const xs = x(start[i]);
      const xe = Math.max(xs + 1, x(end[i]));
      const distance = px < xs ? xs - px : px > xe ? px - xe : 0;
      if (distance < bestDistance || (distance === 0 && best >= 0 && end[i] - start[i] < end[best] - start[best])) {
        best = i;
        bestDistance = distance;
      }
    }
    return best;
  }
}

function fit(ctx: CanvasRenderingContext2D, text: string, width: number): string {
  if (ctx.measureText(text).width <= width) return text;
  let n = text.length;
  while (n > 1 && ctx.measureText(`${text.slice(0, n)}…`).width > width) n--;
  return `${text.slice(0, n)}…`;
}
