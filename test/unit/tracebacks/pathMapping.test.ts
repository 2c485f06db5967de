import assert from 'node:assert/strict';
import { mapByPrefix, mapWorkerPath, matchBySuffix } from '../../../src/core/tracebacks/pathMapping';

describe('(unit) tracebacks/pathMapping', () => {
  it('maps by the longest remote prefix on whole components', () => {
    const mappings = { '/srv': '/home/me/srv', '/srv/app': '/home/me/proj', '/srv/application': '/elsewhere' };
    assert.equal(mapByPrefix('/srv/app/tasks/io.py', mappings), '/home/me/proj/tasks/io.py');
    assert.equal(mapByPrefix('/srv/apps/x.py', mappings), '/home/me/srv/apps/x.py');
    assert.equal(mapByPrefix('/opt/x.py', mappings), undefined);
    assert.equal(mapByPrefix('/srv/app/x.py', { '/srv/app/': '/local/' }), '/local/x.py', 'trailing slashes do not matter');
  });

  it('maps Windows worker paths case-insensitively and keeps a Windows local folder style', () => {
    assert.equal(mapByPrefix('C:\\Users\\Dev\\Proj\\app\\tasks.py', { 'c:\\users\\dev\\proj': '/home/me/proj' }), '/home/me/proj/app/tasks.py');
    assert.equal(mapByPrefix('/srv/app/a/b.py', { '/srv/app': 'D:\\work\\app' }), 'D:\\work\\app\\a\\b.py');
  });

  it('matches the longest path suffix among workspace files, never guessing between equals', () => {
    const files = ['/ws/lens_testapp/tasks.py', '/ws/other/tasks.py', '/ws/lens_testapp/helpers.py', '/ws/vendor/helpers.py'];
    assert.equal(matchBySuffix('/work/main/test/fixtures/celery_app/lens_testapp/tasks.py', files), '/ws/lens_testapp/tasks.py');
    assert.equal(matchBySuffix('/srv/x/tasks.py', files), undefined, 'two equal one-component matches');
    assert.equal(matchBySuffix('/srv/x/missing.py', files), undefined);
    assert.equal(matchBySuffix('C:\\proj\\Lens_TestApp\\Helpers.py', files), '/ws/lens_testapp/helpers.py');
  });

  it('mapWorkerPath: mappings win, then suffix; pseudo files never map', () => {
    const files = ['/ws/app/tasks.py'];
    assert.deepEqual(mapWorkerPath('/srv/app/tasks.py', { '/srv': '/mapped' }, files), { local: '/mapped/app/tasks.py', how: 'mapping' });
    assert.deepEqual(mapWorkerPath('/srv/app/tasks.py', {}, files), { local: '/ws/app/tasks.py', how: 'suffix' });
    assert.equal(mapWorkerPath('<string>', { '': '/x' }, ['/ws/<string>']), undefined);
  });
});
