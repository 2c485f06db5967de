import assert from 'node:assert/strict';
import { groupFailures, shortHash } from '../../../src/core/tracebacks/errorGroups';
import { errorProblems, problemMessage } from '../../../src/core/tracebacks/errorProblems';
import { CAPTURED_APP, realTraceback } from './tracebackFixtures';

const nested = realTraceback('fail_nested');
// The same failure on another install prefix, another line (code edited) and another argument.
const nestedElsewhere = nested.replaceAll(CAPTURED_APP, '/srv/deploy/lens_testapp').replace('line 10, in check_range', 'line 12, in check_range').replace('42', '44');

describe('(unit) tracebacks/groupFailures', () => {
  const groups = groupFailures([
    { id: 'a', name: 'lens_testapp.tasks.fail_nested', worker: 'w1', traceback: nested, time: 100 },
    { id: 'b', name: 'lens_testapp.tasks.fail_nested', worker: 'w2', traceback: nestedElsewhere, time: 300 },
    { id: 'c', name: 'lens_testapp.tasks.fail_while_handling', worker: 'w1', traceback: realTraceback('fail_while_handling'), time: 200 },
    { id: 'd', name: 'lens_testapp.tasks.fail_chained', worker: 'w1', traceback: realTraceback('fail_chained'), time: 50 },
    { id: 'e', name: 'x.y', exception: "KeyError('k')", time: 10 },
    { id: 'f', name: 'x.y', exception: "KeyError('j')" },
  ]);

  it('one group per cause, newest first, counting occurrences', () => {
    assert.deepEqual(groups.map((g) => [g.type, g.count, g.taskIds]), [
      ['lens_testapp.errors.LensTestError', 2, ['b', 'a']],
      ['lens_testapp.errors.LensTestError', 1, ['c']],
      ['lens_testapp.errors.LensTestError', 1, ['d']],
      ['KeyError', 2, ['e', 'f']],
    ]);
  });

  it('line numbers and install prefixes do not split a group; different user frames do', () => {
    const [first, second] = groups;
    assert.equal(first?.fingerprint, 'lens_testapp.errors.LensTestError\nlens_testapp/tasks.py:fail_nested\nlens_testapp/helpers.py:validate\nlens_testapp/helpers.py:check_range');
    assert.notEqual(second?.fingerprint, first?.fingerprint);
    assert.equal(first?.key, shortHash(first?.fingerprint ?? ''));
  });

  it('keeps first/last seen, names, workers, the newest message and its raising frame', () => {
    const first = groups[0];
    assert.deepEqual([first?.firstSeen, first?.lastSeen, first?.taskNames, first?.workers], [100, 300, ['lens_testapp.tasks.fail_nested'], ['w1', 'w2']]);
    assert.equal(first?.message, "('value out of range: 44', 7)");
    assert.deepEqual([first?.frame?.file, first?.frame?.line], ['/srv/deploy/lens_testapp/helpers.py', 12]);
    assert.equal(groups[3]?.message, "KeyError('k')");
    assert.equal(groups[3]?.frame, undefined);
  });

  it('problems: at the raising frame, with task, count and last time; expired and frameless groups left out', () => {
    const problems = errorProblems(groups, 340, 5);
    assert.deepEqual(problems.map((p) => [p.file, p.line]), [
      ['/srv/deploy/lens_testapp/helpers.py', 12],
      [`${CAPTURED_APP}/helpers.py`, 10],
      [`${CAPTURED_APP}/tasks.py`, 67],
    ]);
    assert.equal(problems[0]?.message, "lens_testapp.errors.LensTestError: ('value out of range: 44', 7) (lens_testapp.tasks.fail_nested failed 2×, last 1970-01-01 00:05:00.000 UTC)");
    assert.deepEqual(errorProblems(groups, 340, 1).map((p) => p.line), [12], 'only the group seen in the last minute');
    assert.equal(problemMessage({ ...groups[3]!, lastSeen: undefined }), "KeyError: KeyError('k') (x.y failed 2×)");
  });
});
