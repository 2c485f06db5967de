import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { amqpConnectArgs, isNotFound, openAmqpConnection, sanitize } from '../../../../src/core/broker/amqp/amqpConnect';
import { publishOptions } from '../../../../src/core/broker/amqp/amqpPublisher';
import { isInternalQueue, amqpPeek } from '../../../../src/core/broker/amqp/amqpQueues';
import type { AmqpSession } from '../../../../src/core/broker/amqp/amqpSession';
import { parseConnectionUrl, type AmqpConnectionUrl } from '../../../../src/core/url/connectionUrl';
import { TimeoutError, UnsupportedError } from '../../../../src/core/util/errors';
import { silentLogger } from '../../../../src/core/util/logger';

function amqpUrl(text: string): AmqpConnectionUrl {
  const url = parseConnectionUrl(text);
  assert.equal(url.kind, 'amqp');
  return url as AmqpConnectionUrl;
}

const settings = { connectTimeoutMs: 300, heartbeatSeconds: 30 };

describe('(unit) AMQP connection settings', () => {
  it('passes a connect object (no URL string) with the vhost kept literal', () => {
    const { connect, socket } = amqpConnectArgs(amqpUrl('amqp://bob:pa%25ss@rabbit:5673/my%25vhost'), settings);
    assert.equal(connect.protocol, 'amqp');
    assert.equal(connect.hostname, 'rabbit');
    assert.equal(connect.port, 5673);
    assert.equal(connect.username, 'bob');
    assert.equal(connect.password, 'pa%ss');
    // amqplib unescapes the vhost once: "my%25vhost" → "my%vhost".
    assert.equal(decodeURIComponent(connect.vhost ?? ''), 'my%vhost');
    assert.equal(connect.heartbeat, 30);
    assert.equal(socket.timeout, 300);
    assert.equal(socket.ca, undefined);
  });

  it('uses vhost "/" for Celery\'s "//"', () => {
    const { connect } = amqpConnectArgs(amqpUrl('amqp://guest:guest@localhost:5672//'), settings);
    assert.equal(decodeURIComponent(connect.vhost ?? ''), '/');
  });

  it('reads TLS files for amqps and honours ssl_cert_reqs=none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lens-tls-'));
    for (const f of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(dir, f), `-- ${f} --`);
    const url = amqpUrl(`amqps://u:p@h/v?ssl_cert_reqs=none&ssl_ca_certs=${dir}/ca.pem&ssl_certfile=${dir}/cert.pem&ssl_keyfile=${dir}/key.pem`);
    const { connect, socket } = amqpConnectArgs(url, settings);
    assert.equal(connect.protocol, 'amqps');
    assert.equal(connect.port, 5671);
    assert.equal(socket.rejectUnauthorized, false);
    assert.deepEqual((socket.ca as Buffer[]).map(String), ['-- ca.pem --']);
    assert.equal(String(socket.cert), '-- cert.pem --');
    assert.equal(String(socket.key), '-- key.pem --');
    assert.equal(amqpConnectArgs(amqpUrl('amqps://u:p@h/v'), settings).socket.rejectUnauthorized, true);
  });

  it('names a missing TLS file', () => {
    assert.throws(() => amqpConnectArgs(amqpUrl('amqps://u:p@h/v?ssl_ca_certs=/no/such/ca.pem'), settings), /TLS CA file \/no\/such\/ca\.pem/);
  });

  it('redacts the password in URLs and as bare text', () => {
    const url = amqpUrl('amqp://bob:hunter22@h/v');
    assert.equal(sanitize('failed amqp://bob:hunter22@h:5672/v and hunter22', url), 'failed amqp://bob:***@h:5672/v and ***');
    assert.equal(sanitize('user guest', amqpUrl('amqp://guest:guest@h/v')), 'user guest');
  });

  it('recognises a 404 channel error', () => {
    assert.ok(isNotFound(Object.assign(new Error('x'), { code: 404 })));
    assert.ok(isNotFound(new Error('Operation failed: QueueDeclare; 404 (NOT-FOUND) with message "NOT_FOUND - no queue')));
    assert.ok(!isNotFound(Object.assign(new Error('PRECONDITION_FAILED'), { code: 406 })));
  });

  it('skips Celery plumbing queues when listing', () => {
    for (const q of ['w1@vm.celery.pidbox', 'abc.reply.celery.pidbox', 'celeryev.1234', 'amq.gen-xyz', 'celery-lens.lost-events.1234']) assert.ok(isInternalQueue(q), q);
    for (const q of ['celery', 'priority', 'celeryev', 'reports']) assert.ok(!isInternalQueue(q), q);
  });
});

describe('(unit) AMQP publish options', () => {
  it('maps kombu properties to amqplib options, persistent and mandatory by default', () => {
    const options = publishOptions({
      body: Buffer.from('[]'), contentType: 'application/json', contentEncoding: 'utf-8', headers: { id: 't' },
      properties: { correlation_id: 't', reply_to: 'r', priority: 7, expiration: '5000' }, exchange: '', routingKey: 'celery',
    });
    assert.deepEqual(options, {
      contentType: 'application/json', contentEncoding: 'utf-8', headers: { id: 't' }, deliveryMode: 2, mandatory: true,
      correlationId: 't', replyTo: 'r', priority: 7, expiration: '5000',
    });
  });
});

describe('(unit) AMQP connect failures', () => {
  let server: Server;
  let port: number;
  const sockets: Socket[] = [];
  before(async () => {
    // Accepts TCP and then says nothing, like a firewall black hole or a hung broker.
    server = createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });

  it('times out on a silent server with a TimeoutError that hides the password', async () => {
    const began = Date.now();
    await assert.rejects(openAmqpConnection(amqpUrl(`amqp://bob:hunter22@127.0.0.1:${port}/v`), settings), (err: unknown) => {
      assert.ok(err instanceof TimeoutError);
      assert.match(err.message, /amqp:\/\/bob:\*\*\*@127\.0\.0\.1/);
      assert.doesNotMatch(err.message, /hunter22/);
      return true;
    });
    assert.ok(Date.now() - began < 2000, 'gave up near the connect timeout');
  });

  it('reports a refused connection without the password', async () => {
    await assert.rejects(openAmqpConnection(amqpUrl('amqp://bob:hunter22@127.0.0.1:1/v'), settings), (err: unknown) => {
      assert.match((err as Error).message, /Cannot connect to RabbitMQ amqp:\/\/bob:\*\*\*@127\.0\.0\.1:1\/v: .*ECONNREFUSED/);
      assert.doesNotMatch((err as Error).message, /hunter22/);
      return true;
    });
  });
});

describe('(unit) AMQP peek without a management URL', () => {
  it('throws UnsupportedError that says how to enable it', async () => {
    const session = { url: amqpUrl('amqp://g:g@h/v'), logger: silentLogger, commandTimeoutMs: 100 } as AmqpSession;
    await assert.rejects(amqpPeek(session, undefined, 'celery', 5), (err: unknown) => {
      assert.ok(err instanceof UnsupportedError);
      assert.match(err.message, /management API: pass --management-url/);
      return true;
    });
  });
});
