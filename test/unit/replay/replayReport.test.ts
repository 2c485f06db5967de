import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TaskMeta } from '../../../src/core/backend/taskMeta';
import { debugLaunchConfig, DEBUGPY_EXTENSION_TYPE, OWN_DEBUG_TYPE, REPLAY_SESSION_KEY, shellCommandLine } from '../../../src/core/replay/launchConfig';
import { recoverArguments } from '../../../src/core/replay/replayArguments';
import { replayConfirmation } from '../../../src/core/replay/replayConfirmation';
import { compareRuns, originalRun, renderReplayReport } from '../../../src/core/replay/replayReport';
import { isOutcome, parseReplayOutcome, type ReplayOutcome } from '../../../src/core/replay/replaySpec';

const FIXTURES = [resolve(__dirname, '../../../../test/fixtures/replay'), resolve(__dirname, '../../../test/fixtures/replay')];

/** An outcome the helper wrote (recorded with /usr/bin/python3 against the test app). */
function recorded(name: 'failure' | 'success' | 'error'): ReplayOutcome {
  const dir = FIXTURES.find((d) => { try { readFileSync(resolve(d, `outcome-${name}.json`)); return true; } catch { return false; } }) ?? FIXTURES[0];
  const parsed = parseReplayOutcome(readFileSync(resolve(dir, `outcome-${name}.json`), 'utf8'));
  assert.ok(isOutcome(parsed), JSON.stringify(parsed));
  return parsed;
}

const failedMeta = {
  kind: 'task-meta', taskId: 't1', status: 'FAILURE', children: [], size: 1, traceback: 'Traceback...\nlens_testapp.errors.LensTestError: (...)',
  result: { exc_type: 'LensTestError', exc_module: 'lens_testapp.errors', exc_message: ['value out of range: 42', 7] },
  name: 'lens_testapp.tasks.fail_nested', args: [21], kwargs: {}, worker: 'lens1@host',
} as TaskMeta;

describe('(unit) replay/outcome and report', () => {
  it("parses the helper's recorded outcomes", () => {
    const failure = recorded('failure');
    assert.equal(failure.status, 'FAILURE');
    assert.deepEqual(failure.exception, { type: 'LensTestError', module: 'lens_testapp.errors', message: ['value out of range: 42', 7], repr: "LensTestError('value out of range: 42', 7)" });
    assert.match(failure.traceback ?? '', /in check_range/);
    const success = recorded('success');
    assert.equal(success.status, 'SUCCESS');
    assert.equal(success.result, 5);
    assert.equal(success.resultSaferepr, '5');
    const error = recorded('error');
    assert.equal(error.status, 'ERROR');
    assert.match(error.error ?? '', /not registered/);
    assert.deepEqual(parseReplayOutcome('{"status": "MAYBE"}'), { error: 'unknown outcome status "MAYBE"' });
    assert.match((parseReplayOutcome('{') as { error: string }).error, /not JSON/);
  });

  it('reproduced: the same exception as the stored result', () => {
    const original = originalRun({ state: 'FAILURE' }, failedMeta);
    assert.deepEqual(compareRuns(original, recorded('failure')), { verdict: 'reproduced', reason: "same exception: LensTestError('value out of range: 42', 7)" });
  });

  it('reproduced from events only: the exception repr', () => {
    const original = originalRun({ state: 'FAILURE', exception: "LensTestError('value out of range: 42', 7)" });
    assert.equal(compareRuns(original, recorded('failure')).verdict, 'reproduced');
  });

  it('differs: another message, another type, or a success', () => {
    const otherMessage = { ...failedMeta, result: { exc_type: 'LensTestError', exc_module: 'lens_testapp.errors', exc_message: ['value out of range: 8', 7] } } as TaskMeta;
    assert.match(compareRuns(originalRun({ state: 'FAILURE' }, otherMessage), recorded('failure')).reason, /same exception type \(LensTestError\), different message/);
    const otherType = { ...failedMeta, result: { exc_type: 'KeyError', exc_module: 'builtins', exc_message: ['x'] } } as TaskMeta;
    assert.equal(compareRuns(originalRun({ state: 'FAILURE' }, otherType), recorded('failure')).verdict, 'differs');
    assert.match(compareRuns(originalRun({ state: 'FAILURE' }, failedMeta), recorded('success')).reason, /the replay succeeded/);
  });

  it('success: same stored result, or same repr', () => {
    const meta = { kind: 'task-meta', taskId: 't', status: 'SUCCESS', result: 5, traceback: null, children: [], size: 1 } as TaskMeta;
    assert.equal(compareRuns(originalRun({ state: 'SUCCESS' }, meta), recorded('success')).verdict, 'reproduced');
    assert.equal(compareRuns(originalRun({ state: 'SUCCESS' }, { ...meta, result: 6 }), recorded('success')).verdict, 'differs');
    assert.equal(compareRuns(originalRun({ state: 'SUCCESS', result: '5' }), recorded('success')).verdict, 'reproduced');
    assert.equal(compareRuns(originalRun({ state: 'STARTED' }), recorded('success')).verdict, 'unknown');
    assert.equal(compareRuns(originalRun({ state: 'FAILURE' }, failedMeta), recorded('error')).verdict, 'not-run');
  });

  it('renders both runs side by side with the verdict and the source of the arguments', () => {
    const args = recoverArguments({ task: { id: 't1' }, meta: failedMeta });
    const text = renderReplayReport({
      taskId: 't1', name: 'lens_testapp.tasks.fail_nested', mode: 'debug', args, ran: { args: [21], kwargs: {}, source: args.sourceLabel },
      original: originalRun({ state: 'FAILURE', runtime: 0.01 }, failedMeta), outcome: recorded('failure'), exitCode: 1, python: '/usr/bin/python3',
    });
    assert.match(text, /^# ✅ Reproduced: lens_testapp\.tasks\.fail_nested t1\n/);
    assert.match(text, /Arguments from \*\*the extended result record \(result_extended\)\*\*\./);
    assert.match(text, /\| Outcome \| FAILURE \| FAILURE \(exit 1\) \|/);
    assert.match(text, /\| Exception \| lens_testapp\.errors\.LensTestError: \["value out of range: 42",7\] \| lens_testapp\.errors\.LensTestError: \["value out of range: 42",7\] \|/);
    assert.match(text, /\| Where \| lens1@host \| this machine \|/);
    assert.match(text, /## Original traceback\n\n```\nTraceback\.\.\./);
    assert.match(text, /## Replay traceback\n\n```\nTraceback \(most recent call last\):/);
    assert.match(text, /args {3}= \[21\]/);
  });
});

describe('(unit) replay/launch configuration and confirmation', () => {
  const input = {
    files: { helper: '/ext/media/python/celery_lens_replay.py', spec: '/tmp/r/spec.json', out: '/tmp/r/outcome.json' },
    python: '/usr/bin/python3', cwd: '/ws', env: { A: '1' }, justMyCode: false, title: 'Debug add 1234', replayId: 'r-1',
  };

  it("is of type debugpy with the Python Debugger extension, else Celery Lens's own; same debugpy attributes", () => {
    const own = debugLaunchConfig({ ...input, useDebugpyExtension: false });
    const ext = debugLaunchConfig({ ...input, useDebugpyExtension: true });
    assert.equal(own.type, OWN_DEBUG_TYPE);
    assert.equal(ext.type, DEBUGPY_EXTENSION_TYPE);
    assert.deepEqual({ ...own, type: undefined }, { ...ext, type: undefined });
    assert.deepEqual(own, {
      type: OWN_DEBUG_TYPE, request: 'launch', name: 'Debug add 1234', program: input.files.helper,
      args: ['--spec', '/tmp/r/spec.json', '--out', '/tmp/r/outcome.json'], python: '/usr/bin/python3', cwd: '/ws',
      env: { A: '1', CELERY_LENS_REPLAY: '1' }, justMyCode: false, console: 'internalConsole', redirectOutput: true, [REPLAY_SESSION_KEY]: 'r-1',
    });
  });

  it('quotes a terminal command line', () => {
    assert.equal(shellCommandLine('/opt/my python/bin/python', { ...input.files, spec: "/tmp/it's/spec.json" }),
      `'/opt/my python/bin/python' /ext/media/python/celery_lens_replay.py --spec '/tmp/it'\\''s/spec.json' --out /tmp/r/outcome.json`);
  });

  it('the confirmation says the side effects happen for real, here', () => {
    const text = replayConfirmation({ mode: 'debug', name: 'shop.charge', taskId: 't1', python: '/usr/bin/python3', source: 'the extended result record', workspace: '/ws' });
    assert.match(text.message, /^Debug shop\.charge t1 on this machine\? Its side effects will happen for real\.$/);
    assert.match(text.detail, /runs here with \/usr\/bin\/python3, with the arguments from the extended result record/);
    assert.match(text.detail, /happens for real/);
    assert.match(text.detail, /CELERY_LENS_REPLAY=1/);
    assert.equal(text.button, 'Debug Locally');
  });
});
