import assert from 'node:assert/strict';
import { groupFailures } from '../../../src/core/tracebacks/errorGroups';
import { failedTasks } from '../../../src/core/tracebacks/failures';
import { replayedState } from '../state/stateFixtures';

describe('(unit) tracebacks/failedTasks over a replayed real event stream', () => {
  const failures = failedTasks(replayedState());

  it('lists the FAILURE tasks newest first, with the traceback the task-failed event carried', () => {
    assert.deepEqual(failures.map((f) => [f.name, f.worker]), [
      ['proj.tasks.fail_nested', 'w3@vm'],
      ['proj.tasks.flaky', 'w1@vm'],
      ['proj.tasks.does_not_exist', 'w1@vm'],
      ['proj.tasks.fail_nested', 'w1@vm'],
    ]);
    assert.ok(failures.every((f, i) => i === 0 || (f.time ?? 0) <= (failures[i - 1]?.time ?? 0)));
    assert.match(failures[0]?.traceback ?? '', /^Traceback \(most recent call last\):/);
  });

  it('groups them: two fail_nested runs with different values are one group; a rejected unknown task has its own', () => {
    const groups = groupFailures(failures);
    assert.deepEqual(groups.map((g) => [g.type, g.count, g.taskNames, g.workers, g.frame ? `${g.frame.file}:${g.frame.line}` : undefined]), [
      ['proj.errors.ProbeError', 2, ['proj.tasks.fail_nested'], ['w1@vm', 'w3@vm'], '/tmp/celery-probe/proj/errors.py:11'],
      ['OSError', 1, ['proj.tasks.flaky'], ['w1@vm'], '/tmp/celery-probe/proj/tasks.py:28'],
      ['NotRegistered', 1, ['proj.tasks.does_not_exist'], ['w1@vm'], undefined],
    ]);
    assert.equal(groups[0]?.message, "('probe failure for value=2', 7)");
  });
});
