import * as assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import { RedisConnections } from '../../../../src/core/broker/redis/redisConnections';
import { parseConnectionUrl, type RedisConnectionUrl } from '../../../../src/core/url/connectionUrl';
import { CeleryLensError } from '../../../../src/core/util/errors';
import { silentLogger, type Logger } from '../../../../src/core/util/logger';

const url = parseConnectionUrl('redis://bob:hunter2secret@cache.example:6380/3') as RedisConnectionUrl;

/** Just what the helpers and closeRedis touch on an ioredis client (subscriptions: patternSubscription.test.ts). */
class FakeRedis extends EventEmitter {
  status = 'ready';
  quits = 0;
  disconnects = 0;

  quit(): Promise<'OK'> {
    this.quits++;
    this.status = 'end';
    return Promise.resolve('OK');
  }

  disconnect(): void {
    this.disconnects++;
    this.status = 'end';
  }
}

const asRedis = (fake: FakeRedis): Redis => fake as unknown as Redis;

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
