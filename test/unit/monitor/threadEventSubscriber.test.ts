import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Subscription } from '../../../src/core/broker/broker';
import type { RedisEventHandlers } from '../../../src/core/broker/redis/redisEventSource';
import { EventClock } from '../../../src/core/celery/events';
import { decodeRedisEventPayload } from '../../../src/core/celery/redisEvents';
import type { CeleryEvent } from '../../../src/core/celery/types';
import { MAX_BATCHES_AHEAD, MAX_IN_FLIGHT_BYTES } from '../../../src/core/monitor/decoderLimits';
import { unpackEvents } from '../../../src/core/monitor/eventColumns';
import { ThreadEventSubscriber } from '../../../src/core/monitor/threadEventSubscriber';
import type { FromSubscriber } from '../../../src/core/monitor/threadSubscriptionProtocol';
import { parseConnectionUrl, type RedisConnectionUrl } from '../../../src/core/url/connectionUrl';
import { definedFields } from './definedFields';

const STREAM = resolve(__dirname, '../../../../test/fixtures/wire/redis/events-stream.jsonl');
const SOURCE = { url: parseConnectionUrl('redis://127.0.0.1:6379/0') as RedisConnectionUrl };

function recorded(): Array<{ channel: string; payload: Buffer }> {
  return readFileSync(STREAM, 'utf8').split('\n').filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { channel: string; raw: string })
    .map((row) => ({ channel: row.channel, payload: Buffer.from(row.raw) }));
}

const turn = (): Promise<void> => new Promise((done) => setImmediate(done));

/**
 * The subscriber on this thread, over a fake subscription: the test plays the Redis client
 * (handlers.onMessage, onInterruption) and the owner (reads the posts, says `applied`).
 */
function harness(): {
  subscriber: ThreadEventSubscriber; posts: FromSubscriber[]; handlers: () => RedisEventHandlers; pauses: boolean[]; closed: () => number;
} {
  const posts: FromSubscriber[] = [];
  const pauses: boolean[] = [];
  let handlers: RedisEventHandlers | undefined;
  let closes = 0;
  const subscription: Subscription = {
    close: async () => {
      closes++;
    },
    setPaused: (paused) => pauses.push(paused),
    probe: async () => 'alive',
  };
  const subscriber = new ThreadEventSubscriber((message) => posts.push(message), new EventClock(), async (_source, _logger, given) => {
    handlers = given;
    return subscription;
  });
  return {
    subscriber, posts, pauses, closed: () => closes,
    handlers: () => {
      assert.ok(handlers, 'subscribed');
      return handlers;
    },
  };
}

function eventsOf(posts: FromSubscriber[]): CeleryEvent[] {
  const events: CeleryEvent[] = [];
  for (const post of posts) if (post.kind === 'events') events.push(...unpackEvents(post.packed, 0, post.packed.count, { asIs: 0 }));
  return events;
}

describe('(unit) ThreadEventSubscriber (the decoding thread holding the subscription)', () => {
  it('posts the events of what arrives, decoded as in line, in columns, bad messages counted in order', async () => {
    const { subscriber, posts, handlers } = harness();
    subscriber.handle({ kind: 'subscribe', id: 1, source: SOURCE });
    await turn();
    assert.deepEqual(posts.shift(), { kind: 'subscribed', id: 1 });
    const messages = [...recorded(), { channel: '/0.celeryev/task.multi', payload: Buffer.from('{"body": "not base64!"') }];
    for (const m of messages) handlers().onMessage(m.channel, m.payload);
    const clock = new EventClock();
    const inLine = messages.map((m) => decodeRedisEventPayload(m.payload, m.channel, 1, { clock }));
    // Everything arrived in one turn: one batch; the owner applies it, and nothing more is owed.
    while (posts.length < 1) await turn();
    assert.equal(posts.length, 1);
    const [batch] = posts;
    assert.equal(batch.kind, 'events');
    const expected = inLine.flatMap((d) => d.events);
    assert.ok(expected.length > 100);
    assert.deepEqual(eventsOf(posts).map(definedFields).map(({ local_received: _, ...rest }) => rest),
      expected.map(definedFields).map(({ local_received: _, ...rest }) => rest));
    assert.deepEqual(batch.kind === 'events' && batch.errors.map((e) => e.reason), inLine.flatMap((d) => d.errors).map((e) => e.reason));
    assert.equal(batch.kind === 'events' && batch.bytes, messages.reduce((n, m) => n + m.payload.length, 0));
  });

  it('runs at most MAX_BATCHES_AHEAD batches ahead of the owner, and pauses the socket past MAX_IN_FLIGHT_BYTES until half is decoded', async () => {
    const { subscriber, posts, handlers, pauses } = harness();
    subscriber.handle({ kind: 'subscribe', id: 1, source: SOURCE });
    await turn();
    posts.length = 0;
    const [message] = recorded();
    // Enough 1 MiB rounds, each in its own turn, to pass the limit while the owner applies nothing.
    const big = Buffer.concat([message.payload, Buffer.alloc(2 ** 20 - message.payload.length, 0x20)]);
    const rounds = MAX_IN_FLIGHT_BYTES / 2 ** 20 + MAX_BATCHES_AHEAD + 2;
    for (let i = 0; i < rounds; i++) {
      handlers().onMessage(message.channel, big);
      await turn();
    }
    assert.equal(posts.filter((p) => p.kind === 'events').length, MAX_BATCHES_AHEAD);
    assert.deepEqual(pauses, [true]);
    // The owner applies one batch: the rest follows in one batch, and reading resumes.
    subscriber.handle({ kind: 'applied' });
    await turn();
    const batches = posts.flatMap((p) => (p.kind === 'events' ? [p] : []));
    assert.equal(batches.length, MAX_BATCHES_AHEAD + 1);
    assert.equal(batches.reduce((n, b) => n + b.bytes, 0), rounds * big.length, 'every byte received was decoded and posted');
    assert.equal(eventsOf(posts).length, rounds * eventsOf([batches[0]]).length);
    assert.deepEqual(pauses, [true, false]);
  });

  it('posts a cut behind the batches of what arrived before it, and nothing after unsubscribing', async () => {
    const { subscriber, posts, handlers, closed } = harness();
    subscriber.handle({ kind: 'subscribe', id: 1, source: SOURCE });
    await turn();
    posts.length = 0;
    const messages = recorded();
    // The owner is MAX_BATCHES_AHEAD behind: what arrives waits here, the cut with it.
    for (let i = 0; i < MAX_BATCHES_AHEAD; i++) {
      handlers().onMessage(messages[i].channel, messages[i].payload);
      await turn();
    }
    handlers().onMessage(messages[3].channel, messages[3].payload);
    handlers().onInterruption(1000, 2000, 'cut');
    handlers().onMessage(messages[4].channel, messages[4].payload);
    await turn();
    assert.deepEqual(posts.map((p) => p.kind), ['events', 'events', 'events']);
    subscriber.handle({ kind: 'applied' });
    await turn();
    // Room for one batch: the message from before the cut, then the cut; the one after it waits.
    assert.deepEqual(posts.map((p) => p.kind), ['events', 'events', 'events', 'events', 'interrupted']);
    assert.deepEqual(posts[4], { kind: 'interrupted', id: 1, lostAt: 1000, resumedAt: 2000, reason: 'cut' });
    subscriber.handle({ kind: 'applied' });
    await turn();
    assert.equal(posts[5]?.kind, 'events');

    subscriber.handle({ kind: 'unsubscribe', id: 1 });
    await turn();
    assert.equal(closed(), 1);
    assert.equal(posts[posts.length - 1].kind, 'unsubscribed');
    const count = posts.length;
    handlers().onMessage(messages[5].channel, messages[5].payload);
    await turn();
    assert.equal(posts.length, count, 'a closed subscription posts nothing');
  });

  it('a subscription that cannot be made is refused with a message safe to show', async () => {
    const posts: FromSubscriber[] = [];
    const subscriber = new ThreadEventSubscriber((message) => posts.push(message), new EventClock(), async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:1 (password s3cret-pw)');
    });
    const url = parseConnectionUrl('redis://:s3cret-pw@127.0.0.1:1/0') as RedisConnectionUrl;
    subscriber.handle({ kind: 'subscribe', id: 7, source: { url } });
    await turn();
    const [failed] = posts;
    assert.equal(failed.kind, 'subscribe-failed');
    assert.equal(failed.kind === 'subscribe-failed' && failed.id, 7);
    assert.match(failed.kind === 'subscribe-failed' ? failed.message : '', /ECONNREFUSED/);
    assert.doesNotMatch(JSON.stringify(failed), /s3cret-pw/);
  });
});
