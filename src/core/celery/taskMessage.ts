/**
 * Decode a Celery task message (message protocol 2, and the older protocol 1) from a
 * {@link RawMessage}. Untrusted input: this never throws, and anything it cannot read becomes an
 * {@link Undecodable} with a one-line reason (see jsonBody.ts for the content-type rules and the
 * size cap).
 *
 * Protocol 2 (Celery >= 4): the `task` header is present; headers carry id/task/eta/...; the body
 * is exactly `[args, kwargs, embed]`. Protocol 1: no `task` header; the body is a dict
 * `{id, task, args, kwargs, retries, eta, expires, taskset|group, chord, callbacks, errbacks, utc}`.
 * This is the same test Celery's worker uses to tell them apart.
 */
import { isUndecodable, RawMessage, Undecodable, undecodable } from './rawMessage';
import { parseJsonBody, UndecodableContext } from './jsonBody';
import type { TaskEmbed, TaskMessage } from './types';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A string, null (kept: "sent as null"), or undefined for absent/garbage. */
function strOrNull(value: unknown): string | null | undefined {
  if (value === null) return null;
  return typeof value === 'string' ? value : undefined;
}

function numOrNull(value: unknown): number | null | undefined {
  if (value === null) return null;
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function listOrNull(value: unknown): unknown[] | null {
  return Array.isArray(value) ? value : null;
}

function timelimitOf(value: unknown): [number | null, number | null] | undefined {
  if (!Array.isArray(value) || value.length !== 2) return undefined;
  return [numOrNull(value[0]) ?? null, numOrNull(value[1]) ?? null];
}

function embedOf(value: unknown): TaskEmbed {
  if (!isRecord(value)) return { callbacks: null, errbacks: null, chain: null, chord: null };
  return {
    callbacks: listOrNull(value.callbacks),
    errbacks: listOrNull(value.errbacks),
    chain: listOrNull(value.chain),
    chord: value.chord ?? null,
  };
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Fields that come from the transport, identical for both protocols. */
function transportFields(raw: RawMessage): Pick<TaskMessage,
  'contentType' | 'contentEncoding' | 'priority' | 'correlationId' | 'replyTo' | 'exchange' | 'routingKey' | 'redelivered' | 'size'> {
  const p = raw.properties;
  return {
    // '' means the message carried no content type / encoding.
    contentType: raw.contentType ?? '',
    contentEncoding: raw.contentEncoding ?? '',
    priority: typeof p.priority === 'number' ? p.priority : undefined,
    correlationId: str(p.correlation_id),
    replyTo: str(p.reply_to),
    exchange: raw.deliveryInfo.exchange,
    routingKey: raw.deliveryInfo.routingKey,
    redelivered: raw.deliveryInfo.redelivered,
    size: raw.size,
  };
}

function decodeProtocol2(raw: RawMessage, where: string, body: unknown, context: UndecodableContext): TaskMessage | Undecodable {
  const h = raw.headers;
  const fail = (reason: string): Undecodable =>
    undecodable('task', where, reason, { size: raw.size, contentType: raw.contentType, contentEncoding: raw.contentEncoding, ...context });
  const name = str(h.task);
  if (!name) return fail(`"task" header is ${typeName(h.task)}, expected the task name`);
  const id = str(h.id);
  if (!id) return fail(`missing task id: "id" header is ${h.id === undefined ? 'absent' : typeName(h.id)}`);
  if (!Array.isArray(body) || body.length !== 3) {
    return fail(`protocol 2 body must be [args, kwargs, embed], got ${typeName(body)}`);
  }
  const [args, kwargs, embed] = body as unknown[];
  if (!Array.isArray(args)) return fail(`protocol 2 args must be a list, got ${typeName(args)}`);
  if (!isRecord(kwargs)) return fail(`protocol 2 kwargs must be an object, got ${typeName(kwargs)}`);
  if (embed !== null && !isRecord(embed)) return fail(`protocol 2 embed must be an object, got ${typeName(embed)}`);
  return {
    kind: 'task',
    protocol: 2,
    id,
    name,
    args,
    kwargs,
    embed: embedOf(embed),
    rootId: strOrNull(h.root_id),
    parentId: strOrNull(h.parent_id),
    group: strOrNull(h.group),
    groupIndex: numOrNull(h.group_index),
    retries: typeof h.retries === 'number' && Number.isFinite(h.retries) ? h.retries : 0,
    eta: strOrNull(h.eta),
    expires: strOrNull(h.expires),
    argsrepr: str(h.argsrepr),
    kwargsrepr: str(h.kwargsrepr),
    origin: str(h.origin),
    shadow: strOrNull(h.shadow),
    timelimit: timelimitOf(h.timelimit),
    ignoreResult: typeof h.ignore_result === 'boolean' ? h.ignore_result : undefined,
    headers: h,
    ...transportFields(raw),
  };
}

function decodeProtocol1(raw: RawMessage, where: string, body: unknown): TaskMessage | Undecodable {
  const fail = (reason: string, context: UndecodableContext = {}): Undecodable =>
    undecodable('task', where, reason, { size: raw.size, contentType: raw.contentType, contentEncoding: raw.contentEncoding, ...context });
  if (!isRecord(body)) {
    return fail(`no "task" header, and the body is ${typeName(body)}, not a protocol 1 task dict`, { taskId: str(raw.headers.id) });
  }
  const context = { taskId: str(body.id), taskName: str(body.task) };
  const name = str(body.task);
  if (!name) return fail('protocol 1 body has no "task" name', context);
  const id = str(body.id);
  if (!id) return fail('missing task id: protocol 1 body has no "id"', context);
  const args = body.args ?? [];
  const kwargs = body.kwargs ?? {};
  if (!Array.isArray(args)) return fail(`protocol 1 args must be a list, got ${typeName(args)}`, context);
  if (!isRecord(kwargs)) return fail(`protocol 1 kwargs must be an object, got ${typeName(kwargs)}`, context);
  const group = strOrNull(body.group) ?? strOrNull(body.taskset);
  return {
    kind: 'task',
    protocol: 1,
    id,
    name,
    args,
    kwargs,
    embed: { callbacks: listOrNull(body.callbacks), errbacks: listOrNull(body.errbacks), chain: null, chord: body.chord ?? null },
    group,
    groupIndex: numOrNull(body.group_index),
    retries: typeof body.retries === 'number' && Number.isFinite(body.retries) ? body.retries : 0,
    eta: strOrNull(body.eta),
    expires: strOrNull(body.expires),
    timelimit: timelimitOf(body.timelimit),
    headers: raw.headers,
    ...transportFields(raw),
  };
}

/** Decode a task message; `where` names the queue (or key) it came from, for error reports. */
export function decodeTaskMessage(raw: RawMessage, where: string): TaskMessage | Undecodable {
  const context: UndecodableContext = {};
  try {
    const headers = raw.headers ?? {};
    context.taskId = str(headers.id);
    context.taskName = str(headers.task);
    const parsed = parseJsonBody(raw, 'task', where, context);
    if (isUndecodable(parsed)) return parsed;
    // Celery's own test: a `task` header means protocol 2.
    return headers.task !== undefined
      ? decodeProtocol2(raw, where, parsed.value, context)
      : decodeProtocol1(raw, where, parsed.value);
  } catch (err) {
    return undecodable('task', where, `could not decode task message (${String((err as Error)?.message ?? err)})`, {
      size: typeof raw?.size === 'number' ? raw.size : 0,
      ...context,
    });
  }
}
