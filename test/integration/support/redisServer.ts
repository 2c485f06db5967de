/** The Redis server for the run: the machine's 127.0.0.1:6379 if it answers, else one we start. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Redis from 'ioredis';
import { freePort } from './net';
import { startLogged, stopProcess, type ManagedProcess } from './processes';
import { sleep } from './helpers';

/** A reachable Redis server, and how to stop it if the harness started it. */
export interface RedisServer {
  host: string;
  port: number;
  /** Set when the harness started this server (so it must stop it). */
  process?: ManagedProcess;
}

async function answersPing(port: number): Promise<boolean> {
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** Uses 127.0.0.1:6379 when it answers PING (unless `forceOwn`), otherwise starts `redis-server` on a free port. */
export async function ensureRedis(runDir: string, forceOwn: boolean): Promise<RedisServer> {
  if (!forceOwn && (await answersPing(6379))) return { host: '127.0.0.1', port: 6379 };
  const port = await freePort();
  const dir = path.join(runDir, 'redis');
  fs.mkdirSync(dir, { recursive: true });
  const proc = startLogged('redis-server', 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
    logFile: path.join(runDir, 'redis-server.log'),
  });
  const deadline = Date.now() + 10_000;
  while (!(await answersPing(port))) {
    if (Date.now() > deadline) {
      await stopProcess(proc, 1000);
      throw new Error(`redis-server did not answer on port ${port}; see ${proc.logFile}`);
    }
    await sleep(100);
  }
  return { host: '127.0.0.1', port, process: proc };
}

/** Empties the given DBs (the run's dedicated broker/backend databases). */
export async function flushDbs(server: RedisServer, dbs: number[]): Promise<void> {
  for (const db of dbs) {
    const client = new Redis({ host: server.host, port: server.port, db, maxRetriesPerRequest: 1 });
    try {
      await client.flushdb();
    } finally {
      client.disconnect();
    }
  }
}
