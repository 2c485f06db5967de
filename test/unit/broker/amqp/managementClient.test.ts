import * as assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ManagementApiError, ManagementClient } from '../../../../src/core/broker/amqp/managementClient';
import { TimeoutError } from '../../../../src/core/util/errors';

interface Seen {
  method?: string;
  url?: string;
  authorization?: string;
  body: string;
}

describe('(unit) RabbitMQ management API client', () => {
  let server: Server;
  let base: string;
  const seen: Seen[] = [];
  let respond: (req: IncomingMessage) => { status: number; body: string; delayMs?: number };

  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, authorization: req.headers.authorization, body });
        const r = respond(req);
        setTimeout(() => {
          res.writeHead(r.status, { 'content-type': 'application/json' });
          res.end(r.body);
        }, r.delayMs ?? 0);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });
  beforeEach(() => {
    seen.length = 0;
  });

  it('sends Basic auth from the URL, encodes the vhost "/" as %2F, and accepts a trailing /api', async () => {
    respond = () => ({ status: 200, body: JSON.stringify({ name: 'celery', messages_ready: 3, consumers: 2 }) });
    const client = new ManagementClient(`http://us%40er:p%3Ass@${base}/api/`, 1000);
    const q = await client.getQueue('/', 'my queue');
    assert.equal(q.messages_ready, 3);
    assert.equal(seen[0].method, 'GET');
    assert.equal(seen[0].url, '/api/queues/%2F/my%20queue');
    assert.equal(seen[0].authorization, 'Basic ' + Buffer.from('us@er:p:ss').toString('base64'));
  });

  it('asks /get to requeue (never consume), with auto encoding and a truncate limit', async () => {
    respond = () => ({ status: 200, body: '[]' });
    const client = new ManagementClient(`http://guest:guest@${base}`, 1000);
    assert.deepEqual(await client.getMessages('vh', 'celery', 7, 4096), []);
    assert.equal(seen[0].method, 'POST');
    assert.equal(seen[0].url, '/api/queues/vh/celery/get');
    assert.deepEqual(JSON.parse(seen[0].body), { count: 7, ackmode: 'ack_requeue_true', encoding: 'auto', truncate: 4096 });
  });

  it('turns a 404 into ManagementApiError(404) and a 401 into a hint, never showing the password', async () => {
    const client = new ManagementClient(`http://guest:Sup3rSecret@${base}`, 1000);
    respond = () => ({ status: 404, body: '{"error":"Object Not Found","reason":"Not Found"}' });
    await assert.rejects(client.getQueue('vh', 'missing'), (err: unknown) => {
      assert.ok(err instanceof ManagementApiError);
      assert.equal(err.status, 404);
      assert.doesNotMatch(err.message, /Sup3rSecret/);
      return true;
    });
    respond = () => ({ status: 401, body: '{"error":"not_authorized","reason":"Login failed"}' });
    await assert.rejects(client.listQueues('vh'), (err: unknown) => {
      assert.ok(err instanceof ManagementApiError);
      assert.match(err.message, /401.*Login failed.*check the user name and password/);
      assert.doesNotMatch(err.message, /Sup3rSecret/);
      return true;
    });
  });

  it('times out with a TimeoutError', async () => {
    respond = () => ({ status: 200, body: '[]', delayMs: 1500 });
    const client = new ManagementClient(`http://guest:guest@${base}`, 200);
    const began = Date.now();
    await assert.rejects(client.listQueues('vh'), TimeoutError);
    assert.ok(Date.now() - began < 1200);
  });

  it('reports an unreachable server without the password', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const client = new ManagementClient(`http://guest:Sup3rSecret@127.0.0.1:${port}`, 1000);
    await assert.rejects(client.listQueues('vh'), (err: unknown) => {
      assert.match((err as Error).message, /failed: .*ECONNREFUSED/);
      assert.doesNotMatch((err as Error).message, /Sup3rSecret/);
      return true;
    });
  });

  it('refuses a non-http URL', () => {
    assert.throws(() => new ManagementClient('amqp://guest:Sup3rSecret@h:5672', 1000), (err: unknown) => {
      assert.match((err as Error).message, /must be http/);
      assert.doesNotMatch((err as Error).message, /Sup3rSecret/);
      return true;
    });
  });
});
