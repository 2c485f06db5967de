import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OWN_DEBUG_TYPE } from '../../../src/core/replay/launchConfig';
import { CommandId } from '../../../src/vscode/commands/commandIds';
import { contextValues } from '../../../src/vscode/views/contextValues';

const manifest = JSON.parse(readFileSync(join(__dirname, '../../../../package.json'), 'utf8')) as {
  capabilities?: { untrustedWorkspaces?: { supported: unknown; restrictedConfigurations?: string[] } };
  contributes: {
    menus: Record<string, Array<{ command: string; when?: string }>>;
    debuggers?: Array<{ type: string }>;
    configuration: { properties: Record<string, unknown> };
  };
};

function whens(menu: string, command: string): string[] {
  return (manifest.contributes.menus[menu] ?? []).filter((e) => e.command === command).map((e) => e.when ?? '');
}

describe('(unit) replay/manifest', () => {
  for (const command of [CommandId.ReplayLocally, CommandId.DebugLocally]) {
    it(`${command}: on every task item (Tasks and Errors views), task details and the palette, trusted workspaces only`, () => {
      const [item] = whens('view/item/context', command);
      const regex = new RegExp(/viewItem =~ \/(.+?)\//.exec(item ?? '')?.[1]?.replace(/\\\\/g, '\\') ?? '^$');
      for (const state of ['FAILURE', 'SUCCESS', 'PENDING', 'RETRY', 'STARTED']) {
        assert.ok(regex.test(contextValues.task(state)) && regex.test(contextValues.task(state, true)), state);
      }
      assert.match(item, /isWorkspaceTrusted/);
      // An Errors view group replays its newest failure.
      assert.ok(whens('view/item/context', command).some((w) => w.includes(`viewItem == ${contextValues.errorGroup()}`) && w.includes('isWorkspaceTrusted')));
      assert.match(whens('editor/title', command)[0] ?? '', /resourceScheme == celery-task && isWorkspaceTrusted/);
      assert.match(whens('commandPalette', command)[0] ?? '', /isWorkspaceTrusted/);
    });
  }

  it("contributes its own debug type (debugpy's adapter) and limited support in untrusted workspaces", () => {
    assert.ok(manifest.contributes.debuggers?.some((d) => d.type === OWN_DEBUG_TYPE));
    assert.equal(manifest.capabilities?.untrustedWorkspaces?.supported, 'limited');
    assert.ok(manifest.capabilities?.untrustedWorkspaces?.restrictedConfigurations?.includes('celeryLens.replay.python'));
    for (const key of ['replay.python', 'replay.justMyCode', 'confirm.replay', 'app']) assert.ok(manifest.contributes.configuration.properties[`celeryLens.${key}`], key);
  });
});
