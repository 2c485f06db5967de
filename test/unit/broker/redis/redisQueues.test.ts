import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseUnackedValue } from '../../../../src/core/broker/redis/redisQueues';
import { isUndecodable } from '../../../../src/core/celery/rawMessage';

const fixture = JSON.parse(readFileSync(resolve(__dirname, '../../../../../test/fixtures/redis-wire/unacked-entry.json'), 'utf8')) as {
  deliveryTag: string;
  value: string;
};

describe('(unit) redis unacked entries', () => {
  it('parses a real kombu unacked value', () => {
    const entry = parseUnackedValue(fixture.deliveryTag, Buffer.from(fixture.value), 1795433229.18);
    assert.equal(entry.deliveryTag, fixture.deliveryTag);
    assert.equal(entry.deliveredAt, 1795433229.18);
    assert.equal(entry.exchange, '');
    assert.equal(entry.routingKey, 'celery');
    assert.ok(!isUndecodable(entry.message));
    assert.equal(typeof entry.message.headers.id, 'string');
    assert.equal(entry.message.headers.task, 'proj.tasks.add');
    assert.deepEqual(JSON.parse(entry.message.body.toString('utf8'))[0], [4, 100]);
  });

  it('accepts an envelope stored as a string', () => {
    const inner = JSON.parse(fixture.value)[0] as unknown;
    const entry = parseUnackedValue('t', Buffer.from(JSON.stringify([JSON.stringify(inner), 'celery', 'celery'])), undefined);
    assert.ok(!isUndecodable(entry.message));
    assert.equal(entry.exchange, 'celery');
  });

  it('turns malformed values into Undecodable entries', () => {
    for (const bad of ['{not json', '{"a": 1}', '[1]', '[{"no_body": 1}, "", "celery"]', '[{"body": "!!!", "properties": {"body_encoding": "base64"}}, "", "q"]']) {
      const entry = parseUnackedValue('tag-1', Buffer.from(bad), undefined);
      assert.equal(entry.deliveryTag, 'tag-1');
      assert.ok(isUndecodable(entry.message), bad);
      assert.equal(entry.message.source, 'task');
      assert.match(entry.message.where, /unacked\[tag-1\]/);
    }
  });
});
