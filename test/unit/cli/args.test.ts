import * as assert from 'node:assert/strict';
import { findCommand, jsonOption, numberOption, onlyPositional, parseCommandLine, UsageError } from '../../../src/cli/args';

const sendOptions = { args: { type: 'string' }, priority: { type: 'string' } } as const;

describe('(unit) cli args', () => {
  it('finds the command after global options that take values', () => {
    assert.deepEqual(findCommand(['--broker', 'redis://x', '--json', 'ping', '-d', 'w1']), {
      command: 'ping',
      rest: ['--broker', 'redis://x', '--json', '-d', 'w1'],
    });
  });

  it('accepts global options before and after the command', () => {
    const parsed = parseCommandLine(['--broker', 'redis://h/1', 'send', 'proj.add', '--args', '[1,2]', '--json', '--timeout', '250'], () => sendOptions);
    assert.equal(parsed.command, 'send');
    assert.deepEqual(parsed.positionals, ['proj.add']);
    assert.equal(parsed.globals.broker, 'redis://h/1');
    assert.equal(parsed.globals.json, true);
    assert.equal(parsed.globals.timeoutMs, 250);
    assert.equal(parsed.options.args, '[1,2]');
  });

  it('rejects unknown options and bad timeouts as usage errors', () => {
    assert.throws(() => parseCommandLine(['ping', '--nope'], () => ({})), UsageError);
    assert.throws(() => parseCommandLine(['--timeout', 'soon', 'ping'], () => ({})), /--timeout takes a positive number/);
    assert.throws(() => parseCommandLine(['--timeout', '0', 'ping'], () => ({})), UsageError);
  });

  it('rejects another command\'s options', () => {
    assert.throws(() => parseCommandLine(['ping', '--args', '[]'], () => ({})), UsageError);
  });

  it('validates JSON and numeric options with messages naming the option', () => {
    assert.deepEqual(jsonOption('[1, "a"]', '--args', 'array'), [1, 'a']);
    assert.throws(() => jsonOption('{"a":1}', '--args', 'array'), /--args must be a JSON array/);
    assert.throws(() => jsonOption('[1,', '--args', 'array'), /--args is not valid JSON/);
    assert.throws(() => jsonOption('[]', '--kwargs', 'object'), /--kwargs must be a JSON object/);
    assert.equal(numberOption('2.5', '--countdown'), 2.5);
    assert.equal(numberOption(undefined, '--countdown'), undefined);
    assert.throws(() => numberOption('-1', '--countdown'), /--countdown takes a number >= 0/);
    assert.throws(() => numberOption('1.5', '--limit', { integer: true, min: 1 }), /whole number/);
  });

  it('takes exactly one positional where a command needs one, saying what it needs otherwise', () => {
    assert.equal(onlyPositional(['celery'], 'peek needs exactly one queue name'), 'celery');
    for (const positionals of [[], [''], ['celery', 'other']]) {
      assert.throws(() => onlyPositional(positionals, 'peek needs exactly one queue name'), (err: unknown) =>
        err instanceof UsageError && err.message === 'peek needs exactly one queue name');
    }
  });
});
