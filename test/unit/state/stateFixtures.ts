/** Feeds the captured Redis event stream into a ClusterState. */
import assert from 'node:assert/strict';
import { decodeEventMessage } from '../../../src/core/celery/events';
import { isUndecodable, parseRedisEnvelope } from '../../../src/core/celery/rawMessage';
import type { CeleryEvent } from '../../../src/core/celery/types';
import { ClusterState, ClusterStateOptions } from '../../../src/core/state/clusterState';
import { wireJson, wireJsonLines } from '../celery/wireFixtures';

export interface StreamRow {
  channel: string;
  localReceived: number;
  raw: string;
}

export const stream = wireJsonLines<StreamRow>('redis/events-stream.jsonl');
export const taskIds = wireJson<Record<string, string | string[]>>('redis/task-ids.json');

export function id(label: string, index?: number): string {
  const value = taskIds[label];
  if (Array.isArray(value)) return value[index ?? 0];
  assert.equal(typeof value, 'string', label);
  return value;
}

/** Decode rows as the event pipeline would (the state's clock, UTC here as in the capture). */
export function decodeRows(state: ClusterState, rows: StreamRow[]): CeleryEvent[] {
  const events: CeleryEvent[] = [];
  for (const row of rows) {
    const raw = parseRedisEnvelope(row.raw, 'event', row.channel);
    assert.ok(!isUndecodable(raw));
    const decoded = decodeEventMessage(raw, row.channel, row.localReceived, { clock: state.clock, localUtcOffset: 0 });
    assert.deepEqual(decoded.errors, []);
    events.push(...decoded.events);
  }
  return events;
}

/** A state that has seen the whole captured run. */
export function replayedState(options?: ClusterStateOptions): ClusterState {
  const state = new ClusterState(options);
  for (const event of decodeRows(state, stream)) state.apply(event);
  return state;
}

/** A synthetic event with the common fields filled. */
export function ev(type: string, fields: Record<string, unknown> = {}): CeleryEvent {
  return { type, hostname: 'w1@vm', timestamp: 1000, clock: 1, utcoffset: 0, pid: 10, local_received: 1000, ...fields } as CeleryEvent;
}

/** A time that is a multiple of every bucket width (10, 60, 120, 1800 s): window edges fall on round numbers. */
export const T0 = 1_795_428_000;

/** A state whose clock the test moves, and a helper to run one task through at time `at`. */
export function clocked(): { state: ClusterState; setNow: (t: number) => void; run: (uuid: string, at: number, end: string, fields?: Record<string, unknown>) => void } {
  let now = T0;
  const state = new ClusterState({ now: () => now });
  const run = (uuid: string, at: number, end: string, fields: Record<string, unknown> = {}): void => {
    const base = { uuid, name: 'shop.charge', hostname: 'w1@vm', timestamp: at, local_received: at };
    state.apply(ev('task-received', base));
    state.apply(ev('task-started', base));
    state.apply(ev(end, { ...base, ...fields }));
  };
  return { state, setNow: (t) => { now = t; }, run };
}
