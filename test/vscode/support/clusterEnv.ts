/**
 * How the VS Code tier hands the test cluster's coordinates to the extension host: environment
 * variables, written by withCluster.ts and read by the tests (the extension host is another process,
 * so the harness's `getCluster` registry is not available there).
 *
 * Per started cluster kind (REDIS, AMQP): LENS_<KIND>_BROKER_URL, LENS_<KIND>_BACKEND_URL,
 * LENS_<KIND>_WORKERS and LENS_<KIND>_QUEUES (comma-separated), LENS_<KIND>_MANAGEMENT_URL (AMQP, when
 * the management API is available). LENS_WORKERS repeats the Redis cluster's workers.
 */
import type { TestCluster } from '../../integration/support/cluster';

const prefix = (kind: TestCluster['kind']): string => `LENS_${kind.toUpperCase()}_`;

/** The variables describing `cluster` (see the module comment). */
export function clusterEnvVars(cluster: TestCluster): Record<string, string> {
  const p = prefix(cluster.kind);
  const vars: Record<string, string> = {
    [`${p}BROKER_URL`]: cluster.brokerUrl,
    [`${p}BACKEND_URL`]: cluster.backendUrl,
    [`${p}WORKERS`]: cluster.workers.join(','),
    [`${p}QUEUES`]: cluster.queues.join(','),
  };
  if (cluster.managementUrl) vars[`${p}MANAGEMENT_URL`] = cluster.managementUrl;
  if (cluster.kind === 'redis') vars.LENS_WORKERS = vars[`${p}WORKERS`];
  return vars;
}

/** The `kind` cluster described by `env`, or undefined when its broker URL is not set. */
export function clusterFromEnv(kind: TestCluster['kind'], env: NodeJS.ProcessEnv = process.env): TestCluster | undefined {
  const p = prefix(kind);
  const brokerUrl = env[`${p}BROKER_URL`];
  const backendUrl = env[`${p}BACKEND_URL`];
  if (!brokerUrl || !backendUrl) return undefined;
  const list = (name: string): string[] => (env[`${p}${name}`] ?? '').split(',').filter(Boolean);
  const cluster: TestCluster = { kind, brokerUrl, backendUrl, workers: list('WORKERS'), queues: list('QUEUES') };
  const managementUrl = env[`${p}MANAGEMENT_URL`];
  if (managementUrl) cluster.managementUrl = managementUrl;
  return cluster;
}

/** Like {@link clusterFromEnv} but throws, saying how to get one, when the cluster was not started. */
export function requireCluster(kind: TestCluster['kind'], env: NodeJS.ProcessEnv = process.env): TestCluster {
  const cluster = clusterFromEnv(kind, env);
  if (!cluster) {
    throw new Error(`no ${kind} test cluster in the environment (${prefix(kind)}BROKER_URL): run the tier with ` +
      `scripts/vscode/run-tests.sh${kind === 'amqp' ? ' and LENS_VSCODE_CLUSTERS=redis,amqp' : ''}`);
  }
  return cluster;
}
