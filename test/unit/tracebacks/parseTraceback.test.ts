import assert from 'node:assert/strict';
import { parseFrameLine, isLibraryFile } from '../../../src/core/tracebacks/frameLine';
import { parseTraceback } from '../../../src/core/tracebacks/parseTraceback';
import { deepestUserFrame, finalException } from '../../../src/core/tracebacks/tracebackQueries';
import type { TracebackFrame } from '../../../src/core/tracebacks/tracebackTypes';
import { CAPTURED_APP, EXCEPTION_GROUP, realTraceback, STRING_FRAMES, SYNTAX_ERROR_ON_IMPORT, WINDOWS } from './tracebackFixtures';

const brief = (f: TracebackFrame | undefined): string => (f ? `${f.file}:${f.line} ${f.function}` : 'none');

describe('(unit) tracebacks/parseTraceback on real worker tracebacks', () => {
  it('fail_nested: frames across modules, library frames flagged, carets give columns', () => {
    const text = realTraceback('fail_nested');
    const parsed = parseTraceback(text);
    assert.equal(parsed.sections.length, 1);
    const [section] = parsed.sections;
    assert.deepEqual(section?.frames.map((f) => `${f.file.replace(CAPTURED_APP, 'APP')}:${f.line} ${f.function} ${f.library}`), [
      '/usr/lib/python3/dist-packages/celery/app/trace.py:451 trace_task true',
      '/usr/lib/python3/dist-packages/celery/app/trace.py:734 __protected_call__ true',
      'APP/tasks.py:24 fail_nested false',
      'APP/helpers.py:6 validate false',
      'APP/helpers.py:10 check_range false',
    ]);
    assert.deepEqual(section?.exception, { type: 'lens_testapp.errors.LensTestError', message: "('value out of range: 42', 7)", more: [] });
    const tasksFrame = section?.frames[2];
    assert.equal(tasksFrame?.source, 'return validate(value)');
    // `           ^^^^^^^^^^^^^^^` under `    return validate(value)`: the call starts at column 7.
    assert.equal(tasksFrame?.column, 7);
    assert.equal(tasksFrame?.endColumn, 22);
    assert.equal(section?.frames[4]?.column, undefined, 'no caret line under the raise');
    assert.equal(brief(deepestUserFrame(parsed)), `${CAPTURED_APP}/helpers.py:10 check_range`);
    // Every line kept, in order, classified.
    assert.equal(parsed.lines.map((l) => l.text).join('\n'), text.replace(/\n$/, ''));
    assert.deepEqual(parsed.lines.slice(0, 4).map((l) => l.kind), ['header', 'frame', 'source', 'caret']);
    assert.equal(parsed.lines.filter((l) => l.kind === 'text').length, 0);
  });

  it('fail_chained: "raise from" gives two sections linked as cause; the final exception is the second', () => {
    const parsed = parseTraceback(realTraceback('fail_chained'));
    assert.deepEqual(parsed.sections.map((s) => [s.exception?.type, s.link, s.frames.length]), [
      ['KeyError', undefined, 1],
      ['lens_testapp.errors.LensTestError', 'cause', 3],
    ]);
    assert.equal(finalException(parsed)?.message, '("no setting \'missing\'", 7)');
    assert.equal(brief(deepestUserFrame(parsed)), `${CAPTURED_APP}/tasks.py:67 fail_chained`);
    // `~~~~~~~~^^^^^` under `return settings[key]`
    assert.equal(parsed.sections[0]?.frames[0]?.column, 7);
    assert.equal(parsed.lines.filter((l) => l.kind === 'chain').length, 1);
  });

  it('fail_while_handling: "During handling" links as context', () => {
    const parsed = parseTraceback(realTraceback('fail_while_handling'));
    assert.deepEqual(parsed.sections.map((s) => [s.exception?.type, s.link]), [
      ['ZeroDivisionError', undefined],
      ['lens_testapp.errors.LensTestError', 'context'],
    ]);
    assert.equal(brief(deepestUserFrame(parsed)), `${CAPTURED_APP}/helpers.py:10 check_range`);
  });

  it('flaky (after retries): autoretry frames, the user frame is the task body', () => {
    const parsed = parseTraceback(realTraceback('flaky'));
    assert.equal(parsed.sections.length, 1);
    assert.equal(parsed.sections[0]?.frames.length, 6);
    assert.deepEqual(finalException(parsed), { type: 'OSError', message: 'flaky attempt 2', more: [] });
    assert.equal(brief(deepestUserFrame(parsed)), `${CAPTURED_APP}/tasks.py:41 flaky`);
  });
});

describe('(unit) tracebacks/parseTraceback on other shapes', () => {
  it('exception groups: the group and its members, nested, with depth', () => {
    const parsed = parseTraceback(EXCEPTION_GROUP);
    assert.deepEqual(parsed.sections.map((s) => [s.exception?.type, s.exception?.message, s.depth, s.group, s.frames.length]), [
      ['ExceptionGroup', 'outer (2 sub-exceptions)', 0, true, 2],
      ['ValueError', 'v', 1, false, 1],
      ['ExceptionGroup', 'inner (1 sub-exception)', 1, true, 2],
      ['TypeError', 't', 2, false, 0],
    ]);
    assert.equal(finalException(parsed)?.type, 'ExceptionGroup');
    assert.equal(parsed.sections[1]?.frames[0]?.source, 'raise ValueError("v")');
    assert.equal(parsed.lines.filter((l) => l.kind === 'group').length, 4);
    assert.equal(parsed.lines.filter((l) => l.kind === 'text').length, 0);
    assert.equal(brief(deepestUserFrame(parsed)), '/srv/app/groups.py:14 f');
  });

  it('SyntaxError on import: frozen frames are library and pseudo; the location line is the deepest user frame', () => {
    const parsed = parseTraceback(SYNTAX_ERROR_ON_IMPORT);
    const frames = parsed.sections[0]?.frames ?? [];
    assert.equal(frames.length, 11);
    assert.deepEqual(frames.slice(2, 3).map((f) => [f.file, f.library, f.pseudo]), [['<frozen importlib._bootstrap>', true, true]]);
    assert.equal(frames[1]?.library, true, '/usr/lib/python3.11 is the standard library');
    const location = frames[10];
    assert.deepEqual([location?.file, location?.line, location?.function, location?.source, location?.column], ['/srv/app/badmod.py', 1, '', 'def broken(:', 11]);
    assert.equal(frames[0]?.column, 18);
    assert.deepEqual(finalException(parsed), { type: 'SyntaxError', message: 'invalid syntax', more: [] });
    assert.equal(brief(deepestUserFrame(parsed)), '/srv/app/badmod.py:1 ');
  });

  it('<string> frames are pseudo, not library, and never the user frame', () => {
    const parsed = parseTraceback(STRING_FRAMES);
    const frames = parsed.sections[0]?.frames ?? [];
    assert.deepEqual(frames.map((f) => [f.file, f.function, f.pseudo, f.library]), [
      ['/srv/app/groups.py', '<module>', false, false],
      ['<string>', '<module>', true, false],
      ['<string>', 'g', true, false],
    ]);
    assert.equal(brief(deepestUserFrame(parsed)), '/srv/app/groups.py:28 <module>');
  });

  it('Windows paths: Lib and site-packages are library; message continuation lines kept', () => {
    const parsed = parseTraceback(WINDOWS.replace(/\n/g, '\r\n'));
    const frames = parsed.sections[0]?.frames ?? [];
    assert.deepEqual(frames.map((f) => f.library), [true, false, false, true]);
    assert.equal(frames[1]?.file, 'C:\\Users\\dev\\proj\\app\\tasks.py');
    assert.deepEqual(finalException(parsed), { type: 'ValueError', message: 'bad size 0', more: ['second line of the message'] });
    assert.equal(brief(deepestUserFrame(parsed)), 'C:\\Users\\dev\\proj\\app\\images.py:40 resize');
  });

  it('never throws: garbage, empty input, huge lines, repeated-frame notes stay text', () => {
    assert.deepEqual(parseTraceback(''), { sections: [], lines: [] });
    assert.deepEqual(parseTraceback(undefined as unknown as string), { sections: [], lines: [] });
    const huge = `Traceback (most recent call last):\n  File "/a.py", line 1, in f\n    x()\nValueError: ${'x'.repeat(200_000)}\n${'"'.repeat(100_000)}, line 1\n  [Previous line repeated 996 more times]`;
    const started = Date.now();
    const parsed = parseTraceback(huge);
    assert.ok(Date.now() - started < 500);
    assert.equal(parsed.sections[0]?.exception?.message.length, 200_000);
    assert.deepEqual(parsed.lines.map((l) => l.kind), ['header', 'frame', 'source', 'exception', 'message', 'message']);
    const odd = parseTraceback('worker lost\n  File "x.py", line notanumber, in f\n\u0000\u202e');
    assert.deepEqual(odd.lines.map((l) => l.kind), ['text', 'text', 'text']);
    assert.equal(odd.sections.length, 0);
  });

  it('never throws on shuffled, cut and mixed real lines (seeded fuzz); every line is kept', () => {
    const pool = [realTraceback('fail_chained'), EXCEPTION_GROUP, SYNTAX_ERROR_ON_IMPORT, WINDOWS].join('\n').split('\n');
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let round = 0; round < 300; round++) {
      const lines = Array.from({ length: 1 + rand(40) }, () => {
        const line = pool[rand(pool.length)] as string;
        return rand(4) === 0 ? line.slice(0, rand(line.length + 1)) : line;
      });
      const parsed = parseTraceback(lines.join(rand(2) ? '\n' : '\r\n'));
      assert.equal(parsed.lines.length, lines.length - (lines[lines.length - 1] === '' ? 1 : 0));
      for (const section of parsed.sections) for (const frame of section.frames) assert.ok(Number.isSafeInteger(frame.line));
    }
  });

  it('an exception with no frames (chained KeyError) opens its own section', () => {
    const parsed = parseTraceback("KeyError: 'a'\n\nDuring handling of the above exception, another exception occurred:\n\nTraceback (most recent call last):\n  File \"/srv/app/t.py\", line 3, in f\n    g()\nRuntimeError: boom\n");
    assert.deepEqual(parsed.sections.map((s) => [s.exception?.type, s.link]), [['KeyError', undefined], ['RuntimeError', 'context']]);
  });
});

describe('(unit) tracebacks/frameLine', () => {
  it('gives the path offsets inside the line (for links)', () => {
    const text = '  File "/srv/app/tasks.py", line 12, in run';
    const m = parseFrameLine(text);
    assert.deepEqual(m, { file: '/srv/app/tasks.py', line: 12, function: 'run', fileStart: 8, fileEnd: 25 });
    assert.equal(text.slice(m?.fileStart, m?.fileEnd), '/srv/app/tasks.py');
    assert.equal(parseFrameLine('File "x.py" line 1'), undefined);
  });

  it('library paths', () => {
    for (const lib of ['/venv/lib/python3.12/site-packages/x.py', '/usr/lib/python3.11/json/decoder.py', '/root/.pyenv/versions/3.11.7/lib/python3.11/asyncio/runners.py', '<frozen runpy>', '/usr/lib/python3/dist-packages/kombu/x.py']) {
      assert.equal(isLibraryFile(lib), true, lib);
    }
    for (const own of ['/srv/app/tasks.py', '/home/me/library/x.py', 'C:\\proj\\lib\\x.py', '<string>']) assert.equal(isLibraryFile(own), false, own);
  });
});
