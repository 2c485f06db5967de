/**
 * Queue messages in a real VS Code against the real test clusters: "Show more" reads the next window
 * of a queue without consuming anything; a message opens as a read-only JSON document; moving a
 * message is one atomic step on Redis and refused on RabbitMQ; on Redis, the acks_late task of a
 * worker killed with SIGKILL is listed as unacked (worker gone), restored to its queue, and a new
 * worker runs it. Write actions are refused while read-only and audited.
 */
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as vscode from 'vscode';
import type { CeleryLensApi } from '../../src/extension';
import type { AuditRecord } from '../../src/core/actions/auditRecord';
import type { ActionResult } from '../../src/vscode/actions/actionRunner';
import type { CeleryNode } from '../../src/vscode/views/nodes';
import type { Broker } from '../../src/core/broker/broker';
import { createBroker } from '../../src/core/broker/createBroker';
import { encodeTaskMessage } from '../../src/core/celery/taskEncoder';
import { parseConnectionUrl } from '../../src/core/url/connectionUrl';
import { celeryEnv } from '../integration/support/helpers';
import { celeryAppDir, python } from '../integration/support/paths';
import { clusterFromEnv } from './support/clusterEnv';
import type { TestCluster } from '../integration/support/cluster';
import { waitFor } from './support/waitFor';
import { connectTestCluster } from './support/connections';
import { activateCeleryLens } from './support/extension';

function queueMessages(cluster: TestCluster): void {
  describe(`(vscode) queue messages over a real ${cluster.kind} cluster`, function () {
    this.timeout(120_000);
    const name = `Messages cluster (${cluster.kind})`;
    const stamp = `${process.pid}_${Math.floor(Math.random() * 1e6)}`;
    const queue = `lens_msgs_${stamp}`;
    const target = `lens_msgs_target_${stamp}`;
    let api: CeleryLensApi;
    let connectionId: string;
    let broker: Broker;
    const ids: string[] = [];
    const workers: ChildProcess[] = [];
    let amqpConnection: { createChannel(): Promise<{ assertQueue(q: string, o: object): Promise<unknown>; deleteQueue(q: string): Promise<unknown> }>; close(): Promise<void> } | undefined;
    const run = <T = unknown>(command: string, arg: Record<string, unknown>) =>
      vscode.commands.executeCommand<ActionResult<T> | undefined>(command, { connectionId, ...arg });

    async function auditRecords(): Promise<AuditRecord[]> {
      const text = await readFile(api.audit.uri.fsPath, 'utf8').catch(() => '');
      return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as AuditRecord).filter((r) => r.connection.name === name);
    }

    async function depth(q: string): Promise<number> {
      return (await broker.queueInfo([q]))[0]?.messages ?? -1;
    }

    async function children(node: CeleryNode): Promise<CeleryNode[]> {
      api.views.queues.invalidate(connectionId);
      return api.views.queues.getChildren(node);
    }

    const messageIds = (nodes: CeleryNode[]) => nodes.flatMap((n) => (n.kind === 'message' && n.message.kind === 'task' ? [n.message.id] : []));

    before(async () => {
      api = await activateCeleryLens();
      const config = vscode.workspace.getConfiguration('celeryLens');
      for (const kind of ['moveMessage', 'restoreUnacked']) await config.update(`confirm.${kind}`, false, vscode.ConfigurationTarget.Global);
      await config.update('peekCount', 10, vscode.ConfigurationTarget.Global);
      if (cluster.kind === 'amqp') {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const amqplib = require('amqplib') as { connect(url: string): Promise<NonNullable<typeof amqpConnection>> };
        amqpConnection = await amqplib.connect(cluster.brokerUrl);
        const channel = await amqpConnection.createChannel();
        for (const q of [queue, target]) await channel.assertQueue(q, { durable: true });
      }
      broker = createBroker(parseConnectionUrl(cluster.brokerUrl));
      await broker.connect();
      for (let i = 0; i < 25; i++) {
        const message = encodeTaskMessage({ name: 'lens_testapp.tasks.add', args: [i, 1000], kwargs: {}, queue });
        await broker.publish(message);
        ids.push(message.headers.id as string);
      }
      connectionId = await connectTestCluster(api, cluster, { name });
    });

    after(async () => {
      for (const w of workers) if (w.pid !== undefined && w.exitCode === null) { try { process.kill(-w.pid, 'SIGKILL'); } catch { /* gone */ } }
      await broker?.purge(queue).catch(() => undefined);
      await broker?.purge(target).catch(() => undefined);
      await broker?.close();
      const channel = await amqpConnection?.createChannel().catch(() => undefined);
      for (const q of [queue, target]) await channel?.deleteQueue(q).catch(() => undefined);
      await amqpConnection?.close().catch(() => undefined);
      await vscode.commands.executeCommand('celeryLens.disconnect', { connectionId });
      // Removed, not just disconnected: later files read rendered rows, and every root above theirs pushes them down.
      await api.store.remove(connectionId);
    });

    it('read-only: moving and restoring are refused and audited', async () => {
      assert.equal((await run('celeryLens.queue.moveMessage', { queue, taskId: ids[0], target }))?.outcome, 'refused');
      assert.equal((await run('celeryLens.queue.restoreUnacked', { deliveryTag: 'x' }))?.outcome, 'refused');
      assert.deepEqual((await auditRecords()).map((r) => `${r.action} ${r.outcome}`), ['queue.moveMessage refused', 'queue.restoreUnacked refused']);
      assert.equal(await depth(queue), 25);
      await vscode.commands.executeCommand('celeryLens.unlockConnection', { connectionId });
    });

    it('"Show more" reads the next window of messages, in order, and consumes nothing', async () => {
      const queueNode: CeleryNode = { kind: 'queue', connectionId, name: queue };
      let rows = await children(queueNode);
      assert.deepEqual(messageIds(rows), ids.slice(0, 10));
      const more = rows.at(-1);
      assert.equal(more?.kind, 'peekMore');
      const moreItem = await api.views.queues.getTreeItem(more!);
      assert.equal(moreItem.label, 'Show 10 more');
      assert.equal(moreItem.description, '10 of 25');
      await vscode.commands.executeCommand(String(moreItem.command?.command), ...(moreItem.command?.arguments ?? []));
      rows = await api.views.queues.getChildren(queueNode);
      assert.deepEqual(messageIds(rows), ids.slice(0, 20));
      await vscode.commands.executeCommand('celeryLens.queue.peekMore', connectionId, queue);
      rows = await api.views.queues.getChildren(queueNode);
      assert.deepEqual(messageIds(rows), ids, 'all 25, in the order workers take them');
      assert.ok(!rows.some((r) => r.kind === 'peekMore'));
      assert.equal(await depth(queue), 25, 'nothing consumed');
    });

    it('a message opens as a read-only JSON document with its headers, properties and decoded arguments', async () => {
      const rows = await api.views.queues.getChildren({ kind: 'queue', connectionId, name: queue });
      const node = rows.find((r) => r.kind === 'message' && r.message.kind === 'task' && r.message.id === ids[12]);
      assert.ok(node);
      const item = await api.views.queues.getTreeItem(node);
      assert.equal(item.command?.command, 'celeryLens.queue.openMessage', 'a click opens it');
      const doc = await vscode.commands.executeCommand<vscode.TextDocument>('celeryLens.queue.openMessage', node);
      assert.equal(doc.uri.scheme, 'celery-message');
      assert.equal(doc.languageId, 'json');
      const json = JSON.parse(doc.getText()) as { taskId: string; task: string; args: unknown; position: number; headers: { id: string }; contentType: string; properties: Record<string, unknown>; body: { format: string } };
      assert.deepEqual([json.taskId, json.task, json.args, json.position, json.headers.id, json.contentType, json.body.format],
        [ids[12], 'lens_testapp.tasks.add', [12, 1000], 13, ids[12], 'application/json', 'json']);
      assert.ok(json.properties && typeof json.properties === 'object');
      assert.equal(vscode.workspace.fs.isWritableFileSystem('celery-message'), undefined, 'no file system can write it back');
    });

    it(cluster.kind === 'redis' ? 'moves one message to another queue atomically, and audits it' : 'refuses to move a message on RabbitMQ, saying why, and changes nothing', async () => {
      const result = await run<{ from: string; to: string }>('celeryLens.queue.moveMessage', { queue, taskId: ids[3], target });
      const record = (await auditRecords()).at(-1);
      if (cluster.kind === 'redis') {
        assert.equal(result?.outcome, 'done', result?.detail);
        assert.deepEqual(result?.value, { from: queue, to: target });
        assert.equal(await depth(queue), 24);
        assert.equal(await depth(target), 1);
        const rows = await children({ kind: 'queue', connectionId, name: target });
        assert.deepEqual(messageIds(rows), [ids[3]]);
        assert.deepEqual([record?.action, record?.target, record?.parameters.to, record?.outcome, record?.detail], ['queue.moveMessage', ids[3], target, 'done', `moved from ${queue} to ${target}`]);
      } else {
        assert.equal(result?.outcome, 'failed');
        assert.match(String(result?.detail), /not possible on RabbitMQ without consuming it/);
        assert.equal(await depth(queue), 25);
        assert.deepEqual([record?.action, record?.outcome], ['queue.moveMessage', 'failed']);
      }
    });

    if (cluster.kind !== 'redis') return;

    it('restores the unacked message of a worker killed with SIGKILL to its queue, and a new worker runs it', async () => {
      const lostQueue = `lens_lost_${stamp}`;
      const node = `lens-unacked-${process.pid}@${os.hostname()}`;
      const startWorker = () => {
        const child = spawn(python, ['-m', 'celery', '-A', 'lens_testapp.celery_app:app', 'worker', '-n', node, '-Q', lostQueue, '-c', '1', '-P', 'prefork',
          '-E', '--without-mingle', '--without-gossip', '-l', 'WARNING'], { cwd: celeryAppDir, env: { ...celeryEnv(cluster), PYTHONUNBUFFERED: '1' }, detached: true, stdio: 'ignore' });
        workers.push(child);
        return child;
      };
      const monitor = api.manager.monitor(connectionId)!;
      const first = startWorker();
      await waitFor(() => monitor.isWorkerOnline(node), 30_000, `${node} online`);
      const message = encodeTaskMessage({ name: 'lens_testapp.tasks.sleeper_late', args: [6], kwargs: {}, queue: lostQueue });
      const taskId = message.headers.id as string;
      await broker.publish(message);
      await waitFor(() => monitor.state.tasks.get(taskId)?.state === 'STARTED', 20_000, 'the acks_late task to start');

      const unackedOf = async () => {
        const group = (await children({ kind: 'connection', connectionId })).find((n) => n.kind === 'unackedGroup');
        assert.ok(group, 'the Queues view has an Unacked group on Redis');
        const entries = await api.views.queues.getChildren(group);
        return entries.find((n): n is Extract<CeleryNode, { kind: 'unacked' }> => n.kind === 'unacked' && 'headers' in n.entry.message && n.entry.message.headers.id === taskId);
      };
      const held = await unackedOf();
      assert.ok(held, 'the running task is listed as unacked');
      assert.equal((await api.views.queues.getTreeItem(held)).contextValue, 'celeryLens.unacked.held.writable');
      // While its worker is online, restoring would run it twice: refused.
      assert.equal(await run('celeryLens.queue.restoreUnacked', { deliveryTag: held.entry.deliveryTag }), undefined);
      assert.ok(await unackedOf(), 'still unacked');

      process.kill(-first.pid!, 'SIGKILL');
      await waitFor(() => !monitor.isWorkerOnline(node), 20_000, `${node} to go offline`);
      const gone = await unackedOf();
      assert.ok(gone);
      const goneItem = await api.views.queues.getTreeItem(gone);
      assert.equal(goneItem.contextValue, 'celeryLens.unacked.gone.writable');
      assert.match(String(goneItem.description), new RegExp(`${node.replace(/[.]/g, '\\.')} \\(gone\\)`));
      assert.equal(await depth(lostQueue), 0, 'Redis keeps it only in unacked');

      const restored = await run<string[]>('celeryLens.queue.restoreUnacked', { deliveryTag: gone.entry.deliveryTag });
      assert.equal(restored?.outcome, 'done', restored?.detail);
      assert.deepEqual(restored?.value, [lostQueue]);
      assert.equal(await depth(lostQueue), 1);
      assert.equal(await unackedOf(), undefined);
      const record = (await auditRecords()).at(-1);
      assert.deepEqual([record?.action, record?.target, record?.parameters.taskId, record?.parameters.worker, record?.outcome], ['queue.restoreUnacked', gone.entry.deliveryTag, taskId, node, 'done']);

      startWorker();
      await waitFor(async () => {
        const meta = await monitor.backend?.getTaskMeta(taskId);
        return meta && meta.kind === 'task-meta' && meta.status === 'SUCCESS' ? meta : undefined;
      }, 40_000, 'the restored task to run on a new worker');
      await broker.purge(lostQueue);
    });
  });
}

for (const kind of ['redis', 'amqp'] as const) {
  const cluster = clusterFromEnv(kind);
  if (cluster) queueMessages(cluster);
}
