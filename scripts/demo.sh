#!/usr/bin/env bash
# `npm run demo`: a live Celery cluster, shown in a real VS Code with Celery Lens connected to it. Starts a
# private Redis on a free port, two Celery workers running the shop demo app (scripts/demo/shopdemo) and a
# traffic generator, builds the extension, writes a demo workspace (.test-run/demo-workspace) whose settings
# name the cluster, then opens it with this repo as the extension under development:
#   - desktop VS Code (`code --extensionDevelopmentPath=<repo> <workspace>`) when `code` is on PATH and
#     there is a display;
#   - otherwise code-server from the VS Code test rig (scripts/vscode/setup.sh installs it once), on
#     127.0.0.1: the address to open in a browser is printed.
# Ctrl-C stops everything it started (code-server, workers, Redis, traffic).
#   DEMO_DURATION=N  stop after N seconds (non-interactive runs)
#   DEMO_VIEW=cmd    a celery-lens command in the terminal instead of the editor: watch (`npm run demo:watch`), events
#   DEMO_EDITOR=code|code-server  force one editor (default: code when usable, else code-server)
#   DEMO_PORT=N      code-server's port (default: a free one)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
py=/usr/bin/python3
state="${TMPDIR:-/tmp}/celery-lens-demo"
pids_file="$state/pids"
workspace=$repo/.test-run/demo-workspace

say() { echo "[demo] $*"; }

# Process groups started by this script (or by a previous run that was killed hard).
stop_groups() { # signal
  [ -f "$pids_file" ] || return 0
  local pid
  while read -r pid; do
    # pid reuse guard: only our own kinds of processes
    grep -qaE 'shopdemo|redis-server|traffic.py|open-code-server' "/proc/$pid/cmdline" 2>/dev/null && kill "-$1" -- "-$pid" 2>/dev/null || true
  done <"$pids_file"
}

alive_groups() {
  [ -f "$pids_file" ] || return 1
  local pid
  while read -r pid; do kill -0 "$pid" 2>/dev/null && return 0; done <"$pids_file"
  return 1
}

cleanup() {
  trap - EXIT INT TERM
  say "stopping the demo cluster"
  stop_groups TERM
  for _ in $(seq 50); do alive_groups || break; sleep 0.2; done
  stop_groups KILL
  rm -f "$pids_file"
}

start() { # name logfile command... : in its own process group, recorded for cleanup
  local name=$1 log=$2; shift 2
  setsid "$@" >>"$log" 2>&1 </dev/null &
  echo $! >>"$pids_file"
  say "started $name (pid $!, log $log)"
}

wait_for() { # seconds description command...
  local seconds=$1 what=$2; shift 2
  for _ in $(seq $((seconds * 5))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  say "timed out waiting for $what"; return 1
}

# The folder the editor opens. Its settings name the demo cluster (this Redis has no password).
write_workspace() { # broker backend open-view(yes|no)
  rm -rf "$workspace" && mkdir -p "$workspace/.vscode"
  cat >"$workspace/.vscode/settings.json" <<JSON
{
  "celeryLens.connections": [
    { "name": "Demo shop", "brokerUrl": "$1", "backendUrl": "$2", "readOnly": true }
  ]
}
JSON
  # Shows the Celery view when the folder opens (the extension connects once a Celery view is visible).
  # The command returns no string, so VS Code runs it and then drops the task: no terminal. Only for
  # code-server, whose throw-away profile allows automatic tasks: desktop VS Code would ask the user to
  # allow automatic tasks for every folder.
  if [ "$3" = yes ]; then cat >"$workspace/.vscode/tasks.json" <<'JSON'
{
  "version": "2.0.0",
  "tasks": [
    {
      "label": "Show the Celery view",
      "type": "shell",
      "command": "echo ${command:celeryLens.focus}",
      "presentation": { "reveal": "never" },
      "runOptions": { "runOn": "folderOpen" }
    }
  ]
}
JSON
  fi
  cat >"$workspace/README.md" <<MD
# Celery Lens demo workspace

Written by \`npm run demo\` (scripts/demo.sh) on every run. \`.vscode/settings.json\` connects Celery Lens
to the demo cluster: broker $1, result backend $2, read-only.
Click the Celery icon in the activity bar to see its workers, queues and tasks. The demo app's code is in
\`scripts/demo/shopdemo/\` of the Celery Lens repository.
MD
}

has_display() { [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ] || [ "$(uname -s)" = Darwin ]; }

# A previous demo killed without cleanup: stop its leftovers first.
if alive_groups; then say "stopping leftovers of a previous demo"; cleanup; fi
rm -rf "$state" && mkdir -p "$state"
trap cleanup EXIT
trap 'exit 130' INT TERM

view=${DEMO_VIEW:-editor}
editor=
if [ "$view" = editor ]; then
  editor=${DEMO_EDITOR:-}
  if [ -z "$editor" ]; then
    if command -v code >/dev/null 2>&1 && has_display; then editor=code; else editor=code-server; fi
  fi
  case $editor in code|code-server) ;; *) say "DEMO_EDITOR must be code or code-server"; exit 2 ;; esac
fi

bash scripts/install-deps.sh
if [ "$editor" = code-server ] && ! bash scripts/vscode/setup.sh; then
  say "could not install code-server (scripts/vscode/setup.sh failed): showing celery-lens watch instead"
  editor= view=watch
fi
say "building the extension and the CLI"
if ! npm run --silent build; then
  [ -f dist/cli.js ] && [ -f dist/extension.js ] || { say "build failed and dist/ is incomplete"; exit 1; }
  say "build failed: using the previous dist/"
fi

port=$($py -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
broker="redis://127.0.0.1:$port/0"
backend="redis://127.0.0.1:$port/1"
start redis "$state/redis.log" redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$state"
wait_for 10 "redis on port $port" redis-cli -p "$port" ping

export DEMO_BROKER_URL=$broker DEMO_BACKEND_URL=$backend PYTHONPATH="$repo/scripts/demo" PYTHONUNBUFFERED=1
celery=("$py" -m celery -A shopdemo.celery_app:app)
start worker1 "$state/worker1.log" "${celery[@]}" worker -n worker1@%h -Q celery,emails -c 2 -E -l INFO --without-mingle --without-gossip
start worker2 "$state/worker2.log" "${celery[@]}" worker -n worker2@%h -Q celery,media,reports -c 2 -E -l INFO --without-mingle --without-gossip
wait_for 60 "worker1" grep -q ' ready\.' "$state/worker1.log"
wait_for 60 "worker2" grep -q ' ready\.' "$state/worker2.log"
start traffic "$state/traffic.log" "$py" "$repo/scripts/demo/traffic.py"

cli=(node "$repo/dist/cli.js" --broker "$broker" --backend "$backend")
say "cluster: broker $broker, backend $backend; logs in $state"
say "try in another terminal: node dist/cli.js --broker $broker --backend $backend ping"
if [ -n "${DEMO_DURATION:-}" ]; then limit=(timeout --foreground -s INT "$DEMO_DURATION"); else limit=(); fi

set +e
if [ "$editor" = code ]; then
  write_workspace "$broker" "$backend" no
  say "running: code --extensionDevelopmentPath=$repo $workspace"
  code --new-window --extensionDevelopmentPath="$repo" "$workspace"
  say "VS Code opens an [Extension Development Host] window with Celery Lens connected to the demo cluster"
  say "click the Celery icon in its activity bar to see the cluster."
  say "The cluster runs until Ctrl-C here; close that window yourself."
  "${limit[@]}" sleep infinity
elif [ "$editor" = code-server ]; then
  write_workspace "$broker" "$backend" yes
  start code-server "$state/open-code-server.log" bash "$repo/scripts/vscode/open-code-server.sh" \
    --port "${DEMO_PORT:-0}" --state "$state/code-server" "$workspace"
  cs_pid=$(tail -n 1 "$pids_file")
  if ! wait_for 60 "code-server" test -s "$state/code-server/url"; then
    cat "$state/open-code-server.log" >&2
    exit 1
  fi
  url=$(cat "$state/code-server/url")
  cs_port=${url#http://127.0.0.1:} cs_port=${cs_port%%/*}
  echo
  echo "  Celery Lens runs in code-server (VS Code in the browser), connected to the demo cluster."
  echo "  Open this address in a browser:"
  echo
  echo "  $url"
  echo
  say "the Celery view opens by itself (else click the Celery icon in the activity bar)"
  say "from another machine: ssh -L $cs_port:127.0.0.1:$cs_port <this host>, then open the same address"
  say "Ctrl-C stops code-server and the cluster; code-server's logs: $state/code-server"
  # Returns when code-server ends, DEMO_DURATION elapses or on Ctrl-C.
  "${limit[@]}" tail -n 0 --pid="$cs_pid" -f "$state/open-code-server.log"
else
  commands=$("${cli[@]}" --help 2>&1 || true)
  if ! grep -qE "^ +$view " <<<"$commands"; then
    view=events
    grep -qE '^ +events ' <<<"$commands" || view=
  fi
  if [ -n "$view" ]; then
    say "running: celery-lens $view (Ctrl-C to stop)"
    "${limit[@]}" "${cli[@]}" "$view"
  else
    say "celery-lens has no watch/events command yet: showing worker logs (Ctrl-C to stop)"
    "${limit[@]}" tail -n 5 -F "$state/worker1.log" "$state/worker2.log"
  fi
fi
status=$?
set -e
# 124 = DEMO_DURATION elapsed, 130 = Ctrl-C: both are normal ways to end the demo.
case $status in 0|124|130) exit 0 ;; *) exit "$status" ;; esac
