import assert from 'node:assert/strict';
import { decodeTaskMessage } from '../../../src/core/celery/taskMessage';
import { isUndecodable, parseRedisEnvelope, rawFromAmqp, RawMessage } from '../../../src/core/celery/rawMessage';
import { argsRepr, kwargsRepr } from '../../../src/core/celery/pythonRepr';
import type { TaskMessage } from '../../../src/core/celery/types';
import { AmqpTaskFixture, RedisTaskFixture, wireJson } from './wireFixtures';

const redis = wireJson<RedisTaskFixture>('redis/task-messages.json').messages;
const amqp = wireJson<AmqpTaskFixture>('amqp/task-messages-basic_get.json').messages;

function decodeRedis(label: string): TaskMessage {
  const fixture = redis[label];
  const raw = parseRedisEnvelope(fixture.raw, 'task', fixture.key);
  assert.ok(!isUndecodable(raw), `${label}: envelope`);
  const message = decodeTaskMessage(raw, fixture.key);
  assert.ok(!isUndecodable(message), `${label}: ${isUndecodable(message) ? message.reason : ''}`);
  return message;
}

describe('(unit) decodeTaskMessage on captured Redis messages', () => {
  for (const label of Object.keys(redis)) {
    it(`decodes ${label} exactly as Python did`, () => {
      const fixture = redis[label];
      const envelope = JSON.parse(fixture.raw) as { headers: Record<string, unknown>; properties: Record<string, unknown> & { delivery_info: { routing_key: string } } };
      const m = decodeRedis(label);
      const [args, kwargs, embed] = fixture.decodedBody;
      assert.equal(m.kind, 'task');
      assert.equal(m.protocol, 2);
      assert.equal(m.id, envelope.headers.id);
      assert.equal(m.name, envelope.headers.task);
      assert.deepEqual(m.args, args);
      assert.deepEqual(m.kwargs, kwargs);
      assert.deepEqual(m.embed, embed);
      assert.equal(m.rootId, envelope.headers.root_id);
      assert.equal(m.parentId, envelope.headers.parent_id);
      assert.equal(m.retries, envelope.headers.retries);
      assert.equal(m.argsrepr, envelope.headers.argsrepr);
      assert.equal(m.kwargsrepr, envelope.headers.kwargsrepr);
      assert.equal(m.origin, 'gen20696@vm');
      assert.deepEqual(m.timelimit, [null, null]);
      assert.equal(m.ignoreResult, false);
      assert.equal(m.priority, envelope.properties.priority);
      assert.equal(m.correlationId, m.id);
      assert.equal(m.replyTo, 'afd4efa0-d06e-3175-bc7e-46620339a9f9');
      assert.equal(m.routingKey, envelope.properties.delivery_info.routing_key);
      assert.equal(m.exchange, '');
      assert.equal(m.contentType, 'application/json');
      assert.equal(m.contentEncoding, 'utf-8');
      assert.equal(m.size, Buffer.byteLength(fixture.raw));
      assert.deepEqual(m.headers, envelope.headers);
    });
  }

  it('keeps eta and expires as the ISO strings sent', () => {
    const m = decodeRedis('add_eta_30_expires_600');
    assert.equal(m.eta, '2026-11-23T11:26:54.976528+00:00');
    assert.equal(m.expires, '2026-11-23T11:36:24.976606+00:00');
  });

  it('reads chord header members: group, group_index and the chord callback', () => {
    const m = decodeRedis('proj.tasks.add');
    assert.equal(m.group, 'd582fa10-cdb6-402f-a6bc-2611c1b47fd9');
    assert.equal(m.groupIndex, 2);
    assert.equal((m.embed.chord as { task: string }).task, 'proj.tasks.tsum');
  });

  it('keeps the chain reversed (the next step is the last element)', () => {
    const m = decodeRedis('chain_first');
    const chain = m.embed.chain as Array<{ options: { task_id: string } }>;
    assert.equal(chain.length, 2);
    assert.equal(chain[chain.length - 1].options.task_id, '4f628478-d59e-4eae-aa1d-44b46b5b881f');
  });

  it('keeps shadow and custom headers', () => {
    const m = decodeRedis('sent_custom_headers');
    assert.equal(m.shadow, 'add-shadowed');
    assert.equal(m.headers.x_custom, 'hdr');
  });

  it('decodes Python-only values as their JSON forms', () => {
    const m = decodeRedis('odd_kwargs');
    assert.equal(m.kwargs.when, '2024-05-06T07:08:09.123456Z');
    assert.equal(m.kwargs.amount, '1.10');
    assert.deepEqual(m.kwargs.nested, { a: [1, { b: null }], s: 'ünïcødé ✓' });
  });

  it('reproduces Celery\'s truncated argsrepr for big_args from the decoded args', () => {
    const m = decodeRedis('big_args');
    assert.equal(m.argsrepr?.length, 1035);
    assert.equal(argsRepr(m.args), m.argsrepr);
    assert.equal(kwargsRepr(m.kwargs), m.kwargsrepr);
  });
});

describe('(unit) decodeTaskMessage on captured AMQP messages', () => {
  it('has both queues\' messages', () => {
    assert.equal(amqp.length, 19);
  });

  for (const [i, sample] of amqp.entries()) {
    it(`decodes basic_get #${i + 1} (${String(sample.properties.headers.task)})`, () => {
      const raw = rawFromAmqp({ content: Buffer.from(sample.content, 'utf8'), fields: sample.fields, properties: sample.properties });
      const m = decodeTaskMessage(raw, sample.fields.routingKey);
      assert.ok(!isUndecodable(m), isUndecodable(m) ? m.reason : '');
      const body = JSON.parse(sample.content) as [unknown[], Record<string, unknown>, unknown];
      assert.equal(m.protocol, 2);
      assert.equal(m.id, sample.properties.headers.id);
      assert.equal(m.name, sample.properties.headers.task);
      assert.deepEqual(m.args, body[0]);
      assert.deepEqual(m.kwargs, body[1]);
      assert.deepEqual(m.embed, body[2]);
      assert.equal(m.priority, sample.properties.priority);
      assert.equal(m.correlationId, sample.properties.correlationId);
      assert.equal(m.replyTo, sample.properties.replyTo);
      assert.equal(m.routingKey, sample.fields.routingKey);
      assert.equal(m.redelivered, true);
      assert.equal(m.expires, sample.properties.headers.expires);
      assert.equal(m.size, Buffer.byteLength(sample.content));
    });
  }

  it('reads priorities 9, 5, 3, 0 from the priority queue, in that order', () => {
    const priorities = amqp.filter((s) => s.fields.routingKey === 'priority').map((s) => s.properties.priority);
    assert.deepEqual(priorities, [9, 5, 3, 0]);
  });
});

function rawJson(body: unknown, headers: Record<string, unknown> = {}): RawMessage {
  const bytes = Buffer.from(JSON.stringify(body));
  return { body: bytes, contentType: 'application/json', contentEncoding: 'utf-8', headers, properties: {}, deliveryInfo: {}, size: bytes.length };
}

describe('(unit) decodeTaskMessage protocol 1', () => {
  it('decodes a protocol 1 body dict (no task header)', () => {
    const m = decodeTaskMessage(rawJson({
      task: 'proj.tasks.add', id: 'abc', args: [1, 2], kwargs: { x: 1 }, retries: 2, eta: '2024-01-01T00:00:00', expires: null,
      taskset: 'g1', chord: null, callbacks: [{ task: 'cb' }], errbacks: null, utc: true, timelimit: [10, 5],
    }), 'celery');
    assert.ok(!isUndecodable(m), isUndecodable(m) ? m.reason : '');
    assert.equal(m.protocol, 1);
    assert.equal(m.id, 'abc');
    assert.equal(m.name, 'proj.tasks.add');
    assert.deepEqual(m.args, [1, 2]);
    assert.deepEqual(m.kwargs, { x: 1 });
    assert.equal(m.retries, 2);
    assert.equal(m.eta, '2024-01-01T00:00:00');
    assert.equal(m.group, 'g1');
    assert.deepEqual(m.embed, { callbacks: [{ task: 'cb' }], errbacks: null, chain: null, chord: null });
    assert.deepEqual(m.timelimit, [10, 5]);
    assert.equal(m.argsrepr, undefined, 'nothing invented');
  });

  it('defaults missing protocol 1 args/kwargs to empty', () => {
    const m = decodeTaskMessage(rawJson({ task: 't', id: 'i' }), 'q');
    assert.ok(!isUndecodable(m));
    assert.deepEqual([m.args, m.kwargs, m.retries], [[], {}, 0]);
  });
});
