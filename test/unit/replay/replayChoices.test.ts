/**
 * The decisions behind "Replay/Debug Locally" that the VS Code layer only wires: which interpreter,
 * which debug route (and what is said when there is no debugpy), the launch configuration of each
 * route, the spec's `.env`, and which arguments run (the editable draft when they are not exact).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { chooseDebugRoute, noDebugpyPrompt, type NoDebugpyPrompt } from '../../../src/core/replay/debugRoute';
import { chooseInterpreter, pythonFromExtensionApi, type PythonExtensionApi } from '../../../src/core/replay/interpreterChoice';
import { debugLaunchConfig, debugLaunchInput, DEBUGPY_EXTENSION_TYPE, OWN_DEBUG_TYPE } from '../../../src/core/replay/launchConfig';
import { recoverArguments } from '../../../src/core/replay/replayArguments';
import { replaySpecFor } from '../../../src/core/replay/replaySpec';
import { chooseRunArguments, RUN_EDITED, type ArgumentsEditor } from '../../../src/core/replay/runArguments';
import { debugpyVersion } from '../../../src/vscode/replay/debugpyProbe';

const FIXTURES = [resolve(__dirname, '../../../../test/fixtures/replay'), resolve(__dirname, '../../../test/fixtures/replay')]
  .find((dir) => existsSync(resolve(dir, 'python-without-debugpy'))) ?? resolve(__dirname, '../../../../test/fixtures/replay');
/** /usr/bin/python3 that cannot import debugpy. */
const PYTHON_WITHOUT_DEBUGPY = resolve(FIXTURES, 'python-without-debugpy');
/** Debian's python3 with python3-debugpy (the machine's setup). */
const PYTHON_WITH_DEBUGPY = '/usr/bin/python3';

describe('(unit) replay/interpreter choice', () => {
  const never = () => Promise.reject(new Error('the Python extension must not be asked'));

  it('celeryLens.replay.python wins, and the Python extension is not asked then', async () => {
    assert.deepEqual(await chooseInterpreter({ setting: ' /opt/venv/bin/python ', pythonExtension: never }), { python: '/opt/venv/bin/python', from: 'celeryLens.replay.python' });
  });

  it("else the Python extension's selection, else python3 from PATH", async () => {
    for (const setting of [undefined, '', '   ']) {
      assert.deepEqual(await chooseInterpreter({ setting, pythonExtension: async () => '/ws/.venv/bin/python' }),
        { python: '/ws/.venv/bin/python', from: "the Python extension's selected environment" });
      assert.deepEqual(await chooseInterpreter({ setting, pythonExtension: async () => undefined }), { python: 'python3', from: 'python3 on PATH' });
    }
  });

  it("reads the Python extension's API: the active environment resolved to its executable, else the older execCommand", async () => {
    const resource = { folder: '/ws' };
    const asked: unknown[] = [];
    const api: PythonExtensionApi<typeof resource> = {
      environments: {
        getActiveEnvironmentPath: (r) => { asked.push(r); return { path: '/ws/.venv' }; },
        resolveEnvironment: async (env) => (typeof env !== 'string' && env.path === '/ws/.venv' ? { executable: { uri: { fsPath: '/ws/.venv/bin/python3' } } } : undefined),
      },
      settings: { getExecutionDetails: () => ({ execCommand: ['/never'] }) },
    };
    assert.equal(await pythonFromExtensionApi(api, resource), '/ws/.venv/bin/python3');
    assert.deepEqual(asked, [resource], 'asked for the workspace folder');
    // Not resolvable: the active path itself.
    assert.equal(await pythonFromExtensionApi({ environments: { getActiveEnvironmentPath: () => ({ path: '/usr/bin/python3.11' }), resolveEnvironment: async () => undefined } }), '/usr/bin/python3.11');
    // An older extension without the environments API.
    assert.equal(await pythonFromExtensionApi({ settings: { getExecutionDetails: () => ({ execCommand: ['/opt/py/bin/python', '-X'] }) } }), '/opt/py/bin/python');
  });

  it('an API that is missing or throws gives no selection (python3 then), never an error', async () => {
    assert.equal(await pythonFromExtensionApi(undefined), undefined);
    assert.equal(await pythonFromExtensionApi({}), undefined);
    const throwing: PythonExtensionApi<never> = { environments: { getActiveEnvironmentPath: () => ({ path: '/p' }), resolveEnvironment: () => Promise.reject(new Error('boom')) } };
    assert.equal(await pythonFromExtensionApi(throwing), undefined);
    assert.equal((await chooseInterpreter({ setting: undefined, pythonExtension: () => pythonFromExtensionApi(throwing) })).python, 'python3');
  });
});

describe('(unit) replay/debug route', function () {
  this.timeout(30_000);

  it('debugpyVersion: a version from a python with debugpy; undefined without it, or when the interpreter does not run', async () => {
    assert.match(await debugpyVersion(PYTHON_WITH_DEBUGPY) ?? '', /^\d+\.\d+/);
    assert.equal(await debugpyVersion(PYTHON_WITHOUT_DEBUGPY), undefined);
    assert.equal(await debugpyVersion(resolve(FIXTURES, 'no-such-python')), undefined);
  });

  /** A probe over the real debugpyVersion; `answer` is the button the user picks (undefined: dismissed). */
  function probe(python: string, hasDebugpyExtension: boolean, answer?: (p: NoDebugpyPrompt) => string | undefined) {
    const asked: NoDebugpyPrompt[] = [];
    const copied: string[] = [];
    const probed: string[] = [];
    return {
      asked, copied, probed,
      route: chooseDebugRoute({
        python, hasDebugpyExtension,
        debugpyVersion: (p) => { probed.push(p); return debugpyVersion(p); },
        ask: async (p) => { asked.push(p); return answer?.(p); },
        copyToClipboard: async (text) => { copied.push(text); },
      }),
    };
  }

  it('the Python Debugger extension installed: its debugpy type, without probing the interpreter', async () => {
    const p = probe(PYTHON_WITHOUT_DEBUGPY, true);
    assert.equal(await p.route, 'debugpy-extension');
    assert.deepEqual([p.probed, p.asked], [[], []]);
  });

  it("no extension, debugpy in the interpreter: Celery Lens's own adapter, nothing asked", async () => {
    const p = probe(PYTHON_WITH_DEBUGPY, false);
    assert.equal(await p.route, 'own-adapter');
    assert.deepEqual(p.probed, [PYTHON_WITH_DEBUGPY]);
    assert.deepEqual(p.asked, []);
  });

  it('no debugpy at all: says how to install it and offers a terminal run', async () => {
    const p = probe(PYTHON_WITHOUT_DEBUGPY, false, (prompt) => prompt.terminal);
    assert.equal(await p.route, 'terminal');
    assert.equal(p.asked.length, 1);
    const [prompt] = p.asked;
    assert.deepEqual(prompt, noDebugpyPrompt(PYTHON_WITHOUT_DEBUGPY));
    assert.match(prompt.message, /debugpy is not installed for .*python-without-debugpy, and the Python Debugger extension is not installed/);
    assert.ok(prompt.detail.includes(`${PYTHON_WITHOUT_DEBUGPY} -m pip install debugpy`), prompt.detail);
    assert.match(prompt.detail, /apt install python3-debugpy/);
    assert.match(prompt.detail, /ms-python\.debugpy/);
    assert.equal(prompt.terminal, 'Run in Terminal (no debugger)');
    assert.deepEqual(p.copied, []);
  });

  it('"Copy Install Command" copies the pip command and runs nothing; dismissing runs nothing', async () => {
    const copy = probe(PYTHON_WITHOUT_DEBUGPY, false, (prompt) => prompt.copy);
    assert.equal(await copy.route, undefined);
    assert.deepEqual(copy.copied, [`${PYTHON_WITHOUT_DEBUGPY} -m pip install debugpy`]);
    const dismissed = probe(PYTHON_WITHOUT_DEBUGPY, false);
    assert.equal(await dismissed.route, undefined);
    assert.deepEqual(dismissed.copied, []);
  });
});

describe('(unit) replay/launch configuration per route, and the spec', () => {
  const base = {
    files: { helper: '/ext/media/python/celery_lens_replay.py', spec: '/tmp/r/spec.json', out: '/tmp/r/outcome.json' },
    python: '/ws/.venv/bin/python', cwd: '/ws', env: {}, title: 'Debug add 1234', replayId: 'r-9',
  };

  it('each route gets its debug type; justMyCode follows the setting (unset: true); CELERY_LENS_REPLAY=1; the helper is the program', () => {
    const ext = debugLaunchConfig(debugLaunchInput('debugpy-extension', undefined, base));
    assert.equal(ext.type, DEBUGPY_EXTENSION_TYPE);
    assert.equal(ext.justMyCode, true);
    const own = debugLaunchConfig(debugLaunchInput('own-adapter', false, base));
    assert.equal(own.type, OWN_DEBUG_TYPE);
    assert.equal(own.justMyCode, false);
    assert.equal(debugLaunchConfig(debugLaunchInput('own-adapter', true, base)).justMyCode, true);
    for (const config of [ext, own]) {
      assert.deepEqual(config.env, { CELERY_LENS_REPLAY: '1' });
      assert.equal(config.program, base.files.helper);
      assert.deepEqual(config.args, ['--spec', base.files.spec, '--out', base.files.out]);
      assert.equal(config.python, base.python);
      assert.equal(config.cwd, '/ws');
    }
  });

  it("the spec carries the first workspace folder's .env when it exists, and no .env without a workspace", () => {
    const input = { app: '', task: 'proj.add', id: 'id-1', ran: { args: [1], kwargs: { b: 2 } }, headers: { retries: 0 }, folders: ['/ws', '/other'] };
    const checked: string[] = [];
    const spec = replaySpecFor({ ...input, exists: (p) => { checked.push(p); return true; } });
    assert.deepEqual(spec, { app: undefined, task: 'proj.add', id: 'id-1', args: [1], kwargs: { b: 2 }, headers: { retries: 0 }, search_roots: ['/ws', '/other'], env_file: '/ws/.env' });
    assert.deepEqual(checked, ['/ws/.env']);
    assert.equal(replaySpecFor({ ...input, exists: () => false }).env_file, undefined);
    assert.equal(replaySpecFor({ ...input, folders: [], exists: () => true }).env_file, undefined);
    assert.equal(replaySpecFor({ ...input, app: 'proj.celery:app', exists: () => false }).app, 'proj.celery:app');
  });
});

describe('(unit) replay/arguments to run (exact, given, or the edited draft)', () => {
  /** An editor whose user answers each prompt with `steps` in turn: the text to leave in the document, then the button. */
  function editor(steps: Array<{ edit?: (text: string) => string; button?: string }>) {
    const log = { opened: [] as string[], prompts: [] as string[], errors: [] as string[] };
    let text = '';
    const e: ArgumentsEditor = {
      open: async (t) => { log.opened.push(t); text = t; },
      ask: async (message, run) => {
        assert.equal(run, RUN_EDITED);
        log.prompts.push(message);
        const step = steps.shift();
        assert.ok(step, 'asked more often than expected');
        if (step.edit) text = step.edit(text);
        return step.button;
      },
      text: () => text,
      showError: (m) => log.errors.push(m),
    };
    return { e, log };
  }
  const truncated = recoverArguments({ task: { id: 't-1', name: 'proj.tasks.total', args: '([1, 2, ...], 3)', kwargs: "{'scale': 2}" } });
  const unknown = recoverArguments({ task: { id: 't-2', name: 'proj.tasks.total' } });

  it('a truncated repr opens the prefilled draft; the edited arguments run', async () => {
    assert.equal(truncated.exact, false);
    const { e, log } = editor([{ edit: (t) => t.replace(/"args": \[[\s\S]*?\n {2}\],/, '"args": [[1, 2, 3, 4], 3],'), button: RUN_EDITED }]);
    const ran = await chooseRunArguments('t-1', truncated, undefined, e);
    assert.equal(log.opened.length, 1);
    assert.match(log.opened[0], /^\/\/ Arguments to replay proj\.tasks\.total t-1 with, as JSON\./);
    assert.match(log.opened[0], /\/\/ args repr: {3}\(\[1, 2, \.\.\.\], 3\)/);
    assert.match(log.opened[0], /"scale": 2/, 'prefilled with what could be read');
    assert.match(log.prompts[0], /The arguments of proj\.tasks\.total are only a draft from the task-received event's repr/);
    assert.deepEqual(ran, { args: [[1, 2, 3, 4], 3], kwargs: { scale: 2 }, source: "arguments edited as JSON (draft from the task-received event's repr)" });
  });

  it('invalid JSON is reported and asked again; cancelling runs nothing', async () => {
    const { e, log } = editor([{ edit: (t) => t.replace('"kwargs"', '"kwargs'), button: RUN_EDITED }, { edit: (t) => t.replace('"kwargs', '"kwargs"'), button: RUN_EDITED }]);
    const ran = await chooseRunArguments('t-1', truncated, undefined, e);
    assert.equal(log.errors.length, 1);
    assert.match(log.errors[0], /^Celery Lens: the arguments are not valid JSON/);
    assert.equal(log.prompts.length, 2);
    assert.ok(ran);
    assert.deepEqual(ran.kwargs, { scale: 2 });
    const cancelled = editor([{ button: 'Cancel' }]);
    assert.equal(await chooseRunArguments('t-1', truncated, undefined, cancelled.e), undefined);
    const dismissed = editor([{}]);
    assert.equal(await chooseRunArguments('t-1', truncated, undefined, dismissed.e), undefined);
  });

  it('unknown arguments open an empty draft that says so', async () => {
    assert.equal(unknown.source, 'none');
    const { e, log } = editor([{ button: RUN_EDITED }]);
    assert.deepEqual(await chooseRunArguments('t-2', unknown, undefined, e), { args: [], kwargs: {}, source: 'arguments edited as JSON (draft from nothing: the arguments are unknown)' });
    assert.match(log.prompts[0], /The arguments of proj\.tasks\.total are unknown/);
  });

  it('exact arguments and arguments given to the command run without opening anything', async () => {
    const fromEvent = recoverArguments({ task: { id: 't-3', name: 'proj.tasks.total', args: '([1, 2], 3)', kwargs: '{}' } });
    assert.equal(fromEvent.exact, true);
    const untouched = editor([]);
    assert.deepEqual(await chooseRunArguments('t-3', fromEvent, undefined, untouched.e), { args: [[1, 2], 3], kwargs: {}, source: "the task-received event's repr" });
    assert.deepEqual(await chooseRunArguments('t-1', truncated, { args: [9], kwargs: {} }, untouched.e), { args: [9], kwargs: {}, source: 'arguments edited as JSON (given to the command)' });
    assert.deepEqual(untouched.log.opened, []);
  });
});
