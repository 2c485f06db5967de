import * as assert from 'node:assert/strict';
import { bulkRetryConfirmation, bulkRetryPreview, bulkRetryStates, splitBulkRetry } from '../../../src/core/actions/bulkRetry';
import type { RetryPlan } from '../../../src/core/actions/retryPlan';

const full: RetryPlan = { originalId: 'aaa', name: 'app.add', args: [1, 2], kwargs: { z: 'x|y' }, source: 'result', queue: 'celery' };
const fromRepr: RetryPlan = { originalId: 'bbb', name: 'app.big', source: 'repr', argsRepr: "('xxxx...',)", kwargsRepr: '{}' };
const nameless: RetryPlan = { originalId: 'ccc', source: 'none' };

describe('(unit) actions: bulk retry', () => {
  it('sends only tasks whose complete arguments are known, and says why the others are skipped', () => {
    const split = splitBulkRetry([full, fromRepr, nameless]);
    assert.deepEqual(split.ready.map((p) => p.originalId), ['aaa']);
    assert.deepEqual(split.skipped.map((s) => s.plan.originalId), ['bbb', 'ccc']);
    assert.match(split.skipped[0].reason, /truncated repr/);
    assert.match(split.skipped[1].reason, /task name of ccc is unknown/);
  });

  it('takes the retryable states of the filter, or all of them', () => {
    assert.deepEqual(bulkRetryStates(undefined), ['FAILURE', 'REVOKED', 'REJECTED']);
    assert.deepEqual(bulkRetryStates(['FAILURE', 'SUCCESS']), ['FAILURE']);
    assert.deepEqual(bulkRetryStates(['SUCCESS']), []);
  });

  it('previews name, arguments, their source and queue, escaping table cells', () => {
    const text = bulkRetryPreview({ connection: 'prod', filter: '"add"', split: splitBulkRetry([full, fromRepr]), matched: 700, considered: 500 });
    assert.match(text, /700 retryable tasks match; the newest 500 are considered/);
    assert.match(text, /## To send: 1\n/);
    assert.match(text, /\| aaa \| app\.add \| \[1,2\] \{"z":"x\\\|y"\} \| extended result \| celery \|/);
    assert.match(text, /## Skipped: 1\n/);
    assert.match(text, /\| bbb \| app\.big \| only the truncated repr/);
  });

  it('the confirmation states the count and the skipped ones', () => {
    const text = bulkRetryConfirmation({ connection: 'prod', count: 3, skipped: 2 });
    assert.equal(text.message, 'Retry 3 tasks on "prod"?');
    assert.equal(text.button, 'Retry 3 tasks');
    assert.match(text.detail, /2 skipped/);
  });
});
