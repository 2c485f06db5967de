/**
 * The end-to-end bench's replay publisher, a process of its own (forked by e2e.ts): builds the
 * event stream from the captured samples (eventStream.ts: new task ids every run, `task.multi`
 * batches as workers send them, or one event per message with BENCH_BATCH=1), pre-encodes every
 * message as a RESP `PUBLISH` command, then on "go" writes them to Redis on a plain socket.
 *
 * Pre-encoding keeps the publisher's own CPU out of the way: on a 2-core machine it shares the
 * cores with redis-server and the subscriber being measured.
 *
 * Offered rate: at most `rate` events/s (0: no cap), and at most `window` events ahead of what the
 * subscriber reports applied (0: no window), so a slow subscriber slows the publisher down instead
 * of piling up in Redis's output buffer until Redis cuts the subscription. Every PUBLISH reply (the
 * number of subscribers that got it) is read: a message nobody received is counted as undelivered.
 *
 * IPC: parent -> {go}; child -> {ready} | {done} (types below). The subscriber's applied count comes
 * over Redis (ACK_CHANNEL), not IPC: an IPC send cost the measured thread a tenth of a millisecond
 * or more each, and a Redis PUBLISH on a connection it already has costs it next to nothing.
 */
import * as net from 'node:net';
import { Redis } from 'ioredis';
import { ACK_CHANNEL } from './benchRedis';
import { EventStreamGenerator } from './eventStream';

export interface PublisherConfig {
  port: number;
  /** Distinct tasks in the stream. */
  tasks: number;
  batchLimit: number;
  /** Offered events/s (0: as fast as the window lets). */
  rate: number;
  /** Most events published ahead of the subscriber's applied count (0: unlimited). */
  window: number;
}

export type ToPublisher = { kind: 'go' };
export type FromPublisher =
  | { kind: 'ready'; messages: number; events: number; bytes: number; buildSeconds: number }
  | { kind: 'done'; published: number; undeliveredMessages: number; undeliveredEvents: number; seconds: number };

const EVENTS_PER_TASK = 4.8;
const TICK_MS = 2;

function resp(channel: string, payload: Buffer): Buffer {
  const head = Buffer.from(`*3\r\n$7\r\nPUBLISH\r\n$${Buffer.byteLength(channel)}\r\n${channel}\r\n$${payload.length}\r\n`);
  return Buffer.concat([head, payload, Buffer.from('\r\n')]);
}

function build(config: PublisherConfig): { commands: Buffer[]; events: Uint32Array; bytes: number } {
  // Stream time runs at the offered rate, so batches fill as they would at that rate.
  const rate = config.rate > 0 ? config.rate : 200_000;
  const generator = new EventStreamGenerator({ batchLimit: config.batchLimit, tasksPerSecond: rate / EVENTS_PER_TASK, base: Date.now() / 1000 });
  const commands: Buffer[] = [];
  const counts: number[] = [];
  let bytes = 0;
  const take = (messages: ReturnType<EventStreamGenerator['drain']>): void => {
    for (const m of messages) {
      const command = resp(m.channel, m.payload);
      commands.push(command);
      counts.push(m.events);
      bytes += command.length;
    }
  };
  for (let done = 0; done < config.tasks; done += 5000) take(generator.chunk(Math.min(5000, config.tasks - done)));
  take(generator.drain());
  return { commands, events: Uint32Array.from(counts), bytes };
}

function send(message: FromPublisher): void {
  process.send?.(message);
}

function publish(config: PublisherConfig, commands: Buffer[], events: Uint32Array): void {
  const socket = net.connect({ host: '127.0.0.1', port: config.port });
  socket.setNoDelay(true);
  let next = 0;
  let offered = 0;
  let applied = 0;
  let replies = 0;
  let undeliveredMessages = 0;
  let undeliveredEvents = 0;
  let waitingForDrain = false;
  let timer: NodeJS.Timeout | undefined;
  let started = 0;
  /** Bytes of the reply being read: `:N\r\n`, N = subscribers that received the message. */
  let replyBytes = 0;
  let replyIsZero = false;

  const pump = (): void => {
    timer = undefined;
    if (waitingForDrain) return;
    const elapsed = (performance.now() - started) / 1000;
    const byRate = config.rate > 0 ? config.rate * elapsed : Infinity;
    const byWindow = config.window > 0 ? applied + config.window : Infinity;
    const allowed = Math.min(byRate, byWindow);
    const batch: Buffer[] = [];
    while (next < commands.length && offered + events[next] <= allowed) {
      offered += events[next];
      batch.push(commands[next++]);
      if (batch.length >= 256) break;
    }
    if (batch.length && !socket.write(Buffer.concat(batch))) {
      waitingForDrain = true;
      socket.once('drain', () => {
        waitingForDrain = false;
        pump();
      });
      return;
    }
    if (next >= commands.length) return;
    // More is allowed now (we stopped at 256): go on at once; otherwise wait for time or an ack.
    if (offered + events[next] <= allowed) setImmediate(pump);
    else if (config.rate > 0 && byRate <= byWindow) timer = setTimeout(pump, TICK_MS);
  };

  socket.on('data', (chunk: Buffer) => {
    // Read byte by byte, no strings: this process shares the two cores with the subscriber measured.
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      if (byte !== 0x0a) {
        // `:0` is the only reply whose second byte is '0' and third the CR.
        if (replyBytes === 1) replyIsZero = byte === 0x30;
        else if (replyBytes === 2 && byte !== 0x0d) replyIsZero = false;
        replyBytes++;
        continue;
      }
      if (replyIsZero) {
        undeliveredMessages++;
        undeliveredEvents += events[replies];
      }
      replies++;
      replyBytes = 0;
      replyIsZero = false;
    }
    if (replies === commands.length) {
      send({ kind: 'done', published: offered, undeliveredMessages, undeliveredEvents, seconds: (performance.now() - started) / 1000 });
      socket.end();
      acks.disconnect();
    }
  });
  socket.on('error', (err) => {
    console.error(`replay publisher: ${err.message}`);
    process.exit(1);
  });
  const acks = new Redis({ host: '127.0.0.1', port: config.port });
  void acks.subscribe(ACK_CHANNEL);
  acks.on('message', (_channel: string, count: string) => {
    applied = Number(count);
    if (timer === undefined && !waitingForDrain) pump();
  });
  socket.once('connect', () => {
    started = performance.now();
    pump();
  });
}

function main(): void {
  const config = JSON.parse(process.env.BENCH_PUBLISHER ?? '{}') as PublisherConfig;
  const start = performance.now();
  const { commands, events, bytes } = build(config);
  let total = 0;
  for (const n of events) total += n;
  send({ kind: 'ready', messages: commands.length, events: total, bytes, buildSeconds: (performance.now() - start) / 1000 });
  process.once('message', (message: ToPublisher) => {
    if (message.kind === 'go') publish(config, commands, events);
  });
  process.on('disconnect', () => process.exit(0));
}

main();
