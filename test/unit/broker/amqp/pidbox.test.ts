import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parsePidboxReply, pidboxRequestBody, replyQueueName } from '../../../../src/core/broker/amqp/amqpPidbox';
import { isUndecodable, rawFromAmqp, type AmqpMessageLike } from '../../../../src/core/celery/rawMessage';

interface CapturedReply {
  fields: AmqpMessageLike['fields'];
  properties: AmqpMessageLike['properties'];
  body: unknown;
}
const capture = JSON.parse(readFileSync(resolve(__dirname, '../../../../../test/fixtures/amqp-wire/node-pidbox-ping.json'), 'utf8')) as {
  request: { body: Record<string, unknown> };
  replies: CapturedReply[];
};

function message(reply: CapturedReply, body: Buffer = Buffer.from(JSON.stringify(reply.body))): AmqpMessageLike {
  return { content: body, fields: reply.fields, properties: reply.properties };
}

describe('(unit) AMQP pidbox', () => {
  const ticket = capture.request.body.ticket as string;

  it('builds the request body Celery sends, with the same keys in the same order', () => {
    const oid = (capture.request.body.reply_to as { routing_key: string }).routing_key;
    const body = pidboxRequestBody('ping', {}, undefined, { ticket, oid });
    assert.deepEqual(body, capture.request.body);
    assert.deepEqual(Object.keys(body), Object.keys(capture.request.body));
  });

  it('builds a cast without ticket or reply_to, and keeps a destination list', () => {
    const body = pidboxRequestBody('heartbeat', {}, ['w1@vm'], undefined);
    assert.deepEqual(body, { method: 'heartbeat', arguments: {}, destination: ['w1@vm'], pattern: null, matcher: null });
    assert.equal(pidboxRequestBody('ping', {}, [], undefined).destination, null);
  });

  it('names the reply queue like kombu', () => {
    assert.equal(replyQueueName('abc'), 'abc.reply.celery.pidbox');
  });

  it('reads captured worker replies', () => {
    const replies = capture.replies.map((r) => parsePidboxReply(rawFromAmqp(message(r)), ticket, 'q', 7));
    assert.deepEqual(replies, [
      [{ hostname: 'w1@vm', reply: { ok: 'pong' }, elapsedMs: 7 }],
      [{ hostname: 'w2@vm', reply: { ok: 'pong' }, elapsedMs: 7 }],
    ]);
  });

  it('ignores replies to another ticket', () => {
    assert.equal(parsePidboxReply(rawFromAmqp(message(capture.replies[0])), 'other-ticket', 'q', 1), undefined);
  });

  it('turns a bad reply body into an Undecodable instead of throwing', () => {
    const bad = parsePidboxReply(rawFromAmqp(message(capture.replies[0], Buffer.from('{not json'))), ticket, 'q', 1);
    assert.ok(isUndecodable(bad));
    assert.equal(bad.source, 'control');
    assert.equal(bad.where, 'q');
    const list = parsePidboxReply(rawFromAmqp(message(capture.replies[0], Buffer.from('[1,2]'))), ticket, 'q', 1);
    assert.ok(isUndecodable(list));
    assert.match(list.reason, /not a \{"worker": reply\} object/);
  });
});
