import assert from 'node:assert/strict';
import {
  AmqpConnectionUrl,
  DEFAULT_BROKER_URL,
  parseConnectionUrl,
  redactSecretsInText,
  redactUrl,
  RedisConnectionUrl,
  UrlError,
} from '../../../src/core/url/connectionUrl';

function redis(url: string): RedisConnectionUrl {
  const parsed = parseConnectionUrl(url);
  assert.equal(parsed.kind, 'redis');
  return parsed;
}

function amqp(url: string): AmqpConnectionUrl {
  const parsed = parseConnectionUrl(url);
  assert.equal(parsed.kind, 'amqp');
  return parsed;
}

/** Expect a UrlError whose message matches and never contains the secret. */
function rejects(url: string, message: RegExp, secret?: string): UrlError {
  let caught: unknown;
  try {
    parseConnectionUrl(url);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof UrlError, `${url} should be rejected`);
  assert.match(caught.message, message);
  assert.equal(caught.code, 'BAD_URL');
  if (secret) assert.ok(!caught.message.includes(secret), `"${caught.message}" leaks the password`);
  return caught;
}

describe('(unit) parseConnectionUrl: Redis', () => {
  it('redis://host with the defaults', () => {
    const u = redis('redis://localhost');
    assert.deepEqual([u.scheme, u.host, u.port, u.db, u.username, u.password, u.tls], ['redis', 'localhost', 6379, 0, undefined, undefined, undefined]);
    assert.equal(u.redacted, 'redis://localhost');
  });

  it('redis://host:port/db', () => {
    const u = redis('redis://127.0.0.1:6390/2');
    assert.deepEqual([u.host, u.port, u.db], ['127.0.0.1', 6390, 2]);
  });

  it('redis://:password@host:port/db (password only)', () => {
    const u = redis('redis://:s3cret@cache.local:6380/1');
    assert.deepEqual([u.host, u.port, u.db, u.username, u.password], ['cache.local', 6380, 1, undefined, 's3cret']);
    assert.equal(u.redacted, 'redis://:***@cache.local:6380/1');
  });

  it('redis://user:password@host (ACL user) with percent-encoded password', () => {
    const u = redis('redis://app:p%40ss%2Fw0rd@h/3');
    assert.deepEqual([u.username, u.password, u.host, u.db], ['app', 'p@ss/w0rd', 'h', 3]);
    assert.equal(u.redacted, 'redis://app:***@h/3');
  });

  it('accepts a trailing slash, an empty db and ?db=', () => {
    assert.equal(redis('redis://h:6379/').db, 0);
    assert.equal(redis('redis://h/4/').db, 4);
    assert.equal(redis('redis://h?db=5').db, 5);
  });

  it('IPv6 hosts', () => {
    const u = redis('redis://[::1]:7000/0');
    assert.deepEqual([u.host, u.port], ['::1', 7000]);
  });

  it('rediss:// with ssl_cert_reqs and certificate files', () => {
    const u = redis('rediss://:pw@secure.example:6380/0?ssl_cert_reqs=CERT_NONE');
    assert.deepEqual([u.scheme, u.port, u.tls], ['rediss', 6380, { rejectUnauthorized: false }]);
    assert.deepEqual(redis('rediss://h/0').tls, { rejectUnauthorized: true });
    assert.deepEqual(redis('rediss://h/0?ssl_cert_reqs=required&ssl_ca_certs=/etc/ca.pem&ssl_certfile=/c.pem&ssl_keyfile=/k.pem').tls,
      { rejectUnauthorized: true, caFile: '/etc/ca.pem', certFile: '/c.pem', keyFile: '/k.pem' });
    assert.equal(redis('rediss://h/0?ssl_cert_reqs=optional').tls?.rejectUnauthorized, true);
  });
});

describe('(unit) parseConnectionUrl: AMQP', () => {
  it('the default URL: guest on localhost, vhost "/" from Celery\'s "//"', () => {
    const u = amqp(DEFAULT_BROKER_URL);
    assert.deepEqual([u.scheme, u.host, u.port, u.username, u.password, u.vhost], ['amqp', 'localhost', 5672, 'guest', 'guest', '/']);
    assert.equal(u.redacted, 'amqp://guest:***@localhost:5672//');
  });

  it('amqp://user:pass@host:port/vhost', () => {
    const u = amqp('amqp://app:pw@rabbit:5673/prod');
    assert.deepEqual([u.host, u.port, u.username, u.password, u.vhost], ['rabbit', 5673, 'app', 'pw', 'prod']);
  });

  it('vhost: "//" and "/" and none mean "/", %2F decodes, "//x" is "/x"', () => {
    assert.equal(amqp('amqp://h//').vhost, '/');
    assert.equal(amqp('amqp://h/').vhost, '/');
    assert.equal(amqp('amqp://h').vhost, '/');
    assert.equal(amqp('amqp://h/%2F').vhost, '/');
    assert.equal(amqp('amqp://h//x').vhost, '/x');
  });

  it('no credentials means guest/guest (as kombu)', () => {
    const u = amqp('amqp://rabbit');
    assert.deepEqual([u.username, u.password], ['guest', 'guest']);
  });

  it('amqps:// defaults to port 5671 with TLS; pyamqp:// is amqp://', () => {
    const u = amqp('amqps://u:p@h/v?ssl_cert_reqs=none');
    assert.deepEqual([u.scheme, u.port, u.tls], ['amqps', 5671, { rejectUnauthorized: false }]);
    assert.equal(amqp('pyamqp://h').scheme, 'amqp');
  });
});

describe('(unit) parseConnectionUrl errors name the bad part and never the password', () => {
  const secret = 'Sup3rS3cret';
  it('bad port', () => {
    rejects(`redis://:${secret}@h:99999/0`, /Bad port "99999" in redis:\/\/:\*\*\*@h:99999\/0: expected a number from 1 to 65535/, secret);
    rejects(`amqp://u:${secret}@h:abc//`, /Bad port "abc"/, secret);
    rejects('redis://h:0', /Bad port "0"/);
  });

  it('bad db', () => {
    rejects(`redis://:${secret}@h/zero`, /Bad database "zero" in redis:\/\/:\*\*\*@h\/zero: expected a number/, secret);
    rejects(`redis://:${secret}@h/0?db=x`, /Bad database "x"/, secret);
  });

  it('bad or unsupported scheme', () => {
    rejects(`sqs://key:${secret}@region`, /Unsupported scheme "sqs:\/\/" in sqs:\/\/key:\*\*\*@region/, secret);
    rejects('constructor://h', /Unsupported scheme "constructor:\/\/"/);
    rejects(`localhost:6379`, /Not a broker URL: "localhost:6379"/);
    rejects(`guest:${secret}@localhost`, /Not a broker URL: "guest:\*\*\*@localhost"/, secret);
  });

  it('bad ssl_cert_reqs', () => {
    rejects(`rediss://:${secret}@h/0?ssl_cert_reqs=maybe`, /Bad ssl_cert_reqs "maybe"/, secret);
  });

  it('bad percent-encoding in the password', () => {
    rejects('redis://:%E0%A4%A@h', /Bad password encoding in redis:\/\/:\*\*\*@h/, '%E0%A4%A');
  });

  it('a raw "/", "?", "#" or "@" in the password is refused without echoing any of it', () => {
    for (const raw of ['Xq/Zk', 'Xq?Zk', 'Xq#Zk', '93/71']) {
      const err = rejects(`redis://user:${raw}@host:6379/0`, /"@" after the host part.*percent-encode/, raw);
      for (const fragment of raw.split(/[/?#]/)) assert.ok(!err.message.includes(fragment), err.message);
    }
  });

  it('an "@" inside the password (unencoded) is parsed, and redacted entirely', () => {
    const u = redis('redis://:p@ss@host/0');
    assert.equal(u.password, 'p@ss');
    assert.equal(u.host, 'host');
    assert.equal(u.redacted, 'redis://:***@host/0');
  });
});

describe('(unit) redactUrl and redactSecretsInText', () => {
  it('redactUrl hides passwords in every form', () => {
    assert.equal(redactUrl('redis://:pw@h:6379/0'), 'redis://:***@h:6379/0');
    assert.equal(redactUrl('amqp://guest:guest@localhost:5672//'), 'amqp://guest:***@localhost:5672//');
    assert.equal(redactUrl('amqp://user@h//'), 'amqp://user@h//', 'no password, nothing to hide');
    assert.equal(redactUrl('redis://localhost:6379/0'), 'redis://localhost:6379/0');
    assert.equal(redactUrl('redis://u:a@b/c?d@e'), 'redis://u:***@e', 'over-redacts rather than leaks');
    assert.equal(redactUrl('u:secret@h'), 'u:***@h');
    assert.equal(redactUrl('redis://h/0?password=secret&db=1'), 'redis://h/0?password=***&db=1');
  });

  it('redactSecretsInText hides every credentialed URL in a message', () => {
    const text = 'connect failed for redis://:pw1@a:6379/0 and amqp://u:p@w/2@b//, retrying';
    const out = redactSecretsInText(text);
    assert.equal(out, 'connect failed for redis://:***@a:6379/0 and amqp://u:***@b//, retrying');
    assert.ok(!/pw1|p@w|w\/2/.test(out));
    assert.equal(redactSecretsInText('Error: redis://localhost:6379 refused'), 'Error: redis://localhost:6379 refused');
  });
});
