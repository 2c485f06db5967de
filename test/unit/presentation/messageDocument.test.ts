import * as assert from 'node:assert/strict';
import { bodyView, MAX_BODY_CHARS, messageDocument, messageDocumentText } from '../../../src/core/presentation/messageDocument';
import type { RawMessage } from '../../../src/core/celery/rawMessage';
import { decodeTaskMessage } from '../../../src/core/celery/taskMessage';

function raw(body: Buffer, contentType: string, headers: Record<string, unknown> = {}): RawMessage {
  return { body, contentType, contentEncoding: 'utf-8', headers, properties: { priority: 3, delivery_mode: 2 }, deliveryInfo: { exchange: '', routingKey: 'celery' }, size: body.length };
}

describe('(unit) presentation: a queued message as a JSON document', () => {
  it('shows a task message with its headers, properties and decoded body', () => {
    const m = raw(Buffer.from(JSON.stringify([[1, 2], { k: 'v' }, { callbacks: null }])), 'application/json', { id: 'abc', task: 'app.add', lang: 'py', argsrepr: '(1, 2)' });
    const decoded = decodeTaskMessage(m, 'celery');
    const doc = messageDocument({ queue: 'celery', position: 0, message: decoded, raw: m });
    assert.equal(doc.taskId, 'abc');
    assert.equal(doc.task, 'app.add');
    assert.deepEqual(doc.args, [1, 2]);
    assert.deepEqual(doc.kwargs, { k: 'v' });
    assert.deepEqual(doc.properties, { priority: 3, delivery_mode: 2 });
    assert.deepEqual((doc.body as { format: string }).format, 'json');
    assert.equal(doc.position, 1);
    assert.deepEqual(JSON.parse(messageDocumentText({ queue: 'celery', position: 0, message: decoded, raw: m })), JSON.parse(JSON.stringify(doc)));
  });

  it('never unpickles: binary bodies are base64, text stays text, broken JSON says why, big bodies are cut', () => {
    const pickle = bodyView(raw(Buffer.from([0x80, 0x04, 0x95, 0x00, 0xff, 0x01]), 'application/x-python-serialize'));
    assert.equal(pickle.format, 'base64');
    assert.match(String(pickle.note), /application\/x-python-serialize: not decoded/);
    assert.equal(bodyView(raw(Buffer.from('hello'), 'text/plain')).value, 'hello');
    const broken = bodyView(raw(Buffer.from('{"a":'), 'application/json'));
    assert.equal(broken.format, 'text');
    assert.match(String(broken.note), /does not parse/);
    const huge = bodyView(raw(Buffer.alloc(MAX_BODY_CHARS + 10, 'x'), 'application/json'));
    assert.equal(String(huge.value).length, MAX_BODY_CHARS);
    assert.match(String(huge.truncated), /cut at/);
    // A "__proto__" key in the body is data, not a prototype.
    const proto = bodyView(raw(Buffer.from('{"__proto__": {"polluted": 1}}'), 'application/json'));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.match(JSON.stringify(proto.value), /__proto__/);
  });

  it('an undecodable message shows why, with what could be read', () => {
    const doc = messageDocument({ queue: 'q', position: 4, message: { kind: 'undecodable', source: 'task', where: 'q', reason: 'pickle is not decoded', size: 9, taskId: 't1', preview: '..' } });
    assert.deepEqual([doc.undecodable, doc.taskId, doc.position], ['pickle is not decoded', 't1', 5]);
  });
});
