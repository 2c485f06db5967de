import assert from 'node:assert/strict';
import { parsePythonLiteral } from '../../../src/core/replay/pythonLiteral';
import { wireJson, type RedisTaskFixture } from '../celery/wireFixtures';

interface SafereprCases {
  cases: Array<{ label: string; value: unknown; asTuple: boolean; maxlen: number; expected: string }>;
  reprs: Array<{ value: unknown; asTuple?: boolean; expected: string }>;
}

const saferepr = wireJson<SafereprCases>('saferepr-cases.json');
const messages = wireJson<RedisTaskFixture>('redis/task-messages.json').messages;
const kinds = (text: string, strings?: 'python') => parsePythonLiteral(text, { strings }).issues.map((i) => i.kind);

describe('(unit) replay/parsePythonLiteral', () => {
  describe("Celery's saferepr output (captured from Celery 5.2.6)", () => {
    for (const c of saferepr.cases) {
      it(`${c.label}: ${c.expected.length > 40 ? `${c.expected.slice(0, 40)}…` : c.expected}`, () => {
        const parsed = parsePythonLiteral(c.expected);
        const cut = c.expected.includes('...');
        if (!cut) {
          assert.deepEqual(parsed.issues, []);
          assert.deepEqual(parsed.value, c.value);
        } else {
          // Every cut is reported, and what came before it is kept.
          assert.ok(parsed.issues.some((i) => i.kind === 'truncated'), JSON.stringify(parsed.issues));
          assert.ok(Array.isArray(parsed.value) || typeof parsed.value === 'object', `draft ${JSON.stringify(parsed.value)}`);
        }
      });
    }

    it('keeps the elements before a cut (big_args as a single list)', () => {
      const big = saferepr.cases.find((c) => c.label === 'big_args as a single list arg');
      assert.ok(big);
      const parsed = parsePythonLiteral(big.expected);
      const [list] = parsed.value as [number[]];
      assert.ok(list.length > 100, String(list.length));
      assert.deepEqual(list, (big.value as [number[]])[0].slice(0, list.length));
    });
  });

  describe("Python's repr (strings: 'python')", () => {
    for (const c of saferepr.reprs) {
      it(`${c.expected}`, () => {
        const parsed = parsePythonLiteral(c.expected, { strings: 'python' });
        assert.deepEqual(parsed.issues, []);
        assert.deepEqual(parsed.value, c.value);
      });
    }
  });

  describe('the argsrepr/kwargsrepr headers of captured task messages', () => {
    for (const [label, fixture] of Object.entries(messages)) {
      it(`${label}: reads back the message's own args and kwargs, or says why not`, () => {
        const headers = (JSON.parse(fixture.raw) as { headers: { argsrepr: string; kwargsrepr: string } }).headers;
        const [args, kwargs] = fixture.decodedBody;
        for (const [repr, real] of [[headers.argsrepr, args], [headers.kwargsrepr, kwargs]] as const) {
          const parsed = parsePythonLiteral(repr);
          if (parsed.issues.length === 0) assert.deepEqual(parsed.value, real, repr);
          else assert.ok(label === 'odd_kwargs' || label === 'big_args', `${label}: unexpected issues ${JSON.stringify(parsed.issues)}`);
        }
      });
    }

    it('odd_kwargs: datetime, Decimal and UUID reprs are not literals, {...} is past the depth limit; the rest is exact', () => {
      const headers = (JSON.parse(messages.odd_kwargs.raw) as { headers: { kwargsrepr: string } }).headers;
      const parsed = parsePythonLiteral(headers.kwargsrepr);
      const value = parsed.value as Record<string, unknown>;
      assert.deepEqual(parsed.issues.map((i) => i.kind), ['not-a-literal', 'not-a-literal', 'not-a-literal', 'not-a-literal', 'not-a-literal', 'truncated']);
      assert.equal(value.when, 'datetime.datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=datetime.timezone.utc)');
      assert.equal(value.amount, "Decimal('1.10')");
      assert.deepEqual(value.tup, [1, 2]);
      assert.deepEqual(value.nested, { a: [1, {}], s: 'ünïcødé ✓' });
      assert.equal(value.none, null);
      assert.equal(value.flag, true);
      assert.equal(value.f, 1.5);
    });
  });

  describe('hand-made reprs', () => {
    it('nested tuples become lists, as JSON carried them to the worker', () => {
      assert.deepEqual(parsePythonLiteral("((1, 2), [3, (4,)], {'k': (None, True, False)})").value, [[1, 2], [3, [4]], { k: [null, true, false] }]);
    });

    it('saferepr strings: only the quote is escaped; backslashes and newlines are themselves', () => {
      assert.deepEqual(parsePythonLiteral("('back\\slash', 'it\\'s', 'tab\tx', 'a\\nb')").value, ['back\\slash', "it's", 'tab\tx', 'a\\nb']);
      assert.deepEqual(parsePythonLiteral("('a\\nb', \"it's\", '\\x41')", { strings: 'python' }).value, ['a\nb', "it's", 'A']);
    });

    it('numbers: negative, float, exponent, underscores, hex; big ints are flagged', () => {
      assert.deepEqual(parsePythonLiteral('(-2, 1.5, 1e-05, 1_000, 0x1f, -7.25)').value, [-2, 1.5, 1e-5, 1000, 31, -7.25]);
      assert.deepEqual(kinds('(100000000000000000000,)'), ['not-json']);
      assert.deepEqual(kinds('(inf,)'), ['not-a-literal']);
    });

    it('bytes, sets and non-string keys are not JSON', () => {
      assert.deepEqual(kinds("(b'raw',)"), ['not-json']);
      const set = parsePythonLiteral('({1, 2},)');
      assert.deepEqual(set.value, [[1, 2]]);
      assert.deepEqual(set.issues.map((i) => i.kind), ['not-json']);
      assert.deepEqual(kinds("({1: 'a'},)"), ['not-json']);
    });

    it('objects are kept as their repr text', () => {
      const parsed = parsePythonLiteral('(<Order object at 0x7f00, status=new>, 3)');
      assert.deepEqual(parsed.value, ['<Order object at 0x7f00, status=new>', 3]);
      assert.deepEqual(parsed.issues.map((i) => i.kind), ['not-a-literal']);
    });

    it('a string ending in "..." may have been cut: flagged for checking', () => {
      assert.deepEqual(kinds("('Loading...',)"), ['truncated']);
    });

    it('a repr cut in the middle of a string or a container', () => {
      const parsed = parsePythonLiteral("([1, 2], {'a': 'unfinish");
      assert.deepEqual(parsed.value, [[1, 2], {}]);
      assert.deepEqual(parsed.issues.map((i) => i.kind), ['truncated']);
    });

    it('empty input and garbage never throw', () => {
      for (const text of ['', '(', ')', '(,)', ',,,', '{:}', "'", '((((', '[1 2]', '{1: }', '@#$']) {
        const parsed = parsePythonLiteral(text);
        assert.ok(parsed.issues.length > 0, `${text}: ${JSON.stringify(parsed)}`);
      }
    });
  });
});
