#!/usr/bin/env bash
# Runs some integration test files with the harness, e.g.
#   bash scripts/run-integration.sh out/test/integration/harness.test.js
# (`mocha --config .mocharc.integration.json FILE` would run FILE *plus* every spec in the config.)
# Compiles first; builds dist/ when LENS_BUILD=1. With no files, runs the whole integration tier.
set -uo pipefail
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.json >/dev/null || echo "(tsc reported type errors; running the emitted JS anyway)" >&2
if [ "${LENS_BUILD:-0}" = 1 ]; then npm run --silent build || exit 1; fi
if [ $# -eq 0 ]; then exec npx mocha --config .mocharc.integration.json; fi
exec npx mocha --require out/test/integration/support/hooks.js --timeout 60000 --enable-source-maps --reporter spec "$@"
