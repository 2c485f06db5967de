/**
 * The captured Redis event stream (test/fixtures/wire/redis/events-stream.jsonl) as templates for
 * the bench generator: each task's events (a lifecycle), one envelope per routing key, a heartbeat.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export type Event = Record<string, unknown> & { type: string; timestamp: number };

export interface Lifecycle {
  outcome: string;
  uuid: string;
  /** Events in receive order, with their receive time relative to the first. */
  steps: Array<{ event: Event; offset: number }>;
}

// Compiled: out/bench -> ../../test/fixtures; run from source: ../test/fixtures.
const FIXTURES = [resolve(__dirname, '../../test/fixtures/wire'), resolve(__dirname, '../test/fixtures/wire')]
  .find((dir) => existsSync(resolve(dir, 'README.md'))) as string;

/** Python's json.dumps layout (", " and ": "), as kombu serializes. */
export function pyJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pyJson).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${pyJson(v)}`).join(', ')}}`;
  }
  return JSON.stringify(value);
}

/** A small deterministic PRNG (mulberry32). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function outcomeOf(types: string[]): string {
  if (types.includes('task-retried')) return 'retried';
  if (types.includes('task-rejected')) return 'rejected';
  if (types.includes('task-revoked')) return 'revoked';
  if (types.includes('task-failed')) return types.includes('task-started') ? 'failed' : 'unregistered';
  if (types.includes('task-succeeded')) return 'succeeded';
  return 'other';
}

export interface Captured {
  lifecycles: Lifecycle[];
  envelopes: Map<string, Record<string, unknown>>;
  heartbeat: Event;
  channelPrefix: string;
}

/** Read the captured stream: lifecycles per task, and one envelope per routing key. */
export function loadCapture(): Captured {
  const rows = readFileSync(resolve(FIXTURES, 'redis/events-stream.jsonl'), 'utf8').split('\n').filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { channel: string; localReceived: number; raw: string });
  const byTask = new Map<string, Array<{ event: Event; at: number }>>();
  const envelopes = new Map<string, Record<string, unknown>>();
  let heartbeat: Event | undefined;
  let channelPrefix = '';
  for (const row of rows) {
    const envelope = JSON.parse(row.raw) as Record<string, unknown>;
    const routingKey = row.channel.slice(row.channel.lastIndexOf('/') + 1);
    channelPrefix = row.channel.slice(0, row.channel.lastIndexOf('/') + 1);
    if (!envelopes.has(routingKey)) envelopes.set(routingKey, envelope);
    const body = JSON.parse(Buffer.from(envelope.body as string, 'base64').toString('utf8')) as Event | Event[];
    for (const event of Array.isArray(body) ? body : [body]) {
      if (event.type === 'worker-heartbeat') heartbeat ??= event;
      if (typeof event.uuid !== 'string') continue;
      const steps = byTask.get(event.uuid) ?? [];
      steps.push({ event, at: row.localReceived });
      byTask.set(event.uuid, steps);
    }
  }
  const lifecycles = [...byTask].map(([uuid, steps]) => ({
    uuid,
    outcome: outcomeOf(steps.map((s) => s.event.type)),
    steps: steps.map((s) => ({ event: s.event, offset: s.at - steps[0].at })),
  }));
  if (!heartbeat) throw new Error('no worker-heartbeat in the capture');
  return { lifecycles, envelopes, heartbeat, channelPrefix };
}
