/** A throwaway redis-server (no persistence) a fault test may stop, freeze (SIGSTOP) and restart. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Redis from 'ioredis';
import { waitFor } from '../support';
import { freePort } from '../support/net';
import { startLogged, stopProcess, type ManagedProcess } from '../support/processes';

export interface PrivateRedis {
  port: number;
  /** `redis://127.0.0.1:PORT/db`. */
  url(db: number): string;
  /** Starts the server (again, on the same port); resolves once it answers PING. */
  start(): Promise<void>;
  /** Kills the server (SIGKILL: a crash, nothing saved). */
  kill(): Promise<void>;
  /** SIGSTOP (hang) or SIGCONT (resume) the server. */
  signal(signal: 'SIGSTOP' | 'SIGCONT'): void;
  /** Resumes and stops the server. */
  destroy(): Promise<void>;
}

async function answersPing(port: number): Promise<boolean> {
  const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 500, commandTimeout: 500 });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

export async function privateRedis(dir: string): Promise<PrivateRedis> {
  const port = await freePort();
  fs.mkdirSync(dir, { recursive: true });
  let proc: ManagedProcess | undefined;
  const pid = (): number | undefined => proc?.child.pid;
  return {
    port,
    url: (db) => `redis://127.0.0.1:${port}/${db}`,
    async start() {
      if (proc) return;
      proc = startLogged(`redis-fault-${port}`, 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
        logFile: path.join(dir, 'redis-server.log'),
      });
      await waitFor(() => answersPing(port), 10_000, `redis-server on ${port}`);
    },
    async kill() {
      const current = proc;
      proc = undefined;
      if (current) await stopProcess(current, 1000, 'SIGKILL');
    },
    signal(signal) {
      const id = pid();
      if (id !== undefined) process.kill(id, signal);
    },
    async destroy() {
      const current = proc;
      proc = undefined;
      if (!current) return;
      if (current.child.pid !== undefined) {
        try {
          process.kill(current.child.pid, 'SIGCONT');
        } catch {
          // already gone
        }
      }
      await stopProcess(current, 2000);
    },
  };
}
