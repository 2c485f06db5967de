/**
 * The RabbitMQ server for the run: the machine's 127.0.0.1:5672 if it accepts guest/guest,
 * otherwise a private node (own name, ports, data and log dirs) that the harness starts and stops.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as amqp from 'amqplib';
import { freePort, portOpen } from './net';
import { startLogged, stopProcess, type ManagedProcess } from './processes';
import { run, sleep, type RunResult } from './helpers';

/** A reachable RabbitMQ node and how to administer it. */
export interface RabbitServer {
  amqpPort: number;
  /** Management HTTP port, when the management plugin is known to be enabled. */
  managementPort?: number;
  /** Runs `rabbitmqctl` against this node. */
  ctl(args: string[]): Promise<RunResult>;
  /** Set when the harness started this node. */
  process?: ManagedProcess;
  nodeName?: string;
}

const guestAuth = 'Basic ' + Buffer.from('guest:guest').toString('base64');

async function acceptsGuest(port: number): Promise<boolean> {
  if (!(await portOpen(port))) return false;
  try {
    const conn = await amqp.connect(`amqp://guest:guest@127.0.0.1:${port}/`, { timeout: 3000 });
    await conn.close();
    return true;
  } catch {
    return false;
  }
}

/** True when the management API answers with guest credentials on `port`. */
export async function managementAnswers(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/api/overview`, { headers: { authorization: guestAuth }, signal: AbortSignal.timeout(3000) });
    return res.ok;
  } catch {
    return false;
  }
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(250);
  }
  return false;
}

function systemNode(): RabbitServer {
  return { amqpPort: 5672, ctl: (args) => run('rabbitmqctl', args, { timeoutMs: 60_000 }) };
}

/** Enables the management plugin on the machine's node (idempotent); resolves whether :15672 answers. */
async function enableSystemManagement(log: (line: string) => void): Promise<boolean> {
  if (await managementAnswers(15672)) return true;
  log('enabling the RabbitMQ management plugin');
  const result = await run('rabbitmq-plugins', ['enable', 'rabbitmq_management'], { timeoutMs: 90_000 }).catch(() => undefined);
  if (!result || result.code !== 0) {
    log(`could not enable rabbitmq_management: ${result?.stderr.trim() ?? 'rabbitmq-plugins not runnable'}`);
    return false;
  }
  return waitUntil(() => managementAnswers(15672), 30_000);
}

function serverBinary(): string {
  // The /usr/sbin wrapper would `su rabbitmq` and use /etc/rabbitmq; the real script honours our env.
  const direct = '/usr/lib/rabbitmq/bin/rabbitmq-server';
  return fs.existsSync(direct) ? direct : 'rabbitmq-server';
}

function ctlBinary(): string {
  const direct = '/usr/lib/rabbitmq/bin/rabbitmqctl';
  return fs.existsSync(direct) ? direct : 'rabbitmqctl';
}

/**
 * The environment that makes `rabbitmq-server`/`rabbitmqctl` run a private node entirely inside
 * `dir` (its own cookie, data, logs, config) on the given ports.
 */
export function privateNodeEnv(dir: string, nodeName: string, amqpPort: number, distPort: number): NodeJS.ProcessEnv {
  return {
    ...process.env,
    HOME: dir, // private Erlang cookie, shared by the node and our rabbitmqctl calls
    RABBITMQ_NODENAME: nodeName,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(amqpPort),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: path.join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: path.join(dir, 'log'),
    RABBITMQ_CONFIG_FILE: path.join(dir, 'rabbitmq.conf'),
    RABBITMQ_ENABLED_PLUGINS_FILE: path.join(dir, 'enabled_plugins'),
    RABBITMQ_CONF_ENV_FILE: path.join(dir, 'rabbitmq-env.conf'),
    RABBITMQ_PID_FILE: path.join(dir, 'rabbitmq.pid'),
  };
}

async function startOwnNode(runDir: string, log: (line: string) => void): Promise<RabbitServer> {
  const [amqpPort, distPort, managementPort] = [await freePort(), await freePort(), await freePort()];
  const dir = path.join(runDir, 'rabbitmq');
  fs.mkdirSync(path.join(dir, 'mnesia'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'log'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'rabbitmq.conf'), [
    `listeners.tcp.1 = 127.0.0.1:${amqpPort}`,
    `management.tcp.ip = 127.0.0.1`,
    `management.tcp.port = ${managementPort}`,
    '',
  ].join('\n'));
  fs.writeFileSync(path.join(dir, 'enabled_plugins'), '[rabbitmq_management].\n');
  fs.writeFileSync(path.join(dir, 'rabbitmq-env.conf'), '');
  const nodeName = `lens-test-${process.pid}@localhost`;
  const env = privateNodeEnv(dir, nodeName, amqpPort, distPort);
  log(`starting a private RabbitMQ node ${nodeName} on port ${amqpPort}`);
  const proc = startLogged('rabbitmq-server', serverBinary(), [], { env, logFile: path.join(runDir, 'rabbitmq-server.log') });
  const server: RabbitServer = {
    amqpPort,
    ctl: (args) => run(ctlBinary(), ['-n', nodeName, ...args], { env, timeoutMs: 60_000 }),
    process: proc,
    nodeName,
  };
  if (!(await waitUntil(() => acceptsGuest(amqpPort), 90_000))) {
    await stopRabbit(server);
    throw new Error(`private RabbitMQ did not start; see ${proc.logFile} and ${dir}/log`);
  }
  if (await waitUntil(() => managementAnswers(managementPort), 30_000)) server.managementPort = managementPort;
  return server;
}

/** Finds or starts RabbitMQ (a private node when `forceOwn` or 127.0.0.1:5672 does not accept guest/guest). */
export async function ensureRabbit(runDir: string, forceOwn: boolean, log: (line: string) => void): Promise<RabbitServer> {
  if (!forceOwn && (await acceptsGuest(5672))) {
    const server = systemNode();
    if (await enableSystemManagement(log)) server.managementPort = 15672;
    return server;
  }
  return startOwnNode(runDir, log);
}

async function managementCall(server: RabbitServer, method: string, apiPath: string, body?: unknown): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${server.managementPort}/api/${apiPath}`, {
    method,
    headers: { authorization: guestAuth, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  return res.status;
}

function checkCtl(result: RunResult, what: string): void {
  if (result.code !== 0) throw new Error(`rabbitmqctl ${what} failed: ${result.stderr.trim() || result.stdout.trim()}`);
}

/** Deletes `vhost` if present (dropping every queue in it), recreates it and grants guest full rights. */
export async function resetVhost(server: RabbitServer, vhost: string): Promise<void> {
  const encoded = encodeURIComponent(vhost);
  if (server.managementPort !== undefined) {
    const deleted = await managementCall(server, 'DELETE', `vhosts/${encoded}`);
    const created = await managementCall(server, 'PUT', `vhosts/${encoded}`);
    const granted = await managementCall(server, 'PUT', `permissions/${encoded}/guest`, { configure: '.*', write: '.*', read: '.*' });
    if ((deleted < 300 || deleted === 404) && created < 300 && granted < 300) return;
    // Management answered oddly: fall through to rabbitmqctl.
  }
  await server.ctl(['delete_vhost', vhost]);
  checkCtl(await server.ctl(['add_vhost', vhost]), 'add_vhost');
  checkCtl(await server.ctl(['set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*']), 'set_permissions');
}

/** Removes `vhost` (best effort). */
export async function deleteVhost(server: RabbitServer, vhost: string): Promise<void> {
  if (server.managementPort !== undefined) {
    const status = await managementCall(server, 'DELETE', `vhosts/${encodeURIComponent(vhost)}`).catch(() => 500);
    if (status < 300 || status === 404) return;
  }
  await server.ctl(['delete_vhost', vhost]).catch(() => undefined);
}

/** Stops the node if the harness started it; leaves the machine's own RabbitMQ alone. */
export async function stopRabbit(server: RabbitServer): Promise<void> {
  if (!server.process) return;
  await server.ctl(['shutdown']).catch(() => undefined);
  await stopProcess(server.process, 15_000);
}
