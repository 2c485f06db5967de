/**
 * A private RabbitMQ node a fault test may break: its own name, ports, cookie and data dir, no
 * plugins (it starts in a few seconds), optionally a TLS listener. It can be stopped and started
 * again on the same ports and data (a broker restart), and is removed by `destroy()`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as amqp from 'amqplib';
import { freePort, portOpen } from '../support/net';
import { startLogged, stopProcess, type ManagedProcess } from '../support/processes';
import { run, sleep, type RunResult } from '../support';
import { privateNodeEnv } from '../support/rabbitServer';

/** Files for a TLS listener. */
export interface RabbitTlsFiles {
  caFile: string;
  certFile: string;
  keyFile: string;
}

export interface PrivateRabbit {
  amqpPort: number;
  /** Set when started with TLS files. */
  tlsPort?: number;
  nodeName: string;
  /** Runs `rabbitmqctl` against this node. */
  ctl(args: string[]): Promise<RunResult>;
  /** Starts the node (again) on the same ports and data; resolves once guest can log in. */
  start(): Promise<void>;
  /** Stops the node (clean shutdown; SIGKILL if it takes too long). */
  stop(): Promise<void>;
  /** Stops the node and removes its data. */
  destroy(): Promise<void>;
  /** SIGSTOP (hang) or SIGCONT (resume) the node's process group (the server and its helpers). */
  signal(signal: 'SIGSTOP' | 'SIGCONT'): void;
}

function binary(name: string): string {
  // The /usr/sbin wrappers would `su rabbitmq` and use /etc/rabbitmq; the real scripts honour our env.
  const direct = `/usr/lib/rabbitmq/bin/${name}`;
  return fs.existsSync(direct) ? direct : name;
}

async function acceptsGuest(port: number): Promise<boolean> {
  if (!(await portOpen(port))) return false;
  try {
    const conn = await amqp.connect(`amqp://guest:guest@127.0.0.1:${port}/`, { timeout: 2000 });
    await conn.close();
    return true;
  } catch {
    return false;
  }
}

/** Creates (does not start) a private node under `dir`. */
export async function privateRabbit(dir: string, tls?: RabbitTlsFiles): Promise<PrivateRabbit> {
  const [amqpPort, distPort] = [await freePort(), await freePort()];
  const tlsPort = tls ? await freePort() : undefined;
  fs.mkdirSync(path.join(dir, 'mnesia'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'log'), { recursive: true });
  const conf = [`listeners.tcp.1 = 127.0.0.1:${amqpPort}`, 'loopback_users = none'];
  if (tls && tlsPort) {
    conf.push(
      `listeners.ssl.1 = 127.0.0.1:${tlsPort}`,
      `ssl_options.cacertfile = ${tls.caFile}`,
      `ssl_options.certfile = ${tls.certFile}`,
      `ssl_options.keyfile = ${tls.keyFile}`,
      'ssl_options.verify = verify_none',
      'ssl_options.fail_if_no_peer_cert = false',
    );
  }
  fs.writeFileSync(path.join(dir, 'rabbitmq.conf'), conf.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'enabled_plugins'), '[].\n');
  fs.writeFileSync(path.join(dir, 'rabbitmq-env.conf'), '');
  const nodeName = `lens-fault-${process.pid}-${amqpPort}@localhost`;
  const env = privateNodeEnv(dir, nodeName, amqpPort, distPort);
  let proc: ManagedProcess | undefined;

  async function stop(): Promise<void> {
    if (!proc) return;
    const current = proc;
    proc = undefined;
    await run(binary('rabbitmqctl'), ['-n', nodeName, 'shutdown'], { env, timeoutMs: 20_000 }).catch(() => undefined);
    await stopProcess(current, 10_000);
  }

  return {
    amqpPort,
    tlsPort,
    nodeName,
    ctl: (args) => run(binary('rabbitmqctl'), ['-n', nodeName, ...args], { env, timeoutMs: 30_000 }),
    async start() {
      if (proc) return;
      proc = startLogged(`rabbitmq ${nodeName}`, binary('rabbitmq-server'), [], { env, logFile: path.join(dir, 'rabbitmq-server.log') });
      const deadline = Date.now() + 60_000;
      while (!(await acceptsGuest(amqpPort))) {
        if (Date.now() > deadline) {
          await stop();
          throw new Error(`private RabbitMQ ${nodeName} did not start; see ${dir}/rabbitmq-server.log`);
        }
        await sleep(200);
      }
      if (tlsPort !== undefined) {
        while (!(await portOpen(tlsPort))) {
          if (Date.now() > deadline) throw new Error(`private RabbitMQ ${nodeName} has no TLS listener on ${tlsPort}`);
          await sleep(200);
        }
      }
    },
    stop,
    signal(signal) {
      const pid = proc?.child.pid;
      // startLogged spawns detached: the node leads its own process group.
      if (pid !== undefined) process.kill(-pid, signal);
    },
    async destroy() {
      if (proc?.child.pid !== undefined) {
        try {
          process.kill(-proc.child.pid, 'SIGCONT');
        } catch {
          // already gone
        }
      }
      await stop();
      fs.rmSync(path.join(dir, 'mnesia'), { recursive: true, force: true });
    },
  };
}
