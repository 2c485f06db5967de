import * as assert from 'node:assert/strict';
import { auditJsonLine, auditLogLine, buildAuditRecord } from '../../../src/core/actions/auditRecord';
import { celeryCallLine, shellQuote } from '../../../src/core/actions/celeryCallLine';
import { displayListName, purgeConfirmation, shutdownConfirmation, terminateConfirmation } from '../../../src/core/actions/confirmations';
import { jsonFromPythonRepr, parseArgsJson, parseKwargsJson } from '../../../src/core/actions/jsonArguments';
import { notRetryable, planRetry, RETRY_OF_HEADER, retryBlocker, retrySendOptions } from '../../../src/core/actions/retryPlan';
import type { TaskMeta } from '../../../src/core/backend/taskMeta';
import { decodeTaskMessage } from '../../../src/core/celery/taskMessage';
import { encodeTaskMessage } from '../../../src/core/celery/taskEncoder';
import type { TaskMessage } from '../../../src/core/celery/types';
import { isUndecodable } from '../../../src/core/celery/rawMessage';
import { describeReplies, summarizeReplies } from '../../../src/core/actions/controlReplies';
import { formatSendExtras, parseSendExtras } from '../../../src/core/actions/sendOptions';

describe('(unit) actions: audit records', () => {
  it('records time, redacted connection, action, target, parameters and outcome', () => {
    const record = buildAuditRecord({
      now: new Date('2026-11-23T10:00:00Z'), connectionName: 'prod', brokerUrl: 'redis://:s3cret@host:6379/0',
      action: 'queue.purge', target: 'celery', parameters: { count: 3, url: 'amqp://u:pw@h//', password: 'x' }, outcome: 'done', detail: 'removed 3',
    });
    assert.deepEqual(record, {
      time: '2026-11-23T10:00:00.000Z', connection: { name: 'prod', broker: 'redis://:***@host:6379/0' },
      action: 'queue.purge', target: 'celery', parameters: { count: 3, url: 'amqp://u:***@h//', password: '***' }, outcome: 'done', detail: 'removed 3',
    });
    const line = auditJsonLine(record);
    assert.ok(line.endsWith('\n') && !line.slice(0, -1).includes('\n'));
    assert.deepEqual(JSON.parse(line), record);
    assert.ok(!line.includes('s3cret') && !line.includes(':pw@'));
    assert.equal(auditLogLine(record), 'audit: prod [redis://:***@host:6379/0] queue.purge celery {"count":3,"url":"amqp://u:***@h//","password":"***"} → done (removed 3)');
  });

  it('redacts a password carried by an error detail', () => {
    const record = buildAuditRecord({ connectionName: 'c', brokerUrl: 'redis://h', action: 'task.revoke', target: 't', outcome: 'failed', detail: 'cannot reach redis://:pw@h:1' });
    assert.equal(record.detail, 'cannot reach redis://:***@h:1');
    assert.deepEqual(record.parameters, {});
  });
});

describe('(unit) actions: confirmation texts', () => {
  it('purge states the exact count and every priority list', () => {
    const text = purgeConfirmation({ connection: 'prod', queue: 'celery', count: 1234, lists: ['celery', 'celery\x06\x163', 'celery\x06\x166', 'celery\x06\x169'] });
    assert.equal(text.message, 'Purge 1,234 messages from queue "celery" on "prod"?');
    assert.match(text.detail, /lists "celery", "celery\\x06\\x163", "celery\\x06\\x166", "celery\\x06\\x169"/);
    assert.equal(text.button, 'Purge 1,234 messages');
    assert.equal(purgeConfirmation({ connection: 'p', queue: 'q', count: 1, lists: ['q'] }).button, 'Purge 1 message');
    assert.equal(displayListName('a\x06\x169'), 'a\\x06\\x169');
  });

  it('terminate names the task, the signal and the worker; shutdown the workers', () => {
    const text = terminateConfirmation({ connection: 'c', taskId: 'id1', name: 'app.sleep', signal: 'SIGKILL', worker: 'w1@h' });
    assert.equal(text.message, 'Terminate task app.sleep id1 with SIGKILL?');
    assert.match(text.detail, /on w1@h receives SIGKILL/);
    assert.equal(shutdownConfirmation({ connection: 'c', workers: ['a@h', 'b@h'] }).message, 'Shut down 2 workers ("a@h", "b@h")?');
  });
});

describe('(unit) actions: celery call line', () => {
  it('quotes for a POSIX shell', () => {
    assert.equal(shellQuote('proj.tasks.add'), 'proj.tasks.add');
    assert.equal(shellQuote(`it's`), `'it'\\''s'`);
    assert.equal(shellQuote('[1, 2]'), `'[1, 2]'`);
  });

  it('builds the command line with args, kwargs and routing', () => {
    assert.equal(
      celeryCallLine({ app: 'proj', name: 'proj.add', args: [1, "o'k"], kwargs: { a: true }, queue: 'priority', countdown: 5, expires: 60 }),
      `celery -A proj call proj.add --args='[1,"o'\\''k"]' --kwargs='{"a":true}' --queue=priority --countdown=5 --expires=60`,
    );
    assert.equal(celeryCallLine({ name: 'x.y', args: [], kwargs: {} }), 'celery call x.y');
  });
});

describe('(unit) actions: JSON arguments', () => {
  it('validates args and kwargs', () => {
    assert.deepEqual(parseArgsJson(' [1, "a"] '), { ok: true, value: [1, 'a'] });
    assert.deepEqual(parseArgsJson(''), { ok: true, value: [] });
    assert.equal(parseArgsJson('{"a":1}').ok, false);
    assert.match((parseArgsJson('[1,') as { error: string }).error, /^not JSON/);
    assert.deepEqual(parseKwargsJson('{"k": null}'), { ok: true, value: { k: null } });
    assert.equal(parseKwargsJson('[1]').ok, false);
  });

  it('guesses JSON from simple Python reprs only', () => {
    assert.equal(jsonFromPythonRepr('(1, 2)'), '[1,2]');
    assert.equal(jsonFromPythonRepr("('a',)"), '["a"]');
    assert.equal(jsonFromPythonRepr("{'k': True, 'n': None, 's': 'None (x)'}"), '{"k":true,"n":null,"s":"None (x)"}');
    assert.equal(jsonFromPythonRepr("('abc...',"), undefined);
    assert.equal(jsonFromPythonRepr('(<object at 0x1>,)'), undefined);
    assert.equal(jsonFromPythonRepr(`('say "hi"',)`), undefined);
  });
});

describe('(unit) actions: retry plan', () => {
  const meta: TaskMeta = { kind: 'task-meta', taskId: 'old', status: 'FAILURE', result: {}, traceback: null, children: [], name: 'app.add', args: [1, 2], kwargs: { z: 3 }, queue: 'priority', size: 10 };
  const raw = encodeTaskMessage({ name: 'app.add', args: [5], kwargs: {}, id: 'old', queue: 'celery', priority: 6 });
  const decoded = decodeTaskMessage({ ...raw, deliveryInfo: { exchange: '', routingKey: 'celery' }, size: raw.body.length }, 'celery');

  it('prefers the extended result, then the message, then the repr', () => {
    const fromMeta = planRetry({ task: { id: 'old', args: '(9,)' }, meta });
    assert.equal(fromMeta.source, 'result');
    assert.deepEqual([fromMeta.name, fromMeta.args, fromMeta.kwargs, fromMeta.queue], ['app.add', [1, 2], { z: 3 }, 'priority']);
    assert.equal(retryBlocker(fromMeta), undefined);

    assert.ok(!isUndecodable(decoded));
    const fromMessage = planRetry({ task: { id: 'old' }, message: decoded as TaskMessage });
    assert.equal(fromMessage.source, 'message');
    assert.deepEqual([fromMessage.name, fromMessage.args, fromMessage.priority, fromMessage.queue], ['app.add', [5], 6, 'celery']);

    const fromRepr = planRetry({ task: { id: 'old', name: 'app.add', args: '(1, 2)', kwargs: '{}', queue: 'celery' } });
    assert.equal(fromRepr.source, 'repr');
    assert.match(retryBlocker(fromRepr) ?? '', /only the truncated repr/);
    assert.match(retryBlocker(planRetry({ task: { id: 'x' } })) ?? '', /task name of x is unknown/);
  });

  it('sends under a new id with the link to the original', () => {
    const plan = planRetry({ task: { id: 'old' }, meta });
    const options = retrySendOptions(plan, [1, 2], { z: 3 }, 'new');
    assert.deepEqual(options, { name: 'app.add', args: [1, 2], kwargs: { z: 3 }, id: 'new', queue: 'priority', headers: { [RETRY_OF_HEADER]: 'old' } });
    const message = encodeTaskMessage(options);
    assert.equal(message.headers[RETRY_OF_HEADER], 'old');
    assert.equal(message.headers.id, 'new');
    assert.equal(message.routingKey, 'priority');
  });
});

describe('(unit) actions: control replies', () => {
  it('separates ok, error and missing workers', () => {
    const summary = summarizeReplies({ 'a@h': { ok: 'pool will grow' }, 'b@h': { error: 'autoscale not enabled' } }, ['a@h', 'b@h', 'c@h']);
    assert.deepEqual(summary, { ok: ['a@h'], errors: [{ worker: 'b@h', error: 'autoscale not enabled' }], missing: ['c@h'] });
    assert.deepEqual(describeReplies(summary), { failed: true, text: 'ok from a@h; b@h: autoscale not enabled; no reply from c@h' });
    assert.deepEqual(describeReplies(summarizeReplies({ 'a@h': { ok: 'x' } }, ['a@h'])), { failed: false, text: 'ok from a@h' });
    assert.deepEqual(describeReplies(summarizeReplies({})), { failed: true, text: 'no worker replied' });
  });
});

describe('(unit) actions: send options', () => {
  it('parses queue, countdown, expires and priority, and formats them back', () => {
    const parsed = parseSendExtras(' queue=priority countdown=2.5  expires=60 priority=9 ');
    assert.deepEqual(parsed, { ok: true, value: { queue: 'priority', countdown: 2.5, expires: 60, priority: 9 } });
    assert.equal(formatSendExtras({ queue: 'priority', countdown: 2.5, expires: 60, priority: 9 }), 'queue=priority countdown=2.5 expires=60 priority=9');
    assert.deepEqual(parseSendExtras(''), { ok: true, value: {} });
  });

  it('names what is wrong', () => {
    assert.match((parseSendExtras('eta=5') as { error: string }).error, /"eta=5": use queue=/);
    assert.match((parseSendExtras('priority=300') as { error: string }).error, /0 to 255/);
    assert.match((parseSendExtras('countdown=-1') as { error: string }).error, /seconds/);
    assert.match((parseSendExtras('queue=') as { error: string }).error, /needs a value/);
  });
});

describe('(unit) actions: which tasks may be retried', () => {
  it('failed, revoked and rejected ones (or unknown state); never one that may still run', () => {
    assert.equal(notRetryable('FAILURE'), undefined);
    assert.equal(notRetryable('REVOKED'), undefined);
    assert.equal(notRetryable('REJECTED'), undefined);
    assert.equal(notRetryable(undefined), undefined);
    assert.equal(notRetryable('STARTED'), 'only FAILURE, REVOKED, REJECTED tasks are retried; this one is STARTED');
    assert.match(notRetryable('SUCCESS') ?? '', /this one is SUCCESS/);
  });
});
