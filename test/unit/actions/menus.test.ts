import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIRM_KINDS } from '../../../src/core/actions/confirmations';
import { CommandId } from '../../../src/vscode/commands/commandIds';
import { contextValues } from '../../../src/vscode/views/contextValues';
import type { ConnectionProfile } from '../../../src/vscode/connections/connectionProfile';

const manifest = JSON.parse(readFileSync(join(__dirname, '../../../../package.json'), 'utf8')) as {
  contributes: { menus: Record<string, Array<{ command: string; when?: string }>>; configuration: { properties: Record<string, { default?: unknown }> } };
};

/** Commands that change the cluster (or its read-only state): never offered on read-only items. */
const WRITE_COMMANDS: string[] = [
  CommandId.RevokeTask, CommandId.TerminateTask, CommandId.RetryTask, CommandId.SendTask, CommandId.SetRateLimit, CommandId.SetTimeLimit,
  CommandId.ShutdownWorker, CommandId.RestartWorkerPool, CommandId.GrowWorkerPool, CommandId.ShrinkWorkerPool, CommandId.AutoscaleWorker,
  CommandId.AddConsumer, CommandId.CancelConsumer, CommandId.EnableEvents, CommandId.DisableEvents,
  CommandId.PurgeQueue, CommandId.PauseQueue, CommandId.ResumeQueue, CommandId.MakeReadOnly, CommandId.BulkRetry, CommandId.MoveMessage, CommandId.RestoreUnacked, CommandId.StartLocalWorker, CommandId.StopLocalWorker,
];

function itemRegexes(command: string): RegExp[] {
  return (manifest.contributes.menus['view/item/context'] ?? [])
    .filter((e) => e.command === command)
    .flatMap((e) => [...(e.when ?? '').matchAll(/viewItem =~ \/(.+?)\//g)].map((m) => new RegExp(m[1].replace(/\\\\/g, '\\'))));
}

function itemContextValues(writable: boolean): string[] {
  const profile: ConnectionProfile = { id: 'u', name: 'n', brokerUrl: 'redis://h', readOnly: !writable, source: 'user' };
  const states = ['PENDING', 'RECEIVED', 'STARTED', 'SUCCESS', 'FAILURE', 'RETRY', 'REVOKED', 'REJECTED'];
  return [
    ...(['connected', 'idle', 'error'] as const).map((kind) => contextValues.connection(kind === 'error' ? { kind, reason: 'x' } : kind === 'connected' ? { kind, since: 0 } : { kind }, profile)),
    ...states.map((s) => contextValues.task(s, writable)),
    contextValues.worker(true, writable), contextValues.worker(false, writable), contextValues.worker(true, writable, true),
    contextValues.queue(writable, false), contextValues.queue(writable, true),
    contextValues.message(true, writable), contextValues.message(false, writable),
    contextValues.message(true, writable, 'redis'), contextValues.message(true, writable, 'amqp'),
    contextValues.unacked(true, writable), contextValues.unacked(false, writable),
  ];
}

describe('(unit) actions: menus follow the read-only mode', () => {
  it('no write action is offered on a read-only connection\'s items', () => {
    const readOnly = itemContextValues(false);
    for (const command of WRITE_COMMANDS) {
      for (const regex of itemRegexes(command)) {
        const offered = readOnly.filter((v) => regex.test(v));
        assert.deepEqual(offered, [], `${command} is offered on ${offered.join(', ')}`);
      }
    }
  });

  it('every write action with a menu entry is offered on some writable item, and Unlock on read-only connections', () => {
    const writable = itemContextValues(true);
    for (const command of WRITE_COMMANDS) {
      for (const regex of itemRegexes(command)) assert.ok(writable.some((v) => regex.test(v)), `${command}: ${regex.source} matches nothing`);
    }
    const unlock = itemRegexes(CommandId.UnlockConnection);
    assert.ok(unlock.length > 0);
    assert.ok(itemContextValues(false).some((v) => unlock.some((r) => r.test(v))));
    assert.ok(!itemContextValues(true).some((v) => unlock.some((r) => r.test(v))));
  });

  it('the expected actions appear on the expected items', () => {
    const offers = (command: string, value: string) => itemRegexes(command).some((r) => r.test(value));
    assert.ok(offers(CommandId.TerminateTask, contextValues.task('STARTED', true)));
    assert.ok(!offers(CommandId.TerminateTask, contextValues.task('SUCCESS', true)));
    assert.ok(offers(CommandId.RetryTask, contextValues.task('FAILURE', true)));
    assert.ok(offers(CommandId.RetryTask, contextValues.task('REJECTED', true)));
    assert.ok(!offers(CommandId.RetryTask, contextValues.task('STARTED', true)));
    assert.ok(offers(CommandId.PauseQueue, contextValues.queue(true, false)));
    assert.ok(!offers(CommandId.PauseQueue, contextValues.queue(true, true)));
    assert.ok(offers(CommandId.ResumeQueue, contextValues.queue(true, true)));
    assert.ok(offers(CommandId.ShutdownWorker, contextValues.worker(true, true)));
    assert.ok(!offers(CommandId.ShutdownWorker, contextValues.worker(false, true)));
    assert.ok(offers(CommandId.StopLocalWorker, contextValues.worker(true, true, true)));
    assert.ok(!offers(CommandId.StopLocalWorker, contextValues.worker(true, true)), 'only workers started here');
    assert.ok(offers(CommandId.MoveMessage, contextValues.message(true, true, 'redis')));
    assert.ok(!offers(CommandId.MoveMessage, contextValues.message(true, true, 'amqp')), 'no move on RabbitMQ');
    assert.ok(offers(CommandId.RestoreUnacked, contextValues.unacked(true, true)));
    assert.ok(!offers(CommandId.RestoreUnacked, contextValues.unacked(false, true)), 'no restore while the worker is online');
    assert.ok(offers(CommandId.OpenMessage, contextValues.message(false, false, 'amqp')));
    // Read-only actions stay available on read-only items.
    assert.ok(offers(CommandId.CopyTaskId, contextValues.task('FAILURE', false)));
    assert.ok(offers(CommandId.OpenTaskResult, contextValues.task('SUCCESS', false)));
  });

  it('each confirmation kind has its own setting, asking by default', () => {
    for (const kind of CONFIRM_KINDS) {
      assert.equal(manifest.contributes.configuration.properties[`celeryLens.confirm.${kind}`]?.default, true, kind);
    }
  });
});
