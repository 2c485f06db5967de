/**
 * A realistic Redis `celeryev` stream for N distinct tasks, built from the events a real Celery
 * 5.2 cluster sent (test/fixtures/wire/redis/events-stream.jsonl): every captured task's event
 * sequence is a lifecycle template (plain success, failure, retries then success or failure,
 * revoked before or while running, rejected...). Each generated task copies one, with a new uuid,
 * new times, its own worker, varied args and results, and sometimes a place in a chain (root and
 * parent ids), and the messages are built the way the senders build them:
 * - `task-sent` from clients, one message each (clients do not buffer);
 * - worker task events buffered per worker and published as `task.multi` lists, flushed when the
 *   buffer reaches Celery's `buffer_limit` (24) or at the worker's next loop iteration (modelled
 *   as `tickSeconds` of stream time);
 * - `worker-heartbeat` every 2 s per worker;
 * all in kombu's Redis envelope (base64 body), as Buffers, as the pub/sub subscriber gets them.
 */
import { randomUUID } from 'node:crypto';
import { Event, Lifecycle, loadCapture, pyJson, random } from './capture';

/** One pub/sub message, as the event subscriber receives it. */
export interface StreamMessage {
  channel: string;
  payload: Buffer;
  /** Our receive time, epoch seconds. */
  localReceived: number;
  /** Events in the message (a `task.multi` list holds several). */
  events: number;
}

export interface StreamOptions {
  /** Workers (default 16). */
  workers?: number;
  /** Client processes sending tasks (default 4). */
  clients?: number;
  /** Tasks per second of stream time (default 5 000). */
  tasksPerSecond?: number;
  /** Worker event buffer limit, Celery's default 24. 1 = every event its own message. */
  batchLimit?: number;
  /** Stream time between a worker's loop iterations (default 0.01 s). */
  tickSeconds?: number;
  /** Whether clients send `task-sent` (`task_send_sent_event`, on in the capture; default true). */
  sentEvents?: boolean;
  /** Share of tasks started as the head of a chain of 2-5 tasks (default 0.1). */
  chainShare?: number;
  /** Seed of the pseudo-random choices (default 1). */
  seed?: number;
  /** Epoch seconds of the stream's first task (default a fixed time of the capture's day). */
  base?: number;
}

/** Share of generated tasks per outcome (a healthy production mix). */
const OUTCOME_WEIGHTS: ReadonlyArray<readonly [string, number]> = [
  ['succeeded', 0.86], ['failed', 0.06], ['retried', 0.04], ['revoked', 0.025], ['rejected', 0.01], ['unregistered', 0.005],
];

interface Pending {
  at: number;
  worker: number;
  event: Event;
}

/**
 * Generates the stream in chunks of tasks (the whole of 100k tasks would be ~400 MB of
 * messages), so a benchmark can time the replay of each chunk and nothing else.
 */
export class EventStreamGenerator {
  private readonly capture = loadCapture();
  private readonly rand: () => number;
  private readonly workers: string[];
  private readonly clients: string[];
  private readonly byOutcome = new Map<string, Lifecycle[]>();
  private readonly o: Required<StreamOptions>;
  private readonly base: number;
  private nextTask = 0;
  private clock = 1;
  private chain: { root: string; parent: string; left: number } | undefined;
  private nextHeartbeat: number[];
  private processed: number[];
  /** Events of earlier chunks not yet due (lifecycles longer than a chunk). */
  private carried: Pending[] = [];
  /** Worker event buffers. */
  private readonly buffers: Pending[][];
  /** Messages built. */
  messages = 0;

  constructor(options: StreamOptions = {}) {
    this.o = {
      workers: 16, clients: 4, tasksPerSecond: 5000, batchLimit: 24, tickSeconds: 0.01, sentEvents: true, chainShare: 0.1, seed: 1,
      base: 1795433184, ...options,
    };
    this.base = this.o.base;
    this.rand = random(this.o.seed);
    this.workers = Array.from({ length: this.o.workers }, (_, i) => `celery@worker-${i + 1}.prod.example.com`);
    this.clients = Array.from({ length: this.o.clients }, (_, i) => `gen${31000 + i}@web-${i + 1}.prod.example.com`);
    for (const lifecycle of this.capture.lifecycles) {
      const list = this.byOutcome.get(lifecycle.outcome) ?? [];
      list.push(lifecycle);
      this.byOutcome.set(lifecycle.outcome, list);
    }
    this.nextHeartbeat = this.workers.map((_, i) => this.base + (i / this.workers.length) * 2);
    this.processed = this.workers.map(() => 0);
    this.buffers = this.workers.map(() => []);
  }

  /** Distinct tasks generated so far. */
  get tasks(): number {
    return this.nextTask;
  }

  /** The messages for the next `count` tasks, in receive order. */
  chunk(count: number): StreamMessage[] {
    const pending: Pending[] = this.carried;
    const first = this.nextTask;
    for (let i = 0; i < count; i++) this.addTask(pending);
    const until = this.base + (first + count) / this.o.tasksPerSecond;
    pending.sort((a, b) => a.at - b.at);
    const due = pending.filter((p) => p.at < until);
    this.carried = pending.filter((p) => p.at >= until);
    return this.build(due, until);
  }

  /** Everything still buffered or carried, as the last messages. */
  drain(): StreamMessage[] {
    const pending = this.carried.sort((a, b) => a.at - b.at);
    this.carried = [];
    const end = pending.length ? pending[pending.length - 1].at + 1 : this.base + this.nextTask / this.o.tasksPerSecond;
    const out = this.build(pending, end);
    for (let w = 0; w < this.workers.length; w++) this.flush(w, out, end);
    return out;
  }

  private pickLifecycle(): Lifecycle {
    let r = this.rand();
    for (const [outcome, weight] of OUTCOME_WEIGHTS) {
      const list = this.byOutcome.get(outcome);
      if ((r -= weight) <= 0 && list?.length) return list[Math.floor(this.rand() * list.length)];
    }
    const plain = this.byOutcome.get('succeeded') as Lifecycle[];
    return plain[Math.floor(this.rand() * plain.length)];
  }

  private addTask(pending: Pending[]): void {
    const index = this.nextTask++;
    const start = this.base + index / this.o.tasksPerSecond;
    const lifecycle = this.pickLifecycle();
    const id: string = randomUUID();
    let root = id;
    let parent: string | null = null;
    if (this.chain) {
      root = this.chain.root;
      parent = this.chain.parent;
      this.chain = --this.chain.left > 0 ? { ...this.chain, parent: id } : undefined;
    } else if (this.rand() < this.o.chainShare) {
      this.chain = { root: id, parent: id, left: 1 + Math.floor(this.rand() * 4) };
    }
    const worker = Math.floor(this.rand() * this.workers.length);
    const client = this.clients[index % this.clients.length];
    const value = String(Math.floor(this.rand() * 1_000_000));
    for (const { event: template, offset } of lifecycle.steps) {
      if (template.type === 'task-sent' && !this.o.sentEvents) continue;
      const event: Event = { ...template, uuid: id, timestamp: start + offset };
      if ('root_id' in event) event.root_id = root;
      if ('parent_id' in event) event.parent_id = template.parent_id === lifecycle.uuid ? id : parent;
      const fromClient = template.type === 'task-sent' && String(template.hostname).startsWith('gen');
      event.hostname = fromClient ? client : this.workers[worker];
      if (typeof event.args === 'string') event.args = event.args.replace(/\d+/, value);
      if (typeof event.result === 'string' && /^\d+$/.test(event.result)) event.result = value;
      pending.push({ at: start + offset + 0.002, worker: fromClient ? -1 : worker, event });
    }
  }

  /** Turn due events (sorted) into messages, flushing buffers and sending heartbeats on the way. */
  private build(due: Pending[], until: number): StreamMessage[] {
    const out: StreamMessage[] = [];
    for (const p of due) {
      this.heartbeatsUntil(p.at, out);
      p.event.clock = this.clock++;
      if (p.worker < 0) {
        out.push(this.message('task.sent', p.event, p.at));
        continue;
      }
      const waiting = this.buffers[p.worker];
      if (waiting.length && p.at - waiting[0].at > this.o.tickSeconds) this.flush(p.worker, out, p.at);
      const buffer = this.buffers[p.worker];
      buffer.push(p);
      if (buffer.length >= this.o.batchLimit) this.flush(p.worker, out, p.at);
    }
    this.heartbeatsUntil(until, out);
    return out;
  }

  private heartbeatsUntil(at: number, out: StreamMessage[]): void {
    for (let w = 0; w < this.workers.length; w++) {
      while (this.nextHeartbeat[w] <= at) {
        const t = this.nextHeartbeat[w];
        this.flush(w, out, t);
        const event: Event = {
          ...this.capture.heartbeat, hostname: this.workers[w], clock: this.clock++, timestamp: t,
          processed: this.processed[w], active: 0,
        };
        out.push(this.message('worker.heartbeat', event, t + 0.002));
        this.nextHeartbeat[w] = t + 2;
      }
    }
  }

  private flush(worker: number, out: StreamMessage[], at: number): void {
    const buffer = this.buffers[worker];
    if (!buffer.length) return;
    this.processed[worker] += buffer.filter((p) => p.event.type === 'task-succeeded' || p.event.type === 'task-failed').length;
    out.push(this.message('task.multi', buffer.map((p) => p.event), Math.max(at, buffer[buffer.length - 1].at)));
    this.buffers[worker] = [];
  }

  private message(routingKey: string, body: Event | Event[], at: number): StreamMessage {
    const template = this.capture.envelopes.get(routingKey) ?? (this.capture.envelopes.get('task.multi') as Record<string, unknown>);
    const properties: Record<string, unknown> = { ...(template.properties as Record<string, unknown>), delivery_tag: randomUUID() };
    const hostname = Array.isArray(body) ? body[0].hostname : body.hostname;
    const envelope = {
      body: Buffer.from(pyJson(body)).toString('base64'),
      'content-encoding': template['content-encoding'],
      'content-type': template['content-type'],
      headers: { hostname },
      properties: { ...properties, delivery_info: { exchange: 'celeryev', routing_key: routingKey } },
    };
    this.messages++;
    return {
      channel: this.capture.channelPrefix + routingKey, payload: Buffer.from(pyJson(envelope)), localReceived: at,
      events: Array.isArray(body) ? body.length : 1,
    };
  }
}
