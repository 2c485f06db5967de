import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AmqpBroker } from '../../../src/core/broker/amqp/amqpBroker';
import { ClusterMonitor } from '../../../src/core/monitor/clusterMonitor';
import type { ConnectionStatus } from '../../../src/core/monitor/monitorTypes';
import { parseConnectionUrl, type AmqpConnectionUrl } from '../../../src/core/url/connectionUrl';
import { testRunDir, waitFor } from '../support';
import { privateRabbit, type PrivateRabbit } from './privateRabbit';
import { makeTestCa, type TestCa } from './testCa';

/** amqps:// against a private RabbitMQ node with a TLS listener whose certificate a test CA signed. */
describe('(integration) RabbitMQ broker over TLS (amqps://)', function () {
  this.timeout(60_000);
  let node: PrivateRabbit | undefined;
  let ca: TestCa;
  let port = 0;

  before(async function () {
    const dir = fs.mkdtempSync(path.join(testRunDir(), 'rabbit-tls-'));
    const made = makeTestCa(path.join(dir, 'ca'));
    if (!made) this.skip();
    ca = made;
    node = await privateRabbit(path.join(dir, 'node'), ca);
    await node.start();
    port = node.tlsPort ?? 0;
  });

  after(async () => {
    await node?.destroy();
  });

  async function attempt(url: string): Promise<string> {
    const broker = new AmqpBroker(parseConnectionUrl(url) as AmqpConnectionUrl, { connectTimeoutMs: 3000 });
    try {
      await broker.connect();
      const [info] = await broker.queueInfo(['lens-tls-missing']);
      return `ok ${info.exists}`;
    } catch (err) {
      return `error ${(err as Error).message}`;
    } finally {
      await broker.close();
    }
  }

  it('connects with the CA from ssl_ca_certs and verifies the certificate', async () => {
    assert.equal(await attempt(`amqps://guest:guest@127.0.0.1:${port}//?ssl_cert_reqs=required&ssl_ca_certs=${encodeURIComponent(ca.caFile)}`), 'ok false');
  });

  it('refuses a certificate it cannot verify, with a clear message, unless ssl_cert_reqs=none', async () => {
    const refused = await attempt(`amqps://guest:secret-pw@127.0.0.1:${port}//`);
    assert.match(refused, /^error Cannot connect to RabbitMQ amqps:\/\/guest:\*\*\*@127\.0\.0\.1:\d+\/\/: self-signed certificate in certificate chain \(the server's certificate is not trusted: name its CA with ssl_ca_certs=/);
    assert.doesNotMatch(refused, /secret-pw/);
    assert.equal(await attempt(`amqps://guest:guest@127.0.0.1:${port}//?ssl_cert_reqs=none`), 'ok false');
  });

  it('says the port does not speak TLS when amqps:// is pointed at the plain AMQP port', async () => {
    const refused = await attempt(`amqps://guest:guest@127.0.0.1:${node?.amqpPort ?? 0}//`);
    assert.match(refused, /^error Cannot connect to RabbitMQ .*the port does not speak TLS/);
  });

  it('a ClusterMonitor shows an untrusted certificate as status error with the reason, and connects with the CA', async () => {
    const bad = new ClusterMonitor({ name: 'tls-bad', brokerUrl: parseConnectionUrl(`amqps://guest:guest@127.0.0.1:${port}//`), settings: { connectTimeoutMs: 3000 } });
    const good = new ClusterMonitor({
      name: 'tls-good',
      brokerUrl: parseConnectionUrl(`amqps://guest:guest@127.0.0.1:${port}//?ssl_ca_certs=${encodeURIComponent(ca.caFile)}`),
      settings: { connectTimeoutMs: 3000 },
    });
    try {
      await Promise.all([bad.start(), good.start()]);
      const status = await waitFor(() => (bad.status.kind === 'error' ? bad.status : undefined), 10_000, 'status error') as Extract<ConnectionStatus, { kind: 'error' }>;
      assert.match(status.reason, /certificate/);
      assert.equal(good.status.kind, 'connected');
    } finally {
      await Promise.all([bad.stop(), good.stop()]);
    }
  });
});
