/**
 * Layout of TaskRecord.times, the one array of doubles a task keeps its times and history in:
 * one slot per time (`NaN` = unknown), then the history length and (timestamp, code) pairs.
 */
export const SENT = 0;
export const RECEIVED = 1;
export const STARTED = 2;
export const SUCCEEDED = 3;
export const FAILED = 4;
export const RETRIED = 5;
export const REVOKED = 6;
export const REJECTED = 7;
export const TIMESTAMP = 8;
export const RUNTIME = 9;
export const LAST_SEEN = 10;
export const HISTORY_COUNT = 11;
export const HISTORY_START = 12;

/** Slot of each event subject's time. */
export const SUBJECT_TIME_SLOT: ReadonlyMap<string, number> = new Map([
  ['sent', SENT], ['received', RECEIVED], ['started', STARTED], ['succeeded', SUCCEEDED],
  ['failed', FAILED], ['retried', RETRIED], ['revoked', REVOKED], ['rejected', REJECTED],
]);

/** A value for the times array: a number, else NaN (anything else would make V8 box every slot). */
export function toTime(value: unknown): number {
  return typeof value === 'number' ? value : NaN;
}
