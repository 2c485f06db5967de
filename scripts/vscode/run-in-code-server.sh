#!/usr/bin/env bash
# Runs the compiled VS Code tests (out/test/vscode/index.js) once, inside a throw-away code-server driven by
# headless Chromium, then stops both. Called by run-tests.sh, which builds, compiles and provides the test
# cluster; use that instead. The last line printed is `N passed, N failed, N skipped`; the exit code is 0
# only if every test passed. Screenshots and logs of the last run: .test-run/vscode/{shots,logs}/.
#
# Knobs: LENS_VSCODE_RIG (rig folder, see setup.sh), LENS_VSCODE_ARTIFACTS (default .test-run/vscode),
# LENS_VSCODE_TIMEOUT (seconds for the whole run, default 900), LENS_VSCODE_VERBOSE=1 (every page console line).
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
rig=${LENS_VSCODE_RIG:-$HOME/.cache/celery-lens/vscode-rig}
artifacts=${LENS_VSCODE_ARTIFACTS:-$root/.test-run/vscode}
timeout_s=${LENS_VSCODE_TIMEOUT:-900}
tests=$root/out/test/vscode/index.js

fail() { echo "vscode tier: $*" >&2; echo "0 passed, 1 failed, 0 skipped"; exit 2; }
for need in "$rig/bin/node" "$rig/cs/node_modules/.bin/code-server" "$rig/pw/node_modules/playwright-core"; do
  [ -e "$need" ] || fail "$need is missing: run scripts/vscode/setup.sh"
done
[ -f "$tests" ] || fail "$tests is missing: compile first (scripts/vscode/run-tests.sh does)"
[ -f "$root/dist/extension.js" ] || fail "dist/extension.js is missing: npm run build"

state=$(mktemp -d "${TMPDIR:-/tmp}/celery-lens-vscode.XXXXXX")
rm -rf "$artifacts"
mkdir -p "$artifacts/logs" "$artifacts/shots"
source "$root/scripts/vscode/code-server-lib.sh"
cs_prepare_profile
# Tests may write workspace settings: they get a copy, never the fixture itself.
cp -R "$root/test/fixtures/workspace" "$state/workspace"

harness_pid=
cleanup() {
  [ -n "$harness_pid" ] && kill "$harness_pid" 2>/dev/null
  [ -s "$state/code-server.pid" ] && kill -TERM -- "-$(cat "$state/code-server.pid")" 2>/dev/null
  sleep 1
  kill_tagged TERM
  if tagged_alive; then sleep 2; kill_tagged KILL; fi
  # Server-side logs: the extension host's (remoteexthost.log), the extension's output channels, ...
  cp -R "$state/ud/logs" "$artifacts/logs/server" 2>/dev/null
  rm -rf "$state"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cs_log=$artifacts/logs/code-server.log
cs_start 0 "$state/workspace" "$cs_log" || fail "code-server did not start (log: $cs_log)"
port=$cs_port
echo "code-server $(cs_version "$cs_log") on 127.0.0.1:$port"

# The harness's own deadline fires first (and saves shots/timeout.png); `timeout` is the backstop.
"${run_env[@]}" NODE_PATH="$rig/pw/node_modules" timeout -k 10 "$timeout_s" node "$root/scripts/vscode/harness.js" \
  --server "http://127.0.0.1:$port" --folder "$state/workspace" --dev "$root" --tests "$tests" \
  --artifacts "$artifacts" --result "$state/result.json" --timeout "$(( (timeout_s - 20) * 1000 ))" &
harness_pid=$!
wait "$harness_pid"
rc=$?
harness_pid=

if [ -s "$state/result.json" ]; then
  cp "$state/result.json" "$artifacts/logs/result.json"
  read -r passed failed skipped < <(node -e 'const r = require(process.argv[1]); console.log(r.passed, r.failed, r.skipped)' "$state/result.json")
  # The browser relays the tests' output and could drop lines: the failures, from the file, for sure.
  node -e 'for (const f of require(process.argv[1]).failures) console.log(`failed: ${f.title}\n  ${f.error.split("\n")[0]}`)' "$state/result.json"
else
  echo "vscode tier: the tests reported no result (harness exit $rc): see $artifacts/logs" >&2
  passed=0 failed=0 skipped=0
fi
# A run that failed without a failing test (runner crash, timeout) still counts as one failure.
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
if [ -n "${LENS_TALLY_FILE:-}" ]; then
  printf '{"passed":%d,"failed":%d,"skipped":%d}\n' "$passed" "$failed" "$skipped" > "$LENS_TALLY_FILE"
fi
echo "screenshots: $artifacts/shots  logs: $artifacts/logs"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$rc" -eq 0 ] && [ "$failed" -eq 0 ]
