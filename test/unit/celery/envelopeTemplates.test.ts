import assert from 'node:assert/strict';
import { EnvelopeTemplates } from '../../../src/core/celery/envelopeTemplates';

const TAG = '907335d0-6834-44bc-87af-748f4fe8e5aa';

/** An envelope as kombu's Redis transport writes one for an event. */
function envelope(body: string, tag = TAG, hostname = 'w1@vm', routingKey = 'task.multi'): string {
  return `{"body": "${body}", "content-encoding": "utf-8", "content-type": "application/json", "headers": {"hostname": "${hostname}"}, ` +
    `"properties": {"delivery_mode": 1, "delivery_info": {"exchange": "celeryev", "routing_key": "${routingKey}"}, "priority": 0, ` +
    `"body_encoding": "base64", "delivery_tag": "${tag}"}}`;
}

function learnt(text = envelope('eyJhIjogMX0=')): EnvelopeTemplates<string> {
  const templates = new EnvelopeTemplates<string>();
  const parsed = JSON.parse(text) as { body: string };
  templates.learn(Buffer.from(text), parsed.body, 'facts of the first');
  return templates;
}

describe('(unit) EnvelopeTemplates', () => {
  it('recognises another envelope of a learnt shape: its own body, the first one\'s facts', () => {
    const templates = learnt();
    assert.equal(templates.size, 1);
    const known = templates.match(Buffer.from(envelope('eyJiIjogMn0gICAg', 'a8b7c6d5-0000-4111-8222-933344445555')));
    assert.deepEqual(known, { body: 'eyJiIjogMn0gICAg', facts: 'facts of the first' });
  });

  it('does not recognise an envelope that differs anywhere but the body and the tag', () => {
    const templates = learnt();
    assert.equal(templates.match(Buffer.from(envelope('eyJhIjogMX0=', TAG, 'w2@vm'))), undefined, 'another sender');
    assert.equal(templates.match(Buffer.from(envelope('eyJhIjogMX0=', TAG, 'w1@vm', 'task.xxxxx'))), undefined, 'another routing key, same length');
    assert.equal(templates.match(Buffer.from(envelope('eyJhIjogMX0=').replace('utf-8', 'utf-9'))), undefined, 'another encoding');
    assert.equal(templates.match(Buffer.from(envelope('eyJhIjogMX0=').replace('{"body": "', '{"body":  "'))), undefined, 'another prefix');
  });

  it('does not recognise a tag of the same length that is not plain uuid text (it could change the JSON)', () => {
    const templates = learnt();
    for (const tag of ['907335d0", "body": "eyJhIjogMX0=ZZZZ', '907335d0\\"834-44bc-87af-748f4fe8e5aa', '907335d0 6834-44bc-87af-748f4fe8e5aa']) {
      assert.equal(tag.length, TAG.length);
      assert.equal(templates.match(Buffer.from(envelope('eyJhIjogMX0=', tag))), undefined, tag);
    }
  });

  it('learns only kombu-like envelopes whose tag comes last and whose body is the first field', () => {
    const templates = new EnvelopeTemplates<string>();
    const tagNotLast = envelope('eyJhIjogMX0=').replace(`"delivery_tag": "${TAG}"}}`, `"delivery_tag": "${TAG}", "x": 1}}`);
    templates.learn(Buffer.from(tagNotLast), 'eyJhIjogMX0=', 'f');
    const bodyOverridden = envelope('eyJhIjogMX0=').replace('"priority": 0', '"priority": 0, "body": "eyJiIjogMn0="');
    templates.learn(Buffer.from(bodyOverridden), 'eyJiIjogMn0=', 'f');
    templates.learn(Buffer.from(` ${envelope('eyJhIjogMX0=')}`), 'eyJhIjogMX0=', 'f');
    assert.equal(templates.size, 0);
  });

  it('keeps a bounded number of shapes', () => {
    const templates = new EnvelopeTemplates<number>();
    for (let i = 0; i < 600; i++) templates.learn(Buffer.from(envelope('eyJhIjogMX0=', TAG, `w${i}@vm`)), 'eyJhIjogMX0=', i);
    assert.ok(templates.size <= 256 && templates.size > 0, `${templates.size} shapes`);
    assert.equal(templates.match(Buffer.from(envelope('eyJhIjogMX0=', TAG, 'w599@vm')))?.facts, 599);
  });
});
