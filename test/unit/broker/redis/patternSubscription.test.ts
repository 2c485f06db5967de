import * as assert from 'node:assert/strict';
import type { Subscription } from '../../../../src/core/broker/broker';
import { type PatternSubscriptionRequest, subscribePattern } from '../../../../src/core/broker/redis/patternSubscription';
import { RedisUnavailableError } from '../../../../src/core/broker/redis/redisClient';
import { RedisConnections } from '../../../../src/core/broker/redis/redisConnections';
import { parseConnectionUrl, type RedisConnectionUrl } from '../../../../src/core/url/connectionUrl';
import { CeleryLensError, TimeoutError } from '../../../../src/core/util/errors';
import { type Logger, silentLogger } from '../../../../src/core/util/logger';
import { pmessageFrame, ScriptedRedis } from './scriptedRedis';

const PATTERN = '/3.celeryev/*';

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { ...silentLogger, warnings, warn: (message: string) => void warnings.push(message) };
}

async function until(condition: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('(unit) redis pattern subscriptions (a scripted server on a real socket)', function () {
  this.timeout(10_000);
  let server: ScriptedRedis;
  let url: RedisConnectionUrl;
  let heard: string[];
  let interruptions: Array<{ lostAt: number; resumedAt: number; reason?: string }>;
  const open: Subscription[] = [];

  beforeEach(async () => {
    server = new ScriptedRedis();
    const port = await server.listen();
    url = parseConnectionUrl(`redis://bob:hunter2secret@127.0.0.1:${port}/3`) as RedisConnectionUrl;
    heard = [];
    interruptions = [];
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
    await server.close();
  });

  function request(extra: Partial<PatternSubscriptionRequest> = {}): PatternSubscriptionRequest {
    return {
      role: 'event subscriber',
      connectTimeoutMs: 1000,
      pattern: PATTERN,
      what: 'Subscribing to events',
      handlerName: 'event handler',
      onMessage: (channel, payload) => {
        if (payload.toString() === 'boom') throw new Error('handler broke');
        heard.push(`${channel} ${payload.toString()}`);
      },
      onInterruption: (lostAt, resumedAt, reason) => interruptions.push({ lostAt, resumedAt, reason }),
      ...extra,
    };
  }

  async function subscribe(extra: Partial<PatternSubscriptionRequest> = {}, logger: Logger = silentLogger): Promise<Subscription> {
    const subscription = await subscribePattern(url, logger, request(extra), () => undefined);
    open.push(subscription);
    return subscription;
  }

  const publish = (channel: string, payload: string): void => server.send(pmessageFrame(PATTERN, channel, payload));

  it('authenticates, names itself, subscribes, delivers, survives a throwing handler and QUITs on close', async () => {
    const logger = recordingLogger();
    let closed = 0;
    const subscription = await subscribePattern(url, logger, request(), () => closed++);
    assert.deepEqual(server.commands, [['AUTH', 'bob', 'hunter2secret'], ['CLIENT', 'SETNAME', 'celery-lens'], ['PSUBSCRIBE', PATTERN]]);
    publish('/3.celeryev/task.started', 'one');
    publish('/3.celeryev/x', 'boom');
    publish('/3.celeryev/task.succeeded', 'two');
    await until(() => heard.length === 2, 'two messages');
    assert.deepEqual(heard, ['/3.celeryev/task.started one', '/3.celeryev/task.succeeded two']);
    assert.deepEqual(logger.warnings, ['event handler failed: handler broke']);
    await subscription.close();
    await subscription.close();
    assert.equal(closed, 1);
    assert.deepEqual(server.commands.at(-1), ['QUIT']);
    await until(() => server.sockets.size === 0, 'the socket to close');
    assert.deepEqual(interruptions, []);
  });

  it('delivers what comes in the same read as the confirmation', async () => {
    server.answer = (args) => (args[0] === 'PSUBSCRIBE'
      ? Buffer.concat([Buffer.from(`*3\r\n$10\r\npsubscribe\r\n$${PATTERN.length}\r\n${PATTERN}\r\n:1\r\n`), pmessageFrame(PATTERN, '/3.celeryev/a', 'first')])
      : undefined);
    await subscribe();
    await until(() => heard.length === 1, 'the first message');
    assert.deepEqual(heard, ['/3.celeryev/a first']);
  });

  it('sends AUTH with the password alone when the URL has no user, and goes on when the server has no password', async () => {
    url = parseConnectionUrl(`redis://:hunter2secret@127.0.0.1:${url.port}/3`) as RedisConnectionUrl;
    server.answer = (args) => (args[0] === 'AUTH' ? '-ERR AUTH <password> called without any password configured for the default user.\r\n' : undefined);
    await subscribe();
    assert.deepEqual(server.commands[0], ['AUTH', 'hunter2secret']);
  });

  it('refuses a wrong password with a safe connect error, and a refused PSUBSCRIBE naming the operation', async () => {
    server.answer = (args) => (args[0] === 'AUTH' ? '-WRONGPASS invalid username-password pair or user is disabled.\r\n' : undefined);
    await assert.rejects(subscribe(), (err: Error) => {
      assert.ok(err instanceof RedisUnavailableError);
      assert.equal(err.message, `Cannot connect to Redis redis://127.0.0.1:${url.port}/3 (event subscriber): WRONGPASS invalid username-password pair or user is disabled.`);
      return true;
    });
    server.answer = (args) => (args[0] === 'PSUBSCRIBE' ? '-NOPERM this user has no permissions to access one of the channels (bob:hunter2secret)\r\n' : undefined);
    await assert.rejects(subscribe(), (err: Error) => {
      assert.match(err.message, /^Subscribing to events failed on Redis redis:\/\/127\.0\.0\.1:\d+\/3: NOPERM/);
      assert.doesNotMatch(err.message, /hunter2secret/);
      return true;
    });
    await until(() => server.sockets.size === 0, 'the refused connections to be dropped');
  });

  it('names the server when what answers is not Redis', async () => {
    server.answer = () => 'HTTP/1.1 400 Bad Request\r\n\r\n';
    await assert.rejects(subscribe(), (err: Error) => {
      assert.ok(err instanceof RedisUnavailableError);
      assert.match(err.message, /^Cannot connect to Redis redis:\/\/127\.0\.0\.1:\d+\/3 \(event subscriber\): Redis sent something that is not RESP2/);
      return true;
    });
    // A first connect that failed is the caller's to retry: nothing tries again behind its back.
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal(server.connections, 1);
  });

  it('times out a server that accepts and never answers, within the connect timeout', async () => {
    server.answer = () => 'silence';
    const started = Date.now();
    await assert.rejects(subscribe({ connectTimeoutMs: 300 }), (err: Error) => {
      assert.ok(err instanceof TimeoutError);
      assert.match(err.message, /^Cannot connect to Redis .* \(event subscriber\): no answer within 300 ms$/);
      return true;
    });
    assert.ok(Date.now() - started < 1500);
    await until(() => server.sockets.size === 0, 'the socket to be dropped');
  });

  it('makes a dropped connection again with backoff, reports the gap once subscribed, and delivers again', async () => {
    await subscribe();
    publish('/3.celeryev/a', 'before');
    await until(() => heard.length === 1, 'the first message');
    const refusing = Date.now();
    // Refused on the first two attempts: the retries go on.
    let attempts = 0;
    server.answer = (args) => (args[0] === 'PSUBSCRIBE' && ++attempts <= 2 ? '-LOADING Redis is loading the dataset in memory\r\n' : undefined);
    server.dropAll();
    await until(() => interruptions.length === 1, 'the interruption', 5000);
    const [gap] = interruptions;
    assert.ok(gap.lostAt >= refusing && gap.resumedAt > gap.lostAt, JSON.stringify(gap));
    // 250 ms, then 500 ms, then 750 ms.
    assert.ok(gap.resumedAt - gap.lostAt >= 1400, `resumed after ${gap.resumedAt - gap.lostAt} ms`);
    assert.equal(gap.reason, undefined);
    assert.equal(attempts, 3);
    publish('/3.celeryev/a', 'after');
    await until(() => heard.length === 2, 'a message after the reconnect');
  });

  it('drops a connection that sends what is not RESP2 and subscribes again', async () => {
    await subscribe();
    server.send('?garbage\r\n');
    await until(() => interruptions.length === 1, 'the interruption');
    assert.equal(interruptions[0].reason, 'Redis sent something that is not RESP2 on the subscriber connection (unknown type byte 63); dropped the connection and subscribed again');
    publish('/3.celeryev/a', 'fine');
    await until(() => heard.length === 1, 'a message on the new connection');
  });

  it('reads nothing while paused, on this connection and on one made after a drop', async () => {
    const subscription = await subscribe();
    subscription.setPaused?.(true);
    publish('/3.celeryev/a', 'held');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(heard, []);
    server.dropAll();
    await until(() => interruptions.length === 1, 'the interruption');
    publish('/3.celeryev/a', 'held too');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(heard, []);
    subscription.setPaused?.(false);
    await until(() => heard.length === 1, 'the message after resuming');
    assert.deepEqual(heard, ['/3.celeryev/a held too']);
  });

  it('notices a connection that stops answering, drops it and reports the probe\'s reason', async () => {
    const subscription = await subscribe({ liveness: { idleMs: 100, timeoutMs: 150 } });
    let wedged = true;
    server.answer = (args) => (args[0] === 'PING' && wedged ? 'silence' : undefined);
    assert.equal(await subscription.probe?.(), 'dead');
    wedged = false;
    await until(() => interruptions.length === 1, 'the interruption');
    assert.match(interruptions[0].reason ?? '', /stopped answering: nothing arrived for .* and no answer to PING within 150 ms/);
    assert.equal(await subscription.probe?.(), 'alive');
  });

  it('close() during a reconnect stops the retries', async () => {
    const subscription = await subscribe();
    server.answer = () => 'silence';
    server.dropAll();
    await until(() => server.connections >= 2, 'a reconnect attempt');
    await subscription.close();
    const connections = server.connections;
    await new Promise((resolve) => setTimeout(resolve, 700));
    assert.equal(server.connections, connections);
    assert.deepEqual(interruptions, []);
  });

  it('an owner closed while a subscription connects closes it and refuses it', async () => {
    const owned = new RedisConnections(url, silentLogger, () => Promise.reject(new Error('no command connection here')), 'The owner');
    let confirm: () => void = () => undefined;
    server.answer = (args, socket) => {
      if (args[0] !== 'PSUBSCRIBE') return undefined;
      confirm = () => socket.write(`*3\r\n$10\r\npsubscribe\r\n$${PATTERN.length}\r\n${PATTERN}\r\n:1\r\n`);
      return 'silence';
    };
    const pending = owned.subscribe(request());
    await until(() => server.commands.some((args) => args[0] === 'PSUBSCRIBE'), 'the PSUBSCRIBE');
    await owned.close();
    confirm();
    await assert.rejects(pending, (err: Error) => err instanceof CeleryLensError && err.code === 'CLOSED');
    await until(() => server.sockets.size === 0, 'the late subscription to be closed');
    await assert.rejects(owned.subscribe(request()), (err: Error) => err instanceof CeleryLensError && err.code === 'CLOSED');
  });
});
