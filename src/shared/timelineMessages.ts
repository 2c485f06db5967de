/**
 * Messages between the timeline panel's host (src/vscode/panels/timelinePanel.ts) and its webview
 * (webview/timeline/main.ts). The bars are columnar (src/core/timeline/timelineTypes.ts).
 */
import type { TimelineData } from '../core/timeline/timelineTypes';

export type { TimelineData, TimelineLane, TimelineBars, AttemptOutcome } from '../core/timeline/timelineTypes';
export { ATTEMPT_OUTCOMES, BAR_END_UNKNOWN, BAR_OPEN, BAR_RETRY } from '../core/timeline/timelineTypes';

/** What recreates a timeline panel after a reload: the connection, and the worker when it shows one. */
export interface TimelineRestore {
  connectionId: string;
  /** The connection's name, for the tab title. */
  name: string;
  worker?: string;
}

/** Minutes of history the timeline can show. */
export const TIMELINE_RANGES: readonly number[] = Object.freeze([5, 15, 60, 240, 1440]);

export type ToTimeline = {
  type: 'timeline';
  data: TimelineData;
  /** The window ends now and moves with the clock. */
  follow: boolean;
  minutes: number;
  /** What the panel shows (connection name, worker). */
  title: string;
};

export type FromTimeline =
  /** Show the last `minutes`; `follow` keeps the window moving (otherwise it stays where it is). */
  | { type: 'setRange'; minutes: number; follow: boolean }
  | { type: 'openTask'; taskId: string }
  | { type: 'showTrace'; taskId: string }
  /** After drawing: how many bars are drawn (the host keeps it, for tests). */
  | { type: 'rendered'; bars: number; lanes: number };
