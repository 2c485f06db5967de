import assert from 'node:assert/strict';
import { fingerprintOf, TracebackCache } from '../../../src/core/tracebacks/tracebackCache';
import { parseTraceback } from '../../../src/core/tracebacks/parseTraceback';
import { deepestUserFrame, finalException, fingerprint } from '../../../src/core/tracebacks/tracebackQueries';
import { EXCEPTION_GROUP, realTraceback } from './tracebackFixtures';

/** Tracebacks with a type and user frames, with library frames only, with no frames, and none at all. */
const TEXTS = [
  realTraceback('fail_nested'), realTraceback('fail_chained'), realTraceback('fail_while_handling'), realTraceback('flaky'), EXCEPTION_GROUP,
  'Traceback (most recent call last):\n  File "/usr/lib/python3/dist-packages/celery/app/trace.py", line 451, in trace_task\n    R = retval = fun(*args, **kwargs)\nKeyError: \'k\'\n',
  'KeyError: \'k\'\n',
  'not a traceback at all',
  '',
];

describe('(unit) tracebacks/TracebackCache', () => {
  it('works out each distinct traceback once: the same facts object for the same text', () => {
    const cache = new TracebackCache();
    const text = realTraceback('fail_nested');
    const facts = cache.facts(text);
    assert.equal(cache.facts(`${text}`), facts);
    assert.deepEqual(facts.parsed, parseTraceback(text));
  });

  it('gives what the queries give, for every fallback type and task name', () => {
    const cache = new TracebackCache();
    for (const text of TEXTS) {
      const parsed = parseTraceback(text);
      const facts = cache.facts(text);
      assert.deepEqual(facts.final, finalException(parsed), text);
      assert.deepEqual(facts.frame, deepestUserFrame(parsed), text);
      for (const type of [undefined, 'KeyError', 'ValueError']) {
        for (const name of [undefined, 'proj.tasks.a', 'proj.tasks.b']) {
          // Twice: the second answer comes from what the first one kept.
          assert.equal(fingerprintOf(facts, type, name), fingerprint(parsed, type, name), `${text} / ${type} / ${name}`);
          assert.equal(fingerprintOf(facts, type, name), fingerprint(parsed, type, name), `${text} / ${type} / ${name} (again)`);
        }
      }
    }
  });

  it('forgets the oldest traceback past its capacity', () => {
    const cache = new TracebackCache(2);
    const first = cache.facts('a');
    cache.facts('b');
    cache.facts('c');
    assert.notEqual(cache.facts('a'), first);
  });
});
