import assert from 'node:assert/strict';
import { errorGroupDescription, errorGroupLabel, errorGroupTooltip } from '../../../src/core/presentation/errorLabels';
import { groupFailures } from '../../../src/core/tracebacks/errorGroups';
import { CAPTURED_APP, realTraceback } from './tracebackFixtures';

describe('(unit) presentation/errorLabels', () => {
  const [group] = groupFailures([
    { id: 'a', name: 'lens_testapp.tasks.fail_nested', worker: 'lens1@h', traceback: realTraceback('fail_nested'), time: 1000 },
    { id: 'b', name: 'lens_testapp.tasks.fail_nested', worker: 'lens2@h', traceback: realTraceback('fail_nested'), time: 1060 },
  ]);

  it('label, description and tooltip say what, how often, when and where', () => {
    assert.ok(group);
    assert.equal(errorGroupLabel(group), "LensTestError: ('value out of range: 42', 7)");
    assert.equal(errorGroupDescription(group, 1180), '2× · 2m ago · helpers.py:10');
    assert.equal(errorGroupTooltip(group), [
      "**lens_testapp.errors.LensTestError**: ('value out of range: 42', 7)",
      '',
      '- 2 failures',
      '- first: 1970-01-01 00:16:40.000 UTC',
      '- last: 1970-01-01 00:17:40.000 UTC',
      '- tasks: lens_testapp.tasks.fail_nested',
      '- workers: lens1@h, lens2@h',
      `- raised at: ${CAPTURED_APP}/helpers.py:10 in check_range`,
    ].join('\n'));
  });
});
