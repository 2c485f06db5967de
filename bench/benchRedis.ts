/** A private redis-server for the end-to-end bench: a free port, no persistence, default pub/sub limits. */
import { spawn, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import { Redis } from 'ioredis';

/** Where the subscriber publishes how many events it has applied (outside the celeryev pattern). */
export const ACK_CHANNEL = 'bench:applied';

export interface BenchRedis {
  port: number;
  /** The redis-server process (for its CPU time). */
  pid: number | undefined;
  /** A command connection (for CLIENT LIST / INFO probes). */
  probe: Redis;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export async function startBenchRedis(): Promise<BenchRedis> {
  const port = await freePort();
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  probe.on('error', () => undefined);
  for (let attempt = 0; ; attempt++) {
    try {
      await probe.connect();
      break;
    } catch (err) {
      if (attempt > 50) throw new Error(`redis-server did not start on ${port}: ${(err as Error).message}`, { cause: err });
      await new Promise((done) => setTimeout(done, 100));
    }
  }
  return {
    port,
    pid: child.pid,
    probe,
    async stop() {
      probe.disconnect();
      child.kill('SIGTERM');
      await new Promise((done) => child.once('exit', done));
    },
  };
}

/** The subscriber's output buffer in Redis (bytes not yet sent to it), from CLIENT LIST. */
export async function subscriberBacklog(probe: Redis): Promise<number> {
  const list = String(await probe.client('LIST'));
  let most = 0;
  for (const line of list.split('\n')) {
    if (!/ psub=[1-9]/.test(line)) continue;
    const omem = /omem=(\d+)/.exec(line);
    if (omem) most = Math.max(most, Number(omem[1]));
  }
  return most;
}
