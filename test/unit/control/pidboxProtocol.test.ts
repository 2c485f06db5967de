import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  expectedReplyCount, parsePidboxReply, PIDBOX_EXCHANGE, pidboxRequestBody, pidboxRequestHeaders, REPLY_EXCHANGE, replyQueueName,
} from '../../../src/core/control/pidboxProtocol';
import { isUndecodable, parseRedisEnvelope, rawFromAmqp, type AmqpMessageLike, type RawMessage } from '../../../src/core/celery/rawMessage';

const FIXTURES = resolve(__dirname, '../../../../test/fixtures');

interface CapturedReply {
  fields: AmqpMessageLike['fields'];
  properties: AmqpMessageLike['properties'];
  body: unknown;
}
const amqpCapture = JSON.parse(readFileSync(resolve(FIXTURES, 'amqp-wire/node-pidbox-ping.json'), 'utf8')) as {
  request: { body: Record<string, unknown> };
  replies: CapturedReply[];
};
const redisCapture = JSON.parse(readFileSync(resolve(FIXTURES, 'redis-wire/inspect-stats.pair.json'), 'utf8')) as {
  request: string;
  replies: string[];
};
const REDIS_TICKET = 'fb75a433-91ae-4de0-9e86-124a56617392';

function amqpMessage(reply: CapturedReply, body: Buffer = Buffer.from(JSON.stringify(reply.body))): AmqpMessageLike {
  return { content: body, fields: reply.fields, properties: reply.properties };
}

function rawReply(body: string, ticket: string): RawMessage {
  return {
    body: Buffer.from(body), contentType: 'application/json', contentEncoding: 'utf-8', headers: { ticket },
    properties: {}, deliveryInfo: {}, size: body.length,
  };
}

describe('(unit) pidbox protocol', () => {
  const ticket = amqpCapture.request.body.ticket as string;

  it('builds the request body Celery sends over AMQP, with the same keys in the same order', () => {
    const oid = (amqpCapture.request.body.reply_to as { routing_key: string }).routing_key;
    const body = pidboxRequestBody('ping', {}, undefined, { ticket, oid });
    assert.deepEqual(body, amqpCapture.request.body);
    assert.deepEqual(Object.keys(body), Object.keys(amqpCapture.request.body));
  });

  it('builds the same request body as Celery over Redis', () => {
    const raw = parseRedisEnvelope(redisCapture.request, 'control', '/0.celery.pidbox') as RawMessage;
    const celery = JSON.parse(raw.body.toString('utf8')) as Record<string, unknown>;
    const ours = pidboxRequestBody('stats', {}, undefined, { ticket: REDIS_TICKET, oid: '2006ce86-2ef9-35e9-a0ac-e0bca34dcd37' });
    assert.deepEqual(ours, celery);
    assert.deepEqual(Object.keys(ours), Object.keys(celery));
  });

  it('builds a cast without ticket or reply_to, and keeps a destination list', () => {
    const body = pidboxRequestBody('heartbeat', {}, ['w1@vm'], undefined);
    assert.deepEqual(body, { method: 'heartbeat', arguments: {}, destination: ['w1@vm'], pattern: null, matcher: null });
    assert.equal(pidboxRequestBody('ping', {}, [], undefined).destination, null);
  });

  it('names the exchanges and the reply queue like kombu', () => {
    assert.equal(PIDBOX_EXCHANGE, 'celery.pidbox');
    assert.equal(REPLY_EXCHANGE, 'reply.celery.pidbox');
    assert.equal(replyQueueName('abc'), 'abc.reply.celery.pidbox');
  });

  it('stamps the request headers with the clock and an expiry in epoch seconds', () => {
    assert.deepEqual(pidboxRequestHeaders(7, 1500, 1_700_000_000_000), { clock: 7, expires: 1_700_000_001.5 });
    const before = Date.now() / 1000;
    const { expires } = pidboxRequestHeaders(1, 2000);
    assert.ok(expires >= before + 2 && expires <= Date.now() / 1000 + 2);
  });

  it('waits for the explicit limit, else one reply per destination, else until the timeout', () => {
    assert.equal(expectedReplyCount({ timeoutMs: 1, reply: true, limit: 3, destination: ['a'] }), 3);
    assert.equal(expectedReplyCount({ timeoutMs: 1, reply: true, destination: ['a', 'b'] }), 2);
    assert.equal(expectedReplyCount({ timeoutMs: 1, reply: true, destination: [] }), undefined);
    assert.equal(expectedReplyCount({ timeoutMs: 1, reply: true }), undefined);
  });

  it('reads captured worker replies', () => {
    const replies = amqpCapture.replies.map((r) => parsePidboxReply(rawFromAmqp(amqpMessage(r)), ticket, 'q', 7));
    assert.deepEqual(replies, [
      [{ hostname: 'w1@vm', reply: { ok: 'pong' }, elapsedMs: 7 }],
      [{ hostname: 'w2@vm', reply: { ok: 'pong' }, elapsedMs: 7 }],
    ]);
  });

  it('ignores replies to another ticket', () => {
    assert.equal(parsePidboxReply(rawFromAmqp(amqpMessage(amqpCapture.replies[0])), 'other-ticket', 'q', 1), undefined);
  });

  it('turns a bad reply body into an Undecodable instead of throwing', () => {
    const bad = parsePidboxReply(rawFromAmqp(amqpMessage(amqpCapture.replies[0], Buffer.from('{not json'))), ticket, 'q', 1);
    assert.ok(isUndecodable(bad));
    assert.equal(bad.source, 'control');
    assert.equal(bad.where, 'q');
    const list = parsePidboxReply(rawFromAmqp(amqpMessage(amqpCapture.replies[0], Buffer.from('[1,2]'))), ticket, 'q', 1);
    assert.ok(isUndecodable(list));
    assert.match(list.reason, /not a \{"worker": reply\} object/);
    assert.equal(list.preview, '[1,2]');
  });

  it('keeps every node of a multi-node reply', () => {
    const decoded = parsePidboxReply(rawReply('{"a@h": {"ok": "pong"}, "b@h": {"error": "x"}}', 't'), 't', 'k', 3);
    assert.deepEqual(decoded, [
      { hostname: 'a@h', reply: { ok: 'pong' }, elapsedMs: 3 },
      { hostname: 'b@h', reply: { error: 'x' }, elapsedMs: 3 },
    ]);
  });
});
