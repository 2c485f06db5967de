/**
 * The workflow diagram's data: plain JSON (sent as is to the flow webview). Tasks are nodes; a
 * group (or a chord's header) is a box of member tasks that counts as one unit for edges and
 * layout, so a chord with thousands of header tasks has one edge into its body, not thousands.
 */

/** How one unit leads to the next. */
export type WorkflowEdgeKind =
  /** Sent by the task (parent id): spawned inside it, or a chain step known only from events. */
  | 'parent'
  /** The next step of a chain (from the message's `chain` embed). */
  | 'chain'
  /** A `link` callback, run when the task succeeds. */
  | 'link'
  /** A `link_error` callback, run when the task fails. */
  | 'linkError'
  /** A chord's header group feeding its body. */
  | 'chord';

/** A task ref is its id; a group ref is `group:<group id>`. */
export type UnitRef = string;

export const GROUP_REF_PREFIX = 'group:';

export function groupRef(groupId: string): UnitRef {
  return `${GROUP_REF_PREFIX}${groupId}`;
}

export function isGroupRef(ref: UnitRef): boolean {
  return ref.startsWith(GROUP_REF_PREFIX);
}

export interface WorkflowTask {
  readonly id: string;
  /** Registered task name; `?` when no source named it yet. */
  readonly name: string;
  readonly shortId: string;
  /** Celery state; a placeholder (a step or callback not sent yet) is PENDING. */
  readonly state: string;
  /** Epoch seconds. */
  readonly sent?: number;
  readonly started?: number;
  /** When it succeeded, failed or was revoked. */
  readonly finished?: number;
  /** Run time in seconds: Celery's runtime, else finished − started, else (running) now − started. */
  readonly durationS?: number;
  readonly worker?: string;
  readonly retries?: number;
  /** The group (box) it is drawn in. */
  readonly groupId?: string;
  /** Known only from another task's message (a future chain step, a callback): not sent yet. */
  readonly placeholder?: boolean;
  /** On the critical path. */
  critical?: boolean;
}

export interface WorkflowGroup {
  readonly id: string;
  /** Member task ids, in group order where known. */
  readonly members: string[];
  /** True when the group is a chord's header (it feeds a body). */
  readonly chord: boolean;
  critical?: boolean;
}

export interface WorkflowEdge {
  readonly from: UnitRef;
  readonly to: UnitRef;
  readonly kind: WorkflowEdgeKind;
  critical?: boolean;
}

export interface WorkflowGraph {
  /** The task the diagram was opened for. */
  readonly focusId: string;
  /** The workflow's root task (the focus's root, or the first known task). */
  readonly rootId: string;
  readonly tasks: WorkflowTask[];
  readonly groups: WorkflowGroup[];
  readonly edges: WorkflowEdge[];
  /** First start and last end over the workflow (epoch seconds), and the time between. */
  readonly startedAt?: number;
  readonly finishedAt?: number;
  readonly totalS?: number;
  /** True when the workflow was cut at the size limit. */
  readonly truncated: boolean;
}

/** The first 8 characters of an id, as Celery tools print them. */
export function shortId(id: string): string {
  return id.slice(0, 8);
}
