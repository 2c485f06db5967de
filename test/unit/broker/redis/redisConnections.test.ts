import * as assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import type { Subscription } from '../../../../src/core/broker/broker';
import { RedisConnections } from '../../../../src/core/broker/redis/redisConnections';
import { parseConnectionUrl, type RedisConnectionUrl } from '../../../../src/core/url/connectionUrl';
import { CeleryLensError } from '../../../../src/core/util/errors';
import { silentLogger, type Logger } from '../../../../src/core/util/logger';

const url = parseConnectionUrl('redis://bob:hunter2secret@cache.example:6380/3') as RedisConnectionUrl;

/** Just what the helpers and closeRedis touch on an ioredis client. */
class FakeRedis extends EventEmitter {
  status = 'ready';
  quits = 0;
  disconnects = 0;
  patterns: string[] = [];
  failSubscribe: Error | undefined;

  quit(): Promise<'OK'> {
    this.quits++;
    this.status = 'end';
    return Promise.resolve('OK');
  }

  disconnect(): void {
    this.disconnects++;
    this.status = 'end';
  }

  psubscribe(pattern: string): Promise<number> {
    if (this.failSubscribe) return Promise.reject(this.failSubscribe);
    this.patterns.push(pattern);
    return Promise.resolve(1);
  }

  deliver(channel: string, payload: string): void {
    this.emit('pmessageBuffer', Buffer.from('p'), Buffer.from(channel), Buffer.from(payload));
  }
}

const asRedis = (fake: FakeRedis): Redis => fake as unknown as Redis;

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { ...silentLogger, warnings, warn: (message: string) => void warnings.push(message) };
}

const isClosedError = (err: Error): boolean => err instanceof CeleryLensError && err.code === 'CLOSED' && err.message === 'The owner was closed';

function connections(open: () => Promise<Redis>, logger: Logger = silentLogger): RedisConnections {
  return new RedisConnections(url, logger, open, 'The owner');
}

describe('(unit) redis command connection', () => {
  it('opens one connection however many callers wait for it, and quits it on close', async () => {
    const fake = new FakeRedis();
    let opened = 0;
    const owned = connections(() => {
      opened++;
      return Promise.resolve(asRedis(fake));
    });
    const [a, b] = await Promise.all([owned.command(), owned.command()]);
    assert.equal(a, asRedis(fake));
    assert.equal(b, a);
    assert.equal(await owned.command(), a);
    assert.equal(opened, 1);
    await owned.close();
    await owned.close();
    assert.equal(fake.quits, 1);
    await assert.rejects(owned.command(), isClosedError);
  });

  it('retries after a failed attempt', async () => {
    let attempts = 0;
    const owned = connections(() => {
      attempts++;
      return attempts === 1 ? Promise.reject(new Error('refused')) : Promise.resolve(asRedis(new FakeRedis()));
    });
    await assert.rejects(owned.command(), /refused/);
    assert.ok(await owned.command());
    assert.equal(attempts, 2);
  });

  it('closes a connection that arrives after close()', async () => {
    const fake = new FakeRedis();
    let arrive: (client: Redis) => void = () => undefined;
    const owned = connections(() => new Promise<Redis>((resolve) => {
      arrive = resolve;
    }));
    const pending = owned.command();
    const closing = owned.close();
    arrive(asRedis(fake));
    await assert.rejects(pending, isClosedError);
    await closing;
    assert.equal(fake.status, 'end');
  });

  it('names the operation and the server in a failure, never the password', async () => {
    const owned = connections(() => Promise.resolve(asRedis(new FakeRedis())));
    await assert.rejects(owned.run('Reading a task result', () => Promise.reject(new Error('auth hunter2secret broke'))), (err: Error) => {
      assert.ok(err instanceof CeleryLensError);
      assert.match(err.message, /^Reading a task result failed on Redis redis:\/\/cache\.example:6380\/3: /);
      assert.doesNotMatch(err.message, /hunter2secret/);
      return true;
    });
    assert.equal(await owned.run('x', () => Promise.resolve(42)), 42);
  });
});

describe('(unit) redis pattern subscriptions', () => {
  function subscribeOn(owned: RedisConnections, fake: FakeRedis, heard: string[]): Promise<Subscription> {
    return owned.subscribe({
      connect: () => Promise.resolve(asRedis(fake)),
      pattern: '/3.celeryev/*',
      what: 'Subscribing to events',
      handlerName: 'event handler',
      onMessage: (channel, payload) => {
        if (payload.toString() === 'boom') throw new Error('handler broke');
        heard.push(`${channel} ${payload.toString()}`);
      },
    });
  }

  const noCommand = (): Promise<Redis> => Promise.reject(new Error('no command connection in this test'));

  it('delivers channel and payload, survives a throwing handler, and stops after close', async () => {
    const fake = new FakeRedis();
    const logger = recordingLogger();
    const heard: string[] = [];
    const subscription = await subscribeOn(connections(noCommand, logger), fake, heard);
    assert.deepEqual(fake.patterns, ['/3.celeryev/*']);
    fake.deliver('/3.celeryev/task.started', 'one');
    fake.deliver('/3.celeryev/x', 'boom');
    fake.deliver('/3.celeryev/task.succeeded', 'two');
    assert.deepEqual(heard, ['/3.celeryev/task.started one', '/3.celeryev/task.succeeded two']);
    assert.deepEqual(logger.warnings, ['event handler failed: handler broke']);
    await subscription.close();
    await subscription.close();
    assert.equal(fake.quits, 1);
    fake.deliver('/3.celeryev/late', 'three');
    assert.equal(heard.length, 2);
  });

  it('drops the connection and reports a safe error when PSUBSCRIBE fails', async () => {
    const fake = new FakeRedis();
    fake.failSubscribe = new Error('NOPERM for bob:hunter2secret');
    await assert.rejects(subscribeOn(connections(noCommand), fake, []), (err: Error) => {
      assert.match(err.message, /^Subscribing to events failed on Redis/);
      assert.doesNotMatch(err.message, /hunter2secret/);
      return true;
    });
    assert.equal(fake.disconnects, 1);
  });

  it('close() closes every open subscription and the command connection', async () => {
    const command = new FakeRedis();
    const fakes = [new FakeRedis(), new FakeRedis()];
    const owned = connections(() => Promise.resolve(asRedis(command)));
    await owned.command();
    const first = await subscribeOn(owned, fakes[0], []);
    await subscribeOn(owned, fakes[1], []);
    await first.close();
    assert.deepEqual(fakes.map((f) => f.quits), [1, 0]);
    await owned.close();
    assert.deepEqual(fakes.map((f) => f.quits), [1, 1]);
    assert.equal(command.status, 'end');
  });

  it('refuses to subscribe once closed, also when close() ran mid-connect', async () => {
    const owned = connections(noCommand);
    const fake = new FakeRedis();
    let arrive: (client: Redis) => void = () => undefined;
    const pending = owned.subscribe({
      connect: () => new Promise<Redis>((resolve) => {
        arrive = resolve;
      }),
      pattern: 'celery-task-meta-*',
      what: 'Subscribing to results',
      handlerName: 'result handler',
      onMessage: () => undefined,
    });
    await owned.close();
    arrive(asRedis(fake));
    await assert.rejects(pending, isClosedError);
    assert.equal(fake.status, 'end');
    await assert.rejects(subscribeOn(owned, new FakeRedis(), []), isClosedError);
  });
});
