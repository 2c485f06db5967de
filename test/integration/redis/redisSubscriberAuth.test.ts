import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Redis from 'ioredis';
import { RedisBroker } from '../../../src/core/broker/redis/redisBroker';
import { parseConnectionUrl, type RedisConnectionUrl } from '../../../src/core/url/connectionUrl';
import { testRunDir, waitFor } from '../support';
import { freePort, portOpen } from '../support/net';
import { startLogged, stopProcess, type ManagedProcess } from '../support/processes';

/**
 * The event subscriber's own connection (subscriberConnection.ts) against a real redis-server that
 * wants a password: the default user's, an ACL user's, and an ACL user not allowed the channels.
 */
describe('(integration) Redis event subscriber with passwords and ACL users', function () {
  this.timeout(30_000);
  let server: ManagedProcess | undefined;
  let port = 0;
  const opened: RedisBroker[] = [];

  before(async () => {
    const dir = fs.mkdtempSync(path.join(testRunDir(), 'redis-auth-'));
    port = await freePort();
    server = startLogged('redis-server (auth)', 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
      '--requirepass', 'default-s3cret', '--user', 'bob', 'on', '>bob-s3cret', '~*', '&*', '+@all',
      '--user', 'eve', 'on', '>eve-s3cret', '~*', 'resetchannels', '+@all'], { logFile: path.join(dir, 'redis.log') });
    await waitFor(() => portOpen(port), 5000, 'the password-protected redis-server');
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((broker) => broker.close()));
  });

  after(async () => {
    if (server) await stopProcess(server, 5000);
  });

  async function heardOver(url: string): Promise<string[]> {
    const broker = new RedisBroker(parseConnectionUrl(url) as RedisConnectionUrl, { connectTimeoutMs: 3000 });
    opened.push(broker);
    // No broker.connect(): the subscription opens its own connection, and that is what is tested.
    const heard: string[] = [];
    await broker.subscribeRawEvents((channel, payload) => heard.push(`${channel} ${payload.toString()}`));
    const publisher = new Redis({ port, host: '127.0.0.1', password: 'default-s3cret' });
    try {
      await waitFor(async () => {
        await publisher.publish('/0.celeryev/task.started', 'hello');
        return heard.length > 0;
      }, 5000, 'an event over the subscription');
    } finally {
      publisher.disconnect();
    }
    return heard;
  }

  it('subscribes with the default user\'s password and with an ACL user and password', async () => {
    assert.equal((await heardOver(`redis://:default-s3cret@127.0.0.1:${port}/0`))[0], '/0.celeryev/task.started hello');
    assert.equal((await heardOver(`redis://bob:bob-s3cret@127.0.0.1:${port}/0`))[0], '/0.celeryev/task.started hello');
  });

  it('refuses a wrong password, and a user not allowed the channels, with messages that never show the password', async () => {
    await assert.rejects(heardOver(`redis://bob:wrong-s3cret@127.0.0.1:${port}/0`), (err: Error) => {
      assert.match(err.message, /^Cannot connect to Redis redis:\/\/127\.0\.0\.1:\d+\/0 .*WRONGPASS/);
      assert.doesNotMatch(err.message, /s3cret/);
      return true;
    });
    await assert.rejects(heardOver(`redis://eve:eve-s3cret@127.0.0.1:${port}/0`), (err: Error) => {
      assert.match(err.message, /^Subscribing to events failed on Redis redis:\/\/127\.0\.0\.1:\d+\/0: NOPERM/);
      assert.doesNotMatch(err.message, /s3cret/);
      return true;
    });
  });
});
