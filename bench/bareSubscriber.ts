/**
 * BENCH_E2E_BARE=1: the reference the issue measures Celery Lens against, run on the same machine
 * with the same stream and window, since this machine's speed varies by a third from day to day:
 * a bare Node subscriber (ioredis, one thread) that only decodes each message (the kombu envelope's
 * JSON, then its base64 body's JSON) and counts the events. No validation, no model, no views.
 * It acknowledges what it counted as the monitor's run does (pacing.ts), so the publisher's window paces both.
 */
import { availableParallelism } from 'node:os';
import { Redis } from 'ioredis';
import type { BenchRedis } from './benchRedis';
import { startAcks, waitForCount } from './pacing';
import { formatCount as fmt } from './rates';
import type { FromPublisher, ToPublisher } from './replayPublisher';
import { processCpuSeconds } from './threadCpu';


/** Events in one payload; a message it cannot read counts as undecodable. */
function decodeOnly(payload: Buffer): number | undefined {
  try {
    const envelope = JSON.parse(payload.toString('utf8')) as { body?: unknown };
    if (typeof envelope.body !== 'string') return undefined;
    const body: unknown = JSON.parse(Buffer.from(envelope.body, 'base64').toString('utf8'));
    return Array.isArray(body) ? body.length : 1;
  } catch {
    return undefined;
  }
}

export async function measureBare(
  redis: BenchRedis, publisher: { send(message: ToPublisher): unknown; pid?: number }, fromPublisher: (kind: FromPublisher['kind']) => Promise<FromPublisher>,
): Promise<void> {
  const subscriber = new Redis({ port: redis.port, host: '127.0.0.1' });
  let events = 0;
  let undecodable = 0;
  subscriber.on('pmessageBuffer', (_pattern: Buffer, _channel: Buffer, payload: Buffer) => {
    const count = decodeOnly(payload);
    if (count === undefined) undecodable++;
    else events += count;
  });
  await subscriber.psubscribe('*celeryev*');
  const stopAcks = startAcks(redis.probe, () => events);
  const done = fromPublisher('done');
  const cpuAtGo = process.cpuUsage();
  const othersAtGo = { publisher: processCpuSeconds(publisher.pid), redis: processCpuSeconds(redis.pid) };
  const goAt = performance.now();
  publisher.send({ kind: 'go' });
  const finished = await done;
  if (finished.kind !== 'done') return;
  const delivered = finished.published - finished.undeliveredEvents;
  const endAt = await waitForCount(() => events, delivered);
  const cpuSeconds = (({ user, system }) => (user + system) / 1e6)(process.cpuUsage(cpuAtGo));
  stopAcks();
  subscriber.disconnect();
  const wall = (endAt - goAt) / 1000;
  console.log(`bare subscriber (decode only, no model): received ${fmt(events)} of ${fmt(finished.published)} events (${fmt(delivered)} delivered by Redis), ` +
    `${undecodable} undecodable; ${fmt(events / wall)} events/s over ${wall.toFixed(2)} s; ` +
    `CPU ${cpuSeconds.toFixed(2)} s = ${((cpuSeconds * 1e6) / Math.max(1, events)).toFixed(2)} µs/event`);
  const publisherCpu = processCpuSeconds(publisher.pid);
  const redisCpu = processCpuSeconds(redis.pid);
  if (othersAtGo.publisher !== undefined && othersAtGo.redis !== undefined && publisherCpu !== undefined && redisCpu !== undefined) {
    const budget = availableParallelism() * wall;
    const used = cpuSeconds + (redisCpu - othersAtGo.redis) + (publisherCpu - othersAtGo.publisher);
    console.log(`machine: redis-server ${(redisCpu - othersAtGo.redis).toFixed(2)} s, replay publisher ${(publisherCpu - othersAtGo.publisher).toFixed(2)} s ` +
      `(${((used / budget) * 100).toFixed(0)} % of ${availableParallelism()} cores with the subscriber)`);
  }
}
