/** Real Celery 5 workers (prefork, events on) running the lens_testapp fixture against one cluster. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { celeryEnv, sleep } from './helpers';
import { celeryAppDir, python } from './paths';
import { startLogged, stopProcess, type ManagedProcess } from './processes';

/** A running worker: its node name and log file. */
export interface WorkerProcess {
  nodeName: string;
  process: ManagedProcess;
}

/** Queues every test worker consumes. */
export const workerQueues = ['celery', 'priority'];

const started = new Map<string, WorkerProcess>();

/** Log file of a harness worker, e.g. `workerLog('redis', 'lens1@host')`; undefined if not started. */
export function workerLog(kind: string, nodeName: string): string | undefined {
  return started.get(`${kind}/${nodeName}`)?.process.logFile;
}

/** Starts `count` workers named lens1@host, lens2@host, ... and waits until each logs `ready.`. */
export async function startWorkers(
  kind: string,
  coords: { brokerUrl: string; backendUrl: string },
  runDir: string,
  count = 2,
  timeoutMs = 60_000,
): Promise<WorkerProcess[]> {
  const workers: WorkerProcess[] = [];
  for (let i = 1; i <= count; i++) {
    // Celery expands %h with the same gethostname() node reports.
    const nodeName = `lens${i}@${os.hostname()}`;
    const args = ['-m', 'celery', '-A', 'lens_testapp.celery_app:app', 'worker', '-n', `lens${i}@%h`, '-Q', workerQueues.join(','),
      '-c', '2', '-P', 'prefork', '-E', '--without-mingle', '--without-gossip', '-l', 'INFO'];
    const proc = startLogged(`${kind} worker ${nodeName}`, python, args, {
      cwd: celeryAppDir,
      env: { ...celeryEnv(coords), PYTHONUNBUFFERED: '1' },
      logFile: path.join(runDir, `${kind}-lens${i}.log`),
    });
    const worker = { nodeName, process: proc };
    started.set(`${kind}/${nodeName}`, worker);
    workers.push(worker);
  }
  await Promise.all(workers.map((w) => waitReady(w, timeoutMs)));
  return workers;
}

async function waitReady(worker: WorkerProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | string | undefined;
  void worker.process.exited.then((code) => (exitCode = code));
  while (true) {
    const log = fs.existsSync(worker.process.logFile) ? fs.readFileSync(worker.process.logFile, 'utf8') : '';
    if (log.includes(`${worker.nodeName} ready.`)) return;
    if (exitCode !== undefined || Date.now() > deadline) {
      const why = exitCode !== undefined ? `exited (${exitCode})` : `not ready after ${timeoutMs} ms`;
      throw new Error(`worker ${worker.nodeName} ${why}; log ${worker.process.logFile}:\n${log.slice(-3000)}`);
    }
    await sleep(150);
  }
}

/** Warm-shuts the workers down (SIGTERM), SIGKILLing any still running after `graceMs`. */
export async function stopWorkers(workers: WorkerProcess[], graceMs = 10_000): Promise<void> {
  await Promise.all(workers.map((w) => stopProcess(w.process, graceMs)));
}
