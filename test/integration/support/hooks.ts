/**
 * Mocha root hooks for the integration tier (required by .mocharc.integration.json): start the
 * Redis-brokered and the RabbitMQ-brokered test clusters once per run, tear them down at the end.
 *
 * Environment knobs: LENS_TEST_OWN_SERVERS=1 starts private redis-server/rabbitmq-server even when
 * the machine's ones answer; LENS_TEST_LOCK_WAIT_MS bounds the wait for a concurrent run (10 min).
 */
import type { RootHookObject } from 'mocha';
import { registerCluster, type TestCluster } from './cluster';
import { stopCliSessions } from './cliSession';
import { closeRedisClients, type RunResult } from './helpers';
import { testDbs, testVhost } from './isolation';
import { testRunDir } from './paths';
import { deleteVhost, ensureRabbit, resetVhost, stopRabbit, type RabbitServer } from './rabbitServer';
import { ensureRedis, flushDbs, type RedisServer } from './redisServer';
import { acquireRunLock, recordOwnedProcess, releaseRunLock } from './runLock';
import { startWorkers, stopWorkers, workerQueues, type WorkerProcess } from './workers';
import { stopProcess } from './processes';


const lockWaitMs = Number(process.env.LENS_TEST_LOCK_WAIT_MS ?? 600_000);
const startupMs = 180_000;

let redis: RedisServer | undefined;
let rabbit: RabbitServer | undefined;
const workers: WorkerProcess[] = [];

function log(line: string): void {
  process.stderr.write(`[harness] ${line}\n`);
}

async function startRedisCluster(server: RedisServer, runDir: string): Promise<void> {
  const base = `redis://${server.host}:${server.port}`;
  const coords = { brokerUrl: `${base}/${testDbs.redisBroker}`, backendUrl: `${base}/${testDbs.redisBackend}` };
  const started = await startWorkers('redis', coords, runDir);
  started.forEach((w) => recordOwnedProcess(w.process.child.pid));
  workers.push(...started);
  registerCluster({ kind: 'redis', ...coords, workers: started.map((w) => w.nodeName), queues: [...workerQueues] });
}

async function startAmqpCluster(redisServer: RedisServer, runDir: string): Promise<void> {
  rabbit = await ensureRabbit(runDir, process.env.LENS_TEST_OWN_SERVERS === '1', log);
  recordOwnedProcess(rabbit.process?.child.pid);
  await resetVhost(rabbit, testVhost);
  const coords = {
    brokerUrl: `amqp://guest:guest@127.0.0.1:${rabbit.amqpPort}/${testVhost}`,
    backendUrl: `redis://${redisServer.host}:${redisServer.port}/${testDbs.amqpBackend}`,
  };
  const started = await startWorkers('amqp', coords, runDir);
  started.forEach((w) => recordOwnedProcess(w.process.child.pid));
  workers.push(...started);
  const cluster: TestCluster = { kind: 'amqp', ...coords, workers: started.map((w) => w.nodeName), queues: [...workerQueues] };
  if (rabbit.managementPort !== undefined) cluster.managementUrl = `http://guest:guest@127.0.0.1:${rabbit.managementPort}`;
  registerCluster(cluster);
}

/** Runs `rabbitmqctl` against the amqp test cluster's node (the machine's, or the one we started). */
export function rabbitCtl(args: string[]): Promise<RunResult> {
  if (!rabbit) throw new Error('the amqp test cluster is not running');
  return rabbit.ctl(args);
}

/**
 * Takes the run lock and starts the given test clusters (both by default); read them with
 * `getCluster`. Also used outside mocha by the VS Code tier (test/vscode/support/withCluster.ts).
 */
export async function setUp(kinds: ReadonlyArray<TestCluster['kind']> = ['redis', 'amqp']): Promise<void> {
  const began = Date.now();
  await acquireRunLock(lockWaitMs, log);
  const runDir = testRunDir();
  const server = await ensureRedis(runDir, process.env.LENS_TEST_OWN_SERVERS === '1');
  redis = server;
  recordOwnedProcess(server.process?.child.pid);
  await flushDbs(server, Object.values(testDbs));
  // The two clusters are independent: bring them up side by side.
  await Promise.all(kinds.map((kind) => (kind === 'redis' ? startRedisCluster(server, runDir) : startAmqpCluster(server, runDir))));
  log(`clusters ready in ${((Date.now() - began) / 1000).toFixed(1)} s (logs in ${runDir})`);
}

/** Stops everything `setUp` started and releases the run lock (safe after a partial setUp). */
export async function tearDown(): Promise<void> {
  await stopCliSessions();
  await closeRedisClients();
  await stopWorkers(workers.splice(0));
  if (rabbit) {
    await deleteVhost(rabbit, testVhost);
    await stopRabbit(rabbit);
    rabbit = undefined;
  }
  if (redis?.process) await stopProcess(redis.process, 5000);
  redis = undefined;
  releaseRunLock();
}

/** Root hooks picked up by mocha through `require` in .mocharc.integration.json. */
export const mochaHooks: RootHookObject = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(lockWaitMs + startupMs);
    try {
      await setUp();
    } catch (err) {
      await tearDown().catch(() => undefined);
      throw err;
    }
  },
  async afterAll(this: Mocha.Context) {
    this.timeout(60_000);
    await tearDown();
  },
};
