#!/usr/bin/env bash
# Installs every Debian package allot needs to build, test and benchmark.
# Idempotent and non-interactive: packages already present are skipped, and
# apt-get runs only when something is missing. Run as root (or with sudo).
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git curl ca-certificates
  clang libclang-rt-14-dev
  libcpp-httplib-dev nlohmann-json3-dev libspdlog-dev prometheus-cpp-dev
  libboost-dev libboost-program-options-dev libboost-system-dev
  libyaml-cpp-dev libre2-dev libssl-dev openssl zlib1g-dev libbrotli-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  prometheus valgrind
  umoci
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian's prometheus package starts a system service; allot's tests start their own.
if command -v systemctl >/dev/null 2>&1; then $SUDO systemctl stop prometheus >/dev/null 2>&1 || true; fi
pkill -x prometheus-node-exporter >/dev/null 2>&1 || true
echo "install-deps: done"
