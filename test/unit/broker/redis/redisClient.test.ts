import * as assert from 'node:assert/strict';
import { redisFailure, redisOptionsFor, safeMessage, tlsOptionsFor } from '../../../../src/core/broker/redis/redisClient';
import { parseConnectionUrl, type RedisConnectionUrl } from '../../../../src/core/url/connectionUrl';
import { CeleryLensError, TimeoutError } from '../../../../src/core/util/errors';

const url = parseConnectionUrl('redis://bob:hunter2secret@cache.example:6380/3') as RedisConnectionUrl;

describe('(unit) redis client options', () => {
  it('fails fast: lazy connect, no offline queue, timeouts from the options', () => {
    const options = redisOptionsFor(url, { role: 'broker', connectTimeoutMs: 1234, commandTimeoutMs: 5678 }, () => false);
    assert.equal(options.host, 'cache.example');
    assert.equal(options.port, 6380);
    assert.equal(options.db, 3);
    assert.equal(options.username, 'bob');
    assert.equal(options.password, 'hunter2secret');
    assert.equal(options.lazyConnect, true);
    assert.equal(options.enableOfflineQueue, false);
    assert.equal(options.connectTimeout, 1234);
    assert.equal(options.commandTimeout, 5678);
    assert.equal(options.tls, undefined);
    // No retry before the first successful connect; backoff afterwards.
    const retry = options.retryStrategy as (times: number) => number | null;
    assert.equal(retry(1), null);
    const connected = redisOptionsFor(url, { role: 'broker' }, () => true).retryStrategy as (times: number) => number | null;
    assert.ok((connected(1) ?? 0) > 0);
  });

  it('gives blocking connections a blocking deadline instead of a command timeout', () => {
    const options = redisOptionsFor(url, { role: 'pidbox', blocking: true, commandTimeoutMs: 3000 }, () => false);
    assert.equal(options.commandTimeout, undefined);
    assert.equal(options.blockingTimeout, 3000);
  });

  it('maps rediss:// settings to TLS options and names a missing file', () => {
    const tlsUrl = parseConnectionUrl('rediss://h:6390/0?ssl_cert_reqs=none') as RedisConnectionUrl;
    assert.deepEqual(tlsOptionsFor(tlsUrl), { rejectUnauthorized: false, servername: 'h' });
    assert.equal(tlsOptionsFor(parseConnectionUrl('rediss://h/0') as RedisConnectionUrl)?.rejectUnauthorized, true);
    const missing = parseConnectionUrl('rediss://h/0?ssl_ca_certs=/nonexistent/ca.pem') as RedisConnectionUrl;
    assert.throws(() => tlsOptionsFor(missing), (err: Error) => err instanceof CeleryLensError && /\/nonexistent\/ca\.pem/.test(err.message));
  });

  it('never lets the password into an error', () => {
    const err = new Error('AUTH failed for redis://bob:hunter2secret@cache.example:6380 with hunter2secret');
    assert.doesNotMatch(safeMessage(err, url), /hunter2secret/);
    const wrapped = redisFailure(err, url, 'Peeking');
    assert.ok(wrapped instanceof CeleryLensError);
    assert.doesNotMatch(wrapped.message, /hunter2secret/);
    assert.match(wrapped.message, /Peeking failed on Redis redis:\/\/cache\.example:6380\/3/);
    assert.ok(redisFailure(new Error('Command timed out'), url, 'x') instanceof TimeoutError);
  });

  it('says how long a timed-out command went unanswered, when the timeout is known', () => {
    const wrapped = redisFailure(new Error('Command timed out'), url, 'Listing queues', 1500);
    assert.ok(wrapped instanceof TimeoutError);
    assert.match(wrapped.message, /^Listing queues failed on Redis redis:\/\/cache\.example:6380\/3: no answer within 1500 ms \(command timed out/);
    assert.match(redisFailure(new Error('Command timed out'), url, 'x').message, /: Command timed out$/);
  });
});
