# Sourced by run-in-code-server.sh (the VS Code test tier) and open-code-server.sh (the demo): one way to
# lay out a throw-away code-server profile, start code-server on a free port, and stop everything it started.
# The caller sets `rig` and `state` first.

# A fresh profile under $state. Extra lines for settings.json (each `"key": value`) may follow.
cs_prepare_profile() {
  mkdir -p "$state"/{ud/User,ext,home,tmp,xdg/data,xdg/config,xdg/cache}
  local extra=""
  for line in "$@"; do extra+=$',\n  '"$line"; done
  cat > "$state/ud/User/settings.json" <<JSON
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
  "git.enabled": false$extra
}
JSON
  # Every process of the run (code-server, its extension host, chromium) inherits LENS_VSCODE_RUN_ID:
  # cleanup finds stragglers by it. HOME, TMPDIR and XDG_* point into $state because code-server, VS Code
  # and chromium otherwise leave files in ~/.local/share/code-server, ~/.cache, ~/.config, ~/.pki and /tmp.
  run_id=$state
  run_env=(env "LENS_VSCODE_RUN_ID=$run_id" "HOME=$state/home" "TMPDIR=$state/tmp"
    "XDG_DATA_HOME=$state/xdg/data" "XDG_CONFIG_HOME=$state/xdg/config" "XDG_CACHE_HOME=$state/xdg/cache")
}

kill_tagged() { # signal: every process whose environment carries this run's id
  local file pid
  for file in $(grep -lzxF "LENS_VSCODE_RUN_ID=$run_id" /proc/[0-9]*/environ 2>/dev/null); do
    pid=${file#/proc/}; pid=${pid%/environ}
    kill "-$1" "$pid" 2>/dev/null
  done
}
tagged_alive() { grep -qlzxF "LENS_VSCODE_RUN_ID=$run_id" /proc/[0-9]*/environ 2>/dev/null; }

# cs_start PORT FOLDER LOG [code-server options...]: starts code-server in its own session (its pid, the
# group id, in $state/code-server.pid and $cs_pid), waits until it listens and sets $cs_port (empty when it
# did not start). PORT 0 = code-server picks a free one and logs it. enable-smoke-test-driver is required:
# without it the built workbench ignores the URL payload that names the extension (and the tests).
cs_start() {
  local port=$1 folder=$2 log=$3; shift 3
  echo "bind-addr: 127.0.0.1:$port" > "$state/config.yaml"
  setsid bash -c 'echo $$ > "$0"; exec "$@"' "$state/code-server.pid" "${run_env[@]}" PATH="$rig/bin:$PATH" \
    "$rig/cs/node_modules/.bin/code-server" --config "$state/config.yaml" --bind-addr "127.0.0.1:$port" --auth none \
    --user-data-dir "$state/ud" --extensions-dir "$state/ext" --disable-telemetry --disable-update-check \
    --disable-workspace-trust --disable-getting-started-override --vscode-option enable-smoke-test-driver \
    "$@" "$folder" > "$log" 2>&1 </dev/null &
  cs_pid=$!
  cs_port=
  for _ in $(seq 1 150); do
    cs_port=$(sed -n 's#.*HTTP server listening on http://127\.0\.0\.1:\([0-9]*\)/.*#\1#p' "$log" | head -n 1)
    [ -n "$cs_port" ] && return 0   # logged once the server listens
    kill -0 "$cs_pid" 2>/dev/null || break
    sleep 0.2
  done
  tail -n 30 "$log" >&2
  return 1
}

cs_version() { sed -n 's/.*code-server \([0-9][0-9.]*\) .*/\1/p' "$1" | head -n 1; }
