/**
 * Celery's naming rule for tasks — the module's dotted path, a dot, the function name, unless the
 * decorator gives `name=` — and matching the result to the names workers actually report (which
 * also covers projects whose import root is not where the package walk stops).
 */
import type { TaskDefinition } from './taskDefinitions';

/**
 * The dotted module path of a Python file: its name plus each enclosing folder that is a package
 * (holds an `__init__.py`), e.g. `/ws/app/lens_testapp/tasks.py` → `lens_testapp.tasks`.
 * `isPackage(dir)` answers for folders (paths with `/` separators).
 */
export function moduleName(file: string, isPackage: (dir: string) => boolean): string {
  const parts = file.replace(/\\/g, '/').split('/');
  const base = (parts.pop() ?? '').replace(/\.pyw?$/, '');
  const names = base === '__init__' ? [] : [base];
  while (parts.length > 1 && isPackage(parts.join('/'))) names.unshift(parts.pop() as string);
  if (base === '__init__' && names.length === 0) names.push(parts[parts.length - 1] ?? base);
  return names.join('.');
}

/** The name Celery gives the task (before looking at what workers report). */
export function generatedTaskName(definition: TaskDefinition, module: string): string {
  return definition.explicitName ?? (module ? `${module}.${definition.functionName}` : definition.functionName);
}

/**
 * The reported name this definition runs as: the generated name if a worker reports it, else the
 * reported name sharing the longest dotted suffix with it (at least module + function), unless two
 * tie. Falls back to the generated name.
 */
export function matchTaskName(generated: string, reported: Iterable<string>): string {
  const want = generated.split('.');
  let best: string | undefined;
  let bestScore = 1;
  let tie = false;
  for (const name of reported) {
    if (name === generated) return name;
    const have = name.split('.');
    let n = 0;
    while (n < want.length && n < have.length && want[want.length - 1 - n] === have[have.length - 1 - n]) n++;
    if (n > bestScore) {
      best = name;
      bestScore = n;
      tie = false;
    } else if (n === bestScore && n > 1) {
      tie = true;
    }
  }
  return best !== undefined && !tie ? best : generated;
}
