"""Replay one Celery task locally, in this process, the way a worker ran it.

Shipped with the Celery Lens VS Code extension. Usage:

    python celery_lens_replay.py --spec SPEC.json [--out OUTCOME.json]

SPEC.json: {"app": "proj.celery:app" or "", "task": name, "id": task id, "args": [...],
"kwargs": {...}, "headers": {...}, "search_roots": [folders], "env_file": ".env path"}.

The task runs eagerly with ``task.apply`` under the same id, arguments and headers, so a
``bind=True`` task sees a real request and breakpoints in its code are hit. Eager runs store
nothing in the result backend, but everything the task itself does (database writes, e-mails,
messages it sends) happens for real. ``CELERY_LENS_REPLAY=1`` is set so the code can stub them.

Prints the result or the traceback, and the machine-readable outcome (JSON) to --out, or without
--out as the last line of stdout, prefixed ``celery-lens-replay-outcome:``. Exit status: 0 success, 1 the task
failed, 2 the task could not be run (app or task not found, bad spec).
"""
import argparse
import importlib
import json
import os
import re
import sys
import time
import traceback

OUTCOME_PREFIX = "celery-lens-replay-outcome: "
SKIPPED_DIRS = {".git", ".hg", "node_modules", "__pycache__", ".venv", "venv", "env", ".tox", ".nox",
                "site-packages", "dist-packages", "build", "dist", ".mypy_cache", ".pytest_cache"}
MAX_SCAN_DEPTH = 5


class SetupError(Exception):
    """The task could not be run at all (exit status 2), for a reason this helper names."""


def load_env_file(path):
    """Set KEY=value lines of a .env file that are not already in the environment."""
    if not path or not os.path.isfile(path):
        return
    with open(path, encoding="utf-8") as handle:
        for raw in handle:
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            match = re.match(r"^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$", line)
            if not match:
                continue
            key, value = match.group(1), match.group(2)
            if value[:1] in ("'", '"') and value.rfind(value[0]) > 0:
                value = value[1:value.rfind(value[0])]
            else:
                value = re.sub(r"\s+#.*$", "", value).strip()
            os.environ.setdefault(key, value)


def walk_dirs(root):
    """Directories below root (breadth-first, bounded depth), skipping virtualenvs and caches."""
    pending = [(root, 0)]
    while pending:
        folder, depth = pending.pop(0)
        yield folder
        if depth >= MAX_SCAN_DEPTH:
            continue
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        for name in names:
            path = os.path.join(folder, name)
            if name in SKIPPED_DIRS or name.startswith(".") or not os.path.isdir(path):
                continue
            pending.append((path, depth + 1))


def add_import_roots(roots, top_package):
    """Put each root, and the folder holding `top_package` below a root, first on sys.path."""
    found = []
    for root in roots:
        for folder in walk_dirs(root):
            if top_package and (os.path.isfile(os.path.join(folder, top_package, "__init__.py"))
                                or os.path.isfile(os.path.join(folder, top_package + ".py"))):
                found.append(folder)
                break
    for folder in reversed(found + list(roots)):
        if folder not in sys.path:
            sys.path.insert(0, folder)


def is_celery_app(value):
    from celery import Celery
    return isinstance(value, Celery)


def app_from_module(module_name, attribute=None):
    module = importlib.import_module(module_name)
    if attribute:
        value = module
        for part in attribute.split("."):
            value = getattr(value, part)
        return value
    for name in ("app", "celery"):
        if is_celery_app(getattr(module, name, None)):
            return getattr(module, name)
    for value in vars(module).values():
        if is_celery_app(value):
            return value
    raise SetupError(f"no Celery app in module {module_name}")


def module_name_for(path):
    """Dotted module name of a .py file, walking up through packages; and the folder to import it from."""
    folder, file_name = os.path.split(os.path.abspath(path))
    parts = [os.path.splitext(file_name)[0]]
    while os.path.isfile(os.path.join(folder, "__init__.py")):
        folder, package = os.path.split(folder)
        parts.insert(0, package)
    return ".".join(parts), folder


def scan_workspace_for_app(roots):
    """The first module below the roots that assigns `name = Celery(...)`."""
    pattern = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?:celery\.)?Celery\(", re.M)
    for root in roots:
        for folder in walk_dirs(root):
            for name in sorted(os.listdir(folder)):
                if not name.endswith(".py"):
                    continue
                path = os.path.join(folder, name)
                try:
                    with open(path, encoding="utf-8", errors="replace") as handle:
                        match = pattern.search(handle.read())
                except OSError:
                    continue
                if match:
                    module, import_root = module_name_for(path)
                    if import_root not in sys.path:
                        sys.path.insert(0, import_root)
                    return app_from_module(module, match.group(1)), f"{module}:{match.group(1)} (found in the workspace)"
    return None, None


def find_app(spec_app, task_name, roots):
    """The Celery app and how it was found: the setting, the task's own module, or a workspace scan."""
    if spec_app:
        module, _, attribute = spec_app.partition(":")
        return app_from_module(module, attribute or None), f"{spec_app} (celeryLens.app)"
    module_name, _, function = task_name.rpartition(".")
    if module_name:
        try:
            module = importlib.import_module(module_name)
            task = getattr(module, function, None)
            app = getattr(task, "app", None) or getattr(task, "_app", None)
            if is_celery_app(app):
                return app, f"the app of {task_name} (from its module {module_name})"
        except ImportError:
            pass
    app, how = scan_workspace_for_app(roots)
    if app is None:
        raise SetupError("no Celery app found: set celeryLens.app (e.g. proj.celery:app) or open the project's folder")
    return app, how


def find_task(app, name):
    app.loader.import_default_modules()
    tasks = app.tasks
    if name not in tasks:
        module_name = name.rpartition(".")[0]
        if module_name:
            try:
                importlib.import_module(module_name)
            except ImportError:
                pass
    if name not in tasks:
        raise SetupError(f"task {name} is not registered in the app {app.main!r}")
    return tasks[name]


def json_safe(value):
    return json.loads(json.dumps(value, default=repr))


def run_task(task, spec):
    """task.apply with the worker's id, arguments and headers; returns the EagerResult and runtime."""
    headers = dict(spec.get("headers") or {})
    headers.setdefault("id", spec["id"])
    headers.setdefault("task", spec["task"])
    delivery = headers.get("delivery_info") or {}
    started = time.monotonic()
    result = task.apply(
        args=spec.get("args") or [], kwargs=spec.get("kwargs") or {},
        task_id=spec["id"], retries=headers.get("retries") or 0, headers=headers, throw=False,
        exchange=delivery.get("exchange"), routing_key=delivery.get("routing_key"), priority=delivery.get("priority"),
    )
    return result, time.monotonic() - started


def describe(result, runtime):
    from celery.utils.saferepr import saferepr
    outcome = {"status": "SUCCESS" if result.successful() else "FAILURE", "runtime": round(runtime, 6)}
    value = result.result
    if result.successful():
        outcome["result"] = json_safe(value)
        outcome["result_repr"] = repr(value)
        outcome["result_saferepr"] = saferepr(value, 1024)
    else:
        exc_type = type(value)
        outcome["exception"] = {
            "type": getattr(exc_type, "__qualname__", exc_type.__name__),
            "module": exc_type.__module__,
            "message": json_safe(list(getattr(value, "args", ()))),
            "repr": repr(value),
        }
        outcome["traceback"] = result.traceback
    return outcome


def main(argv=None):
    parser = argparse.ArgumentParser(description="Replay a Celery task locally (Celery Lens).")
    parser.add_argument("--spec", required=True, help="the replay spec, JSON")
    parser.add_argument("--out", help="where to write the outcome, JSON")
    options = parser.parse_args(argv)
    os.environ["CELERY_LENS_REPLAY"] = "1"
    outcome = {"python": sys.executable}
    status = 2
    try:
        with open(options.spec, encoding="utf-8") as handle:
            spec = json.load(handle)
        load_env_file(spec.get("env_file"))
        roots = [os.path.abspath(r) for r in spec.get("search_roots") or [os.getcwd()]]
        add_import_roots(roots, spec["task"].split(".")[0])
        import celery
        outcome["celery"] = celery.__version__
        app, how = find_app(spec.get("app"), spec["task"], roots)
        outcome["app"] = how
        task = find_task(app, spec["task"])
        print(f"Replaying {spec['task']}[{spec['id']}] locally with {how}", flush=True)
        print(f"  args={spec.get('args')!r} kwargs={spec.get('kwargs')!r}", flush=True)
        result, runtime = run_task(task, spec)
        outcome.update(describe(result, runtime))
        if outcome["status"] == "SUCCESS":
            print(f"SUCCESS in {runtime:.3f}s: {outcome['result_repr']}", flush=True)
            status = 0
        else:
            print(f"FAILURE in {runtime:.3f}s:\n{outcome['traceback']}", flush=True)
            status = 1
    except Exception as exc:  # the task's own exceptions never get here (throw=False): this is setup
        outcome.update({"status": "ERROR", "error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()})
        print(f"Could not replay the task: {outcome['error']}", file=sys.stderr, flush=True)
    line = json.dumps(outcome, default=repr)
    if options.out:
        # Written whole then renamed: a reader polling for the file never sees half of it.
        partial = options.out + ".partial"
        with open(partial, "w", encoding="utf-8") as handle:
            handle.write(line)
        os.replace(partial, options.out)
    else:
        print(OUTCOME_PREFIX + line, flush=True)
    return status


if __name__ == "__main__":
    code = main()
    if code and "debugpy" in sys.modules:
        # Under debugpy a non-zero SystemExit counts as an uncaught exception and would stop the
        # debugger here, in the helper, after the task already ended: leave without raising one.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)
