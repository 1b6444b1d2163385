#!/usr/bin/env bash
# The fleet benchmark's setup: the manual CIS procedure it measures against needs the real kubectl.
# Installs Debian's kubernetes-client when kubectl is missing (needs root or sudo; waits for the dpkg lock).
set -euo pipefail
if command -v kubectl >/dev/null 2>&1; then
  kubectl version --client 2>/dev/null | head -1 || true
  exit 0
fi
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
"${sudo_cmd[@]}" apt-get -o DPkg::Lock::Timeout=600 update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends kubernetes-client
kubectl version --client 2>/dev/null | head -1 || true
