/**
 * The timeline's data as it crosses to the webview (src/shared/timelineMessages.ts): plain JSON,
 * no imports, so the webview bundle type-checks it without the core behind it.
 */

/** How an attempt ended; `open` while it has not (running, waiting, or its end was never seen). */
export type AttemptOutcome = 'open' | 'succeeded' | 'failed' | 'retried' | 'revoked' | 'rejected';

/** Every outcome, in the order of {@link outcomeCode}. */
export const ATTEMPT_OUTCOMES: readonly AttemptOutcome[] = Object.freeze(['open', 'succeeded', 'failed', 'retried', 'revoked', 'rejected']);

/** Bar flag: still running or waiting (drawn up to `now`). */
export const BAR_OPEN = 1;
/** Bar flag: its end was never seen (an event lost, or the worker died): drawn as a stub. */
export const BAR_END_UNKNOWN = 2;
/** Bar flag: a retry (not the task's first execution). */
export const BAR_RETRY = 4;

/** A lane: one worker, or one pool process of it (`pid` 0: process unknown). */
export interface TimelineLane {
  worker: string;
  pid: number;
}

/** Bars, one index across every array. Times are seconds after `origin`. */
export interface TimelineBars {
  taskId: string[];
  /** Index into {@link TimelineData.names} (-1: name unknown). */
  name: number[];
  lane: number[];
  /** When it was received (or started, when the receipt is unknown). */
  start: number[];
  /** When it started running (equal to `end` when it never did). */
  run: number[];
  end: number[];
  /** {@link outcomeCode} of the attempt's outcome. */
  outcome: number[];
  /** BAR_OPEN | BAR_END_UNKNOWN | BAR_RETRY. */
  flags: number[];
  /** Attempt number (0: first execution). */
  attempt: number[];
}

export interface TimelineData {
  /** Epoch seconds every bar time is relative to (the window's start). */
  origin: number;
  /** The window, epoch seconds. */
  from: number;
  to: number;
  /** The state's clock when the answer was made, epoch seconds. */
  now: number;
  lanes: TimelineLane[];
  names: string[];
  bars: TimelineBars;
  /** More bars overlapped the window than `maxBars`: the oldest were left out. */
  truncated: boolean;
}
