/**
 * The overview strip above the timeline: how many executions start when, across the whole window,
 * with a d3 brush that selects the part the main view shows (zoom), plus the time axis of the main
 * view. Times are seconds after the data's origin.
 */
import { axisTop } from 'd3-axis';
import { brushX, type BrushBehavior, type D3BrushEvent } from 'd3-brush';
import { scaleLinear, scaleTime } from 'd3-scale';
import { select, type Selection } from 'd3-selection';
import { LABEL_WIDTH, type TimeView } from './timelineCanvas';

const DENSITY_BINS = 240;

export class TimelineNavigator {
  private readonly brush: BrushBehavior<unknown>;
  private readonly brushGroup: Selection<SVGGElement, unknown, null, undefined>;
  private readonly density: Selection<SVGPathElement, unknown, null, undefined>;
  private readonly axisGroup: Selection<SVGGElement, unknown, null, undefined>;
  private span = 1;
  private width = 0;
  /** Set while the code moves the brush, so the move is not taken for the user's. */
  private moving = false;

  constructor(
    private readonly overview: SVGSVGElement,
    axis: SVGSVGElement,
    private readonly onBrush: (view: TimeView | undefined) => void,
  ) {
    const svg = select(overview);
    this.density = svg.append('path').attr('class', 'density');
    this.brushGroup = svg.append('g').attr('class', 'brush');
    this.brush = brushX().on('brush end', (event: D3BrushEvent<unknown>) => {
      if (this.moving || !event.sourceEvent) return;
      const selection = event.selection as [number, number] | null;
      const x = this.x();
      this.onBrush(selection ? { t0: x.invert(selection[0]), t1: x.invert(selection[1]) } : undefined);
    });
    this.axisGroup = select(axis).append('g').attr('transform', 'translate(0,21)');
  }

  private x() {
    return scaleLinear().domain([0, this.span]).range([LABEL_WIDTH, Math.max(LABEL_WIDTH + 1, this.width)]);
  }

  /** The whole window's length, the bar starts (for the density sketch) and the strip's width. */
  setData(span: number, starts: readonly number[], width: number): void {
    this.span = Math.max(1e-3, span);
    this.width = width;
    const bins = new Array<number>(DENSITY_BINS).fill(0);
    for (const s of starts) {
      const bin = Math.floor((s / this.span) * DENSITY_BINS);
      if (bin >= 0 && bin < DENSITY_BINS) bins[bin]++;
    }
    const max = Math.max(1, ...bins);
    const x = this.x();
    const h = this.overview.clientHeight || 36;
    const path = bins.map((n, i) => `M${x((i / DENSITY_BINS) * this.span)},${h}v${-((n / max) * (h - 4))}h${(this.width - LABEL_WIDTH) / DENSITY_BINS}v${(n / max) * (h - 4)}z`).join('');
    this.density.attr('d', path);
    this.brush.extent([[LABEL_WIDTH, 0], [Math.max(LABEL_WIDTH + 1, width), h]]);
    this.brushGroup.call(this.brush);
  }

  /** Show `view` in the brush (no brush = the whole window) and the axis for it. */
  show(view: TimeView, origin: number): void {
    const x = this.x();
    const whole = view.t0 <= 0 && view.t1 >= this.span;
    this.moving = true;
    this.brushGroup.call(this.brush.move, whole ? null : [x(Math.max(0, view.t0)), x(Math.min(this.span, view.t1))]);
    this.moving = false;
    const time = scaleTime()
      .domain([new Date((origin + view.t0) * 1000), new Date((origin + view.t1) * 1000)])
      .range([LABEL_WIDTH, Math.max(LABEL_WIDTH + 1, this.width)]);
    this.axisGroup.call(axisTop(time).ticks(Math.max(2, Math.floor((this.width - LABEL_WIDTH) / 90))));
  }
}
