#!/usr/bin/env bash
# `npm test`: dependencies, then every tier (check = type-check + lint, unit, integration), each
# tier's counts, and as the very last line the total: `N passed, N failed, N skipped`.
# Exits non-zero if anything failed. The check and build steps count as one test each.
set -uo pipefail
cd "$(dirname "$0")/.."

total_passed=0 total_failed=0 total_skipped=0
summary=()
tally_dir=$(mktemp -d)
trap 'rm -rf "$tally_dir"' EXIT

record() { # tier passed failed skipped
  total_passed=$((total_passed + $2)) total_failed=$((total_failed + $3)) total_skipped=$((total_skipped + $4))
  summary+=("$1: $2 passed, $3 failed, $4 skipped")
  echo "== $1: $2 passed, $3 failed, $4 skipped"
}

finish() {
  echo
  echo "== summary"
  printf '   %s\n' "${summary[@]}"
  echo "$total_passed passed, $total_failed failed, $total_skipped skipped"
  [ "$total_failed" -eq 0 ]
  exit
}

# Runs mocha for one tier with the tally reporter; a crash without counts is one failure.
mocha_tier() { # tier config spec-dir
  local tier=$1 config=$2 dir=$3 tally="$tally_dir/$1.json" status
  if [ -z "$(find "$dir" -name '*.test.js' -print -quit 2>/dev/null)" ]; then
    echo "== $tier: no tests"; record "$tier" 0 0 0; return
  fi
  LENS_TALLY_FILE="$tally" npx mocha --config "$config" --reporter ./scripts/mocha-tally-reporter.js
  status=$?
  if [ -f "$tally" ]; then
    local counts
    counts=$(node -e 'const t = require(process.argv[1]); console.log(t.passed, t.failed, t.skipped)' "$tally")
    read -r passed failed skipped <<<"$counts"
    # Mocha failed for a reason its stats do not show (e.g. an exception after the run).
    if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
    record "$tier" "$passed" "$failed" "$skipped"
  else
    echo "== $tier: mocha exited with status $status before reporting results"
    record "$tier" 0 1 0
  fi
}

echo "== dependencies"
if ! bash scripts/install-deps.sh; then
  echo "== dependencies: install failed"; record dependencies 0 1 0; finish
fi

echo "== check (tsc --noEmit + eslint)"
if npm run --silent check; then record check 1 0 0; else record check 0 1 0; fi

echo "== compile (tsc to out/)"
# tsc emits even with type errors (the check tier reports those), so the tests still run.
npx tsc -p tsconfig.json >/dev/null || echo "   (type errors: see the check tier)"

echo "== unit"
mocha_tier unit .mocharc.unit.json out/test/unit

echo "== build (esbuild to dist/)"
# A failed bundle is one failure; the integration tier still runs (tests not using the CLI are informative).
if npm run --silent build; then record build 1 0 0; else record build 0 1 0; fi

echo "== integration"
mocha_tier integration .mocharc.integration.json out/test/integration

finish
