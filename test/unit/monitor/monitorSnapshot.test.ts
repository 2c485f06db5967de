import * as assert from 'node:assert/strict';
import { describeConnectionStatus } from '../../../src/core/monitor/monitorSnapshot';
import { renderSummary } from '../../../src/cli/watchView';

describe('(unit) describeConnectionStatus and the watch view', () => {
  it('says nothing while connected or idle', () => {
    assert.equal(describeConnectionStatus({ kind: 'connected', since: 1 }, 5000), undefined);
    assert.equal(describeConnectionStatus({ kind: 'idle' }, 5000), undefined);
  });

  it('gives the state, attempt, time to the next try and the reason', () => {
    assert.equal(describeConnectionStatus({ kind: 'reconnecting', attempt: 3, retryAt: 12_300, reason: 'connect ECONNREFUSED' }, 10_000),
      'reconnecting (attempt 3, next try in 3 s): connect ECONNREFUSED');
    assert.equal(describeConnectionStatus({ kind: 'error', reason: 'WRONGPASS' }, 0), 'error: WRONGPASS');
    assert.equal(describeConnectionStatus({ kind: 'connecting' }, 0), 'connecting…');
  });

  it('the watch frame shows the connection line under the title only when given', () => {
    const empty = { workers: [], queues: [], tasks: [], errors: [] };
    const down = renderSummary(empty, { broker: 'redis://h:6379/0', now: 0, connection: 'reconnecting (attempt 1, next try in 1 s): boom' });
    assert.equal(down[2], 'connection reconnecting (attempt 1, next try in 1 s): boom');
    assert.equal(down[3], '');
    const up = renderSummary(empty, { broker: 'redis://h:6379/0', now: 0 });
    assert.equal(up[2], '');
    assert.doesNotMatch(up.join('\n'), /connection/);
  });
});
