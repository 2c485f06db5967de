/**
 * The plain, JSON-ready picture of a cluster that the CLI prints (`--json`) and the UI renders.
 * Unknown values are `null` (never omitted), times are epoch seconds.
 */

export interface SnapshotWorker {
  hostname: string;
  /** Alive by Celery's rule: a heartbeat within `freq * 2` seconds. */
  online: boolean;
  /** Pool implementation when the worker reports it (`inspect stats`, Celery >= 5.3). */
  pool?: string;
  /** Pool size (`inspect stats` pool max-concurrency). */
  concurrency?: number;
  /** Tasks processed so far (heartbeat counter); null when no heartbeat carried it yet. */
  processed: number | null;
  /** Ids of the tasks running now (`inspect active` when merged, else from events). */
  active: string[];
  /** Queues it consumes (`inspect active_queues`). */
  queues: string[];
  /** Registered task names (`inspect registered`, without the ` [attr=...]` suffixes). */
  registered: string[];
  /** Our receive time of its last heartbeat; null when none. */
  heartbeat: number | null;
  pid?: number;
  /** Celery version (`sw_ver`). */
  version?: string;
  loadavg?: number[];
  /** Heartbeat interval, seconds. */
  freq?: number;
  /** True when it announced `worker-offline`. */
  offline?: boolean;
}

export interface SnapshotTask {
  id: string;
  name: string | null;
  /** Celery state name: PENDING RECEIVED STARTED SUCCESS FAILURE RETRY REVOKED REJECTED (or custom). */
  state: string;
  worker: string | null;
  /** Python repr strings (Celery truncates them around 1024 characters). */
  args: string | null;
  kwargs: string | null;
  /** A repr string from events, or the real JSON value from the result backend. */
  result: unknown;
  exception: string | null;
  traceback: string | null;
  parentId: string | null;
  rootId: string | null;
  groupId: string | null;
  children: string[];
  retries: number | null;
  sent: number | null;
  received: number | null;
  started: number | null;
  /** When it reached its final state (succeeded/failed/revoked/rejected). */
  finished: number | null;
  /** Seconds of execution (`task-succeeded`). */
  runtime: number | null;
  eta?: string | null;
  expires?: string | null;
  queue?: string | null;
}

export interface SnapshotQueue {
  name: string;
  /** Ready messages, all priority levels. */
  messages: number;
  /** Consumers; null when the broker cannot tell (Redis). */
  consumers: number | null;
  /** Per priority bucket (Redis: "0", "3", "6", "9"). */
  byPriority: Record<string, number>;
}

/** Something that went wrong while building the snapshot (an undecodable message, a failed call). */
export interface SnapshotError {
  kind: 'undecodable' | 'error';
  /** What was being read: task, event, control, result, or e.g. "inspect stats". */
  source: string;
  where?: string;
  message: string;
  taskId?: string;
  taskName?: string;
}

export interface Snapshot {
  workers: SnapshotWorker[];
  queues: SnapshotQueue[];
  tasks: SnapshotTask[];
  errors: SnapshotError[];
}
