/**
 * Runs a command while the integration harness's test cluster(s) are up, with their coordinates in
 * the command's environment (see clusterEnv.ts), then stops them and exits with the command's code:
 *
 *   node out/test/vscode/support/withCluster.js [--clusters redis,amqp] -- <command> [args...]
 *
 * Uses the harness of test/integration/support (same run lock, Redis DBs, vhost and workers), so it
 * waits for a concurrent integration run instead of sharing its clusters.
 */
import { spawn } from 'node:child_process';
import { redactUrl } from '../../../src/core/url/connectionUrl';
import { getCluster, type TestCluster } from '../../integration/support/cluster';
import { setUp, tearDown } from '../../integration/support/hooks';
import { clusterEnvVars } from './clusterEnv';

function parseArgs(argv: string[]): { kinds: TestCluster['kind'][]; command: string[] } {
  const dashes = argv.indexOf('--');
  const options = dashes >= 0 ? argv.slice(0, dashes) : [];
  const command = dashes >= 0 ? argv.slice(dashes + 1) : argv;
  const at = options.indexOf('--clusters');
  const names = (at >= 0 ? options[at + 1] ?? '' : 'redis').split(',').filter(Boolean);
  const kinds = names.filter((n): n is TestCluster['kind'] => n === 'redis' || n === 'amqp');
  if (command.length === 0 || kinds.length === 0 || kinds.length !== names.length) {
    throw new Error('usage: withCluster.js [--clusters redis|amqp|redis,amqp] -- <command> [args...]');
  }
  return { kinds, command };
}

function runCommand(command: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command[0], command.slice(1), { stdio: 'inherit', env });
    // The harness stops the clusters on these signals; the command must stop too (it may not share our terminal).
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => child.kill(signal));
    child.once('error', (err) => {
      process.stderr.write(`withCluster: cannot run ${command[0]}: ${err.message}\n`);
      resolve(127);
    });
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

async function main(): Promise<number> {
  const { kinds, command } = parseArgs(process.argv.slice(2));
  try {
    await setUp(kinds);
  } catch (err) {
    process.stderr.write(`withCluster: the test cluster did not start: ${(err as Error).message}\n`);
    await tearDown().catch(() => undefined);
    return 1;
  }
  const env = { ...process.env };
  for (const kind of kinds) {
    const vars = clusterEnvVars(getCluster(kind));
    Object.assign(env, vars);
    const shown = Object.entries(vars).map(([name, value]) => `${name}=${/_URL$/.test(name) ? redactUrl(value) : value}`);
    process.stderr.write(`[harness] ${kind} cluster: ${shown.join(' ')}\n`);
  }
  try {
    return await runCommand(command, env);
  } finally {
    await tearDown();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`withCluster: ${(err as Error)?.message ?? String(err)}\n`);
    process.exit(1);
  },
);
