import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommandId } from '../../../src/vscode/commands/commandIds';
import { contextValues } from '../../../src/vscode/views/contextValues';

const manifest = JSON.parse(readFileSync(join(__dirname, '../../../../package.json'), 'utf8')) as {
  activationEvents: string[];
  contributes: {
    commands: Array<{ command: string; title: string }>;
    menus: Record<string, Array<{ command: string; when?: string }>>;
    views: Record<string, Array<{ id: string }>>;
    configuration: { properties: Record<string, unknown> };
  };
};

describe('(unit) extension manifest', () => {
  it('declares exactly the commands the code registers', () => {
    assert.deepEqual(manifest.contributes.commands.map((c) => c.command).sort(), Object.values(CommandId).sort());
  });

  it('menus only name declared commands', () => {
    const declared = new Set(Object.values(CommandId) as string[]);
    for (const [menu, entries] of Object.entries(manifest.contributes.menus)) {
      for (const entry of entries) assert.ok(declared.has(entry.command), `${menu}: ${entry.command}`);
    }
  });

  it('activates lazily (views and commands activate it; no "*"), and restores its panels after a reload', () => {
    for (const event of manifest.activationEvents) assert.match(event, /^onWebviewPanel:celeryLens\.[a-z]+$/);
    for (const panel of ['timeline', 'trace', 'dashboard', 'flow']) assert.ok(manifest.activationEvents.includes(`onWebviewPanel:celeryLens.${panel}`), panel);
  });

  it('menu "when" clauses match the contextValues the views produce', () => {
    const whens = Object.values(manifest.contributes.menus).flat().map((e) => e.when ?? '');
    const connection = contextValues.connection({ kind: 'connected', since: 0 }, { id: 'u', name: 'n', brokerUrl: 'redis://h', readOnly: true, source: 'user' });
    const idle = contextValues.connection({ kind: 'idle' }, { id: 'u', name: 'n', brokerUrl: 'redis://h', readOnly: false, source: 'workspace' });
    const regexes = whens.flatMap((w) => [...w.matchAll(/viewItem =~ \/(.+?)\//g)].map((m) => new RegExp(m[1].replace(/\\\\/g, '\\'))));
    assert.ok(regexes.some((r) => r.test(connection)), `no menu matches ${connection}`);
    assert.ok(regexes.some((r) => r.test(idle)), `no menu matches ${idle}`);
    assert.ok(regexes.some((r) => r.test(contextValues.task('FAILURE'))));
    assert.equal(contextValues.task('FAILURE'), 'celeryLens.task.failure.readonly');
    assert.equal(contextValues.task('FAILURE', true), 'celeryLens.task.failure.writable');
    // Edit/remove are offered for the user's own connections only.
    const editRegex = regexes.find((r) => r.source.includes('user'));
    assert.ok(editRegex?.test(connection));
    assert.ok(!editRegex?.test(idle));
  });

  it('has the three views and the settings the code reads', () => {
    assert.deepEqual(manifest.contributes.views.celeryLens.map((v) => v.id), ['celeryLens.workers', 'celeryLens.queues', 'celeryLens.tasks', 'celeryLens.errors']);
    for (const key of ['connections', 'maxTasks', 'inspectInterval', 'queuePollInterval', 'commandTimeout', 'backfillLimit', 'tasksPageSize', 'peekCount']) {
      assert.ok(manifest.contributes.configuration.properties[`celeryLens.${key}`], key);
    }
  });
});
