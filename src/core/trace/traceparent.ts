/**
 * The W3C Trace Context `traceparent` header (https://www.w3.org/TR/trace-context/), as
 * OpenTelemetry's Celery instrumentation injects it into a task message's headers on publish:
 * `version-traceid-parentid-flags`, lower-case hex. The header comes from the wire, so anything
 * that does not follow the format is reported as invalid with the reason, never trusted.
 */

/** What is known about a task's trace context. */
export type TraceContext =
  /** No message of the task was read: events carry no headers, so nothing can be said. */
  | { status: 'unknown' }
  /** Its message was read and had no `traceparent` header. */
  | { status: 'absent' }
  | { status: 'invalid'; value: string; reason: string }
  | { status: 'valid'; value: string; version: string; traceId: string; parentId: string; flags: string; sampled: boolean };

const HEX = /^[0-9a-f]+$/;

/** Parse a header value (`undefined`: no message read; `null`: a message without the header). */
export function parseTraceparent(header: string | null | undefined): TraceContext {
  if (header === undefined) return { status: 'unknown' };
  if (header === null) return { status: 'absent' };
  const value = header.trim();
  const invalid = (reason: string): TraceContext => ({ status: 'invalid', value: header.slice(0, 128), reason });
  const parts = value.split('-');
  if (parts.length < 4) return invalid('expected version-traceid-parentid-flags');
  const [version, traceId, parentId, flags] = parts;
  if (version.length !== 2 || !HEX.test(version)) return invalid('the version is not two lower-case hex digits');
  if (version === 'ff') return invalid('version ff is forbidden');
  // Version 00 has exactly four fields; a later version may append more after the flags.
  if (version === '00' && parts.length !== 4) return invalid('version 00 has exactly four fields');
  if (traceId.length !== 32 || !HEX.test(traceId)) return invalid('the trace id is not 32 lower-case hex digits');
  if (/^0+$/.test(traceId)) return invalid('the trace id is all zeros');
  if (parentId.length !== 16 || !HEX.test(parentId)) return invalid('the parent id is not 16 lower-case hex digits');
  if (/^0+$/.test(parentId)) return invalid('the parent id is all zeros');
  if (flags.length !== 2 || !HEX.test(flags)) return invalid('the flags are not two lower-case hex digits');
  return { status: 'valid', value, version, traceId, parentId, flags, sampled: (parseInt(flags, 16) & 1) === 1 };
}

/** One line for a UI: the header, or why it is not shown. */
export function describeTraceContext(context: TraceContext): string {
  switch (context.status) {
    case 'unknown': return 'unknown: no message of this task was read (events carry no headers; only messages still queued or unacknowledged can be read)';
    case 'absent': return 'none: the task message has no traceparent header';
    case 'invalid': return `invalid (${context.reason}): ${context.value}`;
    case 'valid': return `${context.value} (trace ${context.traceId}, parent span ${context.parentId}${context.sampled ? ', sampled' : ''})`;
  }
}
