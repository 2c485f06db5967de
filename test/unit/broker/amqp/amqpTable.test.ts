import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { kombuCompatibleTable } from '../../../../src/core/broker/amqp/amqpTable';

// amqplib's own table codec (not in its package exports), to see the field types that go on the wire.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const codec = require(path.join(path.dirname(require.resolve('amqplib')), 'lib', 'codec.js')) as {
  encodeTable(buffer: Buffer, table: unknown, offset: number): number;
};

function encoded(table: Record<string, unknown>): string {
  const buffer = Buffer.alloc(4096);
  const length = codec.encodeTable(buffer, table, 0);
  return buffer.subarray(0, length).toString('latin1');
}

describe('(unit) AMQP header tables Celery workers can read', () => {
  it("types every integer as 'I' (or 'l'), never amqplib's 's' that py-amqp reads as a short string", () => {
    const headers = { clock: 200, expires: 1_763_900_000.5, timelimit: [300, null], nested: { n: 1000, big: 2 ** 40 }, id: 'x', flag: true, none: null };
    assert.ok(encoded(headers).includes('\x05clocks'), 'amqplib alone would write clock=200 as a short');
    const table = kombuCompatibleTable(headers);
    assert.deepEqual(table, {
      clock: { '!': 'int', value: 200 },
      expires: 1_763_900_000.5,
      timelimit: [{ '!': 'int', value: 300 }, null],
      nested: { n: { '!': 'int', value: 1000 }, big: { '!': 'long', value: 2 ** 40 } },
      id: 'x', flag: true, none: null,
    });
    const wire = encoded(table);
    assert.ok(wire.includes('\x05clockI\x00\x00\x00\xc8'));
    assert.ok(wire.includes('\x07expiresd'));
    assert.ok(!wire.includes('\x05clocks') && !wire.includes('\x01ns'));
  });
});
