/**
 * Replay against the real Redis cluster: arguments recovered from each source (the extended
 * result, a message waiting in a queue, a message a worker holds unacked, the task-received
 * event's repr, a truncated repr edited as JSON), then the shipped helper, run with Debian's
 * /usr/bin/python3 against the test app, must end exactly as the real worker did.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RedisResultBackend } from '../../../src/core/backend/redisResultBackend';
import type { TaskMeta } from '../../../src/core/backend/taskMeta';
import type { Broker } from '../../../src/core/broker/broker';
import { createBroker } from '../../../src/core/broker/createBroker';
import { decodeEventMessage } from '../../../src/core/celery/events';
import { isUndecodable } from '../../../src/core/celery/rawMessage';
import { encodeTaskMessage } from '../../../src/core/celery/taskEncoder';
import { decodeTaskMessage } from '../../../src/core/celery/taskMessage';
import type { CeleryEvent } from '../../../src/core/celery/types';
import { argumentsDraft, parseArgumentsDocument } from '../../../src/core/replay/argumentsDocument';
import { recoverArguments, type ReplayArguments } from '../../../src/core/replay/replayArguments';
import { compareRuns, originalRun } from '../../../src/core/replay/replayReport';
import { isOutcome, parseReplayOutcome, type ReplayOutcome, type ReplaySpec } from '../../../src/core/replay/replaySpec';
import { parseConnectionUrl, type RedisConnectionUrl } from '../../../src/core/url/connectionUrl';
import { celeryAppDir, celeryPythonJson, getCluster, python, repoRoot, run, waitFor, type TestCluster } from '../support';

const HELPER = path.join(repoRoot, 'media', 'python', 'celery_lens_replay.py');
const CHECKSUM = 'lens_testapp.replay_tasks.bound_checksum';
const PARKED = 'lens-replay-parked';

/** Run the helper on `spec`; its exit code and the outcome it wrote. */
async function runHelper(spec: Omit<ReplaySpec, 'search_roots'>): Promise<{ code: number | null; outcome: ReplayOutcome; stdout: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lens-replay-test-'));
  const specFile = path.join(dir, 'spec.json');
  const outFile = path.join(dir, 'outcome.json');
  fs.writeFileSync(specFile, JSON.stringify({ ...spec, search_roots: [celeryAppDir] }));
  // No broker variables: the replay must not need the cluster to run the task.
  const result = await run(python, [HELPER, '--spec', specFile, '--out', outFile], { cwd: dir, timeoutMs: 60_000, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: os.homedir() } });
  const parsed = parseReplayOutcome(fs.readFileSync(outFile, 'utf8'));
  assert.ok(isOutcome(parsed), JSON.stringify(parsed));
  fs.rmSync(dir, { recursive: true, force: true });
  return { code: result.code, outcome: parsed, stdout: result.stdout };
}

function specOf(taskId: string, recovered: ReplayArguments, args = recovered.args, kwargs = recovered.kwargs): Omit<ReplaySpec, 'search_roots'> {
  assert.ok(recovered.name, 'the task name was not recovered');
  return { task: recovered.name, id: taskId, args, kwargs, headers: recovered.headers };
}

/** The replay ended like the worker: same exception type, module and message, or same result. */
function assertSameAsWorker(meta: TaskMeta, outcome: ReplayOutcome, code: number | null): void {
  if (meta.status === 'FAILURE') {
    const exc = meta.result as { exc_type: string; exc_module: string; exc_message: unknown[] };
    assert.equal(outcome.status, 'FAILURE', JSON.stringify(outcome));
    assert.deepEqual({ type: outcome.exception?.type, module: outcome.exception?.module, message: outcome.exception?.message }, { type: exc.exc_type, module: exc.exc_module, message: exc.exc_message });
    assert.equal(code, 1);
  } else {
    assert.equal(meta.status, 'SUCCESS');
    assert.equal(outcome.status, 'SUCCESS', JSON.stringify(outcome));
    assert.deepEqual(outcome.result, meta.result);
    assert.equal(code, 0);
  }
  assert.equal(compareRuns(originalRun({ state: meta.status }, meta), outcome).verdict, 'reproduced');
}

describe('(integration) replay: argument sources and the Python helper', function () {
  this.timeout(90_000);
  let cluster: TestCluster;
  let backend: RedisResultBackend;
  let broker: Broker;
  const events: CeleryEvent[] = [];
  let closeEvents: () => Promise<void>;
  let ids: { failed: string; ok: string; nested: string; fromEvents: string; long: string };

  async function meta(id: string): Promise<TaskMeta> {
    const m = await waitFor(async () => {
      const read = await backend.getTaskMeta(id);
      return read && !isUndecodable(read) && (read.status === 'SUCCESS' || read.status === 'FAILURE') ? read : undefined;
    }, 30_000, `the result of ${id}`);
    return m;
  }

  function received(id: string): CeleryEvent {
    const event = events.find((e) => e.type === 'task-received' && e.uuid === id);
    assert.ok(event, `no task-received event for ${id}`);
    return event;
  }

  before(async () => {
    cluster = getCluster('redis');
    backend = new RedisResultBackend(parseConnectionUrl(cluster.backendUrl) as RedisConnectionUrl, { connectTimeoutMs: 3000 });
    await backend.connect();
    broker = createBroker(parseConnectionUrl(cluster.brokerUrl));
    await broker.connect();
    const subscription = await broker.subscribeEvents((m) => {
      if (!isUndecodable(m)) events.push(...decodeEventMessage(m, 'celeryev').events);
    });
    closeEvents = () => subscription.close();
    ids = await celeryPythonJson([
      'from lens_testapp import replay_tasks',
      `failed = replay_tasks.bound_checksum.delay([40, 30], scale=2); failed.get(timeout=20, propagate=False)`,
      `ok = replay_tasks.bound_checksum.delay([1, 2], scale=3); ok.get(timeout=20)`,
      'nested = tasks.fail_nested.delay(21); nested.get(timeout=20, propagate=False)',
      `ev = replay_tasks.bound_checksum.delay([50, 60]); ev.get(timeout=20, propagate=False)`,
      // Long enough that Celery's 1024-character repr cuts it.
      `long = replay_tasks.bound_checksum.delay(list(range(400)), scale=0); long.get(timeout=20)`,
      'print(json.dumps({"failed": failed.id, "ok": ok.id, "nested": nested.id, "fromEvents": ev.id, "long": long.id}))',
    ].join('\n'), cluster);
  });

  after(async () => {
    await closeEvents?.();
    await broker?.purge(PARKED).catch(() => undefined);
    await broker?.close();
    await backend?.close();
  });

  it('extended result (bind=True task, same id): the same exception, naming the task id', async () => {
    const m = await meta(ids.failed);
    const recovered = recoverArguments({ task: { id: ids.failed }, meta: m });
    assert.equal(recovered.source, 'extended-result');
    assert.deepEqual([recovered.args, recovered.kwargs], [[[40, 30]], { scale: 2 }]);
    const { code, outcome, stdout } = await runHelper(specOf(ids.failed, recovered));
    assertSameAsWorker(m, outcome, code);
    assert.match(String(outcome.exception?.message?.[0]), new RegExp(`checksum 140 too large in ${ids.failed}`));
    assert.match(outcome.traceback ?? '', /replay_tasks\.py", line \d+, in bound_checksum/);
    assert.match(stdout, /^FAILURE in /m);
  });

  it('extended result: a success returns the same result (the request id included)', async () => {
    const m = await meta(ids.ok);
    const { code, outcome } = await runHelper(specOf(ids.ok, recoverArguments({ task: { id: ids.ok }, meta: m })));
    assertSameAsWorker(m, outcome, code);
    assert.deepEqual(outcome.result, { total: 9, id: ids.ok });
  });

  it('extended result: fail_nested raises the same LensTestError through the same frames', async () => {
    const m = await meta(ids.nested);
    const { code, outcome } = await runHelper(specOf(ids.nested, recoverArguments({ task: { id: ids.nested }, meta: m })));
    assertSameAsWorker(m, outcome, code);
    const frames = (tb: string) => [...tb.matchAll(/, in (\w+)\n/g)].map((x) => x[1]).filter((f) => f !== 'trace_task' && f !== '__protected_call__');
    assert.deepEqual(frames(outcome.traceback ?? ''), frames(m.traceback ?? ''));
  });

  it("task-received event repr: read as a Python literal, the same exception", async () => {
    const m = await meta(ids.fromEvents);
    const event = received(ids.fromEvents);
    assert.equal(event.args, '([50, 60],)');
    const recovered = recoverArguments({ task: { id: ids.fromEvents, name: event.name as string, args: event.args as string, kwargs: event.kwargs as string } });
    assert.equal(recovered.source, 'event-repr');
    assert.equal(recovered.exact, true, recovered.problems.join('; '));
    const { code, outcome } = await runHelper(specOf(ids.fromEvents, recovered));
    assertSameAsWorker(m, outcome, code);
  });

  it('a truncated event repr is a draft; edited as JSON it gives the same result', async () => {
    const m = await meta(ids.long);
    const event = received(ids.long);
    const recovered = recoverArguments({ task: { id: ids.long, name: event.name as string, args: event.args as string, kwargs: event.kwargs as string } });
    assert.equal(recovered.exact, false);
    assert.ok(recovered.problems.some((p) => /cut by Celery's repr length limit/.test(p)), recovered.problems.join('\n'));
    // The user completes the list in the prefilled document.
    const draft = argumentsDraft(ids.long, recovered);
    const edited = parseArgumentsDocument(draft.replace(/"args": \[[\s\S]*?\n {2}\],/, `"args": [${JSON.stringify(Array.from({ length: 400 }, (_, i) => i))}],`));
    assert.ok(edited.ok, edited.ok ? '' : edited.error);
    assert.deepEqual(edited.value.kwargs, { scale: 0 });
    const { code, outcome } = await runHelper(specOf(ids.long, recovered, edited.value.args, edited.value.kwargs));
    assertSameAsWorker(m, outcome, code);
  });

  it('a message waiting in a queue: exact arguments and headers, peeked (not consumed)', async () => {
    const message = encodeTaskMessage({ name: CHECKSUM, args: [[99, 2]], kwargs: { scale: 1 }, queue: PARKED });
    await broker.publish(message);
    const id = String(message.headers.id);
    const peeked = await broker.peek(PARKED, 10);
    const decoded = peeked.map((raw) => (isUndecodable(raw) ? raw : decodeTaskMessage(raw, PARKED))).find((mm) => !isUndecodable(mm) && mm.id === id);
    assert.ok(decoded && !isUndecodable(decoded));
    const recovered = recoverArguments({ task: { id }, queued: { message: decoded, queue: PARKED } });
    assert.equal(recovered.source, 'queued-message');
    assert.equal(recovered.headers.id, id);
    const { code, outcome } = await runHelper(specOf(id, recovered));
    assert.equal(code, 1);
    assert.equal(outcome.exception?.repr, `LensTestError('checksum 101 too large in ${id}', 101)`);
    assert.equal((await broker.queueInfo([PARKED]))[0]?.messages, 1, 'the message was consumed');
  });

  it('a message a worker holds unacked (acks_late): exact arguments', async () => {
    const message = encodeTaskMessage({ name: 'lens_testapp.tasks.sleeper_late', args: [2], kwargs: {}, queue: 'celery' });
    const id = String(message.headers.id);
    await broker.publish(message);
    const entry = await waitFor(async () => (await broker.listUnacked()).find((e) => !isUndecodable(e.message) && (e.message.headers as Record<string, unknown>).id === id), 15_000, 'the unacked entry');
    assert.ok(!isUndecodable(entry.message));
    const held = decodeTaskMessage(entry.message, entry.routingKey);
    assert.ok(!isUndecodable(held));
    const recovered = recoverArguments({ task: { id }, unacked: { message: held, deliveryTag: entry.deliveryTag } });
    assert.equal(recovered.source, 'unacked-message');
    const [{ code, outcome }, m] = await Promise.all([runHelper(specOf(id, recovered)), meta(id)]);
    assertSameAsWorker(m, outcome, code);
    assert.equal(outcome.result, 2);
  });

  it('a task the app does not know: exit 2 and the reason', async () => {
    const { code, outcome } = await runHelper({ task: 'lens_testapp.tasks.no_such_task', id: 'x', args: [], kwargs: {}, headers: {} });
    assert.equal(code, 2);
    assert.equal(outcome.status, 'ERROR');
    assert.match(outcome.error ?? '', /not registered/);
  });
});
