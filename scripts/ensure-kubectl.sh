#!/usr/bin/env bash
# kubectl renders the kustomize overlays (`kubectl kustomize`, offline) for the deployment manifest checks.
# Debian ships it; installed here when missing (the project's machines run as root with apt access).
set -euo pipefail
command -v kubectl >/dev/null 2>&1 && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-kubectl: kubectl is missing; install it (Debian/Ubuntu: apt-get install kubectl)" >&2
  exit 1
fi
echo "ensure-kubectl: installing kubectl from Debian's packages" >&2
apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kubectl >&2
