import assert from 'node:assert/strict';
import { argsRepr, kwargsRepr, pyNumber, pyRepr, saferepr } from '../../../src/core/celery/pythonRepr';
import { pythonJsonDumps } from '../../../src/core/celery/pythonJson';
import { wireJson } from './wireFixtures';

interface Cases {
  cases: Array<{ label: string; value: unknown; asTuple: boolean; maxlen: number; expected: string }>;
  reprs: Array<{ value: unknown; asTuple?: boolean; expected: string }>;
}

const fixture = wireJson<Cases>('saferepr-cases.json');

describe('(unit) saferepr matches Celery\'s output', () => {
  for (const c of fixture.cases) {
    it(c.label, () => {
      assert.equal(saferepr(c.value, c.maxlen, c.asTuple), c.expected);
    });
  }

  it('argsRepr/kwargsRepr use the 1024-character budget', () => {
    const big = fixture.cases.find((c) => c.label === 'big_args: 3000 ints');
    assert.ok(big);
    assert.equal(argsRepr(big.value as unknown[]), big.expected);
    assert.equal(kwargsRepr({}), '{}');
  });

  it('is unlimited without maxlen but still stops at 3 levels', () => {
    assert.equal(saferepr([[[[1]]]]), '[[[[...]]]]');
  });
});

describe('(unit) pyRepr matches Python\'s repr', () => {
  for (const c of fixture.reprs) {
    it(c.expected, () => {
      assert.equal(pyRepr(c.value, c.asTuple ?? false), c.expected);
    });
  }

  it('formats numbers like Python str()', () => {
    assert.deepEqual([1e-5, 1.5e-7, 0.1, 123456.789, -0, 1e300, 42].map(pyNumber), ['1e-05', '1.5e-07', '0.1', '123456.789', '0', '1e+300', '42']);
  });
});

describe('(unit) pythonJsonDumps writes what Python json.dumps writes', () => {
  it('uses ", " and ": " and escapes non-ASCII', () => {
    assert.equal(pythonJsonDumps({ a: [1, 'ü😀', null, true], b: 'q"\\\n\u007f' }), '{"a": [1, "\\u00fc\\ud83d\\ude00", null, true], "b": "q\\"\\\\\\n\\u007f"}');
  });

  it('honours toJSON and skips undefined like JSON.stringify', () => {
    assert.equal(pythonJsonDumps({ d: new Date(0), u: undefined, l: [undefined] }), '{"d": "1970-01-01T00:00:00.000Z", "l": [null]}');
  });
});
