/**
 * Messages of the workflow flow diagram (webview/flow ⇄ src/vscode/panels/flow). The graph itself is
 * core's WorkflowGraph (plain JSON); the webview lays it out (src/core/workflow/layout.ts) and draws it.
 */
import type { WorkflowGraph, WorkflowTask } from '../core/workflow/workflowGraph';

/** What recreates a flow panel after a reload: the cluster and the task it was opened for. */
export interface FlowRestore {
  readonly connectionId: string;
  readonly taskId: string;
}

/** Host → webview. */
export type ToFlow =
  /** The whole workflow: the webview lays it out again (keeping the zoom). */
  | { readonly type: 'graph'; readonly graph: WorkflowGraph; readonly connectionName: string }
  /** Same shape, changed tasks only (state, times, critical flags): no new layout. */
  | { readonly type: 'tasks'; readonly tasks: WorkflowTask[]; readonly criticalEdges: ReadonlyArray<readonly [string, string]>; readonly totalS?: number }
  /** Nothing to draw, and why (not connected, task unknown). */
  | { readonly type: 'empty'; readonly message: string }
  /** The host saved an export. */
  | { readonly type: 'exported'; readonly path: string };

/** Webview → host. */
export type FromFlow =
  | { readonly type: 'openTask'; readonly taskId: string }
  | { readonly type: 'revealTask'; readonly taskId: string }
  /** `data`: the SVG text, or the PNG as base64. */
  | { readonly type: 'export'; readonly format: 'svg' | 'png'; readonly data: string }
  /** After drawing a graph: what is on screen (the tests read it; the host logs slow draws). */
  | { readonly type: 'rendered'; readonly nodes: number; readonly groups: number; readonly edges: number; readonly layoutMs: number; readonly drawMs: number };
