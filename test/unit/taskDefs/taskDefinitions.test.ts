import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { findTaskDefinitions, keywordOptions, stringLiteral } from '../../../src/core/taskDefs/taskDefinitions';
import { generatedTaskName, matchTaskName, moduleName } from '../../../src/core/taskDefs/taskNaming';
import { taskLensTitle } from '../../../src/core/presentation/taskLens';

const APP = [resolve(__dirname, '../../../../test/fixtures/celery_app'), resolve(__dirname, '../../../test/fixtures/celery_app')]
  .find((dir) => existsSync(resolve(dir, 'lens_testapp/tasks.py'))) as string;

const HAND_MADE = `from celery import shared_task
import celery_app as capp

@shared_task
def plain():  # a comment
    pass

@shared_task(bind=True, name="billing.charge",
             autoretry_for=(IOError, KeyError), max_retries=3)
@some.other_decorator
async def charge(self, amount):
    return amount

@capp.app.task(
    name='reports.build',  # why: legacy name
    rate_limit="10/m",
)
def build(): ...

@app.tasks_registry  # not a task decorator
def helper():
    pass

@app.task(name=f"dynamic.{x}")
def dynamic():
    pass

@app.task(unbalanced=(
def broken():
    pass
`;

describe('(unit) taskDefs/findTaskDefinitions', () => {
  it('finds the test app tasks (module path + function name) with their options', () => {
    const file = resolve(APP, 'lens_testapp/tasks.py');
    const source = readFileSync(file, 'utf8');
    const defs = findTaskDefinitions(source);
    const module = moduleName(file, (dir) => existsSync(resolve(dir, '__init__.py')));
    assert.equal(module, 'lens_testapp.tasks');
    assert.deepEqual(defs.map((d) => generatedTaskName(d, module)), [
      'add', 'echo', 'fail_nested', 'sleeper', 'sleeper_late', 'flaky', 'spawner', 'prioritized', 'rejecter', 'fail_chained', 'fail_while_handling',
    ].map((n) => `lens_testapp.tasks.${n}`));
    const lines = source.split('\n');
    for (const d of defs) {
      assert.match(lines[d.line - 1] ?? '', new RegExp(`^def ${d.functionName}\\(`));
      assert.equal(lines[d.line - 1]?.slice(d.column, d.column + d.functionName.length), d.functionName);
      assert.match(lines[d.decoratorLine - 1] ?? '', /^@app\.task/);
    }
    const flaky = defs.find((d) => d.functionName === 'flaky');
    assert.deepEqual(flaky?.options, { bind: 'True', autoretry_for: '(IOError,)', max_retries: '2', default_retry_delay: '1' });
  });

  it('reads shared_task, multi-line decorators, name=, stacked decorators and async def; skips the rest', () => {
    const defs = findTaskDefinitions(HAND_MADE);
    assert.deepEqual(defs.map((d) => [d.functionName, d.decorator, d.explicitName, d.decoratorLine, d.line]), [
      ['plain', 'shared_task', undefined, 4, 5],
      ['charge', 'shared_task', 'billing.charge', 8, 11],
      ['build', 'capp.app.task', 'reports.build', 14, 18],
      ['dynamic', 'app.task', undefined, 24, 25],
    ]);
    assert.deepEqual(defs[1]?.options, { bind: 'True', name: '"billing.charge"', autoretry_for: '(IOError, KeyError)', max_retries: '3' });
    assert.equal(defs[2]?.options.rate_limit, '"10/m"');
    assert.deepEqual(findTaskDefinitions(undefined as unknown as string), []);
  });

  it('helpers: keyword options and string literals', () => {
    assert.deepEqual(keywordOptions(`a=1, b="x,y", c=(1, 2), d={'k': 'v'}`), { a: '1', b: '"x,y"', c: '(1, 2)', d: "{'k': 'v'}" });
    assert.equal(stringLiteral(`'it\\'s'`), "it's");
    assert.equal(stringLiteral('f"x{y}"'), undefined);
    assert.equal(stringLiteral('x'), undefined);
  });
});

describe('(unit) taskDefs/taskNaming', () => {
  it('module path stops at the first folder without __init__.py', () => {
    const packages = new Set(['/ws/src/shop', '/ws/src/shop/billing']);
    assert.equal(moduleName('/ws/src/shop/billing/tasks.py', (d) => packages.has(d)), 'shop.billing.tasks');
    assert.equal(moduleName('/ws/src/shop/billing/__init__.py', (d) => packages.has(d)), 'shop.billing');
    assert.equal(moduleName('/ws/scripts/jobs.py', (d) => packages.has(d)), 'jobs');
    assert.equal(moduleName('C:\\ws\\src\\shop\\tasks.py', (d) => packages.has(d.replace('C:/ws', '/ws'))), 'shop.tasks');
    assert.equal(dirname('/ws/src/shop/tasks.py'), '/ws/src/shop');
  });

  it('matches the reported name: exact, else the unique longest dotted suffix', () => {
    const reported = ['proj.shop.tasks.charge', 'lens_testapp.tasks.add', 'other.tasks.add', 'x.tasks.add'];
    assert.equal(matchTaskName('lens_testapp.tasks.add', reported), 'lens_testapp.tasks.add');
    assert.equal(matchTaskName('shop.tasks.charge', reported), 'proj.shop.tasks.charge');
    assert.equal(matchTaskName('tasks.add', ['other.tasks.add', 'x.tasks.add']), 'tasks.add', 'a tie keeps the generated name');
    assert.equal(matchTaskName('a.b', []), 'a.b');
  });
});

describe('(unit) presentation/taskLens', () => {
  it('says runs, failures, percentiles and the last failure over the window', () => {
    const stats = { windowSeconds: 3600, runs: 12, succeeded: 10, failures: 2, retries: 1, revoked: 0, rejected: 0, p50: 0.12, p95: 1.2, p99: 2, meanRuntime: 0.3 };
    assert.equal(taskLensTitle(stats, 1000, 1180), '12 runs · 2 failures · 1 retry · p50 120 ms · p95 1.20 s · last failure 3m ago (1 h)');
    assert.equal(taskLensTitle({ ...stats, runs: 0, failures: 0, retries: 0, p50: undefined, p95: undefined }, undefined, 0), 'no runs in the last 1 h');
    assert.equal(taskLensTitle(undefined, undefined, 0), 'no runs in the last 1 h');
  });
});
