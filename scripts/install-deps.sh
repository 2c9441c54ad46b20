#!/usr/bin/env bash
# install-deps.sh: everything needed to build hull and run its tests and benchmarks on
# Debian 12, installed with apt. Run as root. Idempotent: when every package is already
# installed it does nothing (no apt-get update), so re-runs take well under a second.
set -euo pipefail

packages=(
  # build
  build-essential gcc clang libclang-rt-dev meson ninja-build pkg-config
  libjansson-dev libseccomp-dev libcap-dev libselinux1-dev
  # images: layer reading, hashing, decompression, the registry client
  libarchive-dev libssl-dev zlib1g-dev libzstd-dev libcurl4-openssl-dev
  # the engine: container records
  libsqlite3-dev
  # test fixtures and harness
  busybox-static bats jq util-linux iproute2 perl strace time
  # reference runtimes and podman (with its default network stack)
  runc crun podman conmon uidmap netavark aardvark-dns iptables catatonit
  # reference image tools and a local registry for the image tests
  skopeo umoci docker-registry
  # benchmarks
  hyperfine
)

# one dpkg-query for all: packages it does not know are simply absent from its output
# (dpkg-query exits 1 when it knows none or only some of them, as on a fresh machine: not an error)
installed=$({ dpkg-query -W -f='${Package} ${Status}\n' "${packages[@]}" 2>/dev/null || true; } |
  awk '$NF == "installed" && $(NF-1) == "ok" { sub(/:.*/, "", $1); print $1 }')
missing=()
for p in "${packages[@]}"; do
  grep -qx -- "$p" <<<"$installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing ${missing[*]}; run as root" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
