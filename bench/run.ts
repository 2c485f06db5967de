/**
 * `npm run bench`: replays a realistic event stream (eventStream.ts, built from real captured
 * Celery events) through the real pipeline, decodeRedisEventPayload (as the decoding thread runs it) ->
 * ClusterState.apply, at full speed on the main thread, and prints:
 * - events/s while the state fills to `maxTasks`, and again while it is full (evicting);
 * - heap per retained task at `maxTasks` tasks (heapUsed after full GCs with the state, minus without it);
 * - the time to build each tree level (selectors.ts) over those tasks.
 *
 * The stream runs for 20 000 tasks before measuring (into a throwaway state), so the measured part
 * starts in the steady mix with tasks in flight, like a connection to a busy cluster.
 *
 * Options (environment): BENCH_TASKS (default 100000), BENCH_BATCH (worker buffer limit, default
 * 24), BENCH_RATE (tasks/s of stream time, default 5000), BENCH_SENT=0 (no task-sent events),
 * BENCH_REPEAT (default 1): measure that many times, each into a new state, and print the median and
 * the best (this machine's speed moves by a quarter within minutes, so one run says little).
 * Needs --expose-gc for the heap figure.
 */
import { performance, PerformanceObserver } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import { EventClock } from '../src/core/celery/events';
import { decodeRedisEventPayload } from '../src/core/celery/redisEvents';
import { ClusterState } from '../src/core/state/clusterState';
import { EventStreamGenerator, StreamMessage } from './eventStream';
import { treeLevelTimings } from './treeLevels';
import { panelBench } from './panelBench';

const TASKS = Number(process.env.BENCH_TASKS ?? 100_000);
const CHUNK = 5_000;
const WARM_UP_TASKS = 20_000;
const REPEAT = Math.max(1, Math.floor(Number(process.env.BENCH_REPEAT ?? 1)));
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
    const { events, errors } = decodeRedisEventPayload(m.payload, m.channel, m.localReceived, { clock: state.clock, localUtcOffset: 0 });
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
    decoded += decodeRedisEventPayload(m.payload, m.channel, m.localReceived, { clock, localUtcOffset: 0 }).events.length;
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

/** Decode and apply one chunk, timing only that (generating the messages is not timed). */
function timedReplay(state: ClusterState, messages: StreamMessage[], result: PhaseResult): void {
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

function emptyResult(): PhaseResult {
  return { events: 0, messages: 0, seconds: 0, cpu: 0, decodeCpu: 0 };
}

/** Feed new tasks until the state holds `maxTasks` of them. */
function fill(state: ClusterState, generator: EventStreamGenerator): PhaseResult {
  const result = emptyResult();
  while (state.tasks.size < state.maxTasks) timedReplay(state, generator.chunk(Math.min(CHUNK, state.maxTasks - state.tasks.size)), result);
  return result;
}

/** Feed `tasks` more tasks, then everything still in flight. */
function more(state: ClusterState, generator: EventStreamGenerator, tasks: number): PhaseResult {
  const result = emptyResult();
  for (let done = 0; done < tasks; done += CHUNK) timedReplay(state, generator.chunk(Math.min(CHUNK, tasks - done)), result);
  timedReplay(state, generator.drain(), result);
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
  // The cluster was busy before we connected: run the stream for a while into a throwaway state
  // (this also warms up the JIT), so the measured stream starts in its steady mix, with tasks
  // already in flight, as a real connection does.
  warmUp(generator);
  // Held in a box, not a variable, so it can be dropped for the heap measurement.
  const box: { state?: ClusterState } = {};
  const sustained: number[] = [];
  const held: number[] = [];
  for (let run = 1; run <= REPEAT; run++) {
    delete box.state;
    gc?.();
    box.state = new ClusterState({ maxTasks: TASKS });
    if (REPEAT > 1) console.log(`run ${run} of ${REPEAT}:`);
    const rates = exercise(box.state, generator, run === REPEAT);
    sustained.push(rates.sustained);
    held.push(rates.held);
  }
  if (REPEAT > 1) {
    const summary = (rates: number[]): string => `median ${fmtRate(median(rates))}, best ${fmtRate(Math.max(...rates))}, worst ${fmtRate(Math.min(...rates))}`;
    console.log(`over ${REPEAT} runs: sustained ${summary(sustained)}; at ${TASKS.toLocaleString('en')} tasks ${summary(held)} (events/s wall)`);
  }
  const tasks = (box.state as ClusterState).tasks.size;
  await new Promise((done) => setTimeout(done, 10)); // let the GC observer deliver
  console.log(`GC pauses during the replays: ${gcSecondsDuringReplays().toFixed(2)} s`);
  if (gc) {
    // What the state retains: the heap with it, minus the heap once it is dropped.
    const withState = heapNow();
    delete box.state;
    const without = heapNow();
    console.log(`heap per retained task at ${tasks.toLocaleString('en')} tasks: ${Math.round((withState.heap - without.heap) / tasks)} B ` +
      `(+ ${Math.round((withState.external - without.external) / tasks)} B of typed arrays outside the JS heap)`);
  }
  if (process.env.BENCH_PANELS !== '0') await panelBench();
}

/** Run the stream into a state that is dropped afterwards. */
function warmUp(generator: EventStreamGenerator): void {
  const scratch = new ClusterState({ maxTasks: TASKS });
  for (let i = 0; i < WARM_UP_TASKS; i += CHUNK) replay(scratch, generator.chunk(CHUNK));
  gc?.();
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function fmtRate(rate: number): string {
  return Math.round(rate).toLocaleString('en');
}

/** Fill the state, keep feeding it while full, and (`timeLevels`) time the tree levels; returns the rates (events/s wall). */
function exercise(state: ClusterState, generator: EventStreamGenerator, timeLevels: boolean): { sustained: number; held: number } {
  const filled = fill(state, generator);
  console.log(`fill 0 -> ${state.tasks.size.toLocaleString('en')} tasks:   ${rate(filled)}`);
  const full = more(state, generator, TASKS);
  console.log(`at ${TASKS.toLocaleString('en')} tasks (evicting): ${rate(full)}; ${state.evictedCount.toLocaleString('en')} evicted`);
  const all = {
    events: filled.events + full.events, messages: filled.messages + full.messages, seconds: filled.seconds + full.seconds,
    cpu: filled.cpu + full.cpu, decodeCpu: filled.decodeCpu + full.decodeCpu,
  };
  console.log(`sustained over both:        ${rate(all)}`);
  const rates = { sustained: all.events / all.seconds, held: full.events / full.seconds };
  if (!timeLevels) return rates;
  console.log(`tree levels over ${state.tasks.size.toLocaleString('en')} tasks (median / max of 20 runs):`);
  for (const { level, median: middle, max, detail } of treeLevelTimings(state)) {
    console.log(`  ${level.padEnd(44)} ${middle.toFixed(2).padStart(7)} ms ${max.toFixed(2).padStart(7)} ms   ${detail}`);
  }
  return rates;
}

void main();
