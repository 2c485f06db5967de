import * as assert from 'node:assert/strict';
import { formatDuration, relativeTime, shortId, trendArrow } from '../../../src/core/presentation/format';
import { connectionDescription, queueDescription, taskDescription, workerDescription } from '../../../src/core/presentation/treeLabels';
import { renderTaskDetails } from '../../../src/core/presentation/taskDetails';
import { splitPassword, withPassword } from '../../../src/core/url/connectionUrl';
import { parseDotenv } from '../../../src/core/util/dotenv';

const NOW = 1_800_000_000;

describe('(unit) presentation', () => {
  it('formats durations and relative times', () => {
    assert.equal(formatDuration(0.0123), '12 ms');
    assert.equal(formatDuration(1.234), '1.23 s');
    assert.equal(formatDuration(42.17), '42.2 s');
    assert.equal(formatDuration(245), '4m 05s');
    assert.equal(formatDuration(7380), '2h 03m');
    assert.equal(formatDuration(undefined), '');
    assert.equal(relativeTime(NOW - 1, NOW), 'just now');
    assert.equal(relativeTime(NOW - 42, NOW), '42s ago');
    assert.equal(relativeTime(NOW - 3 * 3600, NOW), '3h ago');
    assert.equal(relativeTime(NOW + 30, NOW), 'in 30s');
    assert.equal(shortId('7d1021c7-aaaa-bbbb'), '7d1021c7');
    assert.equal(trendArrow(5, 3), '↑');
    assert.equal(trendArrow(3, 3), '');
  });

  it('describes tasks, workers, queues and connections in one short line', () => {
    assert.equal(taskDescription({ id: '7d1021c7-1', state: 'SUCCESS', runtime: 1.5, succeeded: NOW - 300 }, NOW), '7d1021c7 · 1.50 s · 5m ago');
    assert.equal(taskDescription({ id: 'abc', state: 'STARTED', started: NOW - 10 }, NOW), 'abc · 10.0 s · 10s ago');
    assert.equal(workerDescription({ hostname: 'w', online: true, pool: 'prefork', concurrency: 4, processed: 1204, activeCount: 2, loadavg: [0.52] }),
      'prefork ×4 · 2 running · 1,204 processed · load 0.52');
    assert.equal(workerDescription({ hostname: 'w', online: false, activeCount: 0 }), 'offline');
    assert.equal(queueDescription({ name: 'q', messages: 12, previousMessages: 3, consumers: 2, byPriority: { 0: 10, 3: 0, 6: 0, 9: 2 }, exists: true, readAt: NOW }),
      '12 messages ↑ · 2 consumers · p0:10 p9:2');
    assert.equal(queueDescription({ name: 'q', messages: 1, consumers: 1, byPriority: { 0: 1 }, exists: true, readAt: NOW }), '1 message · 1 consumer');
    assert.equal(connectionDescription({ kind: 'connected', since: NOW }, 2, 3, NOW), '2/3 workers online');
    assert.equal(connectionDescription({ kind: 'reconnecting', attempt: 2, retryAt: (NOW + 4) * 1000, reason: 'ECONNREFUSED' }, 0, 0, NOW), 'reconnecting in 4s — ECONNREFUSED');
    assert.equal(connectionDescription({ kind: 'error', reason: 'wrong password', attempt: 1, retryAt: (NOW + 2) * 1000 }, 0, 0, NOW), 'error — wrong password (retrying in 2s)');
    assert.equal(connectionDescription({ kind: 'error', reason: 'bad URL' }, 0, 0, NOW), 'error — bad URL');
  });

  it('renders task details with workflow links, truncation notice and traceback', () => {
    const text = renderTaskDetails({
      id: 't1', name: 'proj.tasks.fail', state: 'FAILURE', worker: 'w1@h', args: '(1, [0, 1, 2, ...])', kwargs: '{}',
      exception: "ValueError('bad')", traceback: 'Traceback (most recent call last):\n  File "proj/tasks.py", line 3, in fail\nValueError: bad\n',
      parentId: 'p1', rootId: 'r1', children: ['c1', 'c2'], failed: NOW,
      history: [{ type: 'task-received', timestamp: NOW - 1, hostname: 'w1@h' }, { type: 'task-failed', timestamp: NOW, hostname: 'w1@h' }],
    });
    assert.match(text, /^# proj\.tasks\.fail\n/);
    assert.match(text, /\| State \| FAILURE \|/);
    assert.match(text, /\*\*Truncated\*\*/);
    assert.match(text, /## Traceback\n\n```pytb\nTraceback \(most recent call last\):\n {2}File "proj\/tasks\.py", line 3, in fail\nValueError: bad\n```/);
    assert.match(text, /- Parent: p1\n- Root: r1\n- Child: c1\n- Child: c2/);
    assert.match(text, /\| .* \| task-failed \| w1@h \|/);
  });

  it('shows the complete arguments of a message still waiting in its queue', () => {
    const text = renderTaskDetails({ id: 't', name: 'n', state: 'PENDING', args: "('x' * 2000...)" }, undefined, { args: ['big', { deep: [1] }], kwargs: { k: 1 }, queue: 'celery' });
    assert.match(text, /Complete values, from the message waiting in queue `celery`/);
    assert.match(text, /"deep": \[\n {6}1\n {4}\]/);
    assert.doesNotMatch(text, /Truncated/);
  });

  it('links a retried task to its retries and a retry back to the task it retries', () => {
    const original = renderTaskDetails({ id: 'a', name: 'n', state: 'FAILURE' }, undefined, undefined, { retriedAs: ['b', 'c'] });
    assert.match(original, /## Workflow\n\n- Retried as: b\n- Retried as: c\n/);
    const retry = renderTaskDetails({ id: 'b', name: 'n', state: 'SUCCESS' }, undefined, undefined, { retryOf: 'a' });
    assert.match(retry, /## Workflow\n\n- Retry of: a\n/);
    assert.doesNotMatch(renderTaskDetails({ id: 'a', name: 'n', state: 'FAILURE' }), /Retr/);
  });

  it('prefers the complete arguments of an extended result', () => {
    const text = renderTaskDetails({ id: 't', name: 'n', state: 'SUCCESS', args: '(1,)' }, {
      kind: 'task-meta', taskId: 't', status: 'SUCCESS', result: { a: 1 }, traceback: null, children: [], args: [1], kwargs: { k: 'v' }, size: 1,
    });
    assert.match(text, /Complete values, from the result backend/);
    assert.match(text, /"k": "v"/);
    assert.match(text, /## Result\n\n```json\n\{\n {2}"a": 1\n\}\n```/);
  });
});

describe('(unit) passwords out of URLs and .env files', () => {
  it('splits a password out and puts it back', () => {
    assert.deepEqual(splitPassword('redis://:s3cret@h:6379/0'), { url: 'redis://h:6379/0', password: 's3cret' });
    assert.deepEqual(splitPassword('amqp://guest:p%40ss@h//'), { url: 'amqp://guest@h//', password: 'p@ss' });
    assert.deepEqual(splitPassword('redis://h/1'), { url: 'redis://h/1' });
    assert.equal(withPassword('amqp://guest@h//', 'p@ss'), 'amqp://guest:p%40ss@h//');
    assert.equal(withPassword('redis://h:6379/0', 's3cret'), 'redis://:s3cret@h:6379/0');
    assert.equal(withPassword('redis://h', undefined), 'redis://h');
  });

  it('reads .env files', () => {
    assert.deepEqual(parseDotenv('# c\nexport CELERY_BROKER_URL="redis://h/0"\nCELERY_RESULT_BACKEND=redis://h/1 # note\nBAD LINE\nQ=\'a b\''), {
      CELERY_BROKER_URL: 'redis://h/0', CELERY_RESULT_BACKEND: 'redis://h/1', Q: 'a b',
    });
  });
});
