/** Real tracebacks captured from the test workers (test/fixtures/tracebacks, see its README). */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const BASE = [resolve(__dirname, '../../../../test/fixtures/tracebacks'), resolve(__dirname, '../../../test/fixtures/tracebacks')]
  .find((dir) => existsSync(resolve(dir, 'README.md'))) ?? resolve(__dirname, '../../../../test/fixtures/tracebacks');

/** The worker's install path of the test app in the captures. */
export const CAPTURED_APP = '/work/main/test/fixtures/celery_app/lens_testapp';

export function realTraceback(task: 'fail_nested' | 'fail_chained' | 'fail_while_handling' | 'flaky'): string {
  return readFileSync(resolve(BASE, `${task}.txt`), 'utf8');
}

/** Printed by CPython 3.11.2 (paths moved to /srv/app): a group holding an error and a nested group. */
export const EXCEPTION_GROUP = `  + Exception Group Traceback (most recent call last):
  |   File "/srv/app/groups.py", line 16, in <module>
  |     f()
  |   File "/srv/app/groups.py", line 14, in f
  |     raise ExceptionGroup("outer", errors)
  | ExceptionGroup: outer (2 sub-exceptions)
  +-+---------------- 1 ----------------
    | Traceback (most recent call last):
    |   File "/srv/app/groups.py", line 7, in f
    |     raise ValueError("v")
    | ValueError: v
    +---------------- 2 ----------------
    | Exception Group Traceback (most recent call last):
    |   File "/srv/app/groups.py", line 11, in f
    |     inner()
    |   File "/srv/app/groups.py", line 3, in inner
    |     raise ExceptionGroup("inner", [TypeError("t")])
    | ExceptionGroup: inner (1 sub-exception)
    +-+---------------- 1 ----------------
      | TypeError: t
      +------------------------------------
`;

/** CPython 3.11.2: importing a module with a syntax error, through frozen importlib frames. */
export const SYNTAX_ERROR_ON_IMPORT = `Traceback (most recent call last):
  File "/srv/app/groups.py", line 24, in <module>
    import importlib; importlib.import_module("badmod")
                      ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3.11/importlib/__init__.py", line 126, in import_module
    return _bootstrap._gcd_import(name[level:], package, level)
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "<frozen importlib._bootstrap>", line 1206, in _gcd_import
  File "<frozen importlib._bootstrap>", line 1178, in _find_and_load
  File "<frozen importlib._bootstrap>", line 1149, in _find_and_load_unlocked
  File "<frozen importlib._bootstrap>", line 690, in _load_unlocked
  File "<frozen importlib._bootstrap_external>", line 936, in exec_module
  File "<frozen importlib._bootstrap_external>", line 1074, in get_code
  File "<frozen importlib._bootstrap_external>", line 1004, in source_to_code
  File "<frozen importlib._bootstrap>", line 241, in _call_with_frames_removed
  File "/srv/app/badmod.py", line 1
    def broken(:
               ^
SyntaxError: invalid syntax
`;

/** CPython 3.11.2: code run by exec(), frames in <string>. */
export const STRING_FRAMES = `Traceback (most recent call last):
  File "/srv/app/groups.py", line 28, in <module>
    exec("def g():\\n    return 1/0\\ng()")
  File "<string>", line 3, in <module>
  File "<string>", line 2, in g
ZeroDivisionError: division by zero
`;

/** Hand-made: a worker on Windows (Python 3.10 style, no carets), with a multi-line message. */
export const WINDOWS = `Traceback (most recent call last):
  File "C:\\Python310\\Lib\\site-packages\\celery\\app\\trace.py", line 451, in trace_task
    R = retval = fun(*args, **kwargs)
  File "C:\\Users\\dev\\proj\\app\\tasks.py", line 12, in resize
    return images.resize(path, size)
  File "C:\\Users\\dev\\proj\\app\\images.py", line 40, in resize
    raise ValueError(f"bad size {size}")
  File "C:\\Python310\\Lib\\json\\decoder.py", line 3, in decode
    pass
ValueError: bad size 0
second line of the message
`;
