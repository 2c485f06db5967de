/**
 * Build a task message the way Celery 5's `app.send_task` does (message protocol 2), so a worker
 * cannot tell it from one sent by Python: same header set and order, same properties, and a body
 * serialized byte-for-byte like kombu's JSON (`[args, kwargs, embed]`).
 *
 * Celery behaviours reproduced on purpose:
 * - `countdown` becomes an absolute `eta`; a countdown of 0 means "no eta" (Celery tests truthiness).
 * - `expires` in seconds becomes an absolute ISO header, and also the `expiration` property in
 *   milliseconds: on RabbitMQ that is a real per-message TTL (the broker may drop the message
 *   unseen). An `expires` already in the past gives `expiration: "0"`, as Celery does.
 * - `root_id` defaults to the task's own id; times are UTC ISO-8601 with `+00:00`, microseconds
 *   omitted when zero (Python's `isoformat`).
 * - `argsrepr`/`kwargsrepr` use Celery's truncating saferepr (1024 characters).
 * - Priority is carried as given; the Redis broker maps it to kombu's priority buckets.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { CeleryLensError } from '../util/errors';
import type { OutgoingMessage } from './rawMessage';
import { argsRepr, kwargsRepr } from './pythonRepr';
import { pythonJsonDumps } from './pythonJson';

/** What `send_task` takes, in camelCase. Only `name` is required. */
export interface SendTaskOptions {
  /** Registered task name, e.g. `proj.tasks.add`. */
  name: string;
  args?: unknown[];
  kwargs?: Record<string, unknown>;
  /** Task id; a new uuid4 by default. */
  id?: string;
  /** Target queue (default `celery`). Published through the default exchange with routing key = queue. */
  queue?: string;
  /** Exchange to publish to (default `''`, the default exchange). */
  exchange?: string;
  /** Routing key (default: the queue name). */
  routingKey?: string;
  /** Seconds from now until the task may run (becomes `eta`). Exclusive with `eta`. */
  countdown?: number;
  /** Earliest run time: a Date, or an ISO-8601 string sent as is. */
  eta?: Date | string;
  /** Seconds from now, or an absolute Date / ISO-8601 string, after which workers discard it. */
  expires?: number | Date | string;
  /** Message priority (0-255). Redis: 0 runs first; RabbitMQ (x-max-priority queues): higher first. */
  priority?: number;
  parentId?: string | null;
  /** Workflow root; defaults to the task's own id, as Celery does. */
  rootId?: string | null;
  /** Group id (`group` header). */
  group?: string | null;
  groupIndex?: number | null;
  retries?: number;
  /** Display-name override (`shadow` header). */
  shadow?: string | null;
  /** Hard and soft time limits in seconds (`timelimit` header is `[hard, soft]`). */
  timeLimit?: number | null;
  softTimeLimit?: number | null;
  ignoreResult?: boolean;
  /** Sender node name; default `gen<pid>@<hostname>`, like a Python client. */
  origin?: string;
  /** Reply address (`reply_to` property); default: this process's client id (a uuid4). */
  replyTo?: string;
  /** Extra headers, added after Celery's own (like `apply_async(headers=...)`). */
  headers?: Record<string, unknown>;
  /** The current time, for tests (defaults to the system clock). */
  now?: Date;
}

/** The options given to {@link encodeTaskMessage} are invalid; the message names the option. */
export class TaskOptionsError extends CeleryLensError {
  constructor(message: string) {
    super(message, 'BAD_TASK_OPTIONS');
    this.name = 'TaskOptionsError';
  }
}

let clientId: string | undefined;

/** This process's client id, used as `reply_to` like a Celery app's `thread_oid`. */
export function defaultReplyTo(): string {
  clientId ??= randomUUID();
  return clientId;
}

/** `gen<pid>@<hostname>`, the origin a Python client process puts on its messages. */
export function defaultOrigin(): string {
  return `gen${process.pid}@${hostname()}`;
}

/** Python's `datetime.isoformat()` for a UTC instant: microseconds, omitted when zero; `+00:00`. */
export function pythonIsoformat(date: Date): string {
  const iso = date.toISOString(); // 2026-11-23T11:26:54.976Z
  const ms = date.getUTCMilliseconds();
  const base = iso.slice(0, 19);
  return ms === 0 ? `${base}+00:00` : `${base}.${String(ms * 1000).padStart(6, '0')}+00:00`;
}

function finiteNumber(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new TaskOptionsError(`${what} must be a finite number of seconds, got ${String(value)}`);
  return value;
}

function timeOf(value: Date | string, what: string): { header: string; ms: number } {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TaskOptionsError(`${what} is an invalid Date`);
    return { header: pythonIsoformat(value), ms: value.getTime() };
  }
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    if (Number.isNaN(ms)) throw new TaskOptionsError(`${what} must be an ISO-8601 time, got "${value}"`);
    return { header: value, ms };
  }
  throw new TaskOptionsError(`${what} must be a Date or an ISO-8601 string`);
}

function nullableString(value: unknown, what: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new TaskOptionsError(`${what} must be a string`);
  return value;
}

function nullableSeconds(value: number | null | undefined, what: string): number | null {
  return value === undefined || value === null ? null : finiteNumber(value, what);
}

/** Build the protocol-2 message for a task. Throws {@link TaskOptionsError} for invalid options. */
export function encodeTaskMessage(opts: SendTaskOptions): OutgoingMessage {
  if (typeof opts.name !== 'string' || opts.name === '') throw new TaskOptionsError('task name must be a non-empty string');
  const args = opts.args ?? [];
  const kwargs = opts.kwargs ?? {};
  if (!Array.isArray(args)) throw new TaskOptionsError('task args must be a list');
  if (typeof kwargs !== 'object' || kwargs === null || Array.isArray(kwargs)) throw new TaskOptionsError('task kwargs must be an object');
  const id = opts.id ?? randomUUID();
  if (typeof id !== 'string' || id === '') throw new TaskOptionsError('task id must be a non-empty string');
  const queue = opts.queue ?? 'celery';
  if (typeof queue !== 'string' || queue === '') throw new TaskOptionsError('queue must be a non-empty string');
  if (opts.countdown !== undefined && opts.eta !== undefined) throw new TaskOptionsError('give either countdown or eta, not both');
  const nowMs = (opts.now ?? new Date()).getTime();

  let eta: string | null = null;
  if (opts.countdown !== undefined) {
    const countdown = finiteNumber(opts.countdown, 'countdown');
    if (countdown) eta = pythonIsoformat(new Date(nowMs + countdown * 1000));
  } else if (opts.eta !== undefined) {
    eta = timeOf(opts.eta, 'eta').header;
  }

  let expires: string | null = null;
  let expiration: string | undefined;
  if (opts.expires !== undefined) {
    let seconds: number;
    if (typeof opts.expires === 'number') {
      seconds = finiteNumber(opts.expires, 'expires');
      expires = pythonIsoformat(new Date(nowMs + seconds * 1000));
    } else {
      const at = timeOf(opts.expires, 'expires');
      expires = at.header;
      seconds = (at.ms - nowMs) / 1000;
    }
    expiration = String(Math.trunc(Math.max(0, seconds) * 1000));
  }

  const priority = opts.priority ?? 0;
  if (!Number.isInteger(priority) || priority < 0 || priority > 255) throw new TaskOptionsError(`priority must be an integer from 0 to 255, got ${String(priority)}`);
  const retries = opts.retries ?? 0;
  if (!Number.isInteger(retries) || retries < 0) throw new TaskOptionsError(`retries must be a non-negative integer, got ${String(retries)}`);

  const headers: Record<string, unknown> = {
    lang: 'py',
    task: opts.name,
    id,
    shadow: nullableString(opts.shadow, 'shadow'),
    eta,
    expires,
    group: nullableString(opts.group, 'group'),
    group_index: opts.groupIndex ?? null,
    retries,
    timelimit: [nullableSeconds(opts.timeLimit, 'timeLimit'), nullableSeconds(opts.softTimeLimit, 'softTimeLimit')],
    root_id: opts.rootId || id,
    parent_id: nullableString(opts.parentId, 'parentId'),
    argsrepr: argsRepr(args),
    kwargsrepr: kwargsRepr(kwargs),
    origin: opts.origin ?? defaultOrigin(),
    ignore_result: opts.ignoreResult ?? false,
    ...opts.headers,
  };

  const properties: OutgoingMessage['properties'] = {
    correlation_id: id,
    reply_to: opts.replyTo ?? defaultReplyTo(),
    delivery_mode: 2,
  };
  if (expiration !== undefined) properties.expiration = expiration;
  properties.priority = priority;

  const body = pythonJsonDumps([args, kwargs, { callbacks: null, errbacks: null, chain: null, chord: null }]);
  const exchange = opts.exchange ?? '';
  return {
    body: Buffer.from(body, 'utf8'),
    contentType: 'application/json',
    contentEncoding: 'utf-8',
    headers,
    properties,
    exchange,
    routingKey: opts.routingKey ?? queue,
  };
}
