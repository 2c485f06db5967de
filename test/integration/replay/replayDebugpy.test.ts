/**
 * Debug locally without an editor: a Debug Adapter Protocol client (test/integration/replay/
 * dapClient.ts) launches the shipped helper under Debian's python3-debugpy (`python3 -m
 * debugpy.adapter`, the same adapter Celery Lens's own debug type runs), with the arguments of a
 * task that failed on the real worker; a breakpoint in the fixture task's source must stop with
 * the task's real arguments — and its own id on the request — in the frame.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RedisResultBackend } from '../../../src/core/backend/redisResultBackend';
import type { TaskMeta } from '../../../src/core/backend/taskMeta';
import { isUndecodable } from '../../../src/core/celery/rawMessage';
import { debugLaunchConfig, OWN_DEBUG_TYPE } from '../../../src/core/replay/launchConfig';
import { recoverArguments } from '../../../src/core/replay/replayArguments';
import { isOutcome, parseReplayOutcome } from '../../../src/core/replay/replaySpec';
import { parseConnectionUrl, type RedisConnectionUrl } from '../../../src/core/url/connectionUrl';
import { celeryAppDir, celeryPythonJson, getCluster, python, repoRoot, waitFor } from '../support';
import { DapClient } from './dapClient';

const HELPER = path.join(repoRoot, 'media', 'python', 'celery_lens_replay.py');
const TASK_FILE = path.join(celeryAppDir, 'lens_testapp', 'replay_tasks.py');

function lineOf(file: string, text: string): number {
  const index = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text));
  assert.ok(index >= 0, `${text} not in ${file}`);
  return index + 1;
}

interface Variable { name: string; value: string; variablesReference: number }

describe('(integration) replay under debugpy (a DAP client, no editor)', function () {
  this.timeout(120_000);
  let meta: TaskMeta;
  let taskId: string;
  let client: DapClient | undefined;
  let dir: string;

  before(async function () {
    const probe = await import('node:child_process').then((cp) => cp.spawnSync(python, ['-c', 'import debugpy'], { encoding: 'utf8' }));
    if (probe.status !== 0) throw new Error(`debugpy is not importable by ${python} (apt install python3-debugpy): ${probe.stderr}`);
    const cluster = getCluster('redis');
    ({ id: taskId } = await celeryPythonJson<{ id: string }>([
      'from lens_testapp import replay_tasks',
      'r = replay_tasks.bound_checksum.delay([70, 25, 8], scale=1); r.get(timeout=20, propagate=False)',
      'print(json.dumps({"id": r.id}))',
    ].join('\n'), cluster));
    const backend = new RedisResultBackend(parseConnectionUrl(cluster.backendUrl) as RedisConnectionUrl, { connectTimeoutMs: 3000 });
    await backend.connect();
    try {
      meta = await waitFor(async () => {
        const m = await backend.getTaskMeta(taskId);
        return m && !isUndecodable(m) && m.status === 'FAILURE' ? m : undefined;
      }, 20_000, 'the failed result');
    } finally {
      await backend.close();
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lens-replay-dap-'));
  });

  afterEach(() => client?.close());
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('stops at a breakpoint in the task with its real arguments in the frame, then ends as the worker did', async () => {
    const recovered = recoverArguments({ task: { id: taskId }, meta });
    assert.equal(recovered.source, 'extended-result');
    const files = { helper: HELPER, spec: path.join(dir, 'spec.json'), out: path.join(dir, 'outcome.json') };
    fs.writeFileSync(files.spec, JSON.stringify({ task: recovered.name, id: taskId, args: recovered.args, kwargs: recovered.kwargs, headers: recovered.headers, search_roots: [celeryAppDir] }));
    // The launch configuration Celery Lens's own debug type sends to debugpy's adapter.
    const launch = debugLaunchConfig({ files, python, cwd: dir, env: {}, justMyCode: true, useDebugpyExtension: false, title: 'replay', replayId: 'dap-test' });
    assert.equal(launch.type, OWN_DEBUG_TYPE);

    client = new DapClient(python);
    await client.request('initialize', { clientID: 'celery-lens-test', adapterID: 'debugpy', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true, supportsVariableType: true });
    const launched = client.request('launch', launch);
    await client.event('initialized');
    const line = lineOf(TASK_FILE, 'if total > 100:');
    const set = await client.request('setBreakpoints', { source: { path: TASK_FILE }, breakpoints: [{ line }] });
    assert.equal((set.body?.breakpoints as Array<{ verified: boolean }>)[0]?.verified, true, JSON.stringify(set.body));
    // VS Code's default exception filter: the helper must not stop on its way out of a failed task.
    await client.request('setExceptionBreakpoints', { filters: ['uncaught'] });
    await client.request('configurationDone');
    await launched;

    const stopped = await client.event('stopped');
    assert.equal(stopped.body?.reason, 'breakpoint');
    const threadId = stopped.body?.threadId as number;
    const trace = await client.request('stackTrace', { threadId, levels: 1 });
    const [frame] = trace.body?.stackFrames as Array<{ id: number; name: string; line: number; source: { path: string } }>;
    assert.equal(frame.name, 'bound_checksum');
    assert.equal(frame.line, line);
    assert.equal(fs.realpathSync(frame.source.path), fs.realpathSync(TASK_FILE));

    const scopes = await client.request('scopes', { frameId: frame.id });
    const locals = (scopes.body?.scopes as Array<{ name: string; variablesReference: number }>).find((s) => s.name === 'Locals');
    assert.ok(locals);
    const variables = (await client.request('variables', { variablesReference: locals.variablesReference })).body?.variables as Variable[];
    const value = (name: string) => variables.find((v) => v.name === name)?.value;
    assert.equal(value('items'), '[70, 25, 8]');
    assert.equal(value('scale'), '1');
    assert.equal(value('total'), '103');
    // bind=True: the request is the worker's, under the same id.
    const requestId = await client.request('evaluate', { expression: 'self.request.id', frameId: frame.id, context: 'watch' });
    assert.equal(requestId.body?.result, `'${taskId}'`);

    const stoppedAgain = client.event('stopped', () => true, 60_000, false).catch(() => undefined);
    await client.request('continue', { threadId });
    const exited = await Promise.race([client.event('exited'), stoppedAgain]);
    assert.deepEqual(client.events.filter((e) => e.event === 'stopped').map((e) => e.body?.reason), ['breakpoint'], 'stopped again after the breakpoint');
    assert.equal(exited?.event, 'exited');
    assert.equal(exited.body?.exitCode, 1);
    await client.event('terminated');
    const outcome = parseReplayOutcome(fs.readFileSync(files.out, 'utf8'));
    assert.ok(isOutcome(outcome));
    const exc = meta.result as { exc_type: string; exc_message: unknown[] };
    assert.equal(outcome.exception?.type, exc.exc_type);
    assert.deepEqual(outcome.exception?.message, exc.exc_message);
    assert.match(client.output(), /FAILURE in [\d.]+s/);
  });
});
