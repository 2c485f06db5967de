import assert from 'node:assert/strict';
import { classifyFault, isConnectionFault, safeReason } from '../../../src/core/monitor/faults';
import { parseConnectionUrl } from '../../../src/core/url/connectionUrl';
import { CeleryLensError, TimeoutError } from '../../../src/core/util/errors';

describe('(unit) monitor fault classification', () => {
  // Messages as the project's brokers produce them against the real servers of this machine.
  const cases: Array<[string, Error, ReturnType<typeof classifyFault>]> = [
    ['redis refused', new CeleryLensError('Cannot connect to Redis redis://127.0.0.1:1/0 (broker): connect ECONNREFUSED 127.0.0.1:1', 'REDIS_UNAVAILABLE'), 'connection'],
    ['redis wrong password', new CeleryLensError('Cannot connect to Redis redis://127.0.0.1:6379/3 (broker): WRONGPASS invalid username-password pair or user is disabled.', 'REDIS_UNAVAILABLE'), 'needs-user'],
    ['redis link down', new CeleryLensError("Reading queue depths failed on Redis redis://127.0.0.1:6379/14: Stream isn't writeable and enableOfflineQueue options is false", 'REDIS_UNAVAILABLE'), 'connection'],
    ['rabbit wrong password', new CeleryLensError('Cannot connect to RabbitMQ amqp://guest:***@127.0.0.1:5672//: Handshake terminated by server: 403 (ACCESS-REFUSED) with message "ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN. For details see the broker logfile."', 'CONNECT'), 'needs-user'],
    ['rabbit missing vhost', new CeleryLensError('Cannot connect to RabbitMQ amqp://guest:***@127.0.0.1:5672/nosuchvhost: Expected ConnectionOpenOk; got <ConnectionClose channel:0> (the server refused to open virtual host "nosuchvhost": it may not exist, or user "guest" has no permission on it)', 'CONNECT'), 'needs-user'],
    ['rabbit refused', new CeleryLensError('Cannot connect to RabbitMQ amqp://guest:***@127.0.0.1:1//: connect ECONNREFUSED 127.0.0.1:1', 'CONNECT'), 'connection'],
    ['timeout', new TimeoutError('Connecting to RabbitMQ amqp://guest:***@127.0.0.1:6379// timed out after 2000 ms'), 'connection'],
    ['closed broker', new CeleryLensError('The Redis broker redis://127.0.0.1:6379/14 was closed', 'CLOSED'), 'connection'],
    ['bad TLS file', new CeleryLensError('Cannot read the TLS CA certificate file "/nope": ENOENT', 'BAD_TLS_FILE'), 'needs-user'],
    ['untrusted certificate', new Error('Cannot connect to Redis rediss://127.0.0.1:6390/0 (broker): self-signed certificate in certificate chain'), 'needs-user'],
    ['missing queue', new CeleryLensError('Queue "x" does not exist in vhost "/" on amqp://guest:***@h//', 'NOT_FOUND'), 'other'],
    ['management API 500', new CeleryLensError('RabbitMQ management API returned 500 for /api/queues', 'MANAGEMENT_API'), 'other'],
  ];
  for (const [name, err, kind] of cases) {
    it(`${name} → ${kind}`, () => {
      assert.equal(classifyFault(err), kind);
      assert.equal(isConnectionFault(err), kind === 'connection');
    });
  }

  it('safeReason redacts URLs and the bare passwords of the given URLs, on one line', () => {
    const broker = parseConnectionUrl('amqp://lens:s3cr%40t-pass@rabbit:5672/prod');
    const backend = parseConnectionUrl('redis://:hunter22@cache:6379/1');
    const err = new Error('login as lens with s3cr@t-pass failed\n at amqp://lens:s3cr@t-pass@rabbit:5672/prod; backend said hunter22');
    const text = safeReason(err, [broker, backend]);
    assert.ok(!text.includes('s3cr@t-pass') && !text.includes('hunter22'), text);
    assert.ok(!text.includes('\n'));
    assert.match(text, /login as lens with \*\*\* failed/);
    assert.equal(safeReason('plain words'), 'plain words');
    assert.equal(safeReason(new Error('')), 'unknown error');
  });
});
