import * as assert from 'node:assert/strict';
import { appFromPath, definesCeleryApp, localNodeName, localWorkerArgs, localWorkerEnv } from '../../../src/core/actions/localWorker';

describe('(unit) actions: a local worker', () => {
  it('finds the -A value from the app file path', () => {
    assert.equal(appFromPath('proj/celery.py'), 'proj.celery');
    assert.equal(appFromPath('./lens_testapp/celery_app.py'), 'lens_testapp.celery_app');
    assert.equal(appFromPath('src\\app\\tasks.py'), 'src.app.tasks');
    assert.equal(appFromPath('my-proj/celery.py'), undefined, 'not a module name');
    assert.equal(appFromPath('README.md'), undefined);
  });

  it('recognises a module that creates a Celery app', () => {
    assert.ok(definesCeleryApp('from celery import Celery\napp = Celery("proj")'));
    assert.ok(definesCeleryApp('import celery\napp = celery.Celery()'));
    assert.ok(!definesCeleryApp('from celery import shared_task\n@shared_task\ndef f(): pass'));
    assert.ok(!definesCeleryApp('x = MyCelery()'));
  });

  it('builds the command line and keeps the URLs out of it', () => {
    const node = localNodeName('vm', 2);
    assert.equal(node, 'lens-local-2@vm');
    const args = localWorkerArgs('proj.celery', node);
    assert.deepEqual(args, ['-m', 'celery', '-A', 'proj.celery', 'worker', '-E', '-n', 'lens-local-2@vm', '-l', 'INFO']);
    const env = localWorkerEnv('redis://:secret@h:6379/0', undefined);
    assert.deepEqual(env, { CELERY_BROKER_URL: 'redis://:secret@h:6379/0' });
    assert.ok(!args.join(' ').includes('secret'));
  });
});
