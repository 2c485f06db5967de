/**
 * A workflow's trace as it crosses to the webview (src/shared/traceMessages.ts): plain JSON, and
 * imports only the leaf traceparent.ts, so the webview bundle type-checks it on its own.
 */
import type { TraceContext } from './traceparent';

/** One task of the trace. Offsets are seconds after {@link Trace.start}; undefined when unknown. */
export interface TraceSpan {
  id: string;
  name: string | null;
  state: string;
  /** Nesting level (0: top). */
  depth: number;
  parentId: string | null;
  /** Its parent is not in the trace (forgotten or never seen). */
  detached: boolean;
  worker: string | null;
  /** Sent or received: when it started waiting. */
  queued: number | undefined;
  started: number | undefined;
  ended: number | undefined;
  /** Running or waiting still: drawn up to the trace's `now`. */
  open: boolean;
  /** Executions seen (1 without retries). */
  attempts: number;
  traceContext: TraceContext;
}

export interface Trace {
  rootId: string;
  /** Epoch seconds of the workflow's first known moment (NaN when no task has a time). */
  start: number;
  /** Seconds from start to the last known end (or to now while tasks run). */
  duration: number;
  /** The state's clock, seconds after start. */
  now: number;
  spans: TraceSpan[];
  /** The workflow's trace context: the root's when known, else the first valid one among its tasks. */
  traceContext: TraceContext;
  /** Distinct trace ids among the tasks' valid contexts (more than one: the workflow spans traces). */
  traceIds: string[];
}
