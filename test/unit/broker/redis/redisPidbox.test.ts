import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { decodePidboxReply } from '../../../../src/core/broker/redis/redisPidbox';
import { isUndecodable } from '../../../../src/core/celery/rawMessage';

const fixture = JSON.parse(readFileSync(resolve(__dirname, '../../../../../test/fixtures/redis-wire/inspect-stats.pair.json'), 'utf8')) as {
  replies: string[];
};
const TICKET = 'fb75a433-91ae-4de0-9e86-124a56617392';

function envelope(body: string, headers: Record<string, unknown>, contentType = 'application/json'): Buffer {
  return Buffer.from(JSON.stringify({
    body: Buffer.from(body).toString('base64'), 'content-encoding': 'utf-8', 'content-type': contentType, headers,
    properties: { body_encoding: 'base64', delivery_info: { exchange: 'reply.celery.pidbox', routing_key: 'oid' } },
  }));
}

describe('(unit) redis pidbox reply decoding', () => {
  it('decodes a real worker reply into {hostname, reply}', () => {
    const decoded = decodePidboxReply(Buffer.from(fixture.replies[0]), TICKET, 'k', 12);
    assert.ok(Array.isArray(decoded));
    assert.equal(decoded.length, 1);
    assert.equal(decoded[0].hostname, 'w1@vm');
    assert.equal((decoded[0].reply as { pid: number }).pid, 20886);
    assert.equal(decoded[0].elapsedMs, 12);
  });

  it('ignores replies to another ticket', () => {
    assert.equal(decodePidboxReply(Buffer.from(fixture.replies[0]), 'another-ticket', 'k', 1), undefined);
  });

  it('turns bad replies into Undecodable, never throws', () => {
    const notJson = decodePidboxReply(Buffer.from('{nope'), TICKET, 'oid.reply.celery.pidbox', 1);
    assert.ok(isUndecodable(notJson));
    assert.equal(notJson.source, 'control');
    assert.equal(notJson.where, 'oid.reply.celery.pidbox');
    const badBody = decodePidboxReply(envelope('not json', { ticket: TICKET }), TICKET, 'k', 1);
    assert.ok(isUndecodable(badBody) && /JSON/.test(badBody.reason));
    const notObject = decodePidboxReply(envelope('[1, 2]', { ticket: TICKET }), TICKET, 'k', 1);
    assert.ok(isUndecodable(notObject) && /node/.test(notObject.reason));
    const pickle = decodePidboxReply(envelope('x', { ticket: TICKET }, 'application/x-python-serialize'), TICKET, 'k', 1);
    assert.ok(isUndecodable(pickle) && /pickle/.test(pickle.reason));
  });

  it('keeps every node of a multi-node reply', () => {
    const decoded = decodePidboxReply(envelope('{"a@h": {"ok": "pong"}, "b@h": {"error": "x"}}', { ticket: TICKET }), TICKET, 'k', 3);
    assert.deepEqual(decoded, [
      { hostname: 'a@h', reply: { ok: 'pong' }, elapsedMs: 3 },
      { hostname: 'b@h', reply: { error: 'x' }, elapsedMs: 3 },
    ]);
  });
});
