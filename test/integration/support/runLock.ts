/**
 * Machine-wide lock so overlapping integration runs (several developers, CI) do not share the
 * same Redis DBs and RabbitMQ vhost at once. The lock is a directory holding the owner's pid; a
 * lock whose owner is dead is stale and taken over.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { onHarnessExit } from './processes';

const lockDir = process.env.LENS_TEST_LOCK_DIR ?? path.join(os.tmpdir(), 'celery-lens-integration.lock');
const pidFile = path.join(lockDir, 'pid');

function ownerAlive(): boolean {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
  } catch {
    // Owner may be between mkdir and writing its pid: only stale if the directory is old.
    try {
      return Date.now() - fs.statSync(lockDir).mtimeMs < 10_000;
    } catch {
      return false;
    }
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryAcquire(): boolean {
  try {
    fs.mkdirSync(lockDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    if (ownerAlive()) return false;
    killOrphans();
    fs.rmSync(lockDir, { recursive: true, force: true });
    return tryAcquire();
  }
  fs.writeFileSync(pidFile, String(process.pid));
  return true;
}

const childrenFile = path.join(lockDir, 'children');
// What a harness child's command line contains; guards against killing a recycled pid.
const harnessCommand = /lens_testapp|redis-server|rabbitmq|beam/;

/**
 * A run that died without cleaning up (SIGKILL, crash) may have left workers consuming the shared
 * DBs/vhost: kill the process groups it recorded before taking its lock over.
 */
function killOrphans(): void {
  let pids: number[];
  try {
    pids = fs.readFileSync(childrenFile, 'utf8').split('\n').map(Number).filter((pid) => pid > 0);
  } catch {
    return;
  }
  for (const pid of pids) {
    try {
      if (!harnessCommand.test(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'))) continue;
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
}

let held = false;

/** Records a process group leader started under the lock, so a later run can reap it if we die. */
export function recordOwnedProcess(pid: number | undefined): void {
  if (held && pid !== undefined) fs.appendFileSync(childrenFile, `${pid}\n`);
}

/** Releases the lock if this process holds it (idempotent, synchronous so it also works at exit). */
export function releaseRunLock(): void {
  if (!held) return;
  held = false;
  try {
    if (fs.readFileSync(pidFile, 'utf8').trim() === String(process.pid)) fs.rmSync(lockDir, { recursive: true, force: true });
  } catch {
    // already removed
  }
}

/** Waits (up to `timeoutMs`) until this process holds the machine-wide integration lock. */
export async function acquireRunLock(timeoutMs: number, log: (line: string) => void): Promise<void> {
  if (held) return;
  const deadline = Date.now() + timeoutMs;
  let told = false;
  while (!tryAcquire()) {
    if (Date.now() > deadline) throw new Error(`another integration run still holds ${lockDir} after ${timeoutMs} ms`);
    if (!told) {
      log(`waiting for another integration run to finish (lock ${lockDir})`);
      told = true;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  held = true;
  onHarnessExit(releaseRunLock);
}
