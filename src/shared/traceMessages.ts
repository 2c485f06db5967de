/**
 * Messages between the trace panel's host (src/vscode/panels/tracePanel.ts) and its webview
 * (webview/trace/main.ts).
 */
import type { Trace } from '../core/trace/traceTypes';
import type { TraceContext } from '../core/trace/traceparent';

export type { Trace, TraceSpan } from '../core/trace/traceTypes';
export type { TraceContext } from '../core/trace/traceparent';

export interface TraceRestore {
  connectionId: string;
  /** Root task id of the workflow. */
  rootId: string;
  /** The root task's name, for the tab title. */
  name?: string;
}

export type ToTrace = {
  type: 'trace';
  trace: Trace;
  /** One line about the trace context for humans (why it is unknown, or the parsed fields). */
  contextText: string;
};

export type FromTrace =
  | { type: 'openTask'; taskId: string }
  /** Copy text (a traceparent, a trace id) to the clipboard: webviews cannot reach it reliably. */
  | { type: 'copy'; text: string }
  /** After drawing: the rows drawn and the trace context shown (the host keeps it, for tests). */
  | { type: 'rendered'; spans: number; context: TraceContext['status'] };
