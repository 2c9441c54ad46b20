# engine-helpers.bash: what the engine's tests (engine*.bats) share: a store and run root of
# the test's own with the fixture busybox rootfs imported as image `busybox`, a teardown that
# fails when anything of the test is left (record, container directory, mount, runtime state,
# monitor process), and short ways to call hull. Load after helpers.bash.

HULL=${HULL:-$BUILD/src/hull/hull}

engine_setup() {
  [ -x "$HULL" ] || fail "HULL=$HULL is not an executable; build hull first"
  [ -d "$ROOTFS_SRC/bin" ] || fail "fixture rootfs missing: $ROOTFS_SRC"
  T=$BATS_TEST_TMPDIR
  STORE=$T/store
  RUNROOT=$T/run
  import_busybox
}

engine_teardown() {
  local left
  hull rm -af >/dev/null 2>&1 || true
  left=$(findmnt -rn -o TARGET | grep -F "$T/" || true)
  if [ -n "$left" ]; then
    for m in $left; do umount -l "$m" 2>/dev/null || true; done
    fail "mounts left: $left"
  fi
  left=$(ls -A "$RUNROOT/runtime" 2>/dev/null | grep -vx -e @seccomp-cache -e .@spare || true)
  [ -z "$left" ] || fail "runtime state left: $left"
  [ -z "$(ls -A "$STORE/containers" 2>/dev/null)" ] || fail "container directories left: $(ls -A "$STORE/containers")"
  left=$(pgrep -f -- "--root $STORE" || true)
  [ -z "$left" ] || { kill -9 $left 2>/dev/null || true; fail "processes left: $left"; }
}

hull() { "$HULL" --root "$STORE" --runroot "$RUNROOT" "$@"; }
# hull without its warnings (every container of these tests runs as root, which is warned of)
hq() {
  local rc=0
  "$HULL" --root "$STORE" --runroot "$RUNROOT" "$@" 2>"$T/hq.err" || rc=$?
  grep -v '^hull: warning: the container runs as root' "$T/hq.err" >&2 || true
  return $rc
}

import_busybox() {
  local tar=$HULL_TEST_CACHE/busybox-rootfs.tar
  [ -s "$tar" ] || tar -C "$ROOTFS_SRC" --numeric-owner -cf "$tar" .
  run -0 hull import --change 'CMD=["/bin/sh"]' --change 'ENV FOO=bar' "$tar" busybox
  IMAGE_ID=$output
}

# records_count: how many containers the engine has
records_count() { hull ps -a --format json | jq length; }

# until_state NAME STATE: wait (at most HULL_WAIT s) for NAME's record to say STATE
until_state() {
  local i
  for ((i = 0; i < HULL_WAIT * 20; i++)); do
    [ "$(hull inspect "$1" 2>/dev/null | jq -r '.[0].State.Status')" = "$2" ] && return 0
    sleep 0.05
  done
  fail "container $1 never became $2: $(hull inspect "$1" | jq -c '.[0].State')"
}
