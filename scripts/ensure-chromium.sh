#!/usr/bin/env bash
# The support web console's browser tests (tools/support/test/web) drive Debian's Chromium through
# playwright-core; no browser is ever downloaded. Installed here when missing and we may (root with apt);
# otherwise those tests skip themselves with a message, and this step says why.
set -euo pipefail
[ -x /usr/bin/chromium ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: /usr/bin/chromium is missing and cannot be installed here (needs root and apt-get):" \
    "the web console's browser tests will be SKIPPED. Install it with: apt-get install -y chromium" >&2
  exit 0
fi
echo "ensure-chromium: installing chromium from Debian's packages" >&2
apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2 ||
  echo "ensure-chromium: installing chromium failed: the web console's browser tests will be SKIPPED" >&2
