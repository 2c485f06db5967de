import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Redis from 'ioredis';
import { RedisBroker } from '../../../src/core/broker/redis/redisBroker';
import { parseConnectionUrl, type RedisConnectionUrl } from '../../../src/core/url/connectionUrl';
import { testRunDir, waitFor } from '../support';
import { freePort, portOpen } from '../support/net';
import { startLogged, stopProcess, type ManagedProcess } from '../support/processes';

/** A private TLS-only redis-server with a throwaway self-signed certificate for 127.0.0.1. */
describe('(integration) Redis broker over TLS (rediss://)', function () {
  this.timeout(30_000);
  let server: ManagedProcess | undefined;
  let port = 0;
  let cert = '';

  before(async function () {
    const dir = fs.mkdtempSync(path.join(testRunDir(), 'redis-tls-'));
    cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1',
        '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    } catch {
      this.skip();
    }
    port = await freePort();
    server = startLogged('redis-server (tls)', 'redis-server', ['--port', '0', '--tls-port', String(port), '--tls-cert-file', cert,
      '--tls-key-file', key, '--tls-auth-clients', 'no', '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1'], { logFile: path.join(dir, 'redis.log') });
    const up = await waitFor(() => portOpen(port), 5000, 'the TLS redis-server').catch(() => false);
    // A redis-server built without TLS exits at once on --tls-port.
    if (!up) this.skip();
  });

  after(async () => {
    if (server) await stopProcess(server, 5000);
  });

  async function attempt(url: string): Promise<string> {
    const broker = new RedisBroker(parseConnectionUrl(url) as RedisConnectionUrl, { connectTimeoutMs: 3000 });
    try {
      await broker.connect();
      const [info] = await broker.queueInfo(['celery']);
      return `ok ${info.messages}`;
    } catch (err) {
      return `error ${(err as Error).message}`;
    } finally {
      await broker.close();
    }
  }

  it('connects with the CA from ssl_ca_certs and verifies the certificate', async () => {
    assert.equal(await attempt(`rediss://127.0.0.1:${port}/0?ssl_cert_reqs=required&ssl_ca_certs=${encodeURIComponent(cert)}`), 'ok 0');
  });

  it('refuses an unverifiable certificate unless ssl_cert_reqs=none', async () => {
    assert.match(await attempt(`rediss://127.0.0.1:${port}/0`), /^error Cannot connect to Redis rediss:\/\/127\.0\.0\.1:\d+\/0 .*self-signed certificate.*\(the server's certificate is not trusted: name its CA with ssl_ca_certs=/);
    assert.equal(await attempt(`rediss://127.0.0.1:${port}/0?ssl_cert_reqs=none`), 'ok 0');
  });

  it('subscribes to events over TLS on its own connection, and refuses an unverifiable certificate there too', async () => {
    const verified = new RedisBroker(parseConnectionUrl(`rediss://127.0.0.1:${port}/0?ssl_ca_certs=${encodeURIComponent(cert)}`) as RedisConnectionUrl, { connectTimeoutMs: 3000 });
    const publisher = new Redis({ port, host: '127.0.0.1', tls: { ca: fs.readFileSync(cert) } });
    try {
      const heard: string[] = [];
      await verified.subscribeRawEvents((channel, payload) => heard.push(`${channel} ${payload.toString()}`));
      await waitFor(async () => {
        await publisher.publish('/0.celeryev/task.started', 'over tls');
        return heard.length > 0;
      }, 5000, 'an event over TLS');
      assert.equal(heard[0], '/0.celeryev/task.started over tls');
    } finally {
      publisher.disconnect();
      await verified.close();
    }
    const unverified = new RedisBroker(parseConnectionUrl(`rediss://127.0.0.1:${port}/0`) as RedisConnectionUrl, { connectTimeoutMs: 3000 });
    try {
      await assert.rejects(unverified.subscribeRawEvents(() => undefined), /^RedisUnavailableError: Cannot connect to Redis rediss:\/\/127\.0\.0\.1:\d+\/0 \(event subscriber\): self-signed certificate.*name its CA with ssl_ca_certs=/);
    } finally {
      await unverified.close();
    }
  });

  it('fails fast when plain redis:// is pointed at the TLS port', async () => {
    const started = Date.now();
    assert.match(await attempt(`redis://127.0.0.1:${port}/0`), /^error Cannot connect to Redis/);
    assert.ok(Date.now() - started < 3500);
  });
});
