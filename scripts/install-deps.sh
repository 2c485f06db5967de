#!/usr/bin/env bash
# Installs what the tests and the demo need, only when missing (safe to run repeatedly):
#   Debian packages: Celery 5 and debugpy (replay tests) for /usr/bin/python3, Redis, RabbitMQ;  npm packages: node_modules.
# Runs as root or through sudo; apt-get update runs once and only if a package is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(python3 python3-celery python3-kombu python3-redis python3-amqp python3-debugpy redis-server redis-tools rabbitmq-server)

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done

if ((${#missing[@]})); then
  if [ "$(id -u)" -eq 0 ]; then sudo=(); elif command -v sudo >/dev/null; then sudo=(sudo -n); else
    echo "install-deps: missing ${missing[*]} and not root (no sudo): install them with apt-get" >&2; exit 1
  fi
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq >/dev/null
  # policy-rc.d may stop the services from starting in containers: the test harness starts its own then.
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm writes node_modules/.package-lock.json on every install: older than package-lock.json means stale.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] \
   || [ package.json -nt node_modules/.package-lock.json ]; then
  echo "install-deps: installing npm packages"
  if [ -f package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
  else
    npm install --no-audit --no-fund --loglevel=error
  fi
fi
