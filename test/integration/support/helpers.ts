/**
 * Helpers for integration tests: run the built CLI, talk to Redis, drive the Celery test app from
 * Python, and poll for conditions.
 */
import { spawn } from 'node:child_process';
import Redis from 'ioredis';
import type { TestCluster } from './cluster';
import { celeryAppDir, cliBundle, python, repoRoot } from './paths';

/** Outcome of a finished command. */
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Options for {@link run}. */
export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Kill the command (SIGKILL) after this long; the result then has code null. Default 60 s. */
  timeoutMs?: number;
  /** Written to the command's stdin, which is then closed. */
  input?: string;
}

/** Runs a command to completion and collects its output (never rejects for a non-zero exit). */
export function run(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? repoRoot, env: options.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Runs `node dist/cli.js <args>` from the repo root (dist is built by `npm run test:integration`). */
export function runCli(args: string[], env?: NodeJS.ProcessEnv, options: Omit<RunOptions, 'env'> = {}): Promise<RunResult> {
  return run(process.execPath, [cliBundle, ...args], { ...options, env: { ...process.env, NO_COLOR: '1', ...env } });
}

const redisClients = new Set<Redis>();

/** An ioredis client for `url`; closed automatically by the root afterAll hook. */
export function redisFor(url: string): Redis {
  const client = new Redis(url, { maxRetriesPerRequest: 2 });
  redisClients.add(client);
  client.once('end', () => redisClients.delete(client));
  return client;
}

/** Closes every client handed out by {@link redisFor} (called by the root afterAll hook). */
export async function closeRedisClients(): Promise<void> {
  await Promise.all([...redisClients].map((c) => c.quit().catch(() => c.disconnect())));
  redisClients.clear();
}

/** Environment under which the `lens_testapp` Celery app talks to `cluster`. */
export function celeryEnv(cluster: Pick<TestCluster, 'brokerUrl' | 'backendUrl'>): NodeJS.ProcessEnv {
  const pythonPath = [celeryAppDir, process.env.PYTHONPATH].filter(Boolean).join(':');
  return { ...process.env, LENS_BROKER_URL: cluster.brokerUrl, LENS_BACKEND_URL: cluster.backendUrl, PYTHONPATH: pythonPath };
}

// Available to every snippet: the app, the tasks module, json for printing results, and
// result_of(id): AsyncResult.get on a task that may already have finished races Celery 5.2's Redis
// result consumer (a CI run waited out 40 s for a result stored 3 ms after the task ran), so the
// stored record is polled instead.
const prelude = [
  'import json, sys, time',
  'from lens_testapp.celery_app import app',
  'from lens_testapp import tasks',
  'from celery.result import AsyncResult',
  'def result_of(task_id, timeout=40):',
  '    deadline = time.time() + timeout',
  '    while time.time() < deadline:',
  '        meta = app.backend.get_task_meta(task_id)',
  '        if meta["status"] == "SUCCESS":',
  '            return meta["result"]',
  '        if meta["status"] in ("FAILURE", "REVOKED"):',
  '            raise RuntimeError(f"{task_id} ended {meta[\'status\']}: {meta[\'result\']!r}")',
  '        time.sleep(0.05)',
  '    raise TimeoutError(f"no result for {task_id} within {timeout} s")',
  '',
].join('\n');

/**
 * Runs a Python snippet against `cluster` with `app`, `tasks`, `AsyncResult`, `json`, `sys`, `time`
 * and `result_of(task_id, timeout=40)` available, e.g. `print(result_of(tasks.add.delay(2, 3).id))`.
 * Resolves with stdout; rejects (with stderr) if the snippet fails.
 */
export async function celeryPython(code: string, cluster: Pick<TestCluster, 'brokerUrl' | 'backendUrl'>, timeoutMs = 60_000): Promise<string> {
  const result = await run(python, ['-c', prelude + code], { cwd: celeryAppDir, env: celeryEnv(cluster), timeoutMs });
  if (result.code !== 0) {
    throw new Error(`python snippet failed (exit ${result.code}):\n${code}\n--- stderr ---\n${result.stderr}`);
  }
  return result.stdout;
}

/** Like {@link celeryPython} but parses the last stdout line as JSON (print it with `json.dumps`). */
export async function celeryPythonJson<T = unknown>(code: string, cluster: Pick<TestCluster, 'brokerUrl' | 'backendUrl'>, timeoutMs?: number): Promise<T> {
  const lines = (await celeryPython(code, cluster, timeoutMs)).trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as T;
}

/** Runs `python3 -m celery -A lens_testapp.celery_app:app <args>` against `cluster`, e.g. `['inspect', 'ping']`. */
export function celeryCli(args: string[], cluster: Pick<TestCluster, 'brokerUrl' | 'backendUrl'>, timeoutMs = 60_000): Promise<RunResult> {
  return run(python, ['-m', 'celery', '-A', 'lens_testapp.celery_app:app', ...args], { cwd: celeryAppDir, env: celeryEnv(cluster), timeoutMs });
}

/**
 * Polls `predicate` every `intervalMs` until it returns a truthy value, which is returned. Throws
 * after `timeoutMs`, naming `what` and the last error the predicate threw, if any.
 */
export async function waitFor<T>(
  predicate: () => T | Promise<T>,
  timeoutMs: number,
  what = 'condition',
  intervalMs = 100,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (true) {
    try {
      const value = await predicate();
      if (value) return value as NonNullable<T>;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? `: last error: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await sleep(intervalMs);
  }
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
