/**
 * Smoke test of the VS Code tier: the extension loads and activates in a real VS Code, the window
 * can be photographed and queried, and the test cluster's coordinates reach the extension host.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Redis from 'ioredis';
import * as vscode from 'vscode';
import { clusterFromEnv } from './support/clusterEnv';
import { hasWorkbenchAccess, screenshot, workbenchTexts } from './support/workbench';

const extensionId = 'celery-lens.celery-lens';

describe('(vscode) activation smoke test', () => {
  before(() => {
    console.log(`vscode ${vscode.version} (${vscode.env.appName}, uiKind ${vscode.env.uiKind}, remote ${vscode.env.remoteName ?? 'none'}), node ${process.version}`);
  });

  it('finds the extension under development and activates it', async () => {
    const extension = vscode.extensions.getExtension(extensionId);
    assert.ok(extension, `${extensionId} is not installed in this VS Code`);
    const manifest = extension.packageJSON as { name: string; publisher: string; main: string };
    assert.equal(`${manifest.publisher}.${manifest.name}`, extensionId);
    assert.equal(manifest.main, './dist/extension.js');
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it('opens the fixture workspace', () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'no workspace folder is open');
    assert.ok(fs.existsSync(path.join(folder.uri.fsPath, 'README.md')), `${folder.uri.fsPath} is not a copy of test/fixtures/workspace`);
    assert.equal(vscode.workspace.getConfiguration('lensTestFixture').get('name'), 'workspace');
  });

  it('saves a screenshot of the workbench and reads its DOM', async function () {
    if (!hasWorkbenchAccess()) this.skip(); // desktop VS Code: no harness endpoints
    const file = await screenshot('workbench');
    assert.ok(file && fs.existsSync(file), `no screenshot at ${file}`);
    const png = fs.readFileSync(file);
    assert.ok(png.length > 1000, `screenshot is only ${png.length} bytes`);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'not a PNG file');
    const statusBar = await workbenchTexts('.part.statusbar');
    assert.equal(statusBar?.length, 1, 'the workbench has exactly one status bar');
  });

  it('sees the Redis test cluster from the extension host', async function () {
    if (process.env.LENS_VSCODE_CLUSTERS === 'none') this.skip(); // the caller asked for no cluster
    const cluster = clusterFromEnv('redis');
    assert.ok(cluster, 'LENS_REDIS_BROKER_URL / LENS_REDIS_BACKEND_URL did not reach the extension host');
    assert.match(cluster.brokerUrl, /^redis:\/\/[^/]+\/\d+$/);
    assert.match(cluster.backendUrl, /^redis:\/\/[^/]+\/\d+$/);
    assert.ok(cluster.workers.length > 0 && cluster.workers.every((w) => /^lens\d+@/.test(w)), `workers: ${cluster.workers.join(',')}`);
    assert.equal(process.env.LENS_WORKERS, cluster.workers.join(','));
    const client = new Redis(cluster.brokerUrl, { maxRetriesPerRequest: 1, connectTimeout: 5000, lazyConnect: true });
    try {
      await client.connect();
      assert.equal(await client.ping(), 'PONG');
    } finally {
      client.disconnect();
    }
  });
});
