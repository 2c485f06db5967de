#!/usr/bin/env bash
# The VS Code tier: the extension's tests (test/vscode/*.test.ts) inside a real VS Code (code-server +
# headless Chromium, installed outside the repo by setup.sh), against the Redis test cluster.
#
#   bash scripts/vscode/run-tests.sh                  # every test/vscode/*.test.ts
#   bash scripts/vscode/run-tests.sh activation tree  # only files whose name contains one of the words
#   LENS_VSCODE_GREP='tree view' bash scripts/vscode/run-tests.sh   # mocha --grep
#
# Steps: rig setup (idempotent, < 1 s once installed), `npm run build` (dist/extension.js), compile
# test/vscode with tsc (out/test/vscode), start the test cluster (test/vscode/support/withCluster.ts),
# run the tests in code-server (run-in-code-server.sh), stop everything.
# Cluster: LENS_VSCODE_CLUSTERS=redis (default) | redis,amqp | none. When LENS_REDIS_BROKER_URL is already
# set, the caller provides the cluster and none is started.
# Output ends with `N passed, N failed, N skipped`; exit code 0 only if every test passed.
# Screenshots: .test-run/vscode/shots/, logs (code-server, extension host, page console): .test-run/vscode/logs/.
set -uo pipefail
cd "$(dirname "$0")/../.."

fail() { echo "vscode tier: $*" >&2; echo "0 passed, 1 failed, 0 skipped"; exit 1; }

bash scripts/vscode/setup.sh || fail "installing the VS Code test rig failed (see above)"

if [ $# -gt 0 ]; then
  LENS_VSCODE_FILES=$(IFS=,; echo "$*")
  export LENS_VSCODE_FILES
fi

if [ "${LENS_VSCODE_SKIP_BUILD:-0}" != 1 ]; then
  npm run --silent build || fail "npm run build failed"
fi
# tsc emits even when another part of the project has type errors; only a missing output is fatal here.
npx tsc -p test/vscode/tsconfig.json || echo "vscode tier: tsc reported type errors (running the emitted JS anyway)" >&2
[ -f out/test/vscode/index.js ] || fail "out/test/vscode/index.js was not emitted"

clusters=${LENS_VSCODE_CLUSTERS:-redis}
if [ "$clusters" = none ] || [ -n "${LENS_REDIS_BROKER_URL:-}" ]; then
  exec bash scripts/vscode/run-in-code-server.sh
fi
exec node out/test/vscode/support/withCluster.js --clusters "$clusters" -- bash scripts/vscode/run-in-code-server.sh
