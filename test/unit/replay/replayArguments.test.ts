import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseTaskMeta, type TaskMeta } from '../../../src/core/backend/taskMeta';
import { parseUnackedValue } from '../../../src/core/broker/redis/redisQueues';
import { isUndecodable, parseRedisEnvelope } from '../../../src/core/celery/rawMessage';
import { decodeTaskMessage } from '../../../src/core/celery/taskMessage';
import type { TaskMessage } from '../../../src/core/celery/types';
import { argumentsDraft, parseArgumentsDocument } from '../../../src/core/replay/argumentsDocument';
import { recoverArguments } from '../../../src/core/replay/replayArguments';
import { wireJson, type RedisEventsByType, type RedisTaskFixture } from '../celery/wireFixtures';

const messages = wireJson<RedisTaskFixture>('redis/task-messages.json').messages;
const metas = wireJson<{ resultExtended: Array<Record<string, unknown>> }>('redis/result-backend-meta.json');
const events = wireJson<RedisEventsByType>('redis/events-by-type.json');

function message(label: string): TaskMessage {
  const raw = parseRedisEnvelope(messages[label].raw, 'task', messages[label].key);
  assert.ok(!isUndecodable(raw));
  const decoded = decodeTaskMessage(raw, messages[label].key);
  assert.ok(!isUndecodable(decoded));
  return decoded;
}

function extendedMeta(): TaskMeta {
  const record = metas.resultExtended.find((m) => m.status === 'FAILURE' && Array.isArray(m.args));
  assert.ok(record, 'no extended FAILURE record in the fixture');
  const meta = parseTaskMeta(JSON.stringify(record), `celery-task-meta-${String(record.task_id)}`);
  assert.ok(!isUndecodable(meta));
  return meta;
}

describe('(unit) replay/recoverArguments', () => {
  it('a message still waiting in its queue: exact values and every header', () => {
    const m = message('sent_custom_headers');
    const r = recoverArguments({ task: { id: m.id, args: '(999,)' }, queued: { message: m, queue: 'celery' } });
    assert.equal(r.source, 'queued-message');
    assert.equal(r.exact, true);
    assert.deepEqual(r.args, messages.sent_custom_headers.decodedBody[0]);
    assert.deepEqual(r.kwargs, messages.sent_custom_headers.decodedBody[1]);
    assert.equal(r.name, m.name);
    assert.deepEqual(r.headers, m.headers);
    assert.match(r.sourceLabel, /waiting in its queue/);
  });

  it("a message held unacked by a worker (kombu's unacked hash entry)", () => {
    const fixture = JSON.parse(readFileSync(resolve(__dirname, '../../../../test/fixtures/redis-wire/unacked-entry.json'), 'utf8')) as { deliveryTag: string; value: string };
    const entry = parseUnackedValue(fixture.deliveryTag, Buffer.from(fixture.value), undefined);
    assert.ok(!isUndecodable(entry.message));
    const m = decodeTaskMessage(entry.message, entry.routingKey);
    assert.ok(!isUndecodable(m));
    const r = recoverArguments({ task: { id: m.id }, unacked: { message: m, deliveryTag: entry.deliveryTag } });
    assert.equal(r.source, 'unacked-message');
    assert.deepEqual(r.args, [4, 100]);
    assert.equal(r.exact, true);
  });

  it('a message for another task id is ignored', () => {
    const m = message('add_plain');
    const r = recoverArguments({ task: { id: 'other', args: '(1, 2)', kwargs: '{}' }, queued: { message: m, queue: 'celery' } });
    assert.equal(r.source, 'event-repr');
    assert.deepEqual(r.args, [1, 2]);
  });

  it('the extended result record, over the event repr; headers rebuilt from what is known', () => {
    const meta = extendedMeta();
    const r = recoverArguments({ task: { id: meta.taskId, args: '(0,)', kwargs: '{}', rootId: 'root-1' }, meta });
    assert.equal(r.source, 'extended-result');
    assert.equal(r.exact, true);
    assert.deepEqual(r.args, meta.args);
    assert.equal(r.name, meta.name);
    assert.deepEqual(r.headers, { id: meta.taskId, task: meta.name, retries: meta.retries ?? 0, root_id: 'root-1', ...(meta.parentId ? { parent_id: meta.parentId } : {}) });
  });

  it("the task-received event's reprs (captured), read as Python literals", () => {
    for (const sample of events.byType['task-received']) {
      const e = sample.event as { uuid: string; name: string; args: string; kwargs: string };
      const r = recoverArguments({ task: { id: e.uuid, name: e.name, args: e.args, kwargs: e.kwargs } });
      assert.equal(r.source, 'event-repr');
      assert.equal(r.exact, true, `${e.args} ${e.kwargs}: ${r.problems.join('; ')}`);
      assert.equal(r.name, e.name);
      assert.match(r.sourceLabel, /task-received event/);
    }
    const add = events.byType['task-received'].find((s) => s.scenario === 'add_plain')?.event as { args: string } | undefined;
    assert.equal(add?.args, '(2, 3)');
    assert.deepEqual(recoverArguments({ task: { id: 'x', args: add?.args, kwargs: '{}' } }).args, [2, 3]);
  });

  it('a truncated event repr is a draft, with what to check', () => {
    const headers = (JSON.parse(messages.big_args.raw) as { headers: { argsrepr: string; kwargsrepr: string } }).headers;
    const r = recoverArguments({ task: { id: 'big', name: 'proj.tasks.echo', args: headers.argsrepr, kwargs: headers.kwargsrepr } });
    assert.equal(r.source, 'event-repr');
    assert.equal(r.exact, false);
    assert.ok(r.problems.some((p) => /cut by Celery's repr length limit/.test(p)), r.problems.join('\n'));
    assert.ok(Array.isArray(r.args) && r.args.length === 1);
  });

  it('a repr that is not a tuple, and no source at all', () => {
    const odd = recoverArguments({ task: { id: 'x', name: 't', args: "'just a string'" } });
    assert.equal(odd.exact, false);
    assert.deepEqual(odd.args, []);
    const none = recoverArguments({ task: { id: 'x', name: 't' } });
    assert.equal(none.source, 'none');
    assert.equal(none.exact, false);
  });
});

describe('(unit) replay/arguments document (edited JSON)', () => {
  it('prefills the draft with its source, reprs and problems as comments; reads back unedited', () => {
    const headers = (JSON.parse(messages.odd_kwargs.raw) as { headers: { argsrepr: string; kwargsrepr: string } }).headers;
    const r = recoverArguments({ task: { id: 'odd', name: 'proj.tasks.echo', args: headers.argsrepr, kwargs: headers.kwargsrepr } });
    const text = argumentsDraft('odd', r);
    assert.match(text, /^\/\/ Arguments to replay proj\.tasks\.echo odd with, as JSON\./);
    assert.match(text, /\/\/ Source: the task-received event's repr\./);
    assert.match(text, /\/\/ Check: kwargs: `Decimal\('1\.10'\)` is not a Python literal/);
    assert.match(text, /\/\/ Check: kwargs: `\{\.\.\.\}` is nested deeper than Celery's repr shows/);
    const parsed = parseArgumentsDocument(text);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.value.args, []);
    assert.equal(parsed.value.kwargs.amount, "Decimal('1.10')");
  });

  it('reads an edited document', () => {
    const r = recoverArguments({ task: { id: 'x', name: 't', args: '(1, ...)' } });
    const edited = argumentsDraft('x', r).replace('"args": [\n    1\n  ]', '"args": [1, 2, 3]');
    const parsed = parseArgumentsDocument(edited);
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
    assert.deepEqual(parsed.value, { args: [1, 2, 3], kwargs: {} });
  });

  it('says what is wrong with a bad edit', () => {
    const bad = (text: string) => {
      const p = parseArgumentsDocument(text);
      assert.ok(!p.ok);
      return p.error;
    };
    assert.match(bad('{"args": [1,'), /not valid JSON/);
    assert.match(bad('[1, 2]'), /expected an object/);
    assert.match(bad('{"args": {}}'), /"args" must be a JSON array/);
    assert.match(bad('{"kwargs": []}'), /"kwargs" must be a JSON object/);
    assert.match(bad('{"args": [], "kwarg": {}}'), /unexpected key "kwarg"/);
  });
});
