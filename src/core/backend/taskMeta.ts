/**
 * Celery's result-backend records (`celery-task-meta-<id>`, `celery-taskset-meta-<gid>`) decoded
 * into typed values. Parsers never throw: a record that is not valid JSON, or not shaped like a
 * result, becomes an {@link Undecodable} with source 'result'.
 */
import { previewOf, undecodable, type Undecodable } from '../celery/rawMessage';

export const TASK_META_PREFIX = 'celery-task-meta-';
export const GROUP_META_PREFIX = 'celery-taskset-meta-';

/** One task's stored state. PENDING is never stored: a missing key means pending or unknown. */
export interface TaskMeta {
  kind: 'task-meta';
  taskId: string;
  /** STARTED, SUCCESS, FAILURE, RETRY, REVOKED, or a custom state. */
  status: string;
  /** The return value; for FAILURE/RETRY/REVOKED `{exc_type, exc_message, exc_module}`; for STARTED `{pid, hostname}`. */
  result: unknown;
  traceback: string | null;
  /** Ids of tasks this task spawned (from Celery's `as_tuple` encoding; group members flattened). */
  children: string[];
  /** Epoch seconds; Celery writes a naive UTC ISO string. Undefined while not done. */
  dateDone?: number;
  parentId?: string;
  groupId?: string;
  /** Present when the app runs with `result_extended=True`. */
  name?: string;
  args?: unknown[];
  kwargs?: Record<string, unknown>;
  worker?: string;
  retries?: number;
  queue?: string;
  /** Bytes of the stored JSON. */
  size: number;
}

/** A saved group (`GroupResult.save()`). */
export interface GroupMeta {
  kind: 'group-meta';
  groupId: string;
  /** Member task ids in group order. */
  taskIds: string[];
  size: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * Celery's `date_done` (`2026-11-23T11:26:43.412333`, naive UTC; newer versions may add an offset)
 * in epoch seconds, keeping the microseconds. Undefined when absent or unreadable.
 */
export function parseDateDone(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/.exec(value.trim());
  if (!m) return undefined;
  const whole = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) / 1000;
  const fraction = m[7] ? Number(`0.${m[7]}`) : 0;
  let offsetSeconds = 0;
  if (m[8] && m[8] !== 'Z') {
    const sign = m[8].startsWith('-') ? -1 : 1;
    const digits = m[8].slice(1).replace(':', '');
    offsetSeconds = sign * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2)) * 60);
  }
  const seconds = whole + fraction - offsetSeconds;
  return Number.isFinite(seconds) ? seconds : undefined;
}

/**
 * Task ids inside an `as_tuple` encoding: a task is `[[id, parent], null]`, a group is
 * `[[gid, parent], [members...]]` (its members are collected, not its id). A bare id string is
 * accepted too. Unknown shapes are skipped.
 */
export function taskIdsFromTuples(entries: unknown, depth = 0): string[] {
  if (!Array.isArray(entries) || depth > 16) return [];
  const ids: string[] = [];
  for (const entry of entries) {
    if (typeof entry === 'string') {
      ids.push(entry);
    } else if (Array.isArray(entry) && Array.isArray(entry[0])) {
      if (Array.isArray(entry[1])) ids.push(...taskIdsFromTuples(entry[1], depth + 1));
      else if (typeof entry[0][0] === 'string') ids.push(entry[0][0]);
    }
  }
  return ids;
}

function parseJson(data: Buffer | string, where: string): { value: unknown; size: number } | Undecodable {
  const size = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
  try {
    return { value: JSON.parse(typeof data === 'string' ? data : data.toString('utf8')), size };
  } catch (err) {
    return undecodable('result', where, `result record is not JSON (${(err as Error).message})`, { size, preview: previewOf(data) });
  }
}

/** Decode a `celery-task-meta-<id>` value. `key` names it in errors and supplies the id when missing. */
export function parseTaskMeta(data: Buffer | string, key: string): TaskMeta | Undecodable {
  const parsed = parseJson(data, key);
  if ('kind' in parsed) return parsed;
  const { value, size } = parsed;
  if (!isRecord(value) || typeof value.status !== 'string') {
    return undecodable('result', key, 'result record has no "status"', { size, preview: previewOf(data) });
  }
  const fallbackId = key.startsWith(TASK_META_PREFIX) ? key.slice(TASK_META_PREFIX.length) : key;
  const meta: TaskMeta = {
    kind: 'task-meta',
    taskId: typeof value.task_id === 'string' ? value.task_id : fallbackId,
    status: value.status,
    result: value.result ?? null,
    traceback: typeof value.traceback === 'string' ? value.traceback : null,
    children: taskIdsFromTuples(value.children),
    size,
  };
  const dateDone = parseDateDone(value.date_done);
  if (dateDone !== undefined) meta.dateDone = dateDone;
  const parentId = optionalString(value.parent_id);
  if (parentId !== undefined) meta.parentId = parentId;
  const groupId = optionalString(value.group_id);
  if (groupId !== undefined) meta.groupId = groupId;
  const name = optionalString(value.name);
  if (name !== undefined) meta.name = name;
  if (Array.isArray(value.args)) meta.args = value.args;
  if (isRecord(value.kwargs)) meta.kwargs = value.kwargs;
  const worker = optionalString(value.worker);
  if (worker !== undefined) meta.worker = worker;
  if (typeof value.retries === 'number') meta.retries = value.retries;
  const queue = optionalString(value.queue);
  if (queue !== undefined) meta.queue = queue;
  return meta;
}

/** Decode a `celery-taskset-meta-<gid>` value (`{"result": [[gid, null], [member tuples]]}`). */
export function parseGroupMeta(data: Buffer | string, key: string): GroupMeta | Undecodable {
  const parsed = parseJson(data, key);
  if ('kind' in parsed) return parsed;
  const { value, size } = parsed;
  const tuple = isRecord(value) ? value.result : undefined;
  if (!Array.isArray(tuple) || !Array.isArray(tuple[0]) || !Array.isArray(tuple[1])) {
    return undecodable('result', key, 'group record is not {"result": [[group_id, parent], [members]]}', { size, preview: previewOf(data) });
  }
  const fallbackId = key.startsWith(GROUP_META_PREFIX) ? key.slice(GROUP_META_PREFIX.length) : key;
  return {
    kind: 'group-meta',
    groupId: typeof tuple[0][0] === 'string' ? tuple[0][0] : fallbackId,
    taskIds: taskIdsFromTuples(tuple[1]),
    size,
  };
}
