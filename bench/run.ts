/**
 * `npm run bench`: replays a realistic event stream (eventStream.ts, built from real captured
 * Celery events) through the real pipeline, parseRedisEnvelope -> decodeEventMessage ->
 * ClusterState.apply, at full speed on the main thread, and prints:
 * - events/s while the state fills to `maxTasks`, and again while it is full (evicting);
 * - heap per retained task at `maxTasks` tasks (heapUsed after full GCs, minus the baseline);
 * - the time to build each tree level (selectors.ts) over those tasks.
 *
 * Options (environment): BENCH_TASKS (default 100000), BENCH_BATCH (worker buffer limit, default
 * 24), BENCH_RATE (tasks/s of stream time, default 5000), BENCH_SENT=0 (no task-sent events).
 * Needs --expose-gc for the heap figure.
 */
import { performance, PerformanceObserver } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import { decodeEventMessage, EventClock } from '../src/core/celery/events';
import { isUndecodable, parseRedisEnvelope } from '../src/core/celery/rawMessage';
import { ClusterState } from '../src/core/state/clusterState';
import { EventStreamGenerator, StreamMessage } from './eventStream';
import { treeLevelTimings } from './treeLevels';

const TASKS = Number(process.env.BENCH_TASKS ?? 100_000);
const CHUNK = 5_000;
const gc = (globalThis as { gc?: () => void }).gc;

/** GC pauses and replay intervals (performance.now() ms), matched up at the end. */
const gcPauses: Array<{ start: number; duration: number }> = [];
const replayIntervals: Array<[number, number]> = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcPauses.push({ start: entry.startTime, duration: entry.duration });
}).observe({ entryTypes: ['gc'] });

function gcSecondsDuringReplays(): number {
  let ms = 0;
  for (const pause of gcPauses) if (replayIntervals.some(([from, to]) => pause.start >= from && pause.start < to)) ms += pause.duration;
  return ms / 1000;
}

/** Decode and apply one chunk of messages; returns the events applied. */
function replay(state: ClusterState, messages: StreamMessage[]): number {
  let applied = 0;
  for (const m of messages) {
    const raw = parseRedisEnvelope(m.payload, 'event', m.channel);
    if (isUndecodable(raw)) throw new Error(`bench stream is broken: ${raw.reason}`);
    const { events, errors } = decodeEventMessage(raw, m.channel, m.localReceived, { clock: state.clock, localUtcOffset: 0 });
    if (errors.length) throw new Error(`bench stream is broken: ${errors[0].reason}`);
    for (let i = 0; i < events.length; i++) state.apply(events[i]);
    applied += events.length;
  }
  return applied;
}

/** Decode only (no state), to show what share of the time decoding takes. */
function decodeOnly(messages: StreamMessage[]): number {
  const clock = new EventClock();
  let decoded = 0;
  for (const m of messages) {
    const raw = parseRedisEnvelope(m.payload, 'event', m.channel);
    if (!isUndecodable(raw)) decoded += decodeEventMessage(raw, m.channel, m.localReceived, { clock, localUtcOffset: 0 }).events.length;
  }
  return decoded;
}

interface PhaseResult {
  events: number;
  messages: number;
  /** Wall-clock seconds of the replay. */
  seconds: number;
  /** CPU seconds of the process during the replay (one thread, with --single-threaded-gc). */
  cpu: number;
  /** CPU seconds of decoding the same messages without applying them. */
  decodeCpu: number;
}

/** Feed `tasks` more tasks; only the replay is timed (generating the messages is not). */
function phase(state: ClusterState, generator: EventStreamGenerator, tasks: number, last: boolean): PhaseResult {
  const result = { events: 0, messages: 0, seconds: 0, cpu: 0, decodeCpu: 0 };
  for (let done = 0; done < tasks; done += CHUNK) {
    const messages = generator.chunk(Math.min(CHUNK, tasks - done));
    if (last && done + CHUNK >= tasks) messages.push(...generator.drain());
    const decodeStart = process.cpuUsage();
    decodeOnly(messages);
    const decodeUsed = process.cpuUsage(decodeStart);
    result.decodeCpu += (decodeUsed.user + decodeUsed.system) / 1e6;
    const start = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    const from = performance.now();
    result.events += replay(state, messages);
    replayIntervals.push([from, performance.now()]);
    const used = process.cpuUsage(cpu);
    result.seconds += Number(process.hrtime.bigint() - start) / 1e9;
    result.cpu += (used.user + used.system) / 1e6;
    result.messages += messages.length;
  }
  return result;
}

function heapNow(): { heap: number; external: number } {
  for (let i = 0; i < 3; i++) gc?.();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, external: m.arrayBuffers };
}

function rate(r: PhaseResult): string {
  const perSecond = (seconds: number): string => Math.round(r.events / seconds).toLocaleString('en');
  return `${perSecond(r.seconds)} events/s wall, ${perSecond(r.cpu)} events/s of CPU (${r.events.toLocaleString('en')} events in ` +
    `${r.messages.toLocaleString('en')} messages, ${(r.events / r.messages).toFixed(1)} events/message; decoding alone ${perSecond(r.decodeCpu)} events/s)`;
}

async function main(): Promise<void> {
  const options = {
    batchLimit: Number(process.env.BENCH_BATCH ?? 24),
    tasksPerSecond: Number(process.env.BENCH_RATE ?? 5000),
    sentEvents: process.env.BENCH_SENT !== '0',
  };
  console.log(`Celery Lens state benchmark: ${TASKS.toLocaleString('en')} tasks, maxTasks ${TASKS.toLocaleString('en')}, ` +
    `worker buffer limit ${options.batchLimit}, ${options.tasksPerSecond} tasks/s of stream time, task-sent ${options.sentEvents ? 'on' : 'off'}, ` +
    `node ${process.version}, load average ${loadavg().map((n) => n.toFixed(1)).join(' ')}` +
    `${gc ? '' : ' (run with --expose-gc for the heap figure)'}`);
  const generator = new EventStreamGenerator(options);
  generator.chunk(0);
  const state = new ClusterState({ maxTasks: TASKS });
  const before = heapNow();

  const fill = phase(state, generator, TASKS, false);
  console.log(`fill 0 -> ${state.tasks.size.toLocaleString('en')} tasks:   ${rate(fill)}`);
  const after = heapNow();
  if (gc) {
    const heap = (after.heap - before.heap) / state.tasks.size;
    const external = (after.external - before.external) / state.tasks.size;
    console.log(`heap per retained task at ${state.tasks.size.toLocaleString('en')} tasks: ${Math.round(heap)} B ` +
      `(+ ${Math.round(external)} B of typed arrays outside the JS heap)`);
  }

  const full = phase(state, generator, TASKS, true);
  console.log(`at ${TASKS.toLocaleString('en')} tasks (evicting): ${rate(full)}; ${state.evictedCount.toLocaleString('en')} evicted`);
  const all = {
    events: fill.events + full.events, messages: fill.messages + full.messages, seconds: fill.seconds + full.seconds, cpu: fill.cpu + full.cpu,
    decodeCpu: fill.decodeCpu + full.decodeCpu,
  };
  console.log(`sustained over both:        ${rate(all)}`);
  await new Promise((done) => setTimeout(done, 10)); // let the GC observer deliver
  console.log(`  of which GC pauses: ${gcSecondsDuringReplays().toFixed(2)} s of ${all.seconds.toFixed(2)} s`);

  console.log(`tree levels over ${state.tasks.size.toLocaleString('en')} tasks (median / max of 20 runs):`);
  for (const { level, median, max, detail } of treeLevelTimings(state)) {
    console.log(`  ${level.padEnd(44)} ${median.toFixed(2).padStart(7)} ms ${max.toFixed(2).padStart(7)} ms   ${detail}`);
  }
}

void main();
