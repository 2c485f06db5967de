import * as assert from 'node:assert/strict';
import { rawFromManagement } from '../../../../src/core/broker/amqp/managementMessage';
import type { ManagementMessage } from '../../../../src/core/broker/amqp/managementClient';
import { deliveryInfoFrom, isUndecodable, parseRedisEnvelope } from '../../../../src/core/celery/rawMessage';

const body = '[[2, 3], {}, {"callbacks": null, "errbacks": null, "chain": null, "chord": null}]';

function apiMessage(overrides: Partial<ManagementMessage> = {}): ManagementMessage {
  return {
    payload: body,
    payload_bytes: Buffer.byteLength(body),
    payload_encoding: 'string',
    redelivered: true,
    exchange: '',
    routing_key: 'celery',
    message_count: 0,
    properties: {
      content_type: 'application/json',
      content_encoding: 'utf-8',
      priority: 5,
      correlation_id: 'tid',
      reply_to: 'oid',
      delivery_mode: 2,
      expiration: '60000',
      message_id: 'not-a-kombu-property',
      headers: { id: 'tid', task: 'proj.tasks.add', eta: null },
    },
    ...overrides,
  };
}

describe('(unit) management API message → RawMessage', () => {
  it('maps payload, properties, headers and delivery info', () => {
    const raw = rawFromManagement(apiMessage(), 'celery', 1024);
    assert.ok(!isUndecodable(raw));
    assert.equal(raw.body.toString('utf8'), body);
    assert.equal(raw.contentType, 'application/json');
    assert.equal(raw.contentEncoding, 'utf-8');
    assert.deepEqual(raw.headers, { id: 'tid', task: 'proj.tasks.add', eta: null });
    assert.deepEqual(raw.properties, { correlation_id: 'tid', reply_to: 'oid', delivery_mode: 2, priority: 5, expiration: '60000' });
    assert.deepEqual(raw.deliveryInfo, { exchange: '', routingKey: 'celery', redelivered: true });
    assert.equal(raw.size, Buffer.byteLength(body));
  });

  it('decodes a base64 payload byte for byte', () => {
    const bytes = Buffer.from([0x80, 0x04, 0x95, 0xff, 0x00, 0x2e]);
    const raw = rawFromManagement(apiMessage({ payload: bytes.toString('base64'), payload_bytes: bytes.length, payload_encoding: 'base64' }), 'q', 1024);
    assert.ok(!isUndecodable(raw));
    assert.deepEqual(raw.body, bytes);
  });

  it('accepts the empty-properties form ([]) the API uses for a bare message', () => {
    const raw = rawFromManagement(apiMessage({ properties: [] }), 'q', 1024);
    assert.ok(!isUndecodable(raw));
    assert.deepEqual(raw.headers, {});
    assert.deepEqual(raw.properties, {});
    assert.equal(raw.contentType, undefined);
  });

  it('reports a body over the peek limit as undecodable, keeping the task id and name', () => {
    const full = 5 * 1024 * 1024;
    const cut = rawFromManagement(apiMessage({ payload: 'x'.repeat(1024), payload_bytes: full }), 'celery', 1024);
    assert.ok(isUndecodable(cut));
    assert.equal(cut.size, full);
    assert.equal(cut.taskId, 'tid');
    assert.equal(cut.taskName, 'proj.tasks.add');
    assert.match(cut.reason, /5\.0 MiB, larger than the 1\.0 KiB peek limit/);
    assert.equal(cut.preview?.slice(0, 3), 'xxx');
  });

  it('rejects an unknown payload encoding or a missing payload without throwing', () => {
    const odd = rawFromManagement(apiMessage({ payload_encoding: 'rot13' as 'string' }), 'q', 1024);
    assert.ok(isUndecodable(odd));
    assert.match(odd.reason, /rot13/);
    const none = rawFromManagement(apiMessage({ payload: undefined as unknown as string }), 'q', 1024);
    assert.ok(isUndecodable(none));
  });
});

describe('(unit) deliveryInfoFrom (snake_case delivery info, shared with Redis envelopes)', () => {
  it('maps exchange, routing_key and redelivered', () => {
    assert.deepEqual(deliveryInfoFrom({ exchange: 'ex', routing_key: 'rk', redelivered: false }), { exchange: 'ex', routingKey: 'rk', redelivered: false });
  });

  it('drops fields of the wrong type; an unknown redelivered is null', () => {
    assert.deepEqual(deliveryInfoFrom({ exchange: 1, routing_key: null, redelivered: 'yes' }), { exchange: undefined, routingKey: undefined, redelivered: null });
    const api = rawFromManagement(apiMessage({ exchange: 7 as unknown as string, redelivered: undefined }), 'q', 1024);
    assert.ok(!isUndecodable(api));
    assert.deepEqual(api.deliveryInfo, { exchange: undefined, routingKey: 'celery', redelivered: null });
  });

  it("reads a Redis envelope's properties.delivery_info the same way", () => {
    const envelope = JSON.stringify({ body: '', headers: {}, properties: { delivery_info: { exchange: 'celery', routing_key: 'celery', redelivered: 'no' } } });
    const raw = parseRedisEnvelope(envelope, 'task', 'celery');
    assert.ok(!isUndecodable(raw));
    assert.deepEqual(raw.deliveryInfo, { exchange: 'celery', routingKey: 'celery', redelivered: null });
  });
});
