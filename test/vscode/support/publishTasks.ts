import type { TestCluster } from '../../integration/support/cluster';
import { createBroker } from '../../../src/core/broker/createBroker';
import { encodeTaskMessage, type SendTaskOptions } from '../../../src/core/celery/taskEncoder';
import { parseConnectionUrl } from '../../../src/core/url/connectionUrl';

/**
 * Publishes task messages to the cluster's broker, in order, as a client app would (over its own
 * broker connection, closed after), and resolves with their task ids.
 */
export async function publishTasks(cluster: TestCluster, ...tasks: SendTaskOptions[]): Promise<string[]> {
  const broker = createBroker(parseConnectionUrl(cluster.brokerUrl));
  await broker.connect();
  try {
    const ids: string[] = [];
    for (const task of tasks) {
      const message = encodeTaskMessage(task);
      await broker.publish(message);
      ids.push(String(message.headers.id));
    }
    return ids;
  } finally {
    await broker.close();
  }
}
