#!/usr/bin/env bash
# `npm run demo`: a live Celery cluster to look at with celery-lens. Starts a private Redis on a
# free port, two Celery workers running the shop demo app (scripts/demo/shopdemo), a traffic
# generator, then `celery-lens watch` in the foreground. Ctrl-C stops everything it started.
#   DEMO_DURATION=N  stop after N seconds (non-interactive runs)
#   DEMO_VIEW=cmd    celery-lens command to show instead of watch (e.g. events)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
py=/usr/bin/python3
state="${TMPDIR:-/tmp}/celery-lens-demo"
pids_file="$state/pids"

say() { echo "[demo] $*"; }

# Process groups started by this script (or by a previous run that was killed hard).
stop_groups() { # signal
  [ -f "$pids_file" ] || return 0
  local pid
  while read -r pid; do
    # pid reuse guard: only our own kinds of processes
    grep -qaE 'shopdemo|redis-server|traffic.py' "/proc/$pid/cmdline" 2>/dev/null && kill "-$1" -- "-$pid" 2>/dev/null || true
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

# A previous demo killed without cleanup: stop its leftovers first.
if alive_groups; then say "stopping leftovers of a previous demo"; cleanup; fi
rm -rf "$state" && mkdir -p "$state"
trap cleanup EXIT
trap 'exit 130' INT TERM

bash scripts/install-deps.sh
say "building the CLI"
if ! npm run --silent build; then
  [ -f dist/cli.js ] || { say "build failed and there is no dist/cli.js"; exit 1; }
  say "build failed: using the previous dist/cli.js"
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
commands=$("${cli[@]}" --help 2>&1 || true)
view=${DEMO_VIEW:-watch}
if ! grep -qE "^ +$view " <<<"$commands"; then
  view=events
  grep -qE '^ +events ' <<<"$commands" || view=
fi

say "cluster: broker $broker, backend $backend; logs in $state"
say "try in another terminal: node dist/cli.js --broker $broker --backend $backend ping"
if [ -n "${DEMO_DURATION:-}" ]; then limit=(timeout --foreground -s INT "$DEMO_DURATION"); else limit=(); fi
set +e
if [ -n "$view" ]; then
  say "running: celery-lens $view (Ctrl-C to stop)"
  "${limit[@]}" "${cli[@]}" "$view"
else
  say "celery-lens has no watch/events command yet: showing worker logs (Ctrl-C to stop)"
  "${limit[@]}" tail -n 5 -F "$state/worker1.log" "$state/worker2.log"
fi
status=$?
set -e
# 124 = DEMO_DURATION elapsed, 130 = Ctrl-C: both are normal ways to end the demo.
case $status in 0|124|130) exit 0 ;; *) exit "$status" ;; esac
