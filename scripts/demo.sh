#!/usr/bin/env bash
# demo.sh: build hull, make a busybox bundle with `hull-runtime spec` (hull's own defaults:
# every protection on), and run one container that reports what it sees from inside.
# Run as root on Debian 12 after scripts/install-deps.sh.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$repo/$BUILD ;; esac

log=$(mktemp); trap 'rm -f "$log"' EXIT
if [ ! -f "$BUILD/build.ninja" ]; then meson setup "$BUILD" >"$log" 2>&1 || { cat "$log"; exit 1; }; fi
ninja -C "$BUILD" >"$log" 2>&1 || { cat "$log"; exit 1; }
hull=$BUILD/src/hull-runtime/hull-runtime

demo=$BUILD/demo
rm -rf "$demo/bundle"
mkdir -p "$demo/bundle"
tests/fixtures/mkrootfs.sh "$demo/bundle/rootfs"
( cd "$demo/bundle" && "$hull" spec )

# What the container reports, as a script inside its rootfs.
cat > "$demo/bundle/rootfs/demo.sh" <<'SCRIPT'
status() { awk -v f="$1:" '$1 == f { print $2 }' /proc/self/status; }
echo "id:          $(id)"
echo "hostname:    $(hostname)"
echo "pid:         $$ (its own pid namespace)"
echo "network:     $(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | paste -sd, -) only"
for f in NoNewPrivs Seccomp CapEff CapBnd; do printf '%-12s %s\n' "$f:" "$(status $f)"; done
if touch /probe 2>/dev/null; then echo "rootfs:      writable"; else echo "rootfs:      read-only"; fi
SCRIPT

# The default config from `hull-runtime spec`, with only the command changed.
jq '.process.args = ["sh", "/demo.sh"]' "$demo/bundle/config.json" > "$demo/bundle/config.json.new"
mv "$demo/bundle/config.json.new" "$demo/bundle/config.json"

echo "$("$hull" --version | head -1): running a busybox container with hull's default config"
"$hull" --root "$demo/state" run --bundle "$demo/bundle" "hull-demo-$$" </dev/null
