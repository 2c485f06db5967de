import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { defaultOrigin, encodeTaskMessage, pythonIsoformat, TaskOptionsError } from '../../../src/core/celery/taskEncoder';
import { decodeTaskMessage } from '../../../src/core/celery/taskMessage';
import { buildRedisEnvelope, isUndecodable, parseRedisEnvelope } from '../../../src/core/celery/rawMessage';
import type { TaskMessage } from '../../../src/core/celery/types';
import { RedisTaskFixture, wireJson } from './wireFixtures';

const redis = wireJson<RedisTaskFixture>('redis/task-messages.json').messages;

interface Envelope {
  body: string;
  headers: Record<string, unknown>;
  properties: Record<string, unknown>;
  'content-type': string;
  'content-encoding': string;
}

function captured(label: string): { envelope: Envelope; message: TaskMessage } {
  const fixture = redis[label];
  const raw = parseRedisEnvelope(fixture.raw, 'task', fixture.key);
  assert.ok(!isUndecodable(raw));
  const message = decodeTaskMessage(raw, fixture.key);
  assert.ok(!isUndecodable(message));
  return { envelope: JSON.parse(fixture.raw) as Envelope, message };
}

/** Send what the probe sent for `label`, with its id, origin and reply address. */
function reencode(label: string, extra: Partial<Parameters<typeof encodeTaskMessage>[0]> = {}) {
  const { message } = captured(label);
  return encodeTaskMessage({
    name: message.name,
    args: message.args,
    kwargs: message.kwargs,
    id: message.id,
    queue: message.routingKey,
    priority: message.priority,
    origin: message.origin,
    replyTo: message.replyTo,
    ...extra,
  });
}

function roundTrip(label: string, out: ReturnType<typeof encodeTaskMessage>): TaskMessage {
  const raw = parseRedisEnvelope(buildRedisEnvelope(out, 'tag-1'), 'task', 'celery');
  assert.ok(!isUndecodable(raw));
  const decoded = decodeTaskMessage(raw, label);
  assert.ok(!isUndecodable(decoded), isUndecodable(decoded) ? decoded.reason : '');
  return decoded;
}

describe('(unit) encodeTaskMessage against a real send_task message', () => {
  it('produces the same headers, in the same order, as Celery for add(2, 3)', () => {
    const { envelope } = captured('add_plain');
    const out = reencode('add_plain');
    assert.equal(JSON.stringify(out.headers), JSON.stringify(envelope.headers));
  });

  it('produces the same body bytes as kombu\'s json.dumps', () => {
    for (const label of ['add_plain', 'odd_kwargs', 'big_args', 'prioritized_p9']) {
      const { envelope } = captured(label);
      const out = reencode(label);
      assert.equal(out.body.toString('base64'), envelope.body, label);
    }
  });

  it('produces the same properties, exchange and routing key', () => {
    const { envelope } = captured('prioritized_p9');
    const out = reencode('prioritized_p9');
    assert.deepEqual(out.properties, {
      correlation_id: envelope.properties.correlation_id,
      reply_to: envelope.properties.reply_to,
      delivery_mode: 2,
      priority: 9,
    });
    assert.equal(out.exchange, '');
    assert.equal(out.routingKey, 'priority');
    assert.equal(out.contentType, envelope['content-type']);
    assert.equal(out.contentEncoding, envelope['content-encoding']);
  });

  it('decodes back, field by field, to what the captured message decodes to', () => {
    for (const label of ['add_plain', 'big_args', 'prioritized_p9', 'sent_custom_headers']) {
      const { message: original } = captured(label);
      const extra = label === 'sent_custom_headers' ? { shadow: 'add-shadowed', headers: { x_custom: 'hdr' } } : {};
      const decoded = roundTrip(label, reencode(label, extra));
      for (const field of ['protocol', 'id', 'name', 'args', 'kwargs', 'embed', 'rootId', 'parentId', 'group', 'groupIndex', 'retries',
        'eta', 'expires', 'argsrepr', 'kwargsrepr', 'origin', 'shadow', 'timelimit', 'ignoreResult', 'headers', 'contentType',
        'contentEncoding', 'priority', 'correlationId', 'replyTo', 'exchange', 'routingKey'] as const) {
        assert.deepEqual(decoded[field], original[field], `${label}.${field}`);
      }
    }
  });

  it('turns countdown and expires into ISO headers and the expiration TTL, as for add_eta_30_expires_600', () => {
    const { envelope } = captured('add_eta_30_expires_600');
    const now = new Date('2026-11-23T11:26:24.976Z');
    const out = reencode('add_eta_30_expires_600', { countdown: 30, expires: 600, now });
    assert.equal(out.headers.eta, '2026-11-23T11:26:54.976000+00:00');
    assert.equal(out.headers.expires, '2026-11-23T11:36:24.976000+00:00');
    assert.equal(out.properties.expiration, envelope.properties.expiration);
    assert.equal(out.properties.expiration, '600000');
    const keys = Object.keys(out.properties);
    assert.deepEqual(keys, ['correlation_id', 'reply_to', 'delivery_mode', 'expiration', 'priority']);
  });
});

describe('(unit) encodeTaskMessage options', () => {
  const now = new Date('2030-01-02T03:04:05.000Z');

  it('defaults: uuid4 id, root_id = id, queue celery, origin gen<pid>@host, priority 0', () => {
    const a = encodeTaskMessage({ name: 't' });
    const b = encodeTaskMessage({ name: 't' });
    assert.match(String(a.headers.id), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.notEqual(a.headers.id, b.headers.id);
    assert.equal(a.headers.root_id, a.headers.id);
    assert.equal(a.properties.correlation_id, a.headers.id);
    assert.equal(a.headers.origin, `gen${process.pid}@${hostname()}`);
    assert.equal(defaultOrigin(), a.headers.origin);
    assert.equal(a.properties.reply_to, b.properties.reply_to, 'one client id per process');
    assert.equal(a.routingKey, 'celery');
    assert.equal(a.exchange, '');
    assert.equal(a.properties.priority, 0);
    assert.equal(a.headers.argsrepr, '()');
    assert.equal(a.headers.kwargsrepr, '{}');
    assert.equal(a.body.toString(), '[[], {}, {"callbacks": null, "errbacks": null, "chain": null, "chord": null}]');
  });

  it('takes eta as a Date (microseconds omitted when zero, like isoformat) or an ISO string as is', () => {
    assert.equal(encodeTaskMessage({ name: 't', eta: now }).headers.eta, '2030-01-02T03:04:05+00:00');
    assert.equal(encodeTaskMessage({ name: 't', eta: '2030-01-02T03:04:05.5+01:00' }).headers.eta, '2030-01-02T03:04:05.5+01:00');
    assert.equal(pythonIsoformat(new Date('2030-01-02T03:04:05.120Z')), '2030-01-02T03:04:05.120000+00:00');
  });

  it('a countdown of 0 means no eta (Celery tests truthiness)', () => {
    assert.equal(encodeTaskMessage({ name: 't', countdown: 0, now }).headers.eta, null);
  });

  it('absolute expires: header as given, TTL from now; in the past gives TTL 0', () => {
    const later = encodeTaskMessage({ name: 't', expires: new Date(now.getTime() + 90_500), now });
    assert.equal(later.headers.expires, '2030-01-02T03:05:35.500000+00:00');
    assert.equal(later.properties.expiration, '90500');
    const past = encodeTaskMessage({ name: 't', expires: '2020-01-01T00:00:00+00:00', now });
    assert.equal(past.headers.expires, '2020-01-01T00:00:00+00:00');
    assert.equal(past.properties.expiration, '0');
  });

  it('carries workflow and routing options', () => {
    const out = encodeTaskMessage({
      name: 't', id: 'child', parentId: 'p', rootId: 'r', group: 'g', groupIndex: 1, retries: 2, queue: 'q',
      exchange: 'ex', routingKey: 'rk', priority: 7, timeLimit: 60, softTimeLimit: 50, ignoreResult: true, replyTo: 'me', now,
    });
    assert.equal(out.headers.parent_id, 'p');
    assert.equal(out.headers.root_id, 'r');
    assert.equal(out.headers.group, 'g');
    assert.equal(out.headers.group_index, 1);
    assert.equal(out.headers.retries, 2);
    assert.deepEqual(out.headers.timelimit, [60, 50]);
    assert.equal(out.headers.ignore_result, true);
    assert.equal(out.exchange, 'ex');
    assert.equal(out.routingKey, 'rk');
    assert.equal(out.properties.priority, 7);
    assert.equal(out.properties.reply_to, 'me');
  });

  it('renders argsrepr/kwargsrepr like Python', () => {
    const out = encodeTaskMessage({ name: 't', args: [1, 'a', null, true, [1.5]], kwargs: { k: "it's", n: { x: false } } });
    assert.equal(out.headers.argsrepr, "(1, 'a', None, True, [1.5])");
    assert.equal(out.headers.kwargsrepr, "{'k': 'it\\'s', 'n': {'x': False}}");
  });

  it('rejects invalid options with a TaskOptionsError naming the option', () => {
    const cases: Array<[Parameters<typeof encodeTaskMessage>[0], RegExp]> = [
      [{ name: '' }, /task name/],
      [{ name: 't', args: {} as unknown as unknown[] }, /args/],
      [{ name: 't', kwargs: [] as unknown as Record<string, unknown> }, /kwargs/],
      [{ name: 't', countdown: 5, eta: now }, /countdown or eta/],
      [{ name: 't', countdown: Number.NaN }, /countdown/],
      [{ name: 't', eta: 'tomorrow-ish' }, /eta/],
      [{ name: 't', expires: 'never' }, /expires/],
      [{ name: 't', priority: 256 }, /priority/],
      [{ name: 't', priority: 1.5 }, /priority/],
      [{ name: 't', retries: -1 }, /retries/],
      [{ name: 't', queue: '' }, /queue/],
    ];
    for (const [opts, message] of cases) {
      assert.throws(() => encodeTaskMessage(opts), (err: unknown) => err instanceof TaskOptionsError && message.test(err.message), JSON.stringify(opts));
    }
  });
});
