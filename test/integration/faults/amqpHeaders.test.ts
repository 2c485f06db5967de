import * as assert from 'node:assert/strict';
import { AmqpBroker } from '../../../src/core/broker/amqp/amqpBroker';
import { encodeTaskMessage } from '../../../src/core/celery/taskEncoder';
import { RemoteControl } from '../../../src/core/control/remoteControl';
import { parseConnectionUrl, type AmqpConnectionUrl } from '../../../src/core/url/connectionUrl';
import { celeryPythonJson, getCluster } from '../support';

/**
 * Regression: amqplib writes integers 128..32767 in header tables as 's', which py-amqp reads as
 * a short string; the worker then dies ("Unrecoverable error: UnicodeDecodeError"). The pidbox
 * `clock` header passed 127 after 127 requests and killed every worker at once.
 */
describe('(integration) AMQP headers the workers can read', function () {
  this.timeout(60_000);

  it('200 pidbox requests in a row (clock headers past 127) and a task with time limits leave the workers alive', async () => {
    const cluster = getCluster('amqp');
    const broker = new AmqpBroker(parseConnectionUrl(cluster.brokerUrl) as AmqpConnectionUrl);
    try {
      await broker.connect();
      const control = new RemoteControl(broker, 1000);
      for (let i = 0; i < 200; i++) await broker.broadcast('ping', {}, { timeoutMs: 1000, limit: cluster.workers.length, reply: true });
      const { replies } = await control.ping();
      assert.deepEqual(replies.map((r) => r.hostname).sort(), [...cluster.workers].sort());
    } finally {
      await broker.close();
    }
    // A task whose headers hold 300 and 200 (timelimit), sent through our publisher, runs.
    const broker2 = new AmqpBroker(parseConnectionUrl(cluster.brokerUrl) as AmqpConnectionUrl);
    try {
      await broker2.connect();
      const message = encodeTaskMessage({ name: 'lens_testapp.tasks.add', args: [150, 150], timeLimit: 300, softTimeLimit: 200 });
      await broker2.publish(message);
      const result = await celeryPythonJson<number>(`print(json.dumps(result_of(${JSON.stringify(message.headers.id)}, 20)))`, cluster);
      assert.equal(result, 300);
    } finally {
      await broker2.close();
    }
  });
});
