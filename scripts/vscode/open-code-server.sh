#!/usr/bin/env bash
# Opens a folder in code-server (a real VS Code in the browser) with this repo loaded as the extension under
# development, prints the address to open, and keeps serving until stopped (Ctrl-C, SIGINT or SIGTERM), then
# stops code-server and everything it started. Used by `npm run demo` where desktop VS Code is not available.
#
# usage: open-code-server.sh [--port N] [--state DIR] [--dev DIR] FOLDER
#   --port N     port on 127.0.0.1 (default: a free one)
#   --state DIR  where code-server's user data, extensions, logs and the address (DIR/url) go; kept after
#                the run (default: a temporary folder, removed at the end)
#   --dev DIR    the extension under development (default: this repo; `npm run build` must have made dist/)
# Needs the rig from scripts/vscode/setup.sh (run it first; it is idempotent).
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
rig=${LENS_VSCODE_RIG:-$HOME/.cache/celery-lens/vscode-rig}
port=0 state= dev=$root folder=

say() { echo "[code-server] $*"; }
fail() { say "$*" >&2; exit 1; }
while [ $# -gt 0 ]; do
  case $1 in
    --port) port=$2; shift 2 ;;
    --state) state=$2; shift 2 ;;
    --dev) dev=$2; shift 2 ;;
    -*) fail "unknown option $1" ;;
    *) folder=$1; shift ;;
  esac
done
[ -n "$folder" ] && [ -d "$folder" ] || fail "usage: open-code-server.sh [--port N] [--state DIR] [--dev DIR] FOLDER"
folder=$(cd "$folder" && pwd) dev=$(cd "$dev" && pwd)
for need in "$rig/bin/node" "$rig/cs/node_modules/.bin/code-server"; do
  [ -e "$need" ] || fail "$need is missing: run scripts/vscode/setup.sh"
done
[ -f "$dev/dist/extension.js" ] || fail "$dev/dist/extension.js is missing: npm run build"

keep_state=1
if [ -z "$state" ]; then state=$(mktemp -d "${TMPDIR:-/tmp}/celery-lens-code-server.XXXXXX"); keep_state=0; fi
state=$(mkdir -p "$state" && cd "$state" && pwd)
rm -rf "$state/ud" "$state/ext" "$state/home" "$state/xdg" "$state/url"
source "$root/scripts/vscode/code-server-lib.sh"
# A fresh profile each run; automatic tasks on, so a workspace task can open the Celery view at start.
cs_prepare_profile '"task.allowAutomaticTasks": "on"'

cs_pid=
cleanup() {
  trap - EXIT INT TERM
  say "stopping code-server"
  [ -n "$cs_pid" ] && kill -TERM "$cs_pid" 2>/dev/null
  kill_tagged TERM
  for _ in $(seq 25); do tagged_alive || break; sleep 0.2; done
  kill_tagged KILL
  rm -f "$state/url"
  [ "$keep_state" = 1 ] || rm -rf "$state"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

# A closed or reloaded tab leaves its extension host (and its cluster connections) running for the
# reconnection grace time: 3 hours by default, 2 minutes here.
log=$state/code-server.log
cs_start "$port" "$folder" "$log" --reconnection-grace-time 120 || fail "code-server did not start (log: $log)"
actual=$cs_port

# The payload's vscode-remote authority must be exactly the host:port the browser opens.
url=$(node -e '
  const [server, folder, dev] = process.argv.slice(1);
  const payload = [["extensionDevelopmentPath", `vscode-remote://${new URL(server).host}${dev}`]];
  console.log(`${server}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
' "http://127.0.0.1:$actual" "$folder" "$dev")
say "code-server $(cs_version "$log") serves $folder (log: $log)"
echo
echo "  Open this address in a browser (Celery Lens runs in it as the extension under development):"
echo
echo "  $url"
echo
say "from another machine: ssh -L $actual:127.0.0.1:$actual <this host>, then open the same address"
# Written last: callers wait for this file, then follow the output.
echo "$url" > "$state/url"
wait "$cs_pid"
status=$?
cs_pid=
say "code-server exited ($status): see $log"
exit "$status"
