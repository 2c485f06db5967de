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
mkdir -p "$artifacts/logs" "$artifacts/shots" "$state"/{ud/User,ext,home,tmp,xdg/data,xdg/config,xdg/cache}
# Tests may write workspace settings: they get a copy, never the fixture itself.
cp -R "$root/test/fixtures/workspace" "$state/workspace"
cat > "$state/ud/User/settings.json" <<'JSON'
{
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "chat.disableAIFeatures": true,
  "git.enabled": false
}
JSON

# Every process of the run (code-server, its extension host, chromium) inherits this variable: cleanup
# finds stragglers by it. HOME, TMPDIR and XDG_* point into $state because code-server, VS Code and
# chromium otherwise leave files in ~/.local/share/code-server, ~/.cache/Microsoft, ~/.config/chromium,
# ~/.pki and /tmp.
run_id=$state
run_env=(env "LENS_VSCODE_RUN_ID=$run_id" "HOME=$state/home" "TMPDIR=$state/tmp"
  "XDG_DATA_HOME=$state/xdg/data" "XDG_CONFIG_HOME=$state/xdg/config" "XDG_CACHE_HOME=$state/xdg/cache")

kill_tagged() { # signal: every process whose environment carries this run's id
  local file pid
  for file in $(grep -lzxF "LENS_VSCODE_RUN_ID=$run_id" /proc/[0-9]*/environ 2>/dev/null); do
    pid=${file#/proc/}; pid=${pid%/environ}
    kill "-$1" "$pid" 2>/dev/null
  done
}

harness_pid=
cleanup() {
  [ -n "$harness_pid" ] && kill "$harness_pid" 2>/dev/null
  [ -s "$state/code-server.pid" ] && kill -TERM -- "-$(cat "$state/code-server.pid")" 2>/dev/null
  sleep 1
  kill_tagged TERM
  if grep -qlzxF "LENS_VSCODE_RUN_ID=$run_id" /proc/[0-9]*/environ 2>/dev/null; then sleep 2; kill_tagged KILL; fi
  # Server-side logs: the extension host's (remoteexthost.log), the extension's output channels, ...
  cp -R "$state/ud/logs" "$artifacts/logs/server" 2>/dev/null
  rm -rf "$state"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# code-server in its own session (its pid is the group id, written by the shell that execs it), on a free
# port it picks itself (port 0; read back from its log). enable-smoke-test-driver is required: without it
# the built workbench ignores the URL payload that names the extension and the tests.
echo "bind-addr: 127.0.0.1:0" > "$state/config.yaml"
cs_log=$artifacts/logs/code-server.log
setsid bash -c 'echo $$ > "$0"; exec "$@"' "$state/code-server.pid" "${run_env[@]}" PATH="$rig/bin:$PATH" \
  "$rig/cs/node_modules/.bin/code-server" --config "$state/config.yaml" --bind-addr 127.0.0.1:0 --auth none \
  --user-data-dir "$state/ud" --extensions-dir "$state/ext" --disable-telemetry --disable-update-check \
  --disable-workspace-trust --disable-getting-started-override --vscode-option enable-smoke-test-driver \
  "$state/workspace" > "$cs_log" 2>&1 &
cs_pid=$!
port=
for _ in $(seq 1 150); do
  port=$(sed -n 's#.*HTTP server listening on http://127\.0\.0\.1:\([0-9]*\)/.*#\1#p' "$cs_log" | head -n 1)
  [ -n "$port" ] && break   # logged once the server listens
  kill -0 "$cs_pid" 2>/dev/null || break
  port=
  sleep 0.2
done
[ -n "$port" ] || { tail -n 30 "$cs_log" >&2; fail "code-server did not start (log: $cs_log)"; }
echo "code-server $(sed -n 's/.*code-server \([0-9][0-9.]*\) .*/\1/p' "$cs_log" | head -n 1) on 127.0.0.1:$port"

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
