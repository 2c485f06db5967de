#!/usr/bin/env bash
# `npm test`: dependencies, then every tier (check = type-check + lint, unit, browser, integration, vscode), each
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
  record_tally "$tier" "$status" "$tally"
}

# Records a tier from the JSON counts its runner wrote to $LENS_TALLY_FILE; no counts is one failure.
record_tally() { # tier exit-status tally-file
  local tier=$1 status=$2 tally=$3
  if [ -f "$tally" ]; then
    local counts passed failed skipped
    counts=$(node -e 'const t = require(process.argv[1]); console.log(t.passed, t.failed, t.skipped)' "$tally")
    read -r passed failed skipped <<<"$counts"
    # The runner failed for a reason its stats do not show (e.g. an exception after the run).
    if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
    record "$tier" "$passed" "$failed" "$skipped"
  else
    echo "== $tier: exited with status $status before reporting results"
    record "$tier" 0 1 0
  fi
}

# The extension's tests in a real VS Code (code-server + headless Chromium, installed outside the repo by
# scripts/vscode/setup.sh: ~2.5 min the first time, network needed). A rig that cannot be installed is a
# failure, never a skip.
vscode_tier() {
  if ! bash scripts/vscode/setup.sh; then
    echo "== vscode: FAILED: the VS Code test rig could not be installed (scripts/vscode/setup.sh above; no network?)" >&2
    record vscode 0 1 0
    return
  fi
  local tally="$tally_dir/vscode.json"
  # dist/ was just built by the build tier.
  LENS_TALLY_FILE="$tally" LENS_VSCODE_SKIP_BUILD=1 bash scripts/vscode/run-tests.sh
  record_tally vscode $? "$tally"
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

echo "== browser (webview bundles in headless Chromium; screenshots in .test-run/browser)"
# Debian's chromium is installed when missing (like the VS Code rig); a browser that cannot be installed fails.
if bash scripts/browser/ensure-chromium.sh && npx tsc -p test/browser/tsconfig.json; then
  mocha_tier browser .mocharc.browser.json out/test/browser
else
  echo "== browser: FAILED: chromium could not be installed or test/browser did not compile" >&2
  record browser 0 1 0
fi

echo "== integration"
mocha_tier integration .mocharc.integration.json out/test/integration

echo "== vscode (extension tests in code-server; screenshots in .test-run/vscode/shots)"
vscode_tier

finish
