/**
 * Actions in a real VS Code against the real Redis test cluster, called as commands with arguments
 * (no clicks): a read-only connection refuses every write action and nothing happens; once unlocked,
 * revoke stops a queued task, terminate kills a running one, retry runs a failed task again with the
 * same arguments, purge removes exactly the counted messages, pause/resume move a queue's consumers;
 * the audit log records each action. Confirmations are skipped through the celeryLens.confirm.* settings.
 */
import * as assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { CeleryLensApi } from '../../src/extension';
import type { AuditRecord } from '../../src/core/actions/auditRecord';
import type { ActionResult } from '../../src/vscode/actions/actionRunner';
import type { CeleryNode } from '../../src/vscode/views/nodes';
import type { Broker } from '../../src/core/broker/broker';
import { createBroker } from '../../src/core/broker/createBroker';
import { encodeTaskMessage } from '../../src/core/celery/taskEncoder';
import { parseConnectionUrl } from '../../src/core/url/connectionUrl';
import { clusterFromEnv } from './support/clusterEnv';
import type { TestCluster } from '../integration/support/cluster';
import { waitFor } from './support/waitFor';
import { connectTestCluster, removeAddedConnections } from './support/connections';
import { activateCeleryLens } from './support/extension';

const PURGE_QUEUE = 'lens_actions_purge';
const PAUSE_QUEUE = 'lens_actions_pause';
const CONFIRM_KINDS = ['purge', 'terminate', 'shutdown', 'poolRestart', 'cancelConsumer'];

/** The actions on one test cluster (Redis always; RabbitMQ with LENS_VSCODE_CLUSTERS=redis,amqp). */
function actionsOn(cluster: TestCluster): void {
  describe(`(vscode) actions and safety over a real ${cluster.kind} cluster`, function () {
    this.timeout(120_000);
    const name = `Actions cluster (${cluster.kind})`;
    /** AMQP routes nothing to a queue that does not exist: the test declares its own. */
    let amqpChannel: { assertQueue(q: string, o: object): Promise<unknown>; deleteQueue(q: string): Promise<unknown>; close(): Promise<void> } | undefined;
    let amqpConnection: { createChannel(): Promise<NonNullable<typeof amqpChannel>>; close(): Promise<void> } | undefined;
    let api: CeleryLensApi;
    let connectionId: string;
    let broker: Broker;
    const run = <T = unknown>(command: string, arg: Record<string, unknown>) =>
      vscode.commands.executeCommand<ActionResult<T> | undefined>(command, { connectionId, ...arg });

    async function auditRecords(): Promise<AuditRecord[]> {
      const text = await readFile(api.audit.uri.fsPath, 'utf8').catch(() => '');
      return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as AuditRecord);
    }

    async function depth(queue: string): Promise<number> {
      return (await broker.queueInfo([queue]))[0]?.messages ?? -1;
    }

    async function publish(name: string, args: unknown[], queue: string, extra: { countdown?: number } = {}): Promise<string> {
      const message = encodeTaskMessage({ name, args, kwargs: {}, queue, ...extra });
      await broker.publish(message);
      return message.headers.id as string;
    }

    async function storedStatus(taskId: string): Promise<string | undefined> {
      const meta = await api.manager.monitor(connectionId)?.backend?.getTaskMeta(taskId);
      return meta && meta.kind === 'task-meta' ? meta.status : undefined;
    }

    before(async () => {
      api = await activateCeleryLens();
      const config = vscode.workspace.getConfiguration('celeryLens');
      for (const kind of CONFIRM_KINDS) await config.update(`confirm.${kind}`, false, vscode.ConfigurationTarget.Global);
      if (cluster.kind === 'amqp') {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const amqplib = require('amqplib') as { connect(url: string): Promise<NonNullable<typeof amqpConnection>> };
        amqpConnection = await amqplib.connect(cluster.brokerUrl);
        amqpChannel = await amqpConnection.createChannel();
        await amqpChannel.assertQueue(PURGE_QUEUE, { durable: true });
      }
      broker = createBroker(parseConnectionUrl(cluster.brokerUrl));
      await broker.connect();
      await broker.purge(PURGE_QUEUE);
      connectionId = await connectTestCluster(api, cluster, { name });
    });

    after(async () => {
      await broker?.purge(PURGE_QUEUE).catch(() => undefined);
      await broker?.close();
      await amqpChannel?.deleteQueue(PURGE_QUEUE).catch(() => undefined);
      await amqpChannel?.deleteQueue(PAUSE_QUEUE).catch(() => undefined);
      await amqpConnection?.close().catch(() => undefined);
      await removeAddedConnections(api);
    });

    it('read-only: every write action is refused, audited, and nothing happens', async () => {
      assert.equal(api.store.get(connectionId)?.readOnly, true);
      await publish('lens_testapp.tasks.add', [1, 1], PURGE_QUEUE);
      await publish('lens_testapp.tasks.add', [2, 2], PURGE_QUEUE);
      const before = (await auditRecords()).length;
      const worker = cluster.workers[0];
      const calls: Array<[string, Record<string, unknown>]> = [
        ['celeryLens.task.revoke', { taskId: 'no-such-task' }],
        ['celeryLens.task.terminate', { taskId: 'no-such-task', signal: 'SIGKILL' }],
        ['celeryLens.task.retry', { taskId: 'no-such-task' }],
        ['celeryLens.sendTask', { name: 'lens_testapp.tasks.add', args: [3, 3], queue: PURGE_QUEUE }],
        ['celeryLens.taskType.rateLimit', { taskName: 'lens_testapp.tasks.add', rateLimit: '1/m' }],
        ['celeryLens.taskType.timeLimit', { taskName: 'lens_testapp.tasks.add', soft: 1, hard: 2 }],
        ['celeryLens.worker.shutdown', { hostname: worker }],
        ['celeryLens.worker.poolRestart', { hostname: worker }],
        ['celeryLens.worker.poolGrow', { hostname: worker, n: 1 }],
        ['celeryLens.worker.poolShrink', { hostname: worker, n: 1 }],
        ['celeryLens.worker.autoscale', { hostname: worker, max: 3, min: 1 }],
        ['celeryLens.worker.addConsumer', { hostname: worker, queue: PAUSE_QUEUE }],
        ['celeryLens.worker.cancelConsumer', { hostname: worker, queue: 'celery' }],
        ['celeryLens.worker.enableEvents', { hostname: worker }],
        ['celeryLens.worker.disableEvents', { hostname: worker }],
        ['celeryLens.queue.purge', { queue: PURGE_QUEUE }],
        ['celeryLens.queue.pause', { queue: 'celery' }],
        ['celeryLens.queue.resume', { queue: 'celery' }],
      ];
      for (const [command, arg] of calls) {
        const result = await run(command, arg);
        assert.equal(result?.outcome, 'refused', command);
      }
      // Nothing happened: the queue kept its 2 messages (no purge, no send), the workers still consume celery.
      assert.equal(await depth(PURGE_QUEUE), 2);
      await api.manager.monitor(connectionId)?.refresh();
      for (const w of cluster.workers) assert.ok(api.manager.monitor(connectionId)?.state.workers.get(w)?.queues?.includes('celery'), w);
      const refused = (await auditRecords()).slice(before);
      assert.equal(refused.length, calls.length);
      assert.ok(refused.every((r) => r.outcome === 'refused' && r.connection.name === name && r.detail === `"${name}" is read-only`));
      assert.deepEqual(refused.map((r) => r.action), ['task.revoke', 'task.terminate', 'task.retry', 'task.send', 'taskType.rate_limit', 'taskType.time_limit',
        'worker.shutdown', 'worker.poolRestart', 'worker.poolGrow', 'worker.poolShrink', 'worker.autoscale', 'worker.addConsumer', 'worker.cancelConsumer',
        'worker.enableEvents', 'worker.disableEvents', 'queue.purge', 'queue.pause', 'queue.resume']);
    });

    it('unlock: the connection allows actions and its items say so in their contextValue', async () => {
      const tasks = api.views.tasks;
      const readOnlyRoot: CeleryNode = { kind: 'connection', connectionId };
      assert.match(String((await tasks.getTreeItem(readOnlyRoot)).contextValue), /\.readonly$/);
      await vscode.commands.executeCommand('celeryLens.unlockConnection', { connectionId });
      assert.equal(api.store.get(connectionId)?.readOnly, false);
      assert.equal(api.manager.status(connectionId).kind, 'connected', 'unlocking does not reconnect');
      assert.match(String((await tasks.getTreeItem(readOnlyRoot)).contextValue), /\.writable$/);
      const task: CeleryNode = { kind: 'task', connectionId, taskId: 'x', parentKey: 's/FAILURE' };
      assert.equal((await tasks.getTreeItem(task)).contextValue, 'celeryLens.task.failure.writable');
      const last = (await auditRecords()).at(-1);
      assert.equal(last?.action, 'connection.unlock');
    });

    it('purge removes exactly the counted messages and the audit log says how many', async () => {
      await publish('lens_testapp.tasks.add', [3, 3], PURGE_QUEUE);
      assert.equal(await depth(PURGE_QUEUE), 3);
      const result = await run<number>('celeryLens.queue.purge', { queue: PURGE_QUEUE });
      assert.equal(result?.outcome, 'done');
      assert.equal(result?.value, 3);
      assert.equal(await depth(PURGE_QUEUE), 0);
      const record = (await auditRecords()).at(-1);
      assert.equal(record?.action, 'queue.purge');
      assert.equal(record?.parameters.counted, 3);
      assert.equal(record?.detail, 'removed 3 messages');
      assert.doesNotMatch(JSON.stringify(record), /:[^:@/]+@/, 'no credentials in the record');
    });

    it('revoke stops a queued task: a countdown task revoked before its ETA ends REVOKED and never runs', async () => {
      const sent = await run<string>('celeryLens.sendTask', { name: 'lens_testapp.tasks.add', args: [20, 22], queue: 'celery', countdown: 6 });
      assert.equal(sent?.outcome, 'done');
      const taskId = sent?.value as string;
      await waitFor(() => api.manager.monitor(connectionId)?.state.tasks.get(taskId)?.state === 'RECEIVED', 15_000, 'the worker to hold the task until its ETA');
      const revoked = await run('celeryLens.task.revoke', { taskId });
      assert.equal(revoked?.outcome, 'done');
      await waitFor(async () => (await storedStatus(taskId)) === 'REVOKED', 20_000, 'the REVOKED result');
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal(await storedStatus(taskId), 'REVOKED', 'it never ran');
      const actions = (await auditRecords()).slice(-2).map((r) => `${r.action} ${r.outcome}`);
      assert.deepEqual(actions, ['task.send done', 'task.revoke done']);
    });

    it('terminate kills a running sleeper', async () => {
      const taskId = await publish('lens_testapp.tasks.sleeper', [60], 'celery');
      await waitFor(() => api.manager.monitor(connectionId)?.state.tasks.get(taskId)?.state === 'STARTED', 20_000, 'the sleeper to start');
      const started = Date.now();
      const result = await run('celeryLens.task.terminate', { taskId, signal: 'SIGKILL' });
      assert.equal(result?.outcome, 'done');
      await waitFor(async () => (await storedStatus(taskId)) === 'REVOKED', 20_000, 'the terminated task to be REVOKED');
      assert.ok(Date.now() - started < 30_000, 'killed long before its 60 s sleep ended');
      const record = (await auditRecords()).at(-1);
      assert.deepEqual([record?.action, record?.parameters.signal, record?.outcome], ['task.terminate', 'SIGKILL', 'done']);
    });

    it('retry runs a failed task again with the same arguments and its result lands in the backend', async () => {
      const failedId = await publish('lens_testapp.tasks.fail_nested', [7], 'celery');
      await waitFor(async () => (await storedStatus(failedId)) === 'FAILURE', 20_000, 'the failure');
      const result = await run<string>('celeryLens.task.retry', { taskId: failedId });
      assert.equal(result?.outcome, 'done');
      const newId = result?.value as string;
      assert.notEqual(newId, failedId);
      const meta = await waitFor(async () => {
        const m = await api.manager.monitor(connectionId)?.backend?.getTaskMeta(newId);
        return m && m.kind === 'task-meta' && m.status === 'FAILURE' ? m : undefined;
      }, 20_000, 'the retried task\'s result');
      assert.deepEqual([meta.name, meta.args, meta.kwargs], ['lens_testapp.tasks.fail_nested', [7], {}]);
      assert.match(String((meta.result as { exc_message?: unknown }).exc_message), /value out of range: 14/);
      const record = (await auditRecords()).at(-1);
      assert.deepEqual([record?.action, record?.target, record?.parameters.newId, record?.parameters.argumentsFrom], ['task.retry', failedId, newId, 'result']);
      // The tree links the two.
      const retryItem = await api.views.tasks.getTreeItem({ kind: 'task', connectionId, taskId: newId, parentKey: 's/FAILURE' });
      assert.match(String(retryItem.description), new RegExp(`retry of ${failedId.slice(0, 8)}`));
      const originalItem = await api.views.tasks.getTreeItem({ kind: 'task', connectionId, taskId: failedId, parentKey: 's/FAILURE' });
      assert.match(String(originalItem.description), new RegExp(`retried as ${newId.slice(0, 8)}`));

      // Read-only helpers on the same task: the celery call line, the stored result, the id.
      const line = await vscode.commands.executeCommand<string>('celeryLens.task.copyCeleryCall', { connectionId, taskId: failedId });
      assert.match(line, /^celery call lens_testapp\.tasks\.fail_nested --args='\[7\]'( --queue=celery)?$/);
      assert.equal(await vscode.env.clipboard.readText(), line);
      const doc = await vscode.commands.executeCommand<vscode.TextDocument>('celeryLens.task.openResult', { connectionId, taskId: failedId });
      const stored = JSON.parse(doc.getText()) as { status: string; args: unknown; name: string; taskId: string };
      assert.deepEqual([stored.status, stored.args, stored.name, stored.taskId], ['FAILURE', [7], 'lens_testapp.tasks.fail_nested', failedId]);
      assert.equal(await vscode.commands.executeCommand('celeryLens.task.copyId', { connectionId, taskId: failedId }), failedId);
      assert.equal(await vscode.env.clipboard.readText(), failedId);
    });

    it('pause and resume a queue across the workers that consume it', async () => {
      const worker = cluster.workers[0];
      const added = await run('celeryLens.worker.addConsumer', { hostname: worker, queue: PAUSE_QUEUE });
      assert.equal(added?.outcome, 'done', added?.detail);
      const monitor = api.manager.monitor(connectionId);
      await waitFor(async () => {
        await monitor?.refresh();
        return monitor?.state.workers.get(worker)?.queues?.includes(PAUSE_QUEUE);
      }, 20_000, 'the worker to consume the queue');
      const paused = await run<string[]>('celeryLens.queue.pause', { queue: PAUSE_QUEUE });
      assert.equal(paused?.outcome, 'done', paused?.detail);
      assert.deepEqual(paused?.value, [worker]);
      const queueItem = await api.views.queues.getTreeItem({ kind: 'queue', connectionId, name: PAUSE_QUEUE });
      assert.equal(queueItem.contextValue, 'celeryLens.queue.paused.writable');
      await waitFor(async () => {
        await monitor?.refresh();
        return monitor?.state.workers.get(worker)?.queues?.includes(PAUSE_QUEUE) === false;
      }, 20_000, 'the worker to stop consuming');
      const resumed = await run<string[]>('celeryLens.queue.resume', { queue: PAUSE_QUEUE });
      assert.equal(resumed?.outcome, 'done', resumed?.detail);
      assert.deepEqual(resumed?.value, [worker]);
      await waitFor(async () => {
        await monitor?.refresh();
        return monitor?.state.workers.get(worker)?.queues?.includes(PAUSE_QUEUE);
      }, 20_000, 'the worker to consume again');
      const cancelled = await run('celeryLens.worker.cancelConsumer', { hostname: worker, queue: PAUSE_QUEUE });
      assert.equal(cancelled?.outcome, 'done');
      const actions = (await auditRecords()).slice(-4).map((r) => `${r.action} ${r.outcome}`);
      assert.deepEqual(actions, ['worker.addConsumer done', 'queue.pause done', 'queue.resume done', 'worker.cancelConsumer done']);
    });

    it('task-type limits and pool size: the workers reply ok, and the change is undone', async () => {
      const worker = cluster.workers[0];
      const steps: Array<[string, Record<string, unknown>, string]> = [
        ['celeryLens.taskType.rateLimit', { taskName: 'lens_testapp.tasks.add', rateLimit: '100/m' }, 'taskType.rate_limit'],
        ['celeryLens.taskType.rateLimit', { taskName: 'lens_testapp.tasks.add', rateLimit: '0' }, 'taskType.rate_limit'],
        ['celeryLens.taskType.timeLimit', { taskName: 'lens_testapp.tasks.add', soft: 30, hard: 60 }, 'taskType.time_limit'],
        ['celeryLens.taskType.timeLimit', { taskName: 'lens_testapp.tasks.add', soft: 'none', hard: 'none' }, 'taskType.time_limit'],
        ['celeryLens.worker.poolGrow', { hostname: worker, n: 1 }, 'worker.poolGrow'],
        ['celeryLens.worker.poolShrink', { hostname: worker, n: 1 }, 'worker.poolShrink'],
      ];
      for (const [command, arg, action] of steps) {
        const result = await run(command, arg);
        assert.equal(result?.outcome, 'done', `${command}: ${result?.detail}`);
        const expectedWorkers = action.startsWith('worker.') ? [worker] : [...cluster.workers].sort();
        assert.equal(result?.detail, `ok from ${expectedWorkers.join(', ')}`, command);
        const record = (await auditRecords()).at(-1);
        assert.deepEqual([record?.action, record?.outcome], [action, 'done']);
      }
      const rate = (await auditRecords()).find((r) => r.action === 'taskType.rate_limit' && r.parameters.rate_limit === '100/m');
      assert.deepEqual(rate?.parameters, { task_name: 'lens_testapp.tasks.add', rate_limit: '100/m', workers: 'all' });
      // A worker that does not answer: the action fails, and the audit log says why.
      const failed = await run('celeryLens.worker.poolShrink', { hostname: 'nobody@nowhere', n: 1 });
      assert.deepEqual([failed?.outcome, failed?.detail], ['failed', 'no reply from nobody@nowhere']);
      const record = (await auditRecords()).at(-1);
      assert.deepEqual([record?.action, record?.target, record?.outcome, record?.detail], ['worker.poolShrink', 'nobody@nowhere', 'failed', 'no reply from nobody@nowhere']);
    });

    it('Open Audit Log shows the file with every action of this test', async () => {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.commands.executeCommand('celeryLens.openAuditLog');
      const editor = await waitFor(() => vscode.window.visibleTextEditors.find((e) => e.document.uri.fsPath === api.audit.uri.fsPath), 10_000, 'the audit log editor');
      const records = () => editor.document.getText().split('\n').filter(Boolean).map((l) => JSON.parse(l) as AuditRecord).filter((r) => r.connection.name === name);
      // 18 refusals, then unlock, purge, send, revoke, terminate, retry, 4 consumer steps, 6 limit steps and a failure.
      const ours = await waitFor(() => (records().length >= 18 + 17 ? records() : undefined), 10_000, 'every record in the editor');
      for (const r of ours) assert.ok(r.time && r.action && r.target !== undefined && r.outcome && r.connection.broker, JSON.stringify(r));
    });

    it('make read-only hides actions again', async () => {
      await vscode.commands.executeCommand('celeryLens.makeReadOnly', { connectionId });
      assert.equal(api.store.get(connectionId)?.readOnly, true);
      const result = await run('celeryLens.queue.purge', { queue: PURGE_QUEUE });
      assert.equal(result?.outcome, 'refused');
      await vscode.commands.executeCommand('celeryLens.disconnect', { connectionId });
    });
  });
}

for (const kind of ['redis', 'amqp'] as const) {
  const cluster = clusterFromEnv(kind);
  if (cluster) actionsOn(cluster);
}
