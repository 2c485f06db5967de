import assert from 'node:assert/strict';
import { decodeTaskMessage } from '../../../src/core/celery/taskMessage';
import { decodeEventMessage, decodeJsonBody, MAX_DECODE_BYTES } from '../../../src/core/celery/events';
import { isUndecodable, parseRedisEnvelope, RawMessage, Undecodable } from '../../../src/core/celery/rawMessage';
import type { TaskMessage } from '../../../src/core/celery/types';
import { RedisTaskFixture, wireJson } from './wireFixtures';

const fixture = wireJson<RedisTaskFixture>('redis/task-messages.json').messages.add_plain;
const ID = '7d1021c7-aedb-43c4-bbd8-55acc06a4314';

/** The real add(2, 3) message, with some parts replaced. */
function addPlain(change: Partial<RawMessage> = {}): RawMessage {
  const raw = parseRedisEnvelope(fixture.raw, 'task', 'celery');
  assert.ok(!isUndecodable(raw));
  const message = { ...raw, ...change };
  if (change.body && change.size === undefined) message.size = change.body.length;
  return message;
}

function body(text: string): Partial<RawMessage> {
  return { body: Buffer.from(text, 'utf8') };
}

function expectUndecodable(result: TaskMessage | Undecodable, reason: RegExp): Undecodable {
  assert.ok(isUndecodable(result), `expected undecodable, got a ${(result as TaskMessage).kind}`);
  assert.match(result.reason, reason);
  assert.equal(result.source, 'task');
  assert.equal(result.where, 'celery');
  assert.equal(typeof result.size, 'number');
  assert.ok(!result.reason.includes('\n'), 'one line');
  return result;
}

describe('(unit) malformed task messages become Undecodable (never throw)', () => {
  const table: Array<[string, Partial<RawMessage>, RegExp]> = [
    ['bad JSON', body('[[2, 3], {}, {"callbacks": nul'), /body is not valid JSON/],
    ['truncated body', { body: addPlain().body.subarray(0, 20) }, /body is not valid JSON/],
    ['empty body', { body: Buffer.alloc(0) }, /^empty body$/],
    ['pickle', { contentType: 'application/x-python-serialize', contentEncoding: 'binary' }, /^pickle content type \(application\/x-python-serialize\) is not decoded/],
    ['msgpack', { contentType: 'application/x-msgpack', contentEncoding: 'binary' }, /^msgpack content type/],
    ['yaml', { contentType: 'application/x-yaml' }, /^YAML content type/],
    ['raw binary', { contentType: 'application/data' }, /^raw binary content type/],
    ['unknown content type', { contentType: 'text/csv' }, /unsupported content type "text\/csv"/],
    ['gzip compression header', { headers: { ...addPlain().headers, compression: 'application/x-gzip' } }, /compressed body \(application\/x-gzip\)/],
    ['binary content encoding', { contentEncoding: 'binary' }, /content encoding "binary"/],
    ['bad UTF-8', { body: Buffer.from([0x5b, 0x22, 0xff, 0xfe, 0x22, 0x5d]) }, /not valid UTF-8/],
    ['body of wrong shape (object)', body('{"a": 1}'), /protocol 2 body must be \[args, kwargs, embed\], got an object/],
    ['body of wrong shape (2 elements)', body('[[], {}]'), /got a list of 2/],
    ['args not a list', body('[{}, {}, {}]'), /args must be a list, got an object/],
    ['kwargs not an object', body('[[], [], {}]'), /kwargs must be an object, got a list of 0/],
    ['embed not an object', body('[[], {}, 5]'), /embed must be an object/],
    ['missing id header', { headers: { ...addPlain().headers, id: undefined } }, /missing task id: "id" header is absent/],
    ['task header not a string', { headers: { ...addPlain().headers, task: 42 } }, /"task" header is a number/],
  ];

  for (const [label, change, reason] of table) {
    it(label, () => {
      const result = expectUndecodable(decodeTaskMessage(addPlain(change), 'celery'), reason);
      if (label !== 'missing id header' && label !== 'task header not a string') {
        assert.equal(result.taskId, ID, 'headers were readable, so the id is reported');
        assert.equal(result.taskName, 'proj.tasks.add');
      }
    });
  }

  it('reports the content type, encoding and size', () => {
    const result = expectUndecodable(decodeTaskMessage(addPlain({ contentType: 'application/x-python-serialize', contentEncoding: 'binary' }), 'celery'), /pickle/);
    assert.equal(result.contentType, 'application/x-python-serialize');
    assert.equal(result.contentEncoding, 'binary');
    assert.equal(result.size, Buffer.byteLength(fixture.raw));
    assert.ok(result.preview && result.preview.length > 0);
  });

  it('bad base64 in a Redis envelope is reported by parseRedisEnvelope, with the task id', () => {
    const envelope = JSON.parse(fixture.raw) as Record<string, unknown>;
    envelope.body = 'W1syLCAzXS!!!';
    const result = parseRedisEnvelope(JSON.stringify(envelope), 'task', 'celery');
    assert.ok(isUndecodable(result));
    assert.match(result.reason, /bad base64/);
    assert.equal(result.taskId, ID);
  });

  it('protocol 2 body without a task header is reported, not guessed', () => {
    const { task: _task, ...headers } = addPlain().headers;
    expectUndecodable(decodeTaskMessage(addPlain({ headers }), 'celery'), /no "task" header, and the body is a list of 3/);
  });

  it('a missing content type is accepted when the body is JSON', () => {
    const result = decodeTaskMessage(addPlain({ contentType: undefined, contentEncoding: undefined }), 'celery');
    assert.ok(!isUndecodable(result));
    assert.deepEqual(result.args, [2, 3]);
    assert.equal(result.contentType, '');
  });

  it('content type parameters are ignored (application/json; charset=utf-8)', () => {
    const result = decodeTaskMessage(addPlain({ contentType: 'application/json; charset=utf-8' }), 'celery');
    assert.ok(!isUndecodable(result));
  });

  it('decodes a body just under the cap in full', () => {
    const big = 'x'.repeat(MAX_DECODE_BYTES - 100);
    const result = decodeTaskMessage(addPlain(body(JSON.stringify([[big], {}, {}]))), 'celery');
    assert.ok(!isUndecodable(result), isUndecodable(result) ? result.reason : '');
    assert.equal((result.args[0] as string).length, big.length);
  });

  it('reports a 5 MB body as too large, before parsing, keeping the task id from the headers', () => {
    const huge = Buffer.from(JSON.stringify([['x'.repeat(5 * 1024 * 1024)], {}, {}]));
    const result = expectUndecodable(decodeTaskMessage(addPlain({ body: huge }), 'celery'), /too large to decode \(\d+ bytes, limit 1048576\)/);
    assert.equal(result.taskId, ID);
    assert.equal(result.size, huge.length);
  });

  it('never throws, even on a structurally broken RawMessage', () => {
    const broken = { body: null, headers: null, properties: null, deliveryInfo: null, size: 3 } as unknown as RawMessage;
    const result = decodeTaskMessage(broken, 'celery');
    assert.ok(isUndecodable(result));
    const events = decodeEventMessage(broken, 'ev');
    assert.equal(events.events.length, 0);
    assert.equal(events.errors.length, 1);
  });
});

describe('(unit) decodeJsonBody (control replies)', () => {
  it('decodes JSON and applies the same content rules', () => {
    const ok = decodeJsonBody({ ...addPlain(), ...body('{"w1@vm": {"ok": "pong"}}') }, 'control', 'reply');
    assert.ok(!isUndecodable(ok));
    assert.deepEqual(ok.value, { 'w1@vm': { ok: 'pong' } });
    const pickle = decodeJsonBody(addPlain({ contentType: 'application/x-python-serialize' }), 'control', 'reply');
    assert.ok(isUndecodable(pickle));
    assert.equal(pickle.source, 'control');
    assert.match(pickle.reason, /pickle/);
  });
});

describe('(unit) malformed event messages', () => {
  it('bad JSON is one error and no events', () => {
    const { events, errors } = decodeEventMessage(addPlain(body('{"type": "worker-heartbeat"')), '/0.celeryev/worker.heartbeat', 1);
    assert.equal(events.length, 0);
    assert.equal(errors.length, 1);
    assert.equal(errors[0].source, 'event');
    assert.match(errors[0].reason, /not valid JSON/);
  });

  it('a pickled event is one error', () => {
    const { errors } = decodeEventMessage(addPlain({ contentType: 'application/x-python-serialize' }), 'ev', 1);
    assert.match(errors[0].reason, /pickle/);
  });
});
