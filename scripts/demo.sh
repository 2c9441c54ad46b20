#!/usr/bin/env bash
# demo.sh: build hull, make the project's own busybox image (a rootfs from Debian's
# busybox-static, imported with `hull import`: no network needed), and run one container of it
# with `hull run` and nothing but hull's defaults. It prints what the container sees from
# inside, then what its config (made by hull run) gave it.
# Run as root on Debian 12 after scripts/install-deps.sh. The image and the container records
# go to the default store (/var/lib/hull); the container is removed after it ran.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$repo/$BUILD ;; esac

log=$(mktemp); trap 'rm -f "$log"' EXIT
if [ ! -f "$BUILD/build.ninja" ]; then meson setup "$BUILD" >"$log" 2>&1 || { cat "$log"; exit 1; }; fi
ninja -C "$BUILD" >"$log" 2>&1 || { cat "$log"; exit 1; }
hull=$BUILD/src/hull/hull

# The image: the busybox rootfs with a script that reports what the container sees.
demo=$BUILD/demo
rm -rf "$demo"
mkdir -p "$demo"
tests/fixtures/mkrootfs.sh "$demo/rootfs" >/dev/null
cat > "$demo/rootfs/demo.sh" <<'SCRIPT'
status() { awk -v f="$1:" '$1 == f { print $2 }' /proc/self/status; }
echo "inside the container:"
echo "  id:          $(id)"
echo "  hostname:    $(hostname)"
echo "  pid:         $$ (its own pid namespace)"
echo "  network:     $(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | paste -sd, -) only"
for f in NoNewPrivs Seccomp CapEff CapBnd; do printf '  %-12s %s\n' "$f:" "$(status $f)"; done
if mkdir /sys/fs/cgroup/probe 2>/dev/null || touch /proc/sys/kernel/probe 2>/dev/null; then
  echo "  /sys, /proc/sys: writable (!)"; else echo "  /sys, /proc/sys: read-only"; fi
if [ -s /proc/kcore ]; then echo "  /proc/kcore: readable (!)"; else echo "  /proc/kcore: masked"; fi
if mknod /tmp/probe-dev c 1 1 2>/dev/null; then echo "  mknod: allowed (!)"; else echo "  mknod: refused"; fi
SCRIPT
tar -C "$demo/rootfs" --numeric-owner -cf "$demo/rootfs.tar" .
"$hull" import --change 'CMD=["sh", "/demo.sh"]' "$demo/rootfs.tar" hull-demo:latest >/dev/null

# The container, run with the defaults alone; then what its config held.
name=hull-demo-$$
echo "$("$hull" --version): hull run --name $name hull-demo"
"$hull" run --name "$name" hull-demo </dev/null
"$hull" inspect "$name" | jq -r '.[0].Spec as $s | "what protected it (its config, made by hull run from the image and the defaults):",
  "  namespaces:   \([$s.linux.namespaces[].type] | join(", "))",
  "  capabilities: \($s.process.capabilities.bounding | map(ltrimstr("CAP_")) | join(" "))",
  "  seccomp:      default \($s.linux.seccomp.defaultAction), \([$s.linux.seccomp.syscalls[] | select(.action == "SCMP_ACT_ALLOW") | .names[]] | length) system calls allowed",
  "  noNewPrivileges: \($s.process.noNewPrivileges); masked paths: \($s.linux.maskedPaths | length); read-only paths: \($s.linux.readonlyPaths | length)",
  "  pids limit:   \($s.linux.resources.pids.limit // "none"); nofile: \([$s.process.rlimits[]? | select(.type == "RLIMIT_NOFILE") | "\(.soft):\(.hard)"] | join(""))"'
"$hull" rm "$name" >/dev/null
