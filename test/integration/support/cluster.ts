/**
 * The real clusters the integration tier runs against. The root hooks (hooks.ts) start them once
 * per run: a Redis-brokered cluster and a RabbitMQ-brokered one, each with two real Celery 5
 * workers running the test app in test/fixtures/celery_app. Tests read their coordinates here.
 */
export interface TestCluster {
  kind: 'redis' | 'amqp';
  /** Broker URL (isolated: its own Redis DB / RabbitMQ vhost for this run). */
  brokerUrl: string;
  /** Redis result backend URL (its own DB). */
  backendUrl: string;
  /** RabbitMQ management API base URL with credentials (AMQP cluster only). */
  managementUrl?: string;
  /** Worker node names, e.g. `lens1@<host>`. */
  workers: string[];
  /** Queues the workers consume. */
  queues: string[];
}

const clusters = new Map<TestCluster['kind'], TestCluster>();

export function registerCluster(cluster: TestCluster): void {
  clusters.set(cluster.kind, cluster);
}

export function getCluster(kind: TestCluster['kind']): TestCluster {
  const cluster = clusters.get(kind);
  if (!cluster) throw new Error(`the ${kind} test cluster was not started (see test/integration/support/hooks.ts)`);
  return cluster;
}
